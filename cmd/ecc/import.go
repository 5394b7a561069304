package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
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
			if conn.gw.gateway != "" {
				return importGateway(cmd, &conn, format)
			}
			port := conn.port
			if port == "" {
				return exitCode(1, errors.New("--port or --gateway is required"))
			}
			obs, err := plan.ObserveOn(cmd.Context(), conn.connector(cmd.ErrOrStderr()), port)
			if err != nil {
				return exitCode(1, err)
			}
			if name == "" {
				name = strings.ToLower(obs.Identity.Serial)
			}
			in := apply.ImportInput{
				Name: name, Serial: obs.Identity.Serial, Model: obs.Identity.Model,
				Firmware: obs.Identity.Firmware, Values: obs.Values, WriteOnly: obs.WriteOnly,
			}
			site := apply.ImportSite(in)
			out := model.WriteHCL(site)
			if format != "hcl" {
				out = model.WriteYAML(site)
			}
			_, err = cmd.OutOrStdout().Write(out)
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
	out := model.WriteHCL(site)
	if format != "hcl" {
		out = model.WriteYAML(site)
	}
	if _, err := cmd.OutOrStdout().Write(out); err != nil {
		return err
	}
	if len(errs) > 0 {
		return exitCode(1, nil)
	}
	return nil
}
