package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"
)

// Port is an open connection to one controller, held exclusively: a
// serial device or raw serial over TCP.
type Port interface {
	io.ReadWriteCloser
	// Addr is the address the port was dialled with.
	Addr() string
}

// PortBusyError is Dial's refusal of a port another process holds.
type PortBusyError struct {
	Port     string
	PID      int // 0 when unknown
	LockFile string
}

func (e *PortBusyError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("another ecc process (pid %d)", e.PID)
		if e.PID == os.Getpid() {
			who = fmt.Sprintf("this ecc process (pid %d)", e.PID)
		}
	}
	return fmt.Sprintf("port %s is in use by %s; only one ecc may talk to a controller at a time (lock file %s)", e.Port, who, e.LockFile)
}

// Dial opens addr exclusively: a serial device (/dev/ttyUSB0, COM8) at
// opts.Baud (default 115200) 8N1 without flow control, or tcp://HOST:PORT
// carrying the raw serial bytes. A lock file per port (in opts.LockDir,
// default os.TempDir()/ecc-locks), held with flock / LockFileEx and naming
// the holder's pid, keeps a second ecc process off the port; on unix the
// serial device is also opened in exclusive mode (TIOCEXCL, which
// go.bug.st/serial sets and root bypasses, hence the lock file). addr
// "auto" (PortAuto) is the one USB-serial adapter plugged in (AutoPort).
func Dial(ctx context.Context, addr string, opts Options) (Port, error) {
	opts = opts.withDefaults()
	if addr == "" {
		return nil, errors.New("no port given")
	}
	if IsOCPP(addr) {
		// OCPP carries configuration messages, not the service protocol's
		// line: only plan, apply, import and restore reach it (OpenOCPP).
		return nil, fmt.Errorf("port %s: an OCPP station has no service line; this command needs the cable (serial or tcp://)", addr)
	}
	addr, err := resolvePort(ctx, addr)
	if err != nil {
		return nil, err
	}
	tcp, isTCP := strings.CutPrefix(addr, "tcp://")
	if isTCP {
		if _, _, err := net.SplitHostPort(tcp); err != nil {
			return nil, fmt.Errorf("port %s: want tcp://HOST:PORT: %v", addr, err)
		}
	}
	lk, err := acquireLock(opts.LockDir, lockKey(addr), addr)
	if err != nil {
		return nil, err
	}
	var rwc io.ReadWriteCloser
	if isTCP {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", tcp)
		if err != nil {
			lk.release()
			return nil, fmt.Errorf("port %s: %w", addr, err)
		}
		rwc = conn
	} else {
		sp, err := serial.Open(addr, &serial.Mode{
			BaudRate: opts.Baud,
			DataBits: 8,
			Parity:   serial.NoParity,
			StopBits: serial.OneStopBit,
		})
		if err != nil {
			lk.release()
			var pe *serial.PortError
			if errors.As(err, &pe) && pe.Code() == serial.PortBusy {
				return nil, fmt.Errorf("port %s is in use by another program: %w", addr, err)
			}
			return nil, fmt.Errorf("port %s: %w", addr, err)
		}
		rwc = sp
	}
	return &lockedPort{ReadWriteCloser: rwc, addr: addr, lock: lk}, nil
}

type lockedPort struct {
	io.ReadWriteCloser
	addr string
	lock *portLock
	once sync.Once
	err  error
}

func (p *lockedPort) Addr() string { return p.addr }

func (p *lockedPort) Close() error {
	p.once.Do(func() {
		p.err = p.ReadWriteCloser.Close()
		p.lock.release()
	})
	return p.err
}

// PortKey names a port's device: two addresses with the same key are one
// device (COM8, com8, 8 and \\.\COM8 on Windows; a /dev/serial/by-id link
// and its tty), which one ecc process reaches one station at a time.
func PortKey(addr string) string { return lockKey(comPort(runtime.GOOS, addr)) }

// lockKey is the lock file name of a port: the same device under any of
// its names (a /dev/serial/by-id symlink, \\.\COM8) gets the same key.
func lockKey(addr string) string {
	name := addr
	if hp, ok := strings.CutPrefix(addr, "tcp://"); ok {
		name = "tcp_" + strings.ToLower(hp)
	} else if runtime.GOOS == "windows" {
		name = strings.ToUpper(strings.TrimPrefix(addr, `\\.\`))
	} else if real, err := filepath.EvalSymlinks(addr); err == nil {
		name = real
	}
	var b strings.Builder
	for _, r := range strings.TrimLeft(name, "/") {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// errLocked is returned by lockFile when another holder has the lock.
var errLocked = errors.New("locked")

// portLock is a held lock file.
type portLock struct {
	f *os.File
}

func acquireLock(dir, key, port string) (*portLock, error) {
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ecc-locks")
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("port lock: %w", err)
	}
	path := filepath.Join(dir, key+".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("port lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &PortBusyError{Port: port, PID: readPID(path), LockFile: path}
		}
		return nil, fmt.Errorf("port lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &portLock{f: f}, nil
}

// readPID reads the holder's pid from a lock file, allowing the holder a
// moment to write it after taking the lock.
func readPID(path string) int {
	for range 10 {
		data, err := os.ReadFile(path)
		if err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

func (l *portLock) release() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Truncate(0)
	unlockFile(l.f)
	l.f.Close()
	l.f = nil
}
