package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
)

func newKeysCmd() *cobra.Command {
	var format, block string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List the keys a site file may set: block, class, access, range, reboot, format",
		Long: "keys lists every key a site file knows: the ECClite dictionary (user guide,\n" +
			"chapter 11; a site file's settings block) in the guide's order, then the OCPP 1.6\n" +
			"standard keys (its ocpp block, written only over OCPP). For each: the block, its\n" +
			"class (whether ecc may write it), access, allowed range, whether it takes effect\n" +
			"only after a reboot, and its format. `ecc explain KEY` says more.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var keys []model.KeyInfo
			for _, k := range model.Keys() {
				if block == "all" || k.Block == block {
					keys = append(keys, k)
				}
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), keys)
			}
			return writeKeysTable(cmd.OutOrStdout(), keys)
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json")
	choiceFlag(cmd, false, &block, "block", "only the keys of this block of a site file", "all", model.BlockSettings, model.BlockOCPP)
	return cmd
}

// writeKeysTable renders the dictionary as aligned columns.
func writeKeysTable(w io.Writer, keys []model.KeyInfo) error {
	tw := newTable(w)
	fmt.Fprintln(tw, "KEY\tBLOCK\tCLASS\tACCESS\tRANGE\tREBOOT\tFORMAT")
	for _, k := range keys {
		reboot := "-"
		if k.Reboot {
			reboot = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Block, k.Class, k.Access, orDash(k.Range), reboot, k.Format)
	}
	return tw.Flush()
}

// writeJSON writes v as indented JSON with a final newline.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// orDash stands "-" for an empty column (a value not known or not reported).
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
