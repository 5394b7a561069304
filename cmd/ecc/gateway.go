package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/gateway"
)

// gatewayCmdFlags are the flags of `ecc gateway`.
type gatewayCmdFlags struct {
	listen, upstream, tokenFile, tlsCert, tlsKey, stateDir string
	callTimeout                                            time.Duration
	resends                                                int
}

func newGatewayCmd(g *globals) *cobra.Command {
	var f gatewayCmdFlags
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "Run the OCPP 1.6J gateway stations connect to, for plan and apply over ocpp://",
		Long: "Stations connect to ws://HOST:PORT/ocpp/CHARGEBOXID (subprotocol ocpp1.6; wss:// with\n" +
			"--tls-cert). With --upstream every frame is relayed unchanged to the backend at\n" +
			"UPSTREAM+CHARGEBOXID with the station's own credentials; ecc's own calls never reach it.\n" +
			"Without --upstream the gateway answers as a minimal central system.\n" +
			"The control API (/ecc/v1/) needs the bearer token from --token-file, else the one\n" +
			"generated at first start into --state-dir (mode 0600; on Windows the folder's permissions\n" +
			"apply). Runs until interrupted.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGateway(cmd, f, g) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8180", "`HOST:PORT` to listen on, for stations and the control API")
	fl.StringVar(&f.upstream, "upstream", "", "the backend's OCPP `URL` (ws:// or wss://, the CHARGEBOXID is appended)")
	fl.StringVar(&f.tokenFile, "token-file", "", "`FILE` with the control API token (default: generated into --state-dir)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "certificate `FILE` for wss:// and https:// (with --tls-key)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "private key `FILE` for --tls-cert")
	fl.StringVar(&f.stateDir, "state-dir", ".ecc", "`DIR` for the generated token (where plan and apply look for it: their --state-dir, then ./.ecc)")
	fl.DurationVar(&f.callTimeout, "call-timeout", gateway.DefaultCallTimeout, "how long to wait for a station's answer to one call")
	fl.IntVar(&f.resends, "resends", gateway.DefaultResends, "how often to resend a call the station did not answer (never a Reset or UpdateFirmware: the station's boot or progress is waited for)")
	envFlag(cmd, "upstream", "ECC_GATEWAY_UPSTREAM")
	envFlag(cmd, "state-dir", "ECC_STATE_DIR") // the clients' too: one variable finds the token
	cmd.AddCommand(newGatewayStationsCmd())
	return cmd
}

func runGateway(cmd *cobra.Command, f gatewayCmdFlags, g *globals) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return exitCode(1, errors.New("--tls-cert and --tls-key go together"))
	}
	out := cmd.OutOrStdout()
	var tok, upstream string
	var err error
	if f.upstream != "" {
		if upstream, err = gateway.CheckUpstream(f.upstream); err != nil {
			return exitCode(1, err) // before any token is written
		}
	}
	if f.tokenFile != "" {
		tok, err = transport.ReadGatewayToken(f.tokenFile)
	} else {
		var path string
		var created bool
		tok, path, created, err = transport.EnsureGatewayToken(f.stateDir)
		if err == nil {
			// The token is a credential in a folder whose snapshots a
			// fleet repository commits: keep it out of `git add`.
			err = record.WriteGitignore(f.stateDir)
		}
		if created {
			fmt.Fprintf(out, "control API token written to %s (%s)\n", path, tokenFileAccess())
		} else if err == nil {
			fmt.Fprintf(out, "control API token: %s\n", path)
		}
	}
	if err != nil {
		return exitCode(1, err)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return exitCode(1, err)
	}
	gw := gateway.New(gateway.Options{Upstream: f.upstream, Token: tok, CallTimeout: f.callTimeout,
		Resends: f.resends, Log: g.log, Instance: ln.Addr().String()})
	srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	scheme := "ws"
	if f.tlsCert != "" {
		scheme = "wss"
	}
	// Interrupts are caught before the gateway says where it listens: one
	// that comes as soon as it has said so stops it in order.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(out, "ecc gateway: stations connect to %s://%s/ocpp/CHARGEBOXID; control API on %s\n", scheme, ln.Addr(), ln.Addr())
	if upstream != "" {
		fmt.Fprintf(out, "ecc gateway: relaying each station to %sCHARGEBOXID\n", upstream)
	} else if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		fmt.Fprintln(out, "ecc gateway: warning: no --upstream, so no station's credentials are checked: whoever reaches this port may connect as any CHARGEBOXID; listen on a trusted network")
	}
	errc := make(chan error, 1)
	go func() {
		if f.tlsCert != "" {
			errc <- srv.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err = <-errc:
	case <-ctx.Done():
		fmt.Fprintln(out, "ecc gateway: stopping")
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	gw.Close()
	_ = srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return exitCode(1, err)
	}
	return nil
}

// tokenFileAccess says who may read the token file: its mode, which
// Windows ignores (the folder's permissions apply there).
func tokenFileAccess() string {
	if runtime.GOOS == "windows" {
		return "readable as its folder is: keep --state-dir where only you can read"
	}
	return "mode 0600"
}
