package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecotap-tools/ecc/internal/words"
)

// The arguments layer: flags shared by several commands are declared here,
// once, with one help text each; every command registers them from here.

// connFlags are the connection flags of the commands that open a
// controller (plan, apply, restore, import, console).
type connFlags struct {
	port           string
	baud           int
	connectTimeout time.Duration
	g              *globals // the logger
	gw             gatewayFlags
}

// register declares --port, --baud and --connect-timeout on cmd, with
// their environment defaults.
func (c *connFlags) register(cmd *cobra.Command, g *globals) {
	c.g = g
	fl := cmd.Flags()
	fl.StringVar(&c.port, "port", "", "the controller's `PORT`: a serial device (/dev/ttyUSB0; COM8, or 8, on Windows), tcp://HOST:PORT, ocpp://HOST:PORT/CHARGEBOXID through ecc gateway, or auto (the one USB-serial adapter plugged in)")
	c.baud, c.connectTimeout = 115200, 60*time.Second
	fl.Var(aboveZero[int]{&c.baud, parseInt}, "baud", "baud `RATE` of --port")
	fl.Var(aboveZero[time.Duration]{&c.connectTimeout, time.ParseDuration}, "connect-timeout", "how long to wait for a controller to answer (power it on meanwhile)")
	_ = cmd.RegisterFlagCompletionFunc("port", completePorts)
	envFlag(cmd, "port", "ECC_PORT")
	envFlag(cmd, "baud", "ECC_BAUD")
	envFlag(cmd, "connect-timeout", "ECC_CONNECT_TIMEOUT")
	c.resolveAutoBeforeRun(cmd)
	c.gw.register(cmd)
}

// registerGateway adds --gateway to a command that works on every station
// of its site files (plan, apply).
func (c *connFlags) registerGateway(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.gw.gateway, "gateway", "", "reach every station of the site files through ecc gateway at `HOST:PORT` (https://HOST:PORT with TLS), matched by serial")
	envFlag(cmd, "gateway", "ECC_GATEWAY")
	// Two ways to say where the stations are: both given on the command
	// line, ecc would use one silently; one given wins over the other's
	// environment variable (exclusiveGiven); both from the environment,
	// --port's wins.
	exclusive(cmd, "port", "gateway")
}

// stateDirFlag declares --state-dir on cmd.
func stateDirFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "state-dir", "", "`DIR` for backups, journals and snapshots (default: .ecc beside each site file, ./.ecc without one)")
	envFlag(cmd, "state-dir", "ECC_STATE_DIR")
}

// noSecretsFlag declares --no-secrets: a secret whose source (env, file)
// is not available is "(known at apply)" instead of an error. One rule,
// the flag, with no guessing from CI variables: validate, plan --offline
// and status, never apply.
func noSecretsFlag(cmd *cobra.Command, p *bool) {
	cmd.Flags().BoolVar(p, "no-secrets", false, "a secret whose environment variable or file is missing is (known at apply), not an error (for CI)")
}

// aboveZero is a flag value that must be above zero (--baud,
// --connect-timeout): further down, zero means "the default", so a 0
// typed by the user would be replaced silently.
type aboveZero[T int | time.Duration] struct {
	p     *T
	parse func(string) (T, error)
}

func (v aboveZero[T]) String() string {
	if v.p == nil {
		return ""
	}
	return fmt.Sprint(*v.p)
}

// Type names the value in the help as the plain int and duration flags
// do.
func (v aboveZero[T]) Type() string {
	if _, ok := any(*new(T)).(time.Duration); ok {
		return "duration"
	}
	return "int"
}

func (v aboveZero[T]) Set(s string) error {
	n, err := v.parse(s)
	if err != nil {
		return err
	}
	if n <= 0 {
		return errors.New("must be above 0")
	}
	*v.p = n
	return nil
}

// parseInt reads an int as pflag's int flags do (0x and 0 prefixes too).
func parseInt(s string) (int, error) {
	n, err := strconv.ParseInt(s, 0, strconv.IntSize)
	return int(n), err
}

// choice is a string flag value restricted to a fixed list; the first is
// the default. A value outside the list is a flag error (exit 1).
type choice struct {
	p       *string
	allowed []string
}

func (c *choice) String() string { return *c.p }
func (c *choice) Type() string   { return strings.Join(c.allowed, "|") }
func (c *choice) Set(s string) error {
	for _, a := range c.allowed {
		if s == a {
			*c.p = s
			return nil
		}
	}
	return fmt.Errorf("must be %s", words.Or(c.allowed))
}

// choiceFlag declares a flag restricted to allowed (default allowed[0])
// whose completion offers exactly those values.
func choiceFlag(cmd *cobra.Command, persistent bool, p *string, name, usage string, allowed ...string) {
	*p = allowed[0]
	fl := cmd.Flags()
	if persistent {
		fl = cmd.PersistentFlags()
	}
	fl.Var(&choice{p: p, allowed: allowed}, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(allowed, cobra.ShellCompDirectiveNoFileComp))
}

// formatFlag declares --format with the formats cmd can write.
func formatFlag(cmd *cobra.Command, p *string, usage string, allowed ...string) {
	choiceFlag(cmd, false, p, "format", usage, allowed...)
}

// envAnnotation marks a flag whose default comes from an environment
// variable (applied by applyEnv; shown in the flag's usage).
const envAnnotation = "ecc_env"

// envFlag makes the environment variable env the default of flag name.
func envFlag(cmd *cobra.Command, name, env string) {
	f := cmd.Flags().Lookup(name)
	if f == nil {
		f = cmd.PersistentFlags().Lookup(name)
	}
	f.Usage += " (env " + env + ")"
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[envAnnotation] = []string{env}
}

// applyEnv sets each flag of cmd that was not given from its environment
// variable, if set: a flag wins over the environment, the environment over
// the default.
func applyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		env := f.Annotations[envAnnotation]
		if err != nil || f.Changed || len(env) == 0 || exclusiveGiven(cmd, f) {
			return
		}
		v, ok := os.LookupEnv(env[0])
		if !ok || v == "" {
			return
		}
		if e := f.Value.Set(v); e != nil {
			err = fmt.Errorf("%s=%q (for --%s): %v", env[0], v, f.Name, e)
		}
	})
	return err
}
