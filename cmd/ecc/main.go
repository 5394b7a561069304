// Command ecc provisions Ecotap EV-charging controllers from site files:
// validate, plan, apply, restore, import, firmware, ports, console, sim.
//
// This package only wires commands: flags, calling model/transport/plan/
// apply, choosing a renderer and an exit code. Each command lives in its own
// file and registers itself with root in init.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

var root = &cobra.Command{
	Use:           "ecc",
	Short:         "Provision Ecotap charge controllers from site files, Terraform-style",
	Version:       version,
	SilenceUsage:  true,
	SilenceErrors: true,
}

// exitError carries an exit code out of a command whose output is already
// printed (e.g. plan --detailed-exitcode returning 2).
type exitError struct {
	code int
	err  error // printed as "ecc: <err>" unless nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// exitCode wraps err (may be nil) so that ecc exits with code.
func exitCode(code int, err error) error { return &exitError{code: code, err: err} }

func main() {
	err := root.Execute()
	if err == nil {
		return
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		err = ee.err
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ecc: %v\n", err)
	}
	os.Exit(code)
}
