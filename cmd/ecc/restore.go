package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
)

func newRestoreCmd(g *globals) *cobra.Command {
	var (
		req    apply.RestoreRequest
		conn   connFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "restore (--port P | --gateway HOST:PORT) (--factory FILE | --backup FILE)",
		Short: "Bring a controller back to a factory-default file or an earlier backup, as a plan first",
		Long: `The file's values are the desired state: ecc reads the controller, shows the
plan, asks, and applies it exactly as "ecc apply" does (backup, journal,
write, save, reboot, verify, rollback on a rejection).

--factory FILE: a factory-default .json (controller-protocol.md §7). A key
outside the editable and write-only classes is refused before anything is
sent.

--backup FILE: a backup taken by ecc apply (<state>/backups/<serial>/...).
Only its editable keys are restored, and the OCPP standard keys the
station may change (every backup holds them, taken over the cable or over
OCPP; they are written over OCPP only: a restore over the cable lists
those the controller does not hold as left for the gateway); read-only and
other keys are skipped.
With either file, a key the controller reports read-only is skipped with a
warning: ecc never writes it.
Backups never hold secrets: gsm_APN with a password is skipped (set it from
a site file), and authorizationKey is never in a backup. The backup must be
of the connected controller.

State (backups of the controller before the restore, journal, snapshot) goes
to --state-dir: by default the state directory the backup file is in, or
the site's .ecc beside the factory file or one folder up (a factory file in
sites/factory/ shares sites/.ecc with plan and apply of sites/*.hcl).

--gateway HOST:PORT (with --backup) reaches the backup's station through
that ecc gateway, found by its serial.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Port = conn.port
			return runRestore(cmd, g, req, format, &conn)
		},
	}
	conn.register(cmd, g)
	conn.registerGateway(cmd)
	fl := cmd.Flags()
	fl.StringVar(&req.Factory, "factory", "", "factory-default .json file to restore")
	fl.StringVar(&req.Backup, "backup", "", "backup file (from ecc apply) to restore")
	fl.BoolVar(&req.AutoApprove, "auto-approve", false, "restore without asking")
	stateDirFlag(cmd, &req.StateDir)
	formatFlag(cmd, &format, "progress output: text (on stderr) or json (one event per line on stdout)", "text", "json")
	return cmd
}

func runRestore(cmd *cobra.Command, g *globals, req apply.RestoreRequest, format string, conn *connFlags) error {
	if req.Port == "" && (conn.gw.gateway == "" || req.Backup == "") {
		return exitCode(1, errors.New("--port is required (or --gateway with --backup: the backup's serial finds the station)"))
	}
	view, err := newApplyView(format, req.AutoApprove, g.color, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
	if err != nil {
		return exitCode(1, err)
	}
	// The file first: nothing is sent before it has passed.
	settings, bk, sources, diags, err := apply.LoadRestore(req)
	view.diagnostics(sources, diags)
	if err != nil {
		return exitCode(1, err)
	}
	if req.Port == "" {
		if req.GatewayPorts, err = conn.gw.portsOf(cmd.Context(), bk.Serial); err != nil {
			return exitCode(1, err)
		}
		req.Port = req.GatewayPorts[0]
	}
	ctx, in, stop := watchInterrupts(cmd.ErrOrStderr())
	defer stop()
	req.Interrupt, req.InFlight = in.stop, &in.inFlight
	view.interruptBy(in.stop)
	req.Connect = conn.connector(cmd.ErrOrStderr())
	rep, err := apply.Restore(ctx, req, settings, bk, view)
	if err != nil {
		return exitCode(1, err)
	}
	return view.ended(rep, "restore", in.interrupted())
}
