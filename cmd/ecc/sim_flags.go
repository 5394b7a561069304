package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// simFlags are the flags of ecc sim (its OCPP charge point's in
// simOCPPFlags).
type simFlags struct {
	opts                               sim.Options
	listen, control, link              string
	throttle, printPath, trace         bool
	bootDelay, saveDelay, commitDur    time.Duration
	chunkDelay, ocppRestart, logNoise  time.Duration
	cablePull                          time.Duration
	stateFile, model, serial, firmware string
	ocppFlags                          simOCPPFlags
}

func (f *simFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "", "serve on `tcp://HOST:PORT` instead of a pseudo-terminal")
	fl.StringVar(&f.link, "link", "", "keep a symlink to the pseudo-terminal at `PATH` (e.g. /tmp/ecc-sim-tty); removed on exit")
	fl.BoolVar(&f.printPath, "print-path-only", false, "print only the device path (or tcp:// address) on stdout")
	fl.StringVar(&f.stateFile, "state", filepath.Join(os.TempDir(), "ecc-sim-state.json"), "state `FILE` (the controller's flash), created if missing")
	fl.StringVar(&f.model, "model", sim.DefaultModel, "controller model; given, it overrides the state file's")
	fl.StringVar(&f.serial, "serial", sim.DefaultSerial, "serial number; given, it overrides the state file's")
	fl.StringVar(&f.firmware, "firmware", sim.DefaultFirmware, "running firmware version; given, it overrides the state file's")
	fl.Float64Var(&f.opts.Noise, "noise", 0, "probability `P` (0..1) that a line is damaged, each direction")
	fl.DurationVar(&f.opts.PowerOnDelay, "power-on-delay", 0, "stay unpowered this long, then boot")
	fl.IntVar(&f.opts.Baud, "baud", sim.DefaultBaud, "line rate for --throttle")
	fl.BoolVar(&f.throttle, "throttle", true, "pace both directions to --baud (10 bits a byte)")
	fl.DurationVar(&f.bootDelay, "boot-delay", 300*time.Millisecond, "power-on or reset to the boot banner")
	fl.DurationVar(&f.saveDelay, "save-delay", 200*time.Millisecond, "set reply to its SV CFG() (flash write)")
	fl.DurationVar(&f.commitDur, "commit-duration", 3*time.Second, "firmware commit's erase and copy flash")
	fl.DurationVar(&f.chunkDelay, "chunk-delay", 25*time.Millisecond, "writing one fw.data chunk")
	fl.DurationVar(&f.ocppRestart, "ocppid-restart", 60*time.Second, "saving a new com_OCPPID to the controller's own restart")
	fl.DurationVar(&f.logNoise, "log-noise", 10*time.Second, "mean interval of unsolicited log lines (0: none)")
	fl.DurationVar(&f.cablePull, "cable-pull", sim.DefaultCablePull, "how long SIGUSR2 pulls the cable")
	fl.StringVar(&f.control, "control", "", "serve text control commands on `tcp://HOST:PORT` (port 0: any)")
	fl.BoolVar(&f.trace, "trace", false, "print every line received (>) and sent (<) on stderr")
	fl.Uint64Var(&f.opts.Seed, "seed", 0, "random seed for noise and timing (0: random)")
	fl.StringSliceVar(&f.opts.ReadOnly, "read-only", nil, "report `KEY` read-only (RO in keys, readonly in get) and reject its sets, as a controller that locked it (repeatable)")
	f.ocppFlags.add(fl)
}

// options checks the flags and turns them into the simulator's options.
func (f *simFlags) options(fl *pflag.FlagSet, errOut io.Writer) (sim.Options, error) {
	opts := f.opts
	if fl.Changed("model") {
		opts.Model = f.model
	}
	if fl.Changed("serial") {
		opts.Serial = f.serial
	}
	if fl.Changed("firmware") {
		opts.Firmware = f.firmware
	}
	if opts.Noise < 0 || opts.Noise > 1 {
		return opts, fmt.Errorf("--noise must be a probability from 0 to 1; got %g", opts.Noise)
	}
	if opts.Baud <= 0 {
		return opts, fmt.Errorf("--baud must be positive; got %d", opts.Baud)
	}
	if err := f.ocppFlags.check(); err != nil {
		return opts, err
	}
	// On the command line 0 means none; in sim.Options it means default.
	none := func(d time.Duration) time.Duration {
		if d <= 0 {
			return sim.NoDelay
		}
		return d
	}
	opts.StateFile = f.stateFile
	opts.NoThrottle = !f.throttle
	opts.BootDelay = none(f.bootDelay)
	opts.SaveDelay = none(f.saveDelay)
	opts.CommitDuration = none(f.commitDur)
	opts.ChunkWriteDelay = none(f.chunkDelay)
	opts.OCPPIDRestartDelay = none(f.ocppRestart)
	opts.LogNoiseInterval = none(f.logNoise)
	opts.Link = f.link
	opts.Logf = func(format string, args ...any) {
		fmt.Fprintf(errOut, "sim: "+format+"\n", args...)
	}
	if f.trace {
		opts.Trace = errOut
	}

	return opts, nil
}
