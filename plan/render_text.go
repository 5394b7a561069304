package plan

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// ANSI colours, used only when RenderOptions.Color says so.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// RenderText writes a plan the way Terraform prints one: a header per
// station, the firmware line first, one line per change, errors and
// warnings, and a closing summary.
func RenderText(w io.Writer, p *Plan, opts RenderOptions) error {
	bw := bufio.NewWriter(w)
	c := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	now := opts.now(p)
	for i, s := range p.Stations {
		if i > 0 {
			fmt.Fprintln(bw)
		}
		fmt.Fprintln(bw, c(ansiBold, stationHeader(s)))
		if s.FromSnapshot {
			fmt.Fprintf(bw, "  %s\n", SnapshotNote(s, now))
		}
		if s.ToCommission {
			fmt.Fprintf(bw, "  %s\n", c(ansiGreen, CommissionNote))
		}
		switch s.Firmware.Action {
		case FirmwareUpgrade:
			fmt.Fprintf(bw, "  %s %s\n", c(ansiCyan, "firmware:"), firmwareLine(s.Firmware))
		case FirmwareRefused:
			fmt.Fprintf(bw, "  %s %s\n", c(ansiRed, "! firmware:"), firmwareLine(s.Firmware))
		}
		for _, ch := range s.Changes {
			fmt.Fprintf(bw, "  %s\n", changeLine(ch, c))
			if opts, ok := optionChanges(ch); ok {
				for _, o := range opts {
					fmt.Fprintf(bw, "      %s %s: %s -> %s\n", c(ansiYellow, "~"), o.Name, strconv.Quote(o.Before), strconv.Quote(o.After))
				}
			}
		}
		for _, d := range s.KnownAtApply {
			fmt.Fprintf(bw, "  %s\n", deferredLine(d, c))
		}
		for _, e := range s.Errors {
			fmt.Fprintf(bw, "  %s %s\n", c(ansiRed, "! error:"), problemText(e))
		}
		for _, wmsg := range s.Warnings {
			fmt.Fprintf(bw, "  %s %s\n", c(ansiYellow, "warning:"), wmsg)
		}
		if len(s.LeftForGateway) > 0 {
			fmt.Fprintf(bw, "  %s %s:\n", c(ansiCyan, "»"), GatewayNote)
			for _, g := range s.LeftForGateway {
				fmt.Fprintf(bw, "      %s = %s\n", g.Key, strconv.Quote(g.Value))
			}
		}
		if !s.HasChanges() && !s.Blocked() && len(s.KnownAtApply) == 0 {
			fmt.Fprintln(bw, "  no changes")
		}
	}
	if len(p.Stations) > 0 {
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, c(ansiBold, SummaryLine(p)))
	if b := BlockedLine(p); b != "" {
		fmt.Fprintln(bw, c(ansiRed, b))
	}
	return bw.Flush()
}

// stationHeader is `station "cp-01" (serial G48229, port /dev/ttyUSB0,
// model EVC5.1, firmware V32R16)`.
func stationHeader(s *Station) string {
	h := fmt.Sprintf("station %q (serial %s", s.Name, s.Serial)
	if s.Port != "" {
		h += ", port " + s.Port
	}
	if s.Model != "" {
		h += ", model " + s.Model
	}
	if s.Firmware.Current != "" {
		h += ", firmware " + s.Firmware.Current
	}
	return h + ")"
}

func isOptionList(ch Change) bool { _, ok := optionChanges(ch); return ok }

// deferredLine is `? key: (known at apply)`: Terraform's "(known after
// apply)", for a secret not at hand in this run.
func deferredLine(d Deferred, c func(code, s string) string) string {
	l := fmt.Sprintf("%s %s: %s", c(ansiCyan, "?"), d.Key, KnownAtApply)
	if d.Secret != nil {
		l += fmt.Sprintf(" from %s(%q)", d.Secret.Kind, d.Secret.Name)
	}
	if d.RebootRequired {
		l += " (reboot required)"
	}
	return l
}

// changeLine is `~ key: "before" -> "after"` or `+ key: (sensitive value)`.
func changeLine(ch Change, c func(code, s string) string) string {
	sign := c(ansiYellow, "~")
	if ch.Action == ActionSet {
		sign = c(ansiGreen, "+")
	}
	var l string
	switch {
	case ch.Sensitive:
		l = fmt.Sprintf("%s %s: (sensitive value)", sign, ch.Key)
	case ch.Action == ActionSet:
		l = fmt.Sprintf("%s %s: %s", sign, ch.Key, strconv.Quote(ch.After))
	case isOptionList(ch):
		// The options that change follow on their own lines.
		l = fmt.Sprintf("%s %s:", sign, ch.Key)
	default:
		l = fmt.Sprintf("%s %s: %s -> %s", sign, ch.Key, strconv.Quote(ch.Before), strconv.Quote(ch.After))
	}
	if ch.RebootRequired {
		l += " (reboot required)"
	}
	return l
}
