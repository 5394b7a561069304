package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// Completion of flag values (cobra's __complete): --format's values are
// registered by choiceFlag; --station and --port are here.

// stationFlag declares --station, repeatable and comma-separated as the
// other list flags (as Terraform's -target); its completion offers the
// station names of the site files (or the saved plan) given as arguments,
// also after a comma.
func stationFlag(cmd *cobra.Command, p *[]string, usage string) {
	cmd.Flags().StringSliceVar(p, "station", nil, usage+" (repeatable, or NAME,NAME)")
	_ = cmd.RegisterFlagCompletionFunc("station", func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		given, last := "", prefix
		if i := strings.LastIndexByte(prefix, ','); i >= 0 {
			given, last = prefix[:i+1], prefix[i+1:]
		}
		var out []string
		for _, n := range withPrefix(stationNames(args), last) {
			out = append(out, given+n)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// stationNames lists the stations of the site files in args, or of the
// saved plan when args is one; files that do not load add nothing.
func stationNames(args []string) []string {
	var names []string
	if len(args) == 1 && plan.IsSaved(args[0]) {
		if p, err := plan.Load(args[0]); err == nil {
			for _, s := range p.Stations {
				names = append(names, s.Name)
			}
		}
		return names
	}
	sites, _, _ := model.LoadSites(args...)
	for _, s := range sites {
		for _, st := range s.Stations {
			names = append(names, st.Name)
		}
	}
	return names
}

// completePorts offers the serial ports present, and auto.
func completePorts(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
	names := []string{transport.PortAuto}
	ports, _ := listPorts()
	for _, p := range ports {
		names = append(names, p.Name)
	}
	return withPrefix(names, prefix), cobra.ShellCompDirectiveNoFileComp
}

func withPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}
