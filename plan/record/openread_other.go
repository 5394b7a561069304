//go:build !unix

package record

import "os"

// openRead is os.Open where openread_unix.go's shortcut does not apply.
func openRead(path string) (*os.File, error) { return os.Open(path) }
