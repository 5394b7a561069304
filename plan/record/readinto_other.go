//go:build !unix

package record

import (
	"bytes"
	"os"
)

// readInto reads the file at path into buf, which it resets first, with
// os.ReadFile's errors (readinto_unix.go's shortcut does not apply here).
func readInto(buf *bytes.Buffer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf.Reset()
	_, err = buf.ReadFrom(f)
	return err
}
