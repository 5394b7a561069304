package sim

import (
	"fmt"
	"net"
	"strings"
	"sync"
)

// Instance is a running simulated controller on a port a host can open:
// a pseudo-terminal (StartPTY) or a TCP listener (StartTCP). It embeds the
// Controller, so PowerCycle, PowerOff, PowerOn, CablePull, SetNoise, State
// and Status work on it directly.
type Instance struct {
	*Controller
	// Path is what a host opens: "/dev/pts/N" or "tcp://127.0.0.1:PORT".
	Path string
	// Link is the symlink to Path that StartPTY made (Options.Link), or "".
	Link string

	mu      sync.Mutex
	wg      sync.WaitGroup
	closers []func() error
	closed  bool
}

func (i *Instance) onClose(f func() error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.closers = append(i.closers, f)
}

// Close powers the controller off for good (see Controller.Close), closes
// the port and the control listener, and removes the link.
func (i *Instance) Close() error {
	i.mu.Lock()
	if i.closed {
		i.mu.Unlock()
		return nil
	}
	i.closed = true
	closers := i.closers
	i.mu.Unlock()
	err := i.Controller.Close()
	for j := len(closers) - 1; j >= 0; j-- {
		if e := closers[j](); e != nil && err == nil {
			err = e
		}
	}
	i.wg.Wait()
	return err
}

// StartTCP serves a simulated controller on addr ("127.0.0.1:0" or
// "tcp://127.0.0.1:0" picks a free port), the way a serial-over-TCP
// server would: one connection holds the line at a time; another one
// is closed at once. The controller runs (and logs into the void) while
// nobody is connected.
func StartTCP(addr string, opts Options) (*Instance, error) {
	l, err := net.Listen("tcp", strings.TrimPrefix(addr, "tcp://"))
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	c, err := New(opts)
	if err != nil {
		l.Close()
		return nil, err
	}
	inst := &Instance{Controller: c, Path: "tcp://" + l.Addr().String()}
	inst.onClose(func() error { l.Close(); return nil })
	inst.wg.Go(func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if err := c.Serve(conn); err != nil && err != ErrClosed {
					c.logf("tcp %s: %v", conn.RemoteAddr(), err)
				}
			}()
		}
	})
	c.Start()
	return inst, nil
}

// StartControl serves the text control interface (ControlHelp) on addr
// ("tcp://127.0.0.1:0" picks a free port) until Close, and returns the
// address it listens on as tcp://HOST:PORT.
func (i *Instance) StartControl(addr string) (string, error) {
	l, err := net.Listen("tcp", strings.TrimPrefix(addr, "tcp://"))
	if err != nil {
		return "", fmt.Errorf("sim: control: %w", err)
	}
	i.onClose(func() error { l.Close(); return nil })
	i.wg.Go(func() { i.Controller.ServeControl(l) })
	return "tcp://" + l.Addr().String(), nil
}
