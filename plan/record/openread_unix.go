//go:build unix

package record

import (
	"io/fs"
	"os"
	"syscall"
)

// openRead opens a file for reading as os.Open does, with os.Open's error,
// but without offering it to the runtime poller first: for every file
// os.Open makes five more system calls (non-blocking mode on, epoll_ctl,
// which refuses a regular file, and blocking mode back), more than the
// open, the two reads and the close of a snapshot together; an offline
// plan reads one per station. os.NewFile keeps a descriptor blocking and
// out of the poller, as a regular file's reads are anyway.
func openRead(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		switch {
		case err == syscall.EINTR:
			continue // as os.Open
		case err != nil:
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
