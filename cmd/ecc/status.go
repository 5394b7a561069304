package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

func newStatusCmd() *cobra.Command {
	var format, stateDir string
	cmd := &cobra.Command{
		Use:   "status FILE|DIR...",
		Short: "One line per station from the record: last observed, firmware, drift",
		Long: "status reads the snapshots in the state directory (touches no controller) and\n" +
			"prints, per station: when it was last observed and how long ago, the running\n" +
			"firmware and the pin, the drift (keys whose desired value differs from the\n" +
			"snapshot) and whether it is still to commission (never read). It needs no\n" +
			"secret: one whose source is missing counts as known at apply. --format markdown\n" +
			"suits a CI job summary. Exit 1 only when the site files do not load.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sites, src, diags := model.LoadSitesWith(model.LoadOptions{DeferSecrets: true}, args...)
			printDiagnostics(cmd.ErrOrStderr(), src, diags)
			if diags.HasErrors() {
				return exitCode(1, nil)
			}
			now := time.Now().UTC()
			st, err := plan.Status(cmd.Context(), sites, plan.Options{StateDir: stateDir, Now: func() time.Time { return now }})
			if err != nil {
				return exitCode(1, err)
			}
			out := cmd.OutOrStdout()
			switch format {
			case "json":
				return writeStatusJSON(out, st)
			case "markdown":
				writeStatusTable(out, st, now, markdownRow)
			default:
				tw := newTable(out)
				writeStatusTable(tw, st, now, textRow)
				return tw.Flush()
			}
			return nil
		},
	}
	formatFlag(cmd, &format, "output format", "text", "json", "markdown")
	stateDirFlag(cmd, &stateDir)
	return cmd
}

func writeStatusJSON(w io.Writer, st []plan.StationStatus) error {
	return writeJSON(w, struct {
		FormatVersion string               `json:"format_version"`
		Stations      []plan.StationStatus `json:"stations"`
	}{"1", st})
}

// A row writer gets the cells of one line (the header first).
type rowFunc func(w io.Writer, cells []string, header bool)

func textRow(w io.Writer, cells []string, _ bool) {
	fmt.Fprintln(w, strings.Join(cells, "\t"))
}

func markdownRow(w io.Writer, cells []string, header bool) {
	for i, c := range cells {
		cells[i] = strings.NewReplacer("|", `\|`, "\n", " ").Replace(c)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	if header {
		fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(cells)))
	}
}

func writeStatusTable(w io.Writer, st []plan.StationStatus, now time.Time, row rowFunc) {
	row(w, []string{"STATION", "SERIAL", "LAST OBSERVED", "AGE", "FIRMWARE", "DRIFT", "STATE"}, true)
	var drifting, commission, problems int
	for _, s := range st {
		observed, age := "never", "-"
		if !s.ObservedAt.IsZero() {
			observed, age = s.ObservedAt.UTC().Format("2006-01-02 15:04 UTC"), ago(s.ObservedAt, now)
		}
		fw := orDash(s.Firmware)
		if s.Pinned != "" && s.Pinned != s.Firmware {
			fw += " (pinned " + s.Pinned + ")"
		}
		drift := fmt.Sprint(s.Drift)
		if s.KnownAtApply > 0 {
			drift += fmt.Sprintf(" (+%d known at apply)", s.KnownAtApply)
		}
		var state []string
		if s.ToCommission {
			state = append(state, "to commission")
			commission++
		} else if s.Drifting() {
			state = append(state, "drifting") // not "ok": an apply would change it
			drifting++
		}
		if len(s.Problems) > 0 {
			b := "blocked: " + s.Problems[0] // all of them: --format json, or ecc plan
			if n := len(s.Problems) - 1; n > 0 {
				b += fmt.Sprintf(" (+%d more)", n)
			}
			state = append(state, b)
			problems++
		}
		if len(state) == 0 {
			state = append(state, "ok")
		}
		row(w, []string{s.Name, s.Serial, observed, age, fw, drift, strings.Join(state, ", ")}, false)
	}
	fmt.Fprintf(w, "\n%s: %d drifting, %d to commission, %d blocked.\n", words.Plural(len(st), "station", "stations"), drifting, commission, problems)
}
