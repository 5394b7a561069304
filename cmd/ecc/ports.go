package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport"
)

func newPortsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ports",
		Short: "List the serial ports of this machine (for --port)",
		Long: "Lists the serial ports of this machine with their USB vendor and product ids,\n" +
			"serial number and product name where the system knows them. The Ecotap\n" +
			"service cable is a USB-to-TTL adapter: its port appears when it is plugged in.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ports, err := listPorts()
			if err != nil {
				return exitCode(1, err)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				if ports == nil {
					ports = []transport.PortInfo{}
				}
				return writeJSON(out, ports)
			}
			if len(ports) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no serial ports found (is the service cable plugged in?)")
				return nil
			}
			for _, p := range ports {
				fmt.Fprintln(out, p.String())
			}
			return nil
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json")
	return cmd
}
