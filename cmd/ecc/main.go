// Command ecc provisions Ecotap EV-charging controllers from site files:
// validate, plan, apply, restore, import, firmware, ports, console, sim.
//
// This package only parses arguments, asks and renders: each command is a
// constructor (newXxxCmd) that newRoot assembles into a fresh tree, with
// the flags shared by several commands declared once in arguments.go. The
// flows are in plan and apply; exit codes are decided in one place, run.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	tuneProcessGC = true
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run builds a fresh command tree, runs it with args and returns the exit
// code: the one an exitError carries, else 1 for any error (printed as
// "ecc: ERROR" on stderr), else 0. Tests call it as main does.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var g globals
	root := newRoot(&g)
	defer g.close()
	root.SetArgs(singleDashLong(root, args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		err = ee.err
	}
	if err != nil {
		fmt.Fprintf(stderr, "ecc: %v\n", err)
	}
	return code
}

// newRoot builds the whole command tree; g receives the global flags.
func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "ecc",
		Short: "Provision Ecotap charge controllers from site files, Terraform-style",
		Long: `ecc provisions Ecotap charge controllers from site files, Terraform-style:
validate the files, plan against the controllers, apply what was approved.

Long flags take one dash or two, as Terraform users type them:
-auto-approve is --auto-approve, -out=PLAN is --out=PLAN.

Environment defaults (a flag wins over the environment, the environment
over the built-in default): ECC_PORT, ECC_BAUD, ECC_CONNECT_TIMEOUT,
ECC_GATEWAY, ECC_GATEWAY_CA, ECC_GATEWAY_TOKEN, ECC_GATEWAY_UPSTREAM,
ECC_STATE_DIR, ECC_LOG. Colours: --no-color or NO_COLOR turn them off,
CLICOLOR_FORCE turns them on when the output is not a terminal.`,
		Version:       readBuildInfo().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			if err := g.setup(cmd.ErrOrStderr()); err != nil {
				return err
			}
			if tuneProcessGC {
				tuneGC(cmd)
			}
			g.log.Debug("start", "command", cmd.CommandPath(), "version", readBuildInfo().String())
			return nil
		},
	}
	g.register(root)
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(
		newValidateCmd(),
		newFmtCmd(),
		newPlanCmd(g),
		newShowCmd(g),
		newApplyCmd(g),
		newRestoreCmd(g),
		newImportCmd(g),
		newFirmwareCmd(),
		newPortsCmd(),
		newConsoleCmd(g),
		newSimCmd(),
		newStatusCmd(),
		newGatewayCmd(g),
		newVersionCmd(),
		newSchemaCmd(),
		newKeysCmd(),
		newExplainCmd(),
	)
	return root
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
