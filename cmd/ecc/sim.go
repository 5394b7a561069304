package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport/sim"
)

func newSimCmd() *cobra.Command {
	var (
		opts                               sim.Options
		listen, control, link              string
		throttle, printPath, trace         bool
		bootDelay, saveDelay, commitDur    time.Duration
		chunkDelay, ocppRestart, logNoise  time.Duration
		cablePull                          time.Duration
		stateFile, model, serial, firmware string
		ocppFlags                          simOCPPFlags
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run a simulated controller on a pseudo-terminal (or --listen tcp://)",
		Long: `Runs a simulated Ecotap controller that follows controller-protocol.md, so that
ecc can be developed, demonstrated and tested without hardware.

It serves a pseudo-terminal in raw mode (print: "sim: listening on /dev/pts/N")
to open with --port, or with --listen tcp://HOST:PORT a TCP port to open with
--port tcp://HOST:PORT (the only choice on Windows). What the controller keeps
in flash (saved values, firmware version, model, serial, bricked) lives in
--state, so consecutive runs see one controller.

Line noise (--noise P): each line, in each direction independently, is
damaged with probability P: one byte flipped, dropped or inserted, or its
terminator lost so that it runs into the next line.

The line is paced to --baud (115200: 11,520 bytes/s, 10 bits a byte) in both
directions; --throttle=false lifts the limit.

Faults on demand: SIGUSR1 power-cycles the controller, SIGUSR2 pulls the
cable for --cable-pull (not on Windows), and --control tcp://127.0.0.1:PORT
takes text commands, one per line: power-cycle, power-off, power-on,
cable-pull [DUR], noise P, state, status, ocpp-drop, ocpp-delay DUR,
ocpp-reject KEY, ocpp-accept KEY, ocpp-status, help. Power loss during a firmware
commit's erase or copy flash bricks the controller for good (it is kept in
the state file; delete the file for a new controller). Stopping ecc sim is
a power loss too.

With --ocpp ws://HOST:PORT/ocpp/ID the same controller (the same flash, keys
and firmware rules) is also an OCPP 1.6J charge point of that central system,
e.g. an ecc gateway: BootNotification (serial, firmware), Heartbeat,
StatusNotification, Get/ChangeConfiguration, Reset (it reboots and connects
again), TriggerMessage and UpdateFirmware (downloaded over HTTP, checked like
the cable's images). --ocpp-reply-delay, --ocpp-reject and --ocpp-drop-after
inject faults.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fl := cmd.Flags()
			if fl.Changed("model") {
				opts.Model = model
			}
			if fl.Changed("serial") {
				opts.Serial = serial
			}
			if fl.Changed("firmware") {
				opts.Firmware = firmware
			}
			if opts.Noise < 0 || opts.Noise > 1 {
				return fmt.Errorf("--noise must be a probability from 0 to 1; got %g", opts.Noise)
			}
			if opts.Baud <= 0 {
				return fmt.Errorf("--baud must be positive; got %d", opts.Baud)
			}
			// On the command line 0 means none; in sim.Options it means default.
			none := func(d time.Duration) time.Duration {
				if d <= 0 {
					return sim.NoDelay
				}
				return d
			}
			opts.StateFile = stateFile
			opts.NoThrottle = !throttle
			opts.BootDelay = none(bootDelay)
			opts.SaveDelay = none(saveDelay)
			opts.CommitDuration = none(commitDur)
			opts.ChunkWriteDelay = none(chunkDelay)
			opts.OCPPIDRestartDelay = none(ocppRestart)
			opts.LogNoiseInterval = none(logNoise)
			opts.Link = link
			errOut := cmd.ErrOrStderr()
			opts.Logf = func(format string, args ...any) {
				fmt.Fprintf(errOut, "sim: "+format+"\n", args...)
			}
			if trace {
				opts.Trace = errOut
			}

			var inst *sim.Instance
			var err error
			if listen != "" {
				if !strings.HasPrefix(listen, "tcp://") {
					return fmt.Errorf("--listen must be tcp://HOST:PORT; got %q", listen)
				}
				inst, err = sim.StartTCP(listen, opts)
			} else {
				inst, err = sim.StartPTY(opts)
				if err != nil && !sim.PTYSupported {
					err = fmt.Errorf("%w\n(start it with --listen tcp://127.0.0.1:PORT and connect with --port tcp://127.0.0.1:PORT)", err)
				}
			}
			if err != nil {
				return err
			}
			defer inst.Close()
			out := cmd.OutOrStdout()
			if printPath {
				fmt.Fprintln(out, inst.Path)
			} else {
				fmt.Fprintf(out, "sim: listening on %s\n", inst.Path)
			}
			if control != "" {
				if !strings.HasPrefix(control, "tcp://") {
					return fmt.Errorf("--control must be tcp://HOST:PORT; got %q", control)
				}
				addr, err := inst.StartControl(control)
				if err != nil {
					return err
				}
				if !printPath {
					fmt.Fprintf(out, "sim: control on %s\n", addr)
				}
			}
			cp, err := ocppFlags.connect(inst, errOut, trace)
			if err != nil {
				return err
			}
			if cp != nil {
				defer cp.Close()
			}
			if !printPath {
				if inst.Link != "" {
					fmt.Fprintf(out, "sim: link %s -> %s\n", inst.Link, inst.Path)
				}
				if cp != nil {
					fmt.Fprintf(out, "sim: OCPP charge point of %s\n", ocppFlags.url)
				}
				st := inst.State()
				fmt.Fprintf(out, "sim: %s serial %s firmware %s, state %s\n", st.Model, st.Serial, st.Firmware, stateFile)
				if st.Bricked {
					fmt.Fprintf(out, "sim: this controller is bricked (remove %s for a new one)\n", stateFile)
				}
			}

			sigs := make(chan os.Signal, 4)
			signal.Notify(sigs, append([]os.Signal{os.Interrupt, syscall.SIGTERM}, faultSignals...)...)
			defer signal.Stop(sigs)
			for s := range sigs {
				if handleFaultSignal(inst, s, cablePull) {
					continue
				}
				fmt.Fprintf(errOut, "sim: %v: stopping\n", s)
				return nil
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", "", "serve on `tcp://HOST:PORT` instead of a pseudo-terminal")
	fl.StringVar(&link, "link", "", "keep a symlink to the pseudo-terminal at `PATH` (e.g. /tmp/ecc-sim-tty); removed on exit")
	fl.BoolVar(&printPath, "print-path-only", false, "print only the device path (or tcp:// address) on stdout")
	fl.StringVar(&stateFile, "state", filepath.Join(os.TempDir(), "ecc-sim-state.json"), "state `FILE` (the controller's flash), created if missing")
	fl.StringVar(&model, "model", sim.DefaultModel, "controller model; given, it overrides the state file's")
	fl.StringVar(&serial, "serial", sim.DefaultSerial, "serial number; given, it overrides the state file's")
	fl.StringVar(&firmware, "firmware", sim.DefaultFirmware, "running firmware version; given, it overrides the state file's")
	fl.Float64Var(&opts.Noise, "noise", 0, "probability `P` (0..1) that a line is damaged, each direction")
	fl.DurationVar(&opts.PowerOnDelay, "power-on-delay", 0, "stay unpowered this long, then boot")
	fl.IntVar(&opts.Baud, "baud", sim.DefaultBaud, "line rate for --throttle")
	fl.BoolVar(&throttle, "throttle", true, "pace both directions to --baud (10 bits a byte)")
	fl.DurationVar(&bootDelay, "boot-delay", 300*time.Millisecond, "power-on or reset to the boot banner")
	fl.DurationVar(&saveDelay, "save-delay", 200*time.Millisecond, "set reply to its SV CFG() (flash write)")
	fl.DurationVar(&commitDur, "commit-duration", 3*time.Second, "firmware commit's erase and copy flash")
	fl.DurationVar(&chunkDelay, "chunk-delay", 25*time.Millisecond, "writing one fw.data chunk")
	fl.DurationVar(&ocppRestart, "ocppid-restart", 60*time.Second, "saving a new com_OCPPID to the controller's own restart")
	fl.DurationVar(&logNoise, "log-noise", 10*time.Second, "mean interval of unsolicited log lines (0: none)")
	fl.DurationVar(&cablePull, "cable-pull", sim.DefaultCablePull, "how long SIGUSR2 pulls the cable")
	fl.StringVar(&control, "control", "", "serve text control commands on `tcp://HOST:PORT` (port 0: any)")
	fl.BoolVar(&trace, "trace", false, "print every line received (>) and sent (<) on stderr")
	fl.Uint64Var(&opts.Seed, "seed", 0, "random seed for noise and timing (0: random)")
	ocppFlags.add(fl)
	return cmd
}
