package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

func newShowCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show PLAN",
		Short: "Show a saved plan (from plan -out) without touching a controller",
		Long: "show renders a plan saved with `ecc plan -out=PLAN` as plan printed it (text,\n" +
			"JSON or markdown), reading nothing but the file: no controller, no site file.\n" +
			"A saved plan holds no secret, so none is shown. Apply it with `ecc apply PLAN`.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, err := planRenderer(format)
			if err != nil {
				return exitCode(1, err)
			}
			if _, err := os.Stat(args[0]); err != nil {
				return exitCode(1, fmt.Errorf("cannot read the plan: %w", err))
			}
			if err := damagedPlan(cmd.ErrOrStderr(), args[0]); err != nil {
				return exitCode(1, err)
			}
			if !plan.IsSaved(args[0]) {
				return exitCode(1, fmt.Errorf("%s is not a saved plan: save one with `ecc plan FILE... -out=PLAN`", args[0]))
			}
			p, err := plan.Load(args[0])
			if err != nil {
				return exitCode(1, err)
			}
			out := cmd.OutOrStdout()
			if err := render(out, p, planRenderOptions{Color: format == "text" && g.color.enabled(out)}); err != nil {
				return err
			}
			// Where apply will keep its backups and journals (the JSON
			// holds state_dir).
			if format == "text" && p.StateDir != nil && *p.StateDir != "" {
				fmt.Fprintf(out, "State directory: %s (the plan's --state-dir; apply PLAN uses it).\n", *p.StateDir)
			}
			return nil
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json", "markdown")
	return cmd
}

// damagedPlan reports a file that starts as a saved plan but does not read
// as one (cut short, badly edited): where its JSON breaks, at
// FILE:LINE:COL, and an error; nil for anything else.
func damagedPlan(stderr io.Writer, path string) error {
	if plan.IsSaved(path) || !plan.LooksSaved(path) {
		return nil
	}
	sources, diags := model.CheckJSON(path)
	if !diags.HasErrors() {
		return fmt.Errorf("%s is JSON but not a saved plan: save one with `ecc plan FILE... -out=PLAN`", path)
	}
	printDiagnostics(stderr, sources, diags)
	return fmt.Errorf("%s is not a saved plan ecc can read (cut short, or edited?): plan again with -out", path)
}
