package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// singleDashLong rewrites "-auto-approve" and "-out=PLAN" to their
// double-dash forms for every long flag of the command being run, as
// Terraform users type them; pflag would read "-out" as the shorthands -o
// -u -t. One-letter flags (real shorthands such as -h) and anything after
// "--" are left alone.
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
