package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// gatewayFlags reach an `ecc gateway`: --gateway for a fleet, and the
// control API's token for it and for ocpp:// ports.
type gatewayFlags struct {
	gateway   string
	tokenFile string
	caFile    string         // --gateway-ca
	cmd       *cobra.Command // for its --state-dir, where the token may be

	clients *gatewayClients // made by register, shared by the flags' copies
}

// gatewayClients keeps one control API client per gateway, shared by a
// fleet's stations (their HTTP connections are reused).
type gatewayClients struct {
	mu sync.Mutex
	m  map[string]*transport.GatewayClient
	// planDir is the state directory of the saved plan being applied
	// (useStateDir): the token is looked for there first, as the plan's
	// snapshots and journals are.
	planDir string
}

// register declares --gateway-token-file (--gateway is registerGateway's,
// for the commands that work on a fleet).
func (gf *gatewayFlags) register(cmd *cobra.Command) {
	gf.clients = &gatewayClients{m: map[string]*transport.GatewayClient{}}
	gf.cmd = cmd
	fl := cmd.Flags()
	fl.StringVar(&gf.caFile, "gateway-ca", "", "trust the certificates in PEM `FILE` for an https:// gateway (its --tls-cert when self-signed)")
	envFlag(cmd, "gateway-ca", "ECC_GATEWAY_CA")
	fl.StringVar(&gf.tokenFile, "gateway-token-file", "", "`FILE` with the gateway's control API token (default: $"+transport.GatewayTokenEnv+", else "+transport.GatewayTokenFile+" in --state-dir (or $ECC_STATE_DIR), else in ./.ecc)")
}

// tokenDirs are where the token file is looked for without
// --gateway-token-file: a saved plan's state directory when one is
// applied; the command's --state-dir (ECC_STATE_DIR by default), as the
// gateway's --state-dir takes it (one from the environment still finds
// the token of a gateway on this machine when the plan's does not); then
// ./.ecc, the gateway's default. Called with clients.mu held.
func (gf *gatewayFlags) tokenDirs() []string {
	var dirs []string
	add := func(dir string) {
		if dir == "" {
			return
		}
		if dir = filepath.Clean(dir); dir != ".ecc" && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
	}
	add(gf.clients.planDir)
	dir := os.Getenv("ECC_STATE_DIR")
	if f := gf.cmd.Flags().Lookup("state-dir"); f != nil {
		dir = f.Value.String() // the environment's already, unless given
	}
	add(dir)
	return append(dirs, ".ecc")
}

// useStateDir is apply.Request.StateDirChosen: the state directory of
// the saved plan being applied, where plan found the token when it was
// made with --state-dir.
func (gf *gatewayFlags) useStateDir(dir string) {
	gf.clients.mu.Lock()
	defer gf.clients.mu.Unlock()
	gf.clients.planDir = dir
}

// client returns the control API client of the gateway at hostport.
func (gf *gatewayFlags) client(hostport string) (*transport.GatewayClient, error) {
	gf.clients.mu.Lock()
	defer gf.clients.mu.Unlock()
	if c, ok := gf.clients.m[hostport]; ok {
		return c, nil
	}
	// An explicit --gateway-token-file wins over $ECC_GATEWAY_TOKEN.
	opts := transport.GatewayOptions{StateDirs: gf.tokenDirs()}
	if gf.tokenFile != "" {
		tok, err := transport.ReadGatewayToken(gf.tokenFile)
		if err != nil {
			return nil, err
		}
		opts.Token = tok
	}
	if gf.caFile != "" {
		var err error
		if opts.RootCAs, err = caPool("--gateway-ca", gf.caFile); err != nil {
			return nil, err
		}
	}
	c, err := transport.NewGatewayClient(hostport, opts)
	if err != nil {
		return nil, err
	}
	gf.clients.m[hostport] = c
	return c, nil
}

// connectOCPP opens ocpp://HOST:PORT/CHARGEBOXID and asks for its
// identity.
func (gf *gatewayFlags) connectOCPP(ctx context.Context, port string) (transport.Controller, error) {
	host, id, err := transport.ParseOCPP(port)
	if err != nil {
		return nil, err
	}
	gc, err := gf.client(host)
	if err != nil {
		return nil, err
	}
	c := gc.Station(id)
	ident, err := c.Hello(ctx)
	if err != nil {
		return nil, err
	}
	return plan.Answered(c, ident), nil
}

// locator is plan's LocateFunc over the control API.
func (gf *gatewayFlags) locator() plan.LocateFunc {
	return func(ctx context.Context, gateway string) (map[string][]string, error) {
		gc, err := gf.client(gateway)
		if err != nil {
			return nil, err
		}
		return gc.Ports(ctx)
	}
}

// portsOf are the ocpp:// ports of the station with serial at --gateway,
// the latest connection (the one used, as plan takes it) first.
func (gf *gatewayFlags) portsOf(ctx context.Context, serial string) ([]string, error) {
	ports, err := gf.locator()(ctx, gf.gateway)
	if err != nil {
		return nil, err
	}
	if len(ports[serial]) == 0 {
		return nil, fmt.Errorf("not reachable: serial %s is not connected to the gateway %s", serial, gf.gateway)
	}
	return ports[serial], nil
}

// gatewayParallelism is --parallelism's default with --gateway: the
// gateway's stations share no line, so a fleet is worked on at once and
// costs about its slowest station (each station is a few HTTP requests in
// flight, cheap for the gateway).
const gatewayParallelism = 256

// parallelism is --parallelism, or gatewayParallelism with --gateway when
// --parallelism was not given.
func (gf *gatewayFlags) parallelism(cmd *cobra.Command, flag int) int {
	if gf.gateway != "" && !cmd.Flags().Changed("parallelism") {
		return gatewayParallelism
	}
	return flag
}

// parallelismFlag declares --parallelism (plan, apply).
func parallelismFlag(cmd *cobra.Command, p *int) {
	*p = 4
	cmd.Flags().Var(aboveZero[int]{p, parseInt}, "parallelism", "how many ports to work on at once ("+strconv.Itoa(gatewayParallelism)+" by default with --gateway)")
}
