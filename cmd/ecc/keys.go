package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
)

func newKeysCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "List the parameter dictionary: class, access, range, reboot, format",
		Long: "keys lists the ECClite dictionary (user guide, chapter 11) in the guide's order:\n" +
			"each key's class (whether ecc may write it), access, allowed range, whether it\n" +
			"takes effect only after a reboot, and its format. `ecc explain KEY` says more.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys := model.Keys()
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), keys)
			}
			return writeKeysTable(cmd.OutOrStdout(), keys)
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json")
	return cmd
}

// writeKeysTable renders the dictionary as aligned columns.
func writeKeysTable(w io.Writer, keys []model.KeyInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tCLASS\tACCESS\tRANGE\tREBOOT\tFORMAT")
	for _, k := range keys {
		reboot := "-"
		if k.Reboot {
			reboot = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Class, k.Access, orDash(k.Range), reboot, k.Format)
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
