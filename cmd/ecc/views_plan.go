package main

import (
	"fmt"
	"io"
	"time"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/plan"
)

// planRenderOptions are what a plan view may be told; the computation
// never sees them.
type planRenderOptions struct {
	// Color enables ANSI colours (text only): stdout is a terminal and
	// NO_COLOR is unset (colorMode.enabled).
	Color bool
	// Now is the time snapshot ages are measured from; zero means the
	// plan's CreatedAt.
	Now time.Time
}

// planRenderFunc writes a plan in one format. Plan views are pure: they
// only read the plan.
type planRenderFunc func(w io.Writer, p *plan.Plan, opts planRenderOptions) error

// planRenderer returns the plan view of a --format name.
func planRenderer(format string) (planRenderFunc, error) {
	switch format {
	case "", "text":
		return renderPlanText, nil
	case "json":
		return renderPlanJSON, nil
	case "markdown", "md":
		return renderPlanMarkdown, nil
	}
	return nil, fmt.Errorf("unknown format %q: use text, json or markdown", format)
}

func (o planRenderOptions) now(p *plan.Plan) time.Time {
	if !o.Now.IsZero() {
		return o.Now
	}
	return p.CreatedAt
}

// commissionWhat is what planning a station never read means; the text
// and markdown views word their heads around it.
const commissionWhat = "every managed key is to be set"

// commissionNote heads a station never read.
const commissionNote = "to commission: never read; " + commissionWhat

// commissionPin is what the views say of a station to commission's
// firmware pin ("" without one): never read, the running version is not
// known, and the plan's "action" is "none".
func commissionPin(s *plan.Station) string {
	if !s.ToCommission || s.Firmware.Desired == "" {
		return ""
	}
	return "pinned " + s.Firmware.Desired + ", compared with the running version when planned connected"
}

// gatewayNote heads a station's keys left for the gateway.
const gatewayNote = "left for the gateway (ocpp block, never sent over the service cable)"

// planSummaryLine is the closing line of a plan: "Plan: 3 stations, 7
// changes, 1 firmware upgrade." or "No changes. ..." when there is
// nothing to do and nothing blocked.
func planSummaryLine(p *plan.Plan) string {
	s := p.Summarize()
	// approve: an interrupted apply to finish or roll back is work even
	// when no key differs.
	_, approve := p.Pending()
	var line string
	switch {
	case s.Changes > 0 || s.Upgrades > 0 || s.Blocked > 0 || s.KnownAtApply > 0 || approve:
		line = fmt.Sprintf("Plan: %s, %s, %s", words.Plural(s.Stations, "station", "stations"),
			words.Plural(s.Changes, "change", "changes"), words.Plural(s.Upgrades, "firmware upgrade", "firmware upgrades"))
		if s.ToCommission > 0 {
			line += fmt.Sprintf(", %d to commission", s.ToCommission)
		}
		if s.KnownAtApply > 0 {
			line += ", " + words.Plural(s.KnownAtApply, "value", "values") + " known at apply"
		}
		line += "."
	case s.ToCommission > 0:
		// Never read: nothing to set from the site files, but nothing
		// known to match either.
		what := "the controller"
		if s.ToCommission > 1 {
			what = "the controllers"
		}
		line = fmt.Sprintf("No changes to make; %s to commission (never read: plan with %s connected to compare).",
			words.Plural(s.ToCommission, "station", "stations"), what)
	case s.Stations == 1:
		line = "No changes. The controller matches the site file."
	default:
		line = fmt.Sprintf("No changes. All %d controllers match the site files.", s.Stations)
	}
	if s.LeftForGateway > 0 {
		line += fmt.Sprintf(" %s left for the gateway (ocpp blocks: plan over OCPP to apply them).",
			words.Plural(s.LeftForGateway, "ocpp key", "ocpp keys"))
	}
	return line
}

// planBlockedLine says how many stations apply would refuse, or "".
func planBlockedLine(p *plan.Plan) string {
	n := p.Summarize().Blocked
	if n == 0 {
		return ""
	}
	verb, them := "has", "it"
	if n > 1 {
		verb, them = "have", "them"
	}
	return fmt.Sprintf("Blocked: %s %s errors; ecc apply refuses %s until they are fixed.",
		words.Plural(n, "station", "stations"), verb, them)
}

// ago says how long ago t was, as words.Age rounds it: "just now" (under
// a second), "56 seconds ago", "5 minutes ago", "3 days ago": the age of
// an observation as plans and status show it.
func ago(t, now time.Time) string { return string(appendAgo(nil, t, now)) }

// appendAgo is ago appended to b.
func appendAgo(b []byte, t, now time.Time) []byte {
	d := now.Sub(t)
	if d < time.Second {
		return append(b, "just now"...)
	}
	return append(words.AppendAge(b, d), " ago"...)
}

// snapshotNote is "snapshot taken 3 days ago (2026-11-21 10:02 UTC)", or
// "snapshot of unknown age" for one that does not say when it was taken
// (written by hand).
func snapshotNote(s *plan.Station, now time.Time) string {
	return string(appendSnapshotNote(nil, s, now))
}

// appendSnapshotNote is snapshotNote appended to b.
func appendSnapshotNote(b []byte, s *plan.Station, now time.Time) []byte {
	if s.ObservedAt.IsZero() {
		return append(b, "snapshot of unknown age"...)
	}
	b = appendAgo(append(b, "snapshot taken "...), s.ObservedAt, now)
	b = s.ObservedAt.UTC().AppendFormat(append(b, " ("...), "2006-01-02 15:04 UTC")
	return append(b, ')')
}
