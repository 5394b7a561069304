//go:build !unix && !windows

package transport

import "os"

// Elsewhere (wasm, plan9) there is no OS lock; the serial device's own
// exclusivity is all there is.
func lockFile(f *os.File) error { return nil }

func unlockFile(f *os.File) error { return nil }
