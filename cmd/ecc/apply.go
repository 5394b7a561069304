package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

type applyFlags struct {
	connFlags
	stations                        []string
	format, stateDir, onInterrupted string
	parallelism                     int
	autoApprove                     bool
}

func newApplyCmd(g *globals) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply FILE|DIR... | PLAN",
		Short: "Apply site files (or a saved plan) to controllers: back up, write, save, reboot, verify",
		Long: `Plans the site files against the connected controllers (or takes a plan saved
with "ecc plan -out PLAN"), shows the plan, asks for approval, and applies it
station by station:

  1. backup   every readable key to <state>/backups/<serial>/<UTC>.json
  2. journal  <state>/journal/<serial>.json, before the first write
  3. firmware the pinned image, when the plan upgrades it
  4. write    the changes (write-only keys such as authorizationKey last,
              once the others are saved: they cannot be rolled back)
  5. save     wait for the controller's SV CFG()
  6. reboot   and wait for READY
  7. verify   read every changed key back and compare by meaning

A Rejected or NotSupported key makes ecc write back the backed-up value of
every key it changed, wait for the save and read them back: the station is as
it was. Stations on different ports are applied in parallel (--parallelism);
one failure does not stop the others; the exit code is 1 if any failed or was
blocked.

A saved plan is applied without a question, except a firmware upgrade (a
flash cannot be undone: it is confirmed on the terminal, or by
--auto-approve; without either the station is refused with nothing sent),
but only to controllers whose configuration is unchanged since the plan was
made (otherwise nothing is sent to that station), and only if every secret
it sets still has the value that was planned. It is taken only from the ecc
that made it (ecc version; plan again after upgrading), and applied with the
state directory it was made with (another --state-dir is refused), where the
gateway's token is looked for first (without $ECC_GATEWAY_TOKEN or
--gateway-token-file). A plan saved with
--offline is applied through --gateway as plan --gateway reaches stations: each
found by its serial, whatever port its site file gives. The approved plan is a contract: when the plan made again after
a firmware upgrade (or because the controller changed since the plan was
shown) has changes that were not approved, ecc shows them and asks; with --auto-approve or a saved plan it writes only what was approved,
reports the rest as pending and exits 1.

Ctrl-C: no station starts writing any more, nor a rollback. A station that
has not written yet stops with nothing changed; one in its firmware transfer
stops at the next chunk, drops it (fw.abort) and keeps its firmware (a commit
already sent is waited for: a flash is never interrupted); one whose writes
are done is saved, rebooted and verified; one that would need another write
(its write-only keys, or a rollback) stops with its journal kept, for the
next apply to finish or roll back. The output says which. Exit 1. A second
Ctrl-C stops at once and names the stations left half-way and how to recover.

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
--auto-approve. The site files' problems are one event of type
"diagnostics", each as ecc validate --format json writes it (and as text
on stderr).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApply(cmd, args, f)
		},
	}
	f.connFlags.register(cmd, g)
	stationFlag(cmd, &f.stations, "apply only the station named `NAME`")
	fl := cmd.Flags()
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking")
	parallelismFlag(cmd, &f.parallelism)
	f.connFlags.registerGateway(cmd)
	formatFlag(cmd, &f.format, "progress output: text (on stderr) or json (one event per line on stdout)", "text", "json")
	stateDirFlag(cmd, &f.stateDir)
	choiceFlag(cmd, false, &f.onInterrupted, "on-interrupted", "what to do about an interrupted earlier apply", "ask", "finish", "rollback", "cancel")
	return cmd
}

// recoveryOf is the apply.Recovery that --on-interrupted names (its
// choiceFlag has checked the value): "ask" is none.
func recoveryOf(s string) apply.Recovery {
	for _, r := range []apply.Recovery{apply.RecoverFinish, apply.RecoverRollback, apply.RecoverCancel} {
		if r.String() == s {
			return r
		}
	}
	return apply.RecoverNone
}

func runApply(cmd *cobra.Command, args []string, f applyFlags) error {
	recovery := recoveryOf(f.onInterrupted)
	view, err := newApplyView(f.format, f.autoApprove, f.g.color, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
	if err != nil {
		return exitCode(1, err)
	}
	par := f.gw.parallelism(cmd, f.parallelism)
	req := apply.Request{AutoApprove: f.autoApprove, OnInterrupted: recovery, Parallelism: par}
	for _, a := range args {
		if err := damagedPlan(cmd.ErrOrStderr(), a); err != nil {
			return exitCode(1, err)
		}
	}
	if len(args) == 1 && plan.IsSaved(args[0]) {
		req.SavedPlan = args[0] // --gateway finds an offline plan's stations by serial
		req.GatewayAsked = cmd.Flags().Changed("gateway")
		req.StateDirAsked = cmd.Flags().Changed("state-dir")
		req.StateDirChosen = f.gw.useStateDir // the token too is looked for where the plan was made
	} else {
		for _, a := range args {
			if plan.IsSaved(a) {
				return exitCode(1, fmt.Errorf("%s is a saved plan: apply it on its own (%s)", a, words.Command("ecc", "apply", a)))
			}
		}
		sites, sources, diags := model.LoadSites(args...)
		view.diagnostics(sources, diags)
		if diags.HasErrors() {
			return exitCode(1, nil)
		}
		req.Sites = sites
	}
	ctx, in, stop := watchInterrupts(cmd.ErrOrStderr())
	defer stop()
	req.Interrupt, req.InFlight = in.stop, &in.inFlight
	view.interruptBy(in.stop)
	req.Plan = plan.Options{Port: f.port, Stations: f.stations, StateDir: f.stateDir,
		Connect: f.connector(cmd.ErrOrStderr()), Parallelism: par,
		Gateway: f.gw.gateway, Locate: f.gw.locator(), Version: readBuildInfo().Version}
	rep, err := apply.Apply(ctx, req, view)
	// A saved plan's site file that no longer loads is shown as any site
	// file's problems are.
	if le := (*apply.SiteLoadError)(nil); errors.As(err, &le) {
		view.diagnostics(le.Sources, le.Diags)
	}
	if err != nil {
		return exitCode(1, err)
	}
	return view.ended(rep, "apply", in.interrupted())
}
