package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

// Folding thresholds for markdown: a station table longer than this goes
// into <details>; with more stations than this, every station does.
const (
	mdFoldRows     = 10
	mdFoldStations = 5
)

// RenderMarkdown writes a plan for a pull-request comment: the summary
// line outside any fold, blocked stations called out at the top, then a
// table per station, long parts folded in <details>.
func RenderMarkdown(w io.Writer, p *Plan, opts RenderOptions) error {
	bw := bufio.NewWriter(w)
	now := opts.now(p)
	fmt.Fprintf(bw, "**%s**\n", SummaryLine(p))

	var blocked []string
	for _, s := range p.Stations {
		if s.Firmware.Action == FirmwareRefused {
			blocked = append(blocked, fmt.Sprintf("%s: firmware %s → %s refused: %s", mdStation(s),
				mdText(orUnknown(s.Firmware.Current)), mdText(s.Firmware.Desired), mdText(s.Firmware.Reason)))
		}
		for _, e := range s.Errors {
			blocked = append(blocked, fmt.Sprintf("%s: %s", mdStation(s), mdProblem(e)))
		}
	}
	if len(blocked) > 0 {
		fmt.Fprintf(bw, "\n> [!CAUTION]\n> **%s**\n>\n", mdText(BlockedLine(p)))
		for _, b := range blocked {
			fmt.Fprintf(bw, "> - %s\n", b)
		}
	}

	var unchanged []string
	var sections []*Station
	for _, s := range p.Stations {
		if !s.HasChanges() && !s.Blocked() && len(s.Warnings) == 0 && len(s.LeftForGateway) == 0 && len(s.KnownAtApply) == 0 {
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
				if opts, ok := optionChanges(c); ok {
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
				fmt.Fprintf(bw, "| %s |  | *%s* | %s |\n", mdCode(d.Key), KnownAtApply, note)
			}
		}
		if len(s.LeftForGateway) > 0 {
			fmt.Fprintf(bw, "\nKeys %s:\n\n| key | value |\n|---|---|\n", GatewayNote)
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
	if len(unchanged) > 0 {
		fmt.Fprintf(bw, "\nNo changes: %s.\n", strings.Join(unchanged, ", "))
	}
	return bw.Flush()
}

func stationCounts(s *Station) string {
	var parts []string
	if s.Firmware.Action == FirmwareUpgrade {
		parts = append(parts, "firmware upgrade")
	}
	if s.ToCommission {
		parts = append(parts, "to commission")
	}
	parts = append(parts, plural(len(s.Changes), "change", "changes"))
	if n := len(s.LeftForGateway); n > 0 {
		parts = append(parts, plural(n, "ocpp key", "ocpp keys")+" left for the gateway")
	}
	if n := len(s.KnownAtApply); n > 0 {
		parts = append(parts, fmt.Sprintf("%d known at apply", n))
	}
	if s.Blocked() {
		parts = append(parts, "blocked")
	}
	return strings.Join(parts, ", ")
}

func mdStation(s *Station) string {
	return fmt.Sprintf("%s (%s)", mdCode(s.Name), mdText(s.Serial))
}

// mdStationInfo is one line: model, port, firmware, and the snapshot age.
func mdStationInfo(s *Station, now time.Time) string {
	if s.ToCommission {
		return "Never read: " + commissionWhat + "."
	}
	if s.Fingerprint == "" {
		return "The controller was not read."
	}
	var parts []string
	if s.Model != "" {
		parts = append(parts, mdText(s.Model))
	}
	if s.Port != "" {
		parts = append(parts, "on "+mdCode(s.Port))
	}
	fw := "firmware " + mdText(orUnknown(s.Firmware.Current))
	switch s.Firmware.Action {
	case FirmwareUpgrade:
		fw += " → **" + mdText(s.Firmware.Desired) + "**"
	case FirmwareRefused:
		fw += " (pinned " + mdText(s.Firmware.Desired) + ": refused)"
	}
	parts = append(parts, fw)
	line := strings.Join(parts, ", ") + "."
	if s.FromSnapshot {
		line += " From a " + SnapshotNote(s, now) + "."
	}
	return line
}

func mdBefore(c Change) string {
	switch {
	case c.Sensitive || c.Action == ActionSet:
		return ""
	}
	return mdCode(c.Before)
}

func mdAfter(c Change) string {
	if c.Sensitive {
		return "*(sensitive)*"
	}
	return mdCode(c.After)
}

func mdNote(c Change) string {
	var n []string
	if c.Action == ActionSet && model.Classify(c.Key) == model.WriteOnly {
		n = append(n, "write-only: set")
	}
	if c.RebootRequired {
		n = append(n, "reboot required")
	}
	return strings.Join(n, "; ")
}

func mdProblem(e Problem) string {
	msg := mdText(e.Message)
	switch {
	case e.Key != "" && e.Class != "":
		return fmt.Sprintf("%s (%s): %s", mdCode(e.Key), e.Class, msg)
	case e.Key != "":
		return mdCode(e.Key) + ": " + msg
	}
	return msg
}

// mdCode is a code span that survives a table cell: pipes escaped, the
// fence longer than any backtick run inside.
func mdCode(s string) string {
	if s == "" {
		return "` `"
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdText escapes what would change the meaning of plain text in a cell
// or list item.
var mdReplacer = strings.NewReplacer(
	"|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
)

func mdText(s string) string { return mdReplacer.Replace(s) }

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
