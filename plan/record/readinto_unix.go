//go:build unix

package record

import (
	"bytes"
	"io/fs"
	"syscall"
)

// readInto reads the file at path into buf, which it resets first, with
// os.ReadFile's errors. It reads with bare system calls, not an os.File:
// os.Open offers every file to the runtime poller (five more calls, which
// a regular file refuses) and os.NewFile asks the descriptor's mode (one
// more), beside an allocation and a cleanup each; an offline plan reads
// one snapshot per station, and those were a third of its reading.
func readInto(buf *bytes.Buffer, path string) error {
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break // EINTR: again, as os.Open
		}
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	buf.Reset()
	for {
		buf.Grow(512) // as bytes.Buffer.ReadFrom's MinRead
		b := buf.AvailableBuffer()
		n, err := syscall.Read(fd, b[:cap(b)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return &fs.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return nil
		}
		buf.Write(b[:n]) // in place: b is buf's own free space
	}
}
