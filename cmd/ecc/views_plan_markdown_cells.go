package main

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

// mdStation names a station in a heading, a summary or a list item,
// never in a table: its code span keeps pipes as they are (a backslash
// would show).
func mdStation(s *plan.Station) string {
	return fmt.Sprintf("%s (%s)", codeSpan(s.Name), mdText(s.Serial))
}

// mdStationInfo is one line: model, port, firmware, and the snapshot age.
func mdStationInfo(s *plan.Station, now time.Time) string {
	if s.ToCommission {
		if pin := commissionPin(s); pin != "" {
			return "Never read: " + commissionWhat + "; firmware " + mdText(pin) + "."
		}
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
	fw := "firmware " + mdText(cmp.Or(s.Firmware.Current, plan.UnknownFirmware))
	switch s.Firmware.Action {
	case plan.FirmwareUpgrade:
		fw += " → **" + mdText(s.Firmware.Desired) + "**"
	case plan.FirmwareRefused:
		fw += " (pinned " + mdText(s.Firmware.Desired) + ": refused)"
	}
	parts = append(parts, fw)
	line := strings.Join(parts, ", ") + "."
	if s.FromSnapshot {
		line += " From a " + snapshotNote(s, now) + "."
	}
	return line
}

func mdBefore(c plan.Change) string {
	switch {
	case c.Sensitive || c.Action == plan.ActionSet:
		return ""
	}
	return mdCode(c.Before)
}

func mdAfter(c plan.Change) string {
	if c.Sensitive {
		return "*(sensitive)*"
	}
	return mdCode(c.After)
}

func mdNote(c plan.Change) string {
	var n []string
	if c.Action == plan.ActionSet && model.Classify(c.Key) == model.WriteOnly {
		n = append(n, "write-only: set")
	}
	if c.RebootRequired {
		n = append(n, "reboot required")
	}
	return strings.Join(n, "; ")
}

func mdProblem(e plan.Problem) string {
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
func mdCode(s string) string { return codeSpan(strings.ReplaceAll(s, "|", `\|`)) }

// codeSpan is s as a code span, the fence longer than any backtick run
// inside.
func codeSpan(s string) string {
	if s == "" {
		return "` `"
	}
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
