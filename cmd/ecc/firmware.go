package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
)

func newFirmwareCmd() *cobra.Command {
	fw := &cobra.Command{
		Use:   "firmware",
		Short: "Work with firmware images (.bin files)",
	}
	var format string
	inspect := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Show an image's header, size and sha256, and the pin block for a site file",
		Long: "Shows a firmware image's header (version, controller families), size and sha256,\n" +
			"whether its file name names the header's version, and a firmware block to paste\n" +
			"into a site file (HCL and YAML; give FILE relative to the site file).\n" +
			"Exits 1 when the image cannot be pinned as it is.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := apply.InspectFirmware(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				data, err := json.MarshalIndent(info, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s\n", data)
			} else {
				fmt.Fprint(out, info.Text())
			}
			if !info.OK() {
				return exitCode(1, fmt.Errorf("%s cannot be pinned as it is", args[0]))
			}
			return nil
		},
	}
	formatFlag(inspect, &format, "output format", "text", "json")
	fw.AddCommand(inspect)
	return fw
}
