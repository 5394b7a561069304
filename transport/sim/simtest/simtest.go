// Package simtest starts the simulated controller for the tests of other
// packages, on a real pseudo-terminal, as the integration tests need it.
package simtest

import (
	"testing"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// PTY starts a simulated controller on a pseudo-terminal, closed when the
// test ends; the test is skipped where there are no pseudo-terminals.
func PTY(t testing.TB, opts sim.Options) *sim.Instance {
	t.Helper()
	if !sim.PTYSupported {
		t.Skip("no pseudo-terminals here")
	}
	inst, err := sim.StartPTY(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}
