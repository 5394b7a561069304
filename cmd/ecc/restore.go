package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

func newRestoreCmd(g *globals) *cobra.Command {
	var (
		conn                              connFlags
		factory, backup, stateDir, format string
		autoApprove                       bool
	)
	cmd := &cobra.Command{
		Use:   "restore --port P (--factory FILE | --backup FILE)",
		Short: "Bring a controller back to a factory-default file or an earlier backup, as a plan first",
		Long: `The file's values are the desired state: ecc reads the controller, shows the
plan, asks, and applies it exactly as "ecc apply" does (backup, journal,
write, save, reboot, verify, rollback on a rejection).

--factory FILE: a factory-default .json (controller-protocol.md §7). A key
outside the editable and write-only classes is refused before anything is
sent.

--backup FILE: a backup taken by ecc apply (<state>/backups/<serial>/...).
Only its editable keys are restored; read-only and other keys are skipped.
Backups never hold secrets: gsm_APN with a password is skipped (set it from
a site file), and authorizationKey is never in a backup. The backup must be
of the connected controller.

State (backups of the controller before the restore, journal, snapshot) goes
to --state-dir, default ./.ecc.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			port := conn.port
			if port == "" {
				return exitCode(1, errors.New("--port is required"))
			}
			if (factory == "") == (backup == "") {
				return exitCode(1, errors.New("give exactly one of --factory FILE and --backup FILE"))
			}
			rep, err := reporterFor(format, stdout, stderr)
			if err != nil {
				return exitCode(1, err)
			}
			if format == "json" && !autoApprove {
				return exitCode(1, errors.New("--format json asks nothing: give --auto-approve"))
			}
			// The file first: nothing is sent before it has passed.
			var settings []model.Setting
			var bk *record.Backup
			file := factory
			if factory != "" {
				set, sources, diags := model.LoadFactory(factory)
				printDiagnostics(stderr, sources, diags)
				if diags.HasErrors() {
					return exitCode(1, fmt.Errorf("%s: refused; nothing sent", factory))
				}
				settings = set
			} else {
				file = backup
				bk, err = record.LoadBackup(backup)
				if err != nil {
					return exitCode(1, err)
				}
				set, skipped := apply.BackupSettings(bk, backup)
				for _, s := range skipped {
					fmt.Fprintf(stderr, "warning: not restored: %s\n", s)
				}
				settings = set
			}
			if stateDir == "" {
				stateDir = ".ecc"
			}
			state, err := record.Open(stateDir)
			if err != nil {
				return exitCode(1, err)
			}

			ctx, stop := applyContext(stderr)
			defer stop()
			c, err := conn.connect(ctx, port, cmd.ErrOrStderr())
			if err != nil {
				return exitCode(1, err)
			}
			defer c.Close()
			obs, err := plan.Observe(ctx, c)
			if err != nil {
				return exitCode(1, fmt.Errorf("%s: %w", port, err))
			}
			id := obs.Identity
			if bk != nil && bk.Serial != id.Serial {
				return exitCode(1, fmt.Errorf("the backup %s is of controller %s, but the controller on %s is %s; nothing sent", backup, bk.Serial, port, id.Serial))
			}
			name := "restore-" + id.Serial
			desired := apply.RestoreStation(name, id.Serial, file, settings)
			desired.Port = port
			prev, _ := state.LoadSnapshot(id.Serial)
			if prev != nil {
				obs.Hashes = prev.Hashes
			}
			st := plan.ComputeStation(desired, obs, state)
			st.Port, st.SiteFile = port, ""
			p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: time.Now().UTC(), Stations: []*plan.Station{st}}
			job := &apply.Job{Station: st, Desired: desired, State: state, Port: port}
			if _, err := apply.FindInterrupted([]*apply.Job{job}); err != nil {
				return exitCode(1, err)
			}
			if job.Journal != nil {
				// The restore supersedes the interrupted apply; a failure
				// rolls back to the backup taken before it.
				fmt.Fprintf(stderr, "%s; the restore replaces it\n", apply.DescribeInterrupted(job))
				apply.Decide(job, apply.RecoverFinish)
			}
			if format != "json" {
				fmt.Fprintf(stdout, "Restoring controller %s (%s, firmware %s) on %s to %s\n\n", id.Serial, id.Model, id.Firmware, port, filepath.Base(file))
				if err := plan.RenderText(stdout, p, plan.RenderOptions{Color: g.color.enabled(stdout)}); err != nil {
					return exitCode(1, err)
				}
			}
			if !st.HasChanges() && !st.Blocked() && job.Journal == nil {
				return nil
			}
			if !st.Blocked() && !autoApprove {
				if !stdinTerminal() {
					return exitCode(1, errors.New("no terminal to ask for approval: give --auto-approve to restore without asking"))
				}
				ok, err := apply.PromptApprove(bufio.NewReader(cmd.InOrStdin()), stdout, approveQuestion)
				if err != nil || !ok {
					fmt.Fprintln(stderr, "Restore cancelled: nothing was sent.")
					return exitCode(1, nil)
				}
			}
			results := apply.Run(ctx, []*apply.Job{job}, apply.Options{
				// Reuse the open connection; it is closed above.
				Connect: func(context.Context, string) (transport.Controller, error) {
					return keepOpen{c}, nil
				},
				Reporter: rep,
			})
			if !apply.Count(results).OK() {
				return exitCode(1, nil)
			}
			return nil
		},
	}
	conn.register(cmd, g)
	fl := cmd.Flags()
	fl.StringVar(&factory, "factory", "", "factory-default .json file to restore")
	fl.StringVar(&backup, "backup", "", "backup file (from ecc apply) to restore")
	fl.BoolVar(&autoApprove, "auto-approve", false, "restore without asking")
	stateDirFlag(cmd, &stateDir)
	formatFlag(cmd, &format, "progress output: text (on stderr) or json (one event per line on stdout)", "text", "json")
	return cmd
}

// keepOpen hands an open controller to apply.Run without letting it close
// the connection its caller still owns.
type keepOpen struct{ transport.Controller }

func (keepOpen) Close() error { return nil }
