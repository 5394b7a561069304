//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"
)

// PTYSupported reports whether StartPTY works on this system.
const PTYSupported = true

// StartPTY serves a simulated controller on a new pseudo-terminal in raw
// mode. Instance.Path is the device a host opens (e.g. /dev/pts/3); with
// opts.Link set, that symlink points to it until Close.
func StartPTY(opts Options) (*Instance, error) {
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	line, err := openPTY()
	if err != nil {
		c.Close()
		return nil, err
	}
	inst := &Instance{Controller: c, Path: line.slave.Name()}
	inst.onClose(line.Close)
	if opts.Link != "" {
		if err := replaceLink(opts.Link, inst.Path); err != nil {
			inst.Close()
			return nil, err
		}
		inst.Link = opts.Link
		inst.onClose(func() error {
			// Remove the link only while it still points to this device.
			if dst, err := os.Readlink(opts.Link); err == nil && dst == inst.Path {
				return os.Remove(opts.Link)
			}
			return nil
		})
	}
	inst.wg.Go(func() { c.Serve(line) })
	c.Start()
	return inst, nil
}

// replaceLink makes link a symlink to target, replacing an old symlink
// but never a regular file.
func replaceLink(link, target string) error {
	if fi, err := os.Lstat(link); err == nil {
		if fi.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("sim: %s exists and is not a symlink", link)
		}
		if err := os.Remove(link); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sim: %w", err)
	}
	if err := os.Symlink(target, link); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}

// ptyLine is the controller's end of a pseudo-terminal. The simulator
// keeps the slave open itself, so that the master never sees a hangup
// when a host closes the port.
type ptyLine struct {
	master *os.File // non-blocking: Close interrupts Read, writes time out
	slave  *os.File
}

func openPTY() (*ptyLine, error) {
	m, s, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("sim: pty: %w", err)
	}
	if _, err := term.MakeRaw(int(s.Fd())); err != nil {
		m.Close()
		s.Close()
		return nil, fmt.Errorf("sim: pty raw mode: %w", err)
	}
	// pty.Open hands out a blocking master; use a non-blocking duplicate
	// so that the runtime poller serves it.
	fd, err := syscall.Dup(int(m.Fd()))
	m.Close()
	if err == nil {
		err = syscall.SetNonblock(fd, true)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sim: pty: %w", err)
	}
	return &ptyLine{master: os.NewFile(uintptr(fd), "/dev/ptmx"), slave: s}, nil
}

func (p *ptyLine) Read(b []byte) (int, error) { return p.master.Read(b) }

// Write sends to the host. Bytes nobody reads pile up in the kernel's
// buffers; once they are full (tens of KiB) the write times out, and the
// backlog is discarded as a UART with no listener would lose it, so that
// the simulator never blocks for long and a host opening the port later
// reads little stale log.
func (p *ptyLine) Write(b []byte) (int, error) {
	p.master.SetWriteDeadline(time.Now().Add(time.Second))
	n, err := p.master.Write(b)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		flushInput(p.slave)
		return len(b), nil
	}
	return n, err
}

func (p *ptyLine) Close() error {
	err := p.master.Close()
	p.slave.Close()
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}
