package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// approveQuestion is asked before applying a plan made from site files.
const approveQuestion = "Do you want to perform these actions? Only 'yes' will be accepted:"

type applyFlags struct {
	connFlags
	station, format, stateDir, onInterrupted string
	parallelism                              int
	autoApprove                              bool
}

func newApplyCmd(g *globals) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply FILE... | PLAN",
		Short: "Apply site files (or a saved plan) to controllers: back up, write, save, reboot, verify",
		Long: `Plans the site files against the connected controllers (or takes a plan saved
with "ecc plan -out PLAN"), shows the plan, asks for approval, and applies it
station by station:

  1. backup   every readable key to <state>/backups/<serial>/<UTC>.json
  2. journal  <state>/journal/<serial>.json, before the first write
  3. firmware the pinned image, when the plan upgrades it
  4. write    the changes (write-only keys such as authorizationKey last)
  5. save     wait for the controller's SV CFG()
  6. reboot   and wait for READY
  7. verify   read every changed key back and compare by meaning

A Rejected or NotSupported key makes ecc write back the backed-up value of
every key it changed, wait for the save and read them back: the station is as
it was. Stations on different ports are applied in parallel (--parallelism);
one failure does not stop the others; the exit code is 1 if any failed or was
blocked.

A saved plan is applied without a question, but only to controllers whose
configuration is unchanged since the plan was made (otherwise nothing is sent
to that station), and only if every secret it sets still has the value that
was planned.

An apply that was interrupted (ecc killed, cable pulled) leaves its journal.
The next apply of that station asks what to do, or follows --on-interrupted:
  finish    apply the plan now; if that fails, roll back to the backup taken
            before the interrupted apply (the default with --auto-approve)
  rollback  write back that backup's values of the keys the interrupted apply
            wrote, save, reboot and verify; apply nothing else
  cancel    leave the station alone
Without a terminal and without --on-interrupted or --auto-approve, such a
station is refused.

Secrets never appear in output, backups, journals or snapshots. Backups hold
gsm_APN with its password redacted (and a fingerprint); authorizationKey
cannot be read at all. Neither can be rolled back from a backup file: their
values come from the site file.

--format json streams one JSON object per line and event on stdout
({"@level", "@message", "@timestamp", "type", "station", ...}); it needs
--auto-approve.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, args, f)
		},
	}
	f.connFlags.register(cmd, g)
	stationFlag(cmd, &f.station, "apply only the station of this name")
	fl := cmd.Flags()
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking")
	fl.IntVar(&f.parallelism, "parallelism", 4, "how many ports to work on at once")
	formatFlag(cmd, &f.format, "progress output: text (on stderr) or json (one event per line on stdout)", "text", "json")
	stateDirFlag(cmd, &f.stateDir)
	choiceFlag(cmd, false, &f.onInterrupted, "on-interrupted", "what to do about an interrupted earlier apply", "ask", "finish", "rollback", "cancel")
	return cmd
}

// stdinTerminal reports whether the user can answer questions.
func stdinTerminal() bool { return isTerminal(os.Stdin) }

// reporterFor picks the progress output.
func reporterFor(format string, stdout, stderr io.Writer) (apply.Reporter, error) {
	switch format {
	case "", "text":
		return &apply.TextReporter{W: stderr}, nil
	case "json":
		return &apply.JSONReporter{W: stdout}, nil
	}
	return nil, fmt.Errorf("--format must be text or json; got %q", format)
}

// applyContext is cancelled by a second interrupt: the first one only
// warns, because stopping between a write and its rollback is what the
// journal is for, not what a user wants.
func applyContext(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		n := 0
		for range sig {
			n++
			if n == 1 {
				fmt.Fprintln(stderr, "\nInterrupt received: letting the stations in progress finish or roll back. Interrupt again to stop now (the journal then records where).")
				continue
			}
			cancel()
			return
		}
	}()
	return ctx, func() { signal.Stop(sig); cancel() }
}

func runApply(cmd *cobra.Command, args []string, f applyFlags) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	rep, err := reporterFor(f.format, stdout, stderr)
	if err != nil {
		return exitCode(1, err)
	}
	recovery, err := apply.ParseRecovery(f.onInterrupted)
	if err != nil {
		return exitCode(1, err)
	}
	if f.format == "json" && !f.autoApprove {
		return exitCode(1, errors.New("--format json streams events and asks nothing: give --auto-approve"))
	}
	saved := len(args) == 1 && plan.IsSaved(args[0])
	if !saved {
		for _, a := range args {
			if plan.IsSaved(a) {
				return exitCode(1, fmt.Errorf("%s is a saved plan: apply it on its own (ecc apply %s)", a, a))
			}
		}
	}
	ctx, stop := applyContext(stderr)
	defer stop()

	popts := plan.Options{
		Port: f.port, Station: f.station, StateDir: f.stateDir,
		Connect: func(ctx context.Context, port string) (transport.Controller, error) {
			return f.connect(ctx, port, stderr)
		},
	}
	stateFor := func(siteFile string) (*record.State, error) { return plan.StateFor(siteFile, popts) }

	var p *plan.Plan
	var jobs []*apply.Job
	if saved {
		p, err = plan.Load(args[0])
		if err != nil {
			return exitCode(1, err)
		}
		if err := p.Select(f.station); err != nil {
			return exitCode(1, fmt.Errorf("%s: %w", args[0], err))
		}
		if f.port != "" && len(p.Stations) > 1 {
			return exitCode(1, fmt.Errorf("--port with a plan of %d stations: say which one with --station", len(p.Stations)))
		}
		jobs, err = apply.JobsFromSaved(p, stateFor, f.port)
		if err != nil {
			return exitCode(1, err)
		}
	} else {
		sites, sources, diags := model.LoadSites(args...)
		printDiagnostics(stderr, sources, diags)
		if diags.HasErrors() {
			return exitCode(1, nil)
		}
		p, err = plan.Build(ctx, sites, popts)
		if err != nil {
			return exitCode(1, err)
		}
		jobs, err = apply.JobsFromPlan(p, sites, stateFor, f.port)
		if err != nil {
			return exitCode(1, err)
		}
	}

	// Interrupted earlier applies: decide before showing the plan.
	interrupted, err := apply.FindInterrupted(jobs)
	if err != nil {
		return exitCode(1, err)
	}
	in := bufio.NewReader(cmd.InOrStdin())
	for _, j := range interrupted {
		r := recovery
		switch {
		case r != apply.RecoverNone:
		case f.autoApprove:
			r = apply.RecoverFinish
		case stdinTerminal():
			if r, err = apply.PromptRecovery(in, stdout, j); err != nil {
				return exitCode(1, err)
			}
		default:
			fmt.Fprintf(stderr, "%s; no terminal to ask: give --on-interrupted=finish or --on-interrupted=rollback\n", apply.DescribeInterrupted(j))
		}
		apply.Decide(j, r)
	}

	if f.format != "json" {
		if err := plan.RenderText(stdout, p, plan.RenderOptions{Color: f.g.color.enabled(stdout)}); err != nil {
			return exitCode(1, err)
		}
	}
	work, needApproval := apply.Pending(jobs)
	if !work {
		if f.format == "json" {
			rep.Report(apply.Event{Type: apply.EvSummary, Message: "No changes: nothing to apply.", Counts: &apply.Counts{Unchanged: len(jobs)}})
		} else {
			fmt.Fprintln(stdout, "\nNothing to apply.")
		}
		return nil
	}
	if !saved && !f.autoApprove && needApproval {
		if !stdinTerminal() {
			return exitCode(1, errors.New("no terminal to ask for approval: give --auto-approve to apply without asking"))
		}
		ok, err := apply.PromptApprove(in, stdout, approveQuestion)
		if err != nil || !ok {
			fmt.Fprintln(stderr, "Apply cancelled: nothing was sent.")
			return exitCode(1, nil)
		}
	}

	results := apply.Run(ctx, jobs, apply.Options{
		Connect:     popts.Connect,
		Parallelism: f.parallelism,
		Reporter:    rep,
		// The firmware step asks once more on a terminal (it cannot be
		// undone) unless --auto-approve.
		Flasher: &apply.FirmwareFlasher{Options: apply.FlashOptions{AutoApprove: f.autoApprove}},
	})
	if !apply.Count(results).OK() {
		return exitCode(1, nil)
	}
	return nil
}
