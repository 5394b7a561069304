package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/plan"
)

// Folding thresholds for markdown: a station table longer than this goes
// into <details>; with more stations than this, every station does.
const (
	mdFoldRows     = 10
	mdFoldStations = 5
)

// renderPlanMarkdown writes a plan for a pull-request comment: the
// summary line outside any fold, blocked stations called out at the top,
// then a table per station, long parts folded in <details>.
func renderPlanMarkdown(w io.Writer, p *plan.Plan, opts planRenderOptions) error {
	bw := bufio.NewWriter(w)
	now := opts.now(p)
	fmt.Fprintf(bw, "**%s**\n", planSummaryLine(p))

	var blocked []string
	for _, s := range p.Stations {
		if s.Firmware.Action == plan.FirmwareRefused {
			blocked = append(blocked, fmt.Sprintf("%s: firmware %s → %s refused: %s", mdStation(s),
				mdText(cmp.Or(s.Firmware.Current, plan.UnknownFirmware)), mdText(s.Firmware.Desired), mdText(s.Firmware.Reason)))
		}
		for _, e := range s.Errors {
			blocked = append(blocked, fmt.Sprintf("%s: %s", mdStation(s), mdProblem(e)))
		}
	}
	if len(blocked) > 0 {
		fmt.Fprintf(bw, "\n> [!CAUTION]\n> **%s**\n>\n", mdText(planBlockedLine(p)))
		for _, b := range blocked {
			fmt.Fprintf(bw, "> - %s\n", b)
		}
	}

	var unchanged []string
	var sections []*plan.Station
	for _, s := range p.Stations {
		if !s.HasChanges() && !s.Blocked() && !s.ToCommission && len(s.Warnings) == 0 && len(s.LeftForGateway) == 0 && len(s.KnownAtApply) == 0 {
			unchanged = append(unchanged, mdStation(s))
			continue
		}
		sections = append(sections, s)
	}
	foldAll := len(sections) > mdFoldStations
	for _, s := range sections {
		fmt.Fprintln(bw)
		rows := len(s.Changes) + len(s.KnownAtApply)
		fold := foldAll || rows > mdFoldRows
		title := fmt.Sprintf("%s: %s", mdStation(s), stationCounts(s))
		if fold {
			fmt.Fprintf(bw, "<details><summary>%s</summary>\n\n", htmlEscape(strings.ReplaceAll(title, "`", "")))
		} else {
			fmt.Fprintf(bw, "### %s\n\n", title)
		}
		fmt.Fprintln(bw, mdStationInfo(s, now))
		if rows > 0 {
			fmt.Fprint(bw, "\n| key | before | after | note |\n|---|---|---|---|\n")
			for _, c := range s.Changes {
				if opts, ok := c.OptionChanges(); ok {
					// One row per option that changes, not two long lists.
					for _, o := range opts {
						fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCode(c.Key+"."+o.Name), mdCode(o.Before), mdCode(o.After), mdNote(c))
					}
					continue
				}
				fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCode(c.Key), mdBefore(c), mdAfter(c), mdNote(c))
			}
			for _, d := range s.KnownAtApply {
				note := "secret not at hand"
				if d.RebootRequired {
					note += "; reboot required"
				}
				fmt.Fprintf(bw, "| %s |  | *%s* | %s |\n", mdCode(d.Key), plan.KnownAtApply, note)
			}
		}
		if len(s.LeftForGateway) > 0 {
			fmt.Fprintf(bw, "\nKeys %s:\n\n| key | value |\n|---|---|\n", gatewayNote)
			for _, g := range s.LeftForGateway {
				fmt.Fprintf(bw, "| %s | %s |\n", mdCode(g.Key), mdCode(g.Value))
			}
		}
		if len(s.Warnings) > 0 {
			fmt.Fprintln(bw)
			for _, wmsg := range s.Warnings {
				fmt.Fprintf(bw, "- warning: %s\n", mdText(wmsg))
			}
		}
		if fold {
			fmt.Fprint(bw, "\n</details>\n")
		}
	}
	switch n := len(unchanged); {
	case n > mdFoldStations: // a fleet's: folded, as every long part
		fmt.Fprintf(bw, "\n<details><summary>No changes: %d stations</summary>\n\n%s.\n\n</details>\n", n, strings.Join(unchanged, ", "))
	case n > 0:
		fmt.Fprintf(bw, "\nNo changes: %s.\n", strings.Join(unchanged, ", "))
	}
	return bw.Flush()
}

func stationCounts(s *plan.Station) string {
	var parts []string
	if s.Firmware.Action == plan.FirmwareUpgrade {
		parts = append(parts, "firmware upgrade")
	}
	if s.ToCommission {
		parts = append(parts, "to commission")
	}
	parts = append(parts, words.Plural(len(s.Changes), "change", "changes"))
	if n := len(s.LeftForGateway); n > 0 {
		parts = append(parts, words.Plural(n, "ocpp key", "ocpp keys")+" left for the gateway")
	}
	if n := len(s.KnownAtApply); n > 0 {
		parts = append(parts, fmt.Sprintf("%d known at apply", n))
	}
	if s.Blocked() {
		parts = append(parts, "blocked")
	}
	return strings.Join(parts, ", ")
}
