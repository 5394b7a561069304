package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/internal/textdiff"
	"github.com/ecotap-tools/ecc/model"
)

// fmtFlags are the flags of `ecc fmt`, as terraform fmt names them.
type fmtFlags struct {
	check, diff, recursive bool
}

func newFmtCmd() *cobra.Command {
	var f fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt [-check] [-diff] [-recursive] [FILE|DIR...]",
		Short: "Rewrite site files in the canonical format",
		Long: "fmt rewrites site files in the canonical format, as terraform fmt does: HCL as\n" +
			"hclwrite formats it (indentation, aligned equals signs), YAML at two spaces per\n" +
			"level with flow collections normalised. Comments and the blank lines between\n" +
			"entries are kept; an already formatted file is not touched. It prints the name\n" +
			"of every file it changes (or would change).\n\n" +
			"Without arguments it formats the site files of the current directory; a\n" +
			"directory gives the site files in it (below it too with -recursive). There a\n" +
			"YAML file of another tool (mkdocs.yml, docker-compose.yml: no top-level field\n" +
			"of a site file) is left alone; named as an argument, it is formatted.\n\n" +
			"Exit codes: 0 success; 1 a file cannot be read or parsed (the others are still\n" +
			"formatted); 3 with -check when a file needs formatting.",
		RunE: func(cmd *cobra.Command, args []string) error { return runFmt(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.check, "check", false, "write nothing; exit 3 when a file needs formatting (and list it)")
	fl.BoolVar(&f.diff, "diff", false, "print the changes as a unified diff")
	fl.BoolVar(&f.recursive, "recursive", false, "also format the site files of subdirectories")
	return cmd
}

func runFmt(cmd *cobra.Command, args []string, f fmtFlags) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	files, sources, diags := model.FormatFiles(args, f.recursive, !f.check)
	out := cmd.OutOrStdout()
	changed := 0
	for _, r := range files {
		if !r.Changed() {
			continue
		}
		changed++
		fmt.Fprintln(out, r.File)
		if f.diff {
			// Labelled as terraform fmt -diff labels them, so that git
			// apply and patch -p1 take the output.
			name := filepath.ToSlash(r.File)
			fmt.Fprint(out, textdiff.Unified("old/"+name, "new/"+name, string(r.Before), string(r.After)))
		}
	}
	printDiagnostics(cmd.ErrOrStderr(), sources, diags)
	switch {
	case diags.HasErrors():
		return exitCode(1, nil)
	case f.check && changed > 0:
		return exitCode(3, nil)
	}
	return nil
}
