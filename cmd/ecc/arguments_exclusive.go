package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exclusiveGiven reports whether a flag that excludes f (--gateway for
// --port) was given on the command line: it wins over f's environment
// variable as over f's default.
func exclusiveGiven(cmd *cobra.Command, f *pflag.Flag) bool {
	for _, group := range f.Annotations[exclusiveAnnotation] {
		for _, name := range strings.Fields(group) {
			if o := cmd.Flags().Lookup(name); o != nil && o != f && o.Changed {
				return true
			}
		}
	}
	return false
}

// exclusiveAnnotation is where cobra keeps a flag's mutually exclusive
// groups (MarkFlagsMutuallyExclusive), each a space-separated list.
const exclusiveAnnotation = "cobra_annotation_mutually_exclusive"
