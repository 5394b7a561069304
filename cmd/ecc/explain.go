package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
)

func newExplainCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "explain KEY",
		Short: "Explain a parameter: description, format, example, options, class",
		Long: "explain shows what the guide and ecc know of a key: its description, format,\n" +
			"an example, its options or fields (with a chg_Debug option's levels), and its\n" +
			"class with why ecc may or may not write it. OCPP standard keys are explained too.",
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, k := range model.Keys() {
				if len(args) == 0 && strings.HasPrefix(strings.ToLower(k.Name), strings.ToLower(toComplete)) {
					names = append(names, k.Name)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			info, ok := model.Describe(args[0])
			if !ok {
				return exitCode(1, unknownKey(args[0]))
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), info)
			}
			return writeExplain(cmd.OutOrStdout(), info)
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json")
	return cmd
}

// unknownKey says why a name has no explanation: a near miss, or the
// class of a name outside the dictionary.
func unknownKey(name string) error {
	if s := model.Suggest(name); s != "" {
		return fmt.Errorf("unknown key %q; did you mean %q?", name, s)
	}
	if s := model.SuggestOCPP(name); s != "" {
		return fmt.Errorf("unknown key %q; did you mean %q?", name, s)
	}
	c := model.Classify(name)
	return fmt.Errorf("unknown key %q: %s (%s); `ecc keys` lists the keys a site file may set", name, c, c.Reason())
}

// writeExplain renders one key for a reader.
func writeExplain(w io.Writer, k model.KeyInfo) error {
	fmt.Fprintf(w, "%s\n  %s.\n\n", k.Name, strings.TrimSuffix(k.Description, "."))
	tw := newTable(w)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", label, value)
		}
	}
	row("Format", k.Format)
	row("Range", k.Range)
	if k.Example != "" {
		row("Example", k.Example)
	}
	switch {
	case k.Unsettable != "":
		row("Block", "none: a site file cannot set it ("+k.Unsettable+")")
	case k.Block == model.BlockOCPP:
		row("Block", "ocpp: a site file's ocpp block; written only over OCPP (ecc gateway)")
	default:
		row("Block", "settings: a site file's settings block")
	}
	row("Access", k.Access)
	row("Class", k.Class+": "+k.ClassReason)
	reboot := "no: in effect once saved"
	if k.Reboot {
		reboot = "yes: in effect after the controller reboots"
	}
	row("Reboot", reboot)
	if k.Partial {
		row("Partial", "yes: a site file manages the options it names; the others stay as the controller has them")
	}
	if k.Secret {
		row("Secret", "yes: never shown; give it in a site file with env() / file() (HCL) or !env / !file (YAML)")
	}
	row("Profile", k.Profile)
	row("Unit", k.Unit)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(k.Parts) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nParts:")
	tw = newTable(w)
	for _, p := range k.Parts {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.Allowed)
	}
	return tw.Flush()
}
