package main

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
)

func newValidateCmd() *cobra.Command {
	var format string
	var noSecrets bool
	cmd := &cobra.Command{
		Use:   "validate FILE|DIR...",
		Short: "Check site files offline (touches no controller)",
		Long: "validate decodes, layers and checks site files (HCL or YAML) against the\n" +
			"guide's dictionary, the cross-key rules, factory files and firmware pins.\n" +
			"Exit status 1 when any file has an error. --format github writes GitHub Actions\n" +
			"annotations (::error file=F,line=L,col=C::MESSAGE) on stdout, for the pull request's diff.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseSavedPlans(args); err != nil {
				return err
			}
			sites, src, diags := model.LoadSitesWith(model.LoadOptions{DeferSecrets: noSecrets}, args...)
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			switch format {
			case "json":
				_, _ = out.Write(model.RenderDiagnosticsJSON(diags))
			case "github":
				fmt.Fprint(out, model.RenderDiagnosticsGitHub(diags))
			default:
				printDiagnostics(errOut, src, diags)
			}
			if diags.HasErrors() {
				return exitCode(1, nil)
			}
			if format == "text" {
				// By file, as Terraform's "valid, but there were some
				// warnings": those shown above, and those folded there
				// into a count.
				shown, folded := model.FoldWarnings(diags)
				above, more := byFile(shown), byFile(folded)
				for _, s := range sites {
					line := s.File + ": valid, " + words.Plural(len(s.Stations), "station", "stations")
					var notes []string
					if n := above[s.File]; n > 0 {
						notes = append(notes, words.Plural(n, "warning", "warnings")+" above")
					}
					if n := more[s.File]; n > 0 {
						notes = append(notes, words.Plural(n, "more warning", "more warnings")+" not shown")
					}
					if len(notes) > 0 {
						line += " (" + strings.Join(notes, ", ") + ")"
					}
					fmt.Fprintln(out, line)
				}
				// A fleet's thousand lines end with their sum, as
				// terraform validate ends with "Success!".
				if len(sites) > 1 {
					n := 0
					for _, s := range sites {
						n += len(s.Stations)
					}
					fmt.Fprintf(out, "Valid: %s, %s.\n", words.Plural(len(sites), "site file", "site files"), words.Plural(n, "station", "stations"))
				}
			}
			return nil
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json", "github")
	noSecretsFlag(cmd, &noSecrets)
	return cmd
}

// byFile counts diagnostics by the file they point into.
func byFile(diags hcl.Diagnostics) map[string]int {
	n := map[string]int{}
	for _, d := range diags {
		if d.Subject != nil {
			n[d.Subject.Filename]++
		}
	}
	return n
}
