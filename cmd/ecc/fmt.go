package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/internal/textdiff"
	"github.com/ecotap-tools/ecc/model"
)

// fmtFlags are the flags of `ecc fmt`, as terraform fmt names them.
type fmtFlags struct {
	check, diff, recursive bool
	stdinName              string // the name of - (standard input): its format and its name in diagnostics
}

func newFmtCmd() *cobra.Command {
	var f fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt [-check] [-diff] [-recursive] [FILE|DIR...|-]",
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
			"With - it reads a site file from standard input and writes it formatted to\n" +
			"standard output (what an editor's format-on-save runs): HCL, or the format of\n" +
			"--stdin-filename's extension, the name diagnostics give it.\n\n" +
			"A YAML file that yaml.v3 cannot format without losing a comment (one inside an\n" +
			"empty flow list), or stably (a comment it moves again at each run), is left\n" +
			"alone with an error at that comment.\n\n" +
			"Exit codes: 0 success; 1 a file cannot be read, parsed or formatted, or a\n" +
			"directory holds no site file (the others are still formatted); 3 with -check\n" +
			"when a file needs formatting.",
		RunE: func(cmd *cobra.Command, args []string) error { return runFmt(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.check, "check", false, "write nothing; exit 3 when a file needs formatting (and list it)")
	fl.BoolVar(&f.diff, "diff", false, "print the changes as a unified diff (secret values starred); the files are still written, unless -check")
	fl.BoolVar(&f.recursive, "recursive", false, "also format the site files of subdirectories")
	fl.StringVar(&f.stdinName, "stdin-filename", "", "with -: the file standard input stands for (its extension gives the format)")
	return cmd
}

func runFmt(cmd *cobra.Command, args []string, f fmtFlags) error {
	if slices.Contains(args, "-") {
		if len(args) > 1 {
			return exitCode(1, errors.New("- (standard input) cannot be given with other files"))
		}
		return runFmtStdin(cmd, f)
	}
	if f.stdinName != "" {
		return exitCode(1, errors.New("--stdin-filename goes with - (standard input)"))
	}
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
			fmt.Fprint(out, fmtDiff(r.File, r.Before, r.After))
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

// runFmtStdin formats standard input to standard output; -check writes
// nothing and exits 3 when it would change, -diff writes the diff instead.
func runFmtStdin(cmd *cobra.Command, f fmtFlags) error {
	// Named as terraform fmt - names it, and HCL as it reads, unless
	// --stdin-filename names the file.
	name, as := "<stdin>", "stdin.hcl"
	if f.stdinName != "" {
		name, as = f.stdinName, f.stdinName
	}
	src, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), model.MaxSiteFile+1))
	if err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	after, diags := model.FormatSiteAs(name, as, src)
	if diags.HasErrors() {
		printDiagnostics(cmd.ErrOrStderr(), model.Sources{name: model.HideSecretLines(src)}, diags)
		return exitCode(1, nil)
	}
	out := cmd.OutOrStdout()
	changed := !bytes.Equal(src, after)
	switch {
	case f.diff:
		fmt.Fprint(out, fmtDiff(name, src, after))
	case !f.check:
		_, err = out.Write(after)
	}
	if f.check && changed {
		return exitCode(3, nil)
	}
	return err
}

// fmtDiff is the unified diff of a file's formatting, labelled as
// terraform fmt -diff labels it, so that git apply and patch -p1 take it
// (a file named by an absolute path below the current folder is labelled
// by its path from there: git apply refuses "old//abs/path");
// secret values are starred on both sides (model.HideSecretText), as in
// any text ecc prints for a CI log: a hunk that holds one does not apply,
// and ecc fmt writes the file instead.
func fmtDiff(name string, before, after []byte) string {
	label := name
	if filepath.IsAbs(name) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, name); err == nil && filepath.IsLocal(rel) {
				label = rel
			}
		}
	}
	label = filepath.ToSlash(label)
	return textdiff.Unified("old/"+label, "new/"+label, model.HideSecretText(before), model.HideSecretText(after))
}
