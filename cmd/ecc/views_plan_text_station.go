package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ecotap-tools/ecc/plan"
)

// textStation renders one station of renderPlanText. The common lines
// (the header, the snapshot's age, a change) are written piece by piece,
// not through fmt and intermediate strings: those were most of the
// rendering.
func textStation(w textWriter, s *plan.Station, now time.Time) {
	c := w.c
	w.start(ansiBold)
	w.Write(appendStationHeader(w.AvailableBuffer(), s))
	w.end()
	w.WriteByte('\n')
	if s.FromSnapshot {
		w.WriteString("  ")
		w.Write(appendSnapshotNote(w.AvailableBuffer(), s, now))
		w.WriteByte('\n')
	}
	if s.ToCommission {
		textLine(w, "  ", c(ansiGreen, commissionNote))
		if pin := commissionPin(s); pin != "" {
			textLine(w, "  ", c(ansiCyan, "firmware:"), " ", pin)
		}
	}
	switch s.Firmware.Action {
	case plan.FirmwareUpgrade:
		textLine(w, "  ", c(ansiCyan, "firmware:"), " ", s.Firmware.Transition())
	case plan.FirmwareRefused:
		textLine(w, "  ", c(ansiRed, "! firmware:"), " ", s.Firmware.Transition())
	}
	for _, ch := range s.Changes {
		w.WriteString("  ")
		opts, isList := ch.OptionChanges()
		changeLine(w, ch, isList)
		w.WriteByte('\n')
		for _, o := range opts {
			textLine(w, "      ", c(ansiYellow, "~"), " ", o.Name, ": ", strconv.Quote(o.Before), " -> ", strconv.Quote(o.After))
		}
	}
	for _, d := range s.KnownAtApply {
		textLine(w, "  ", deferredLine(d, c))
	}
	for _, e := range s.Errors {
		textLine(w, "  ", c(ansiRed, "! error:"), " ", e.String())
	}
	for _, wmsg := range s.Warnings {
		textLine(w, "  ", c(ansiYellow, "warning:"), " ", wmsg)
	}
	if len(s.LeftForGateway) > 0 {
		textLine(w, "  ", c(ansiCyan, "»"), " ", gatewayNote, ":")
		for _, g := range s.LeftForGateway {
			textLine(w, "      ", g.Key, " = ", strconv.Quote(g.Value))
		}
	}
	if !s.HasChanges() && !s.Blocked() && len(s.KnownAtApply) == 0 {
		textLine(w, "  no changes")
	}
}

// appendStationHeader appends `station "cp-01" (serial G48229, port
// /dev/ttyUSB0, model EVC5.1, firmware V32R16)`.
func appendStationHeader(b []byte, s *plan.Station) []byte {
	b = strconv.AppendQuote(append(b, "station "...), s.Name)
	b = append(append(b, " (serial "...), s.Serial...)
	if s.Port != "" {
		b = append(append(b, ", port "...), s.Port...)
	}
	if s.Model != "" {
		b = append(append(b, ", model "...), s.Model...)
	}
	if s.Firmware.Current != "" {
		b = append(append(b, ", firmware "...), s.Firmware.Current...)
	}
	return append(b, ')')
}

// deferredLine is `? key: (known at apply)`: Terraform's "(known after
// apply)", for a secret not at hand in this run.
func deferredLine(d plan.Deferred, c func(code, s string) string) string {
	l := fmt.Sprintf("%s %s: %s", c(ansiCyan, "?"), d.Key, plan.KnownAtApply)
	if d.Secret != nil {
		l += fmt.Sprintf(" from %s(%q)", d.Secret.Kind, d.Secret.Name)
	}
	if d.RebootRequired {
		l += " (reboot required)"
	}
	return l
}

// changeLine writes `~ key: "before" -> "after"` or `+ key: (sensitive
// value)`; for a name=value list (isList) the options that change follow
// on their own lines.
func changeLine(w textWriter, ch plan.Change, isList bool) {
	if ch.Action == plan.ActionSet {
		w.WriteString(w.c(ansiGreen, "+"))
	} else {
		w.WriteString(w.c(ansiYellow, "~"))
	}
	w.WriteByte(' ')
	w.WriteString(ch.Key)
	w.WriteByte(':')
	switch {
	case ch.Sensitive:
		w.WriteString(" (sensitive value)")
	case ch.Action == plan.ActionSet:
		w.WriteByte(' ')
		w.quote(ch.After)
	case isList:
	default:
		w.WriteByte(' ')
		w.quote(ch.Before)
		w.WriteString(" -> ")
		w.quote(ch.After)
	}
	if ch.RebootRequired {
		w.WriteString(" (reboot required)")
	}
}
