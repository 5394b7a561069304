package main

import (
	"fmt"

	"github.com/ecotap-tools/ecc/model"
	"github.com/spf13/cobra"
)

func newValidateCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check site files offline (touches no controller)",
		Long: "validate decodes, layers and checks site files (HCL or YAML) against the\n" +
			"guide's dictionary, the cross-key rules, factory files and firmware pins.\n" +
			"Exit status 1 when any file has an error.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sites, src, diags := model.LoadSites(args...)
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if format == "json" {
				_, _ = out.Write(model.RenderDiagnosticsJSON(diags))
			} else {
				fmt.Fprint(errOut, model.RenderDiagnostics(diags, src))
			}
			if diags.HasErrors() {
				return exitCode(1, nil)
			}
			if format == "text" {
				for _, s := range sites {
					n := len(s.Stations)
					plural := "s"
					if n == 1 {
						plural = ""
					}
					fmt.Fprintf(out, "%s: valid, %d station%s\n", s.File, n, plural)
				}
			}
			return nil
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json")
	return cmd
}
