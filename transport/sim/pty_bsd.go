//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package sim

import (
	"os"

	"golang.org/x/sys/unix"
)

// flushInput discards f's (a tty's) input queue.
func flushInput(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.IoctlSetPointerInt(int(fd), unix.TIOCFLUSH, fread) })
	}
}

// fread is FREAD of <sys/fcntl.h>: TIOCFLUSH's "input queue".
const fread = 1
