package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// singleDashLong rewrites "-auto-approve" and "-out=PLAN" to their
// double-dash forms for every long flag of the command being run, as
// Terraform users type them; pflag would read "-out" as the shorthands -o
// -u -t. One-letter flags (real shorthands such as -h) and anything after
// "--" are left alone. Terraform's -json (or --json) is --format=json
// for a command that writes JSON; pflag read it as the shorthands -j -s
// -o -n.
func singleDashLong(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd == nil {
		return args
	}
	cmd.InitDefaultHelpFlag() // cobra adds -help and -version lazily
	cmd.InitDefaultVersionFlag()
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range out {
		if a == "--" {
			break
		}
		if (a == "-json" || a == "--json") && writesJSON(cmd) {
			out[i] = "--format=json" // Terraform's -json
			continue
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if len(name) > 1 && (cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil) {
			out[i] = "-" + a
		}
	}
	return out
}

// writesJSON reports whether cmd has a --format that takes json.
func writesJSON(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("format")
	if f == nil || cmd.Flags().Lookup("json") != nil {
		return false
	}
	c, ok := f.Value.(*choice)
	return ok && slices.Contains(c.allowed, "json")
}
