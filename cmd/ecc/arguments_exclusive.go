package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// exclusive declares flags of cmd that say the same thing two ways
// (--port and --gateway): cobra refuses them given together, and each
// notes the others (excludesAnnotation) so that one given wins over the
// others' environment variables (exclusiveGiven).
func exclusive(cmd *cobra.Command, names ...string) {
	cmd.MarkFlagsMutuallyExclusive(names...)
	for _, name := range names {
		f := cmd.Flags().Lookup(name)
		if f.Annotations == nil {
			f.Annotations = map[string][]string{}
		}
		for _, other := range names {
			if other != name {
				f.Annotations[excludesAnnotation] = append(f.Annotations[excludesAnnotation], other)
			}
		}
	}
}

// exclusiveGiven reports whether a flag that excludes f (--gateway for
// --port) was given on the command line: it wins over f's environment
// variable as over f's default.
func exclusiveGiven(cmd *cobra.Command, f *pflag.Flag) bool {
	for _, name := range f.Annotations[excludesAnnotation] {
		if o := cmd.Flags().Lookup(name); o != nil && o.Changed {
			return true
		}
	}
	return false
}

// excludesAnnotation lists, on a flag, the flags it excludes (exclusive):
// ecc's own, not cobra's unexported name for its groups.
const excludesAnnotation = "ecc_excludes"
