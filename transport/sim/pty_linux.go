package sim

import (
	"os"

	"golang.org/x/sys/unix"
)

// flushInput discards f's (a tty's) input queue.
func flushInput(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.IoctlSetInt(int(fd), unix.TCFLSH, unix.TCIFLUSH) })
	}
}
