package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport/sim"
)

func newSimCmd() *cobra.Command {
	var f simFlags
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
cable-pull [DUR], noise P, read-only KEY, read-write KEY, state, status,
ocpp-drop, ocpp-delay DUR, ocpp-reject KEY, ocpp-accept KEY, ocpp-status,
help. --read-only KEY makes the controller report a key read-only from the
start (keys, get and GetConfiguration), as one that locked it would. Power
loss during a firmware commit's erase or copy flash bricks the controller
for good (it is kept in the state file; delete the file for a new
controller). Stopping ecc sim is a power loss too.

With --ocpp ws://HOST:PORT/ocpp/ID the same controller (the same flash, keys
and firmware rules) is also an OCPP 1.6J charge point of that central system,
e.g. an ecc gateway: BootNotification (serial, firmware), Heartbeat,
StatusNotification, Get/ChangeConfiguration, Reset (it reboots and connects
again), TriggerMessage and UpdateFirmware (downloaded over HTTP, checked like
the cable's images). --ocpp-reply-delay, --ocpp-reject and --ocpp-drop-after
inject faults.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			errOut := cmd.ErrOrStderr()
			opts, err := f.options(cmd.Flags(), errOut)
			if err != nil {
				return err
			}

			var inst *sim.Instance
			if f.listen != "" {
				if !strings.HasPrefix(f.listen, "tcp://") {
					return fmt.Errorf("--listen must be tcp://HOST:PORT; got %q", f.listen)
				}
				inst, err = sim.StartTCP(f.listen, opts)
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
			if f.printPath {
				fmt.Fprintln(out, inst.Path)
			} else {
				fmt.Fprintf(out, "sim: listening on %s\n", inst.Path)
			}
			if f.control != "" {
				if !strings.HasPrefix(f.control, "tcp://") {
					return fmt.Errorf("--control must be tcp://HOST:PORT; got %q", f.control)
				}
				addr, err := inst.StartControl(f.control)
				if err != nil {
					return err
				}
				if !f.printPath {
					fmt.Fprintf(out, "sim: control on %s\n", addr)
				}
			}
			cp, err := f.ocppFlags.connect(inst, errOut, f.trace)
			if err != nil {
				return err
			}
			if cp != nil {
				defer cp.Close()
			}
			if !f.printPath {
				if inst.Link != "" {
					fmt.Fprintf(out, "sim: link %s -> %s\n", inst.Link, inst.Path)
				}
				if cp != nil {
					fmt.Fprintf(out, "sim: OCPP charge point of %s\n", f.ocppFlags.url)
				}
				st := inst.State()
				fmt.Fprintf(out, "sim: %s serial %s firmware %s, state %s\n", st.Model, st.Serial, st.Firmware, f.stateFile)
				if st.Bricked {
					fmt.Fprintf(out, "sim: this controller is bricked (remove %s for a new one)\n", f.stateFile)
				}
			}

			sigs := make(chan os.Signal, 4)
			signal.Notify(sigs, append([]os.Signal{os.Interrupt, syscall.SIGTERM}, faultSignals...)...)
			defer signal.Stop(sigs)
			for s := range sigs {
				if handleFaultSignal(inst, s, f.cablePull) {
					continue
				}
				fmt.Fprintf(errOut, "sim: %v: stopping\n", s)
				return nil
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}
