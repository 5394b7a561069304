package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newGatewayStationsCmd() *cobra.Command {
	var gf gatewayFlags
	var format, stateDir string
	cmd := &cobra.Command{
		Use:   "stations",
		Short: "List the stations connected to a gateway",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if gf.gateway == "" {
				return exitCode(1, errors.New("--gateway HOST:PORT is required"))
			}
			gc, err := gf.client(gf.gateway)
			if err != nil {
				return exitCode(1, err)
			}
			sts, err := gc.Stations(cmd.Context())
			if err != nil {
				return exitCode(1, err)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				return writeJSON(out, sts)
			}
			tw := newTable(out)
			fmt.Fprintln(tw, "CHARGEBOXID\tCONNECTED SINCE\tVENDOR\tMODEL\tSERIAL\tFIRMWARE")
			for _, s := range sts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ChargeBoxID, s.ConnectedSince.Local().Format(time.DateTime),
					orDash(s.Vendor), orDash(s.Model), orDash(s.Serial), orDash(s.Firmware))
			}
			return tw.Flush()
		},
	}
	gf.register(cmd)
	cmd.Flags().StringVar(&gf.gateway, "gateway", "", "the gateway's `HOST:PORT`")
	envFlag(cmd, "gateway", "ECC_GATEWAY")
	formatFlag(cmd, &format, "output format", "text", "json")
	// Where the gateway on this machine wrote its token (its --state-dir):
	// read by gatewayFlags.tokenDirs.
	cmd.Flags().StringVar(&stateDir, "state-dir", "", "`DIR` where the gateway wrote its token (the gateway's --state-dir)")
	envFlag(cmd, "state-dir", "ECC_STATE_DIR")
	return cmd
}
