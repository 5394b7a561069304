package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

// planFlags are the flags of `ecc plan`.
type planFlags struct {
	connFlags
	stations                     []string
	out, format, stateDir        string
	detailed, offline, noSecrets bool
	maxAge                       time.Duration
	parallelism                  int
}

func newPlanCmd(g *globals) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan FILE|DIR...",
		Short: "Read the controllers and show what apply would change",
		Long: "Reads each selected station's controller (hello, then its editable and write-only keys;\n" +
			"nothing is written) and prints the difference with the site files, Terraform-style.\n" +
			"With --port, the station is the one whose serial matches the connected controller;\n" +
			"otherwise each station is read on its own port. --offline plans from the snapshots\n" +
			"in .ecc/ (or --state-dir) without any controller: a station never read is\n" +
			"\"to commission\" (every managed key to be set), and with --no-secrets a secret\n" +
			"whose source is missing is \"(known at apply)\" (what CI runs on a pull request).\n\n" +
			"Exit codes: 0 success; 1 errors, blocked keys or refused firmware;\n" +
			"2 with --detailed-exitcode when there are changes.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runPlan(cmd, args, f) },
	}
	f.connFlags.register(cmd, g)
	stationFlag(cmd, &f.stations, "plan only the station named `NAME`")
	fl := cmd.Flags()
	fl.StringVar(&f.out, "out", "", "save the plan to `PLAN` for `ecc apply PLAN` (also -out=PLAN)")
	formatFlag(cmd, &f.format, "output format", "text", "json", "markdown")
	fl.BoolVar(&f.detailed, "detailed-exitcode", false, "exit 2 when there are changes")
	fl.BoolVar(&f.offline, "offline", false, "plan from the last snapshots; read no controller")
	stateDirFlag(cmd, &f.stateDir)
	noSecretsFlag(cmd, &f.noSecrets)
	fl.DurationVar(&f.maxAge, "max-age", 0, "with --offline: a snapshot older than `DURATION` (e.g. 720h) is an error")
	parallelismFlag(cmd, &f.parallelism)
	f.connFlags.registerGateway(cmd)
	return cmd
}

func runPlan(cmd *cobra.Command, args []string, f planFlags) error {
	render, err := planRenderer(f.format)
	if err != nil {
		return exitCode(1, err)
	}
	if (f.noSecrets || f.maxAge != 0) && !f.offline {
		return exitCode(1, errors.New("--no-secrets and --max-age are for plans from snapshots: add --offline (a plan that reads the controllers needs the secrets)"))
	}
	if f.offline {
		// A connection flag given is refused; one from the environment
		// (ECC_PORT=auto in an installer's shell) is no request to read.
		for _, name := range []string{"port", "gateway"} {
			if cmd.Flags().Changed(name) {
				return exitCode(1, fmt.Errorf("--offline plans from snapshots and reads no controller: drop --%s, or --offline", name))
			}
		}
		f.port, f.gw.gateway = "", ""
	}
	stderr := cmd.ErrOrStderr()
	if err := refuseSavedPlans(args); err != nil {
		return err
	}
	sites, sources, diags := model.LoadSitesWith(model.LoadOptions{DeferSecrets: f.noSecrets}, args...)
	printDiagnostics(stderr, sources, diags)
	if diags.HasErrors() {
		if f.format == "json" {
			// A pipeline reading the JSON learns why there is no plan.
			if err := render(cmd.OutOrStdout(), plan.Invalid(args, diags, time.Now()), planRenderOptions{}); err != nil {
				return exitCode(1, err)
			}
		}
		return exitCode(1, nil)
	}

	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	opts := plan.Options{
		Port:     f.port,
		Stations: f.stations,
		Offline:  f.offline,
		MaxAge:   f.maxAge,
		StateDir: f.stateDir,
		Connect:  f.connector(stderr),
		Gateway:  f.gw.gateway, Locate: f.gw.locator(),
		Parallelism: f.gw.parallelism(cmd, f.parallelism),
		Version:     readBuildInfo().Version,
	}
	p, err := plan.Build(ctx, sites, opts)
	if err != nil {
		return exitCode(1, err)
	}
	if len(diags) > 0 {
		p.Diagnostics = model.JSONDiagnostics(diags) // the warnings
	}

	out := cmd.OutOrStdout()
	ropts := planRenderOptions{Color: f.format == "text" && f.g.color.enabled(out)}
	if err := render(out, p, ropts); err != nil {
		return exitCode(1, err)
	}
	if f.out != "" {
		if err := plan.Save(f.out, p); err != nil {
			return exitCode(1, fmt.Errorf("saving the plan: %w", err))
		}
		if f.format == "text" {
			fmt.Fprintln(out, "\n"+savedPlanLine(f.out, p.Summarize().Blocked))
		}
	}
	s := p.Summarize()
	switch {
	case s.Blocked > 0:
		return exitCode(1, nil)
	case f.detailed && (s.Changes > 0 || s.Upgrades > 0):
		return exitCode(2, nil)
	}
	return nil
}

// refuseSavedPlans says, for a command that reads site files, that an
// argument is a saved plan and which commands take one.
func refuseSavedPlans(args []string) error {
	for _, a := range args {
		if plan.IsSaved(a) {
			return exitCode(1, fmt.Errorf("%s is a saved plan, not a site file: show it with `%s`, apply it with `%s`", a, words.Command("ecc", "show", a), words.Command("ecc", "apply", a)))
		}
	}
	return nil
}

// savedPlanLine tells where the plan went and how to apply it, and that
// apply refuses its blocked stations.
func savedPlanLine(path string, blocked int) string {
	line := fmt.Sprintf("Saved the plan to %s. To apply exactly it: %s", path, words.Command("ecc", "apply", path))
	if blocked > 0 {
		line += fmt.Sprintf(" (it refuses the %s, until fixed and planned again)", words.Plural(blocked, "blocked station", "blocked stations"))
	}
	return line
}

// printDiagnostics prints FILE:LINE:COL: error: MESSAGE with the source
// line and a marker (model's renderer), and a count of the warnings
// alike beyond a few (model.FoldWarnings) that says where they are all
// listed: model names no command.
func printDiagnostics(w io.Writer, sources model.Sources, diags hcl.Diagnostics) {
	shown, folded := model.FoldWarnings(diags)
	fmt.Fprint(w, model.RenderDiagnostics(shown, sources))
	n := map[string]int{}
	var order []string // the summaries folded, in order
	for _, d := range folded {
		if n[d.Summary]++; n[d.Summary] == 1 {
			order = append(order, d.Summary)
		}
	}
	for _, summary := range order {
		what := fmt.Sprintf("more %q warning", summary)
		fmt.Fprintf(w, "warning: %s not shown (ecc validate --format json lists them all)\n", words.Plural(n[summary], what, what+"s"))
	}
}
