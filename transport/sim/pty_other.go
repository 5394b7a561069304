//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sim

import (
	"fmt"
	"runtime"
)

// PTYSupported reports whether StartPTY works on this system.
const PTYSupported = false

// StartPTY is not available on this system: use StartTCP.
func StartPTY(opts Options) (*Instance, error) {
	return nil, fmt.Errorf("sim: no pseudo-terminals on %s; use StartTCP (ecc sim --listen)", runtime.GOOS)
}
