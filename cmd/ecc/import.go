package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
)

func newImportCmd(g *globals) *cobra.Command {
	var (
		conn         connFlags
		format, name string
	)
	cmd := &cobra.Command{
		Use:   "import (--port P | --gateway HOST:PORT) [--format hcl|yaml] [--name NAME]",
		Short: "Print a site file with the controller's current editable values",
		Long: `Reads the connected controller and prints a complete site file with one
station: its serial, model family, running firmware (as a comment) and every
editable key in its readable typed form (numbers, lists, maps for name=value
lists). Read over OCPP (--port ocpp://, --gateway), the OCPP standard keys
the station may change follow in an ocpp block. Saved as printed (ecc import
--port P > cp.hcl), it validates and plans as no change against that
controller; the site is named after the file.

Secrets are never printed: authorizationKey (write-only) and a gsm_APN that
holds a password appear as commented placeholders reading the value from an
environment variable (ECC_AUTH_<NAME>, ECC_APN_<NAME>). A value the controller
holds that a site file could not hold is commented out with the reason.
--format yaml prints the same in YAML. --gateway HOST:PORT prints one site
file of every station connected to that ecc gateway.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Both from the environment, the port wins (registerGateway).
			if conn.gw.gateway != "" && conn.port == "" {
				// Every station is named after its serial there: one
				// --name (ECC_GATEWAY from the environment included) would
				// be ignored.
				if cmd.Flags().Changed("name") {
					return exitCode(1, errors.New("--name names the one station of --port; with --gateway every station is named after its serial"))
				}
				return importGateway(cmd, &conn, format)
			}
			port := conn.port
			if port == "" {
				return exitCode(1, errors.New("--port or --gateway is required"))
			}
			// What is printed must validate as it is: a name a site file
			// refuses is refused here, before the controller is read.
			if cmd.Flags().Changed("name") {
				if msg := model.BadStationName(name); msg != "" {
					return exitCode(1, errors.New("--name: "+msg))
				}
			}
			site, err := apply.ImportStation(cmd.Context(), conn.connector(cmd.ErrOrStderr()), port, name)
			if err != nil {
				return exitCode(1, err)
			}
			_, err = cmd.OutOrStdout().Write(siteText(site, format))
			return err
		},
	}
	conn.register(cmd, g)
	conn.registerGateway(cmd)
	formatFlag(cmd, &format, "site-file syntax of the block", "hcl", "yaml", "yml")
	cmd.Flags().StringVar(&name, "name", "", "station name (default: the serial in lower case)")
	return cmd
}

// importGateway prints one site file of every station connected to the
// gateway; one that cannot be read is reported and left out.
func importGateway(cmd *cobra.Command, conn *connFlags, format string) error {
	ports, err := conn.gw.locator()(cmd.Context(), conn.gw.gateway)
	if err != nil {
		return exitCode(1, err)
	}
	site, errs := apply.ImportStations(cmd.Context(), conn.connector(cmd.ErrOrStderr()), ports)
	for _, e := range errs {
		fmt.Fprintf(cmd.ErrOrStderr(), "ecc: %v\n", e)
	}
	if _, err := cmd.OutOrStdout().Write(siteText(site, format)); err != nil {
		return err
	}
	if len(errs) > 0 {
		return exitCode(1, nil)
	}
	return nil
}

// siteText is the site file in --format's syntax (hcl, yaml or yml).
func siteText(site model.SiteOut, format string) []byte {
	if format == "hcl" {
		return model.WriteHCL(site)
	}
	return model.WriteYAML(site)
}
