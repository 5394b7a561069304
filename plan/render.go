package plan

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RenderOptions are what a renderer may be told; the computation never
// sees them.
type RenderOptions struct {
	// Color enables ANSI colours (text only). cmd decides: stdout is a
	// terminal and NO_COLOR is unset.
	Color bool
	// Now is the time snapshot ages are measured from; zero means the
	// plan's CreatedAt.
	Now time.Time
}

// RenderFunc writes a plan in one format. Renderers are pure: they only
// read the plan.
type RenderFunc func(w io.Writer, p *Plan, opts RenderOptions) error

// Renderer returns the renderer of a --format name.
func Renderer(format string) (RenderFunc, error) {
	switch format {
	case "", "text":
		return RenderText, nil
	case "json":
		return RenderJSON, nil
	case "markdown", "md":
		return RenderMarkdown, nil
	}
	return nil, fmt.Errorf("unknown format %q: use text, json or markdown", format)
}

func (o RenderOptions) now(p *Plan) time.Time {
	if !o.Now.IsZero() {
		return o.Now
	}
	return p.CreatedAt
}

// plural writes "1 station", "2 stations".
func plural(n int, one, many string) string { return string(appendPlural(nil, n, one, many)) }

// appendPlural is plural appended to b.
func appendPlural(b []byte, n int, one, many string) []byte {
	if n == 1 {
		return append(append(b, "1 "...), one...)
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return append(append(b, ' '), many...)
}

// KnownAtApply stands for a value the plan cannot know: its secret is not
// at hand in this run.
const KnownAtApply = "(known at apply)"

// commissionWhat is what planning a station never read means; the text
// and markdown renderings word their heads around it.
const commissionWhat = "every managed key is to be set"

// CommissionNote heads a station never read.
const CommissionNote = "to commission: never read; " + commissionWhat

// SummaryLine is the closing line of a plan: "Plan: 3 stations, 7
// changes, 1 firmware upgrade." or "No changes. ..." when there is
// nothing to do and nothing blocked.
func SummaryLine(p *Plan) string {
	s := p.Summarize()
	var line string
	switch {
	case s.Changes > 0 || s.Upgrades > 0 || s.Blocked > 0 || s.KnownAtApply > 0:
		line = fmt.Sprintf("Plan: %s, %s, %s", plural(s.Stations, "station", "stations"),
			plural(s.Changes, "change", "changes"), plural(s.Upgrades, "firmware upgrade", "firmware upgrades"))
		if s.ToCommission > 0 {
			line += fmt.Sprintf(", %d to commission", s.ToCommission)
		}
		if s.KnownAtApply > 0 {
			line += ", " + plural(s.KnownAtApply, "value", "values") + " known at apply"
		}
		line += "."
	case s.Stations == 1:
		line = "No changes. The controller matches the site file."
	default:
		line = fmt.Sprintf("No changes. All %d controllers match the site files.", s.Stations)
	}
	if s.LeftForGateway > 0 {
		line += fmt.Sprintf(" %s left for the gateway (ocpp blocks: plan over OCPP to apply them).",
			plural(s.LeftForGateway, "ocpp key", "ocpp keys"))
	}
	return line
}

// GatewayNote heads a station's keys left for the gateway.
const GatewayNote = "left for the gateway (ocpp block, never sent over the service cable)"

// BlockedLine says how many stations apply would refuse, or "".
func BlockedLine(p *Plan) string {
	n := p.Summarize().Blocked
	if n == 0 {
		return ""
	}
	verb, them := "has", "it"
	if n > 1 {
		verb, them = "have", "them"
	}
	return fmt.Sprintf("Blocked: %s %s errors; ecc apply refuses %s until they are fixed.",
		plural(n, "station", "stations"), verb, them)
}

// Ago says how long ago t was, roughly: "just now", "5 minutes ago",
// "3 days ago": the age of an observation as plans and status show it.
func Ago(t, now time.Time) string { return string(appendAgo(nil, t, now)) }

// appendAgo is Ago appended to b.
func appendAgo(b []byte, t, now time.Time) []byte {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return append(b, "just now"...)
	case d < time.Hour:
		b = appendPlural(b, int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		b = appendPlural(b, int(d/time.Hour), "hour", "hours")
	default:
		b = appendPlural(b, int(d/(24*time.Hour)), "day", "days")
	}
	return append(b, " ago"...)
}

// SnapshotNote is "snapshot taken 3 days ago (2026-11-21 10:02 UTC)", or
// "snapshot of unknown age" for one that does not say when it was taken
// (written by hand).
func SnapshotNote(s *Station, now time.Time) string {
	return string(appendSnapshotNote(nil, s, now))
}

// appendSnapshotNote is SnapshotNote appended to b.
func appendSnapshotNote(b []byte, s *Station, now time.Time) []byte {
	if s.ObservedAt.IsZero() {
		return append(b, "snapshot of unknown age"...)
	}
	b = appendAgo(append(b, "snapshot taken "...), s.ObservedAt, now)
	b = s.ObservedAt.UTC().AppendFormat(append(b, " ("...), "2006-01-02 15:04 UTC")
	return append(b, ')')
}

// firmwareLine is "V32R16 -> V32R17", or "" when there is nothing to say.
func firmwareLine(f Firmware) string {
	switch f.Action {
	case FirmwareUpgrade:
		return fmt.Sprintf("%s -> %s", orUnknown(f.Current), f.Desired)
	case FirmwareRefused:
		return fmt.Sprintf("%s -> %s refused: %s", orUnknown(f.Current), f.Desired, f.Reason)
	}
	return ""
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// problemText is "key (class): message", or the message alone.
func problemText(e Problem) string {
	switch {
	case e.Key != "" && e.Class != "":
		return fmt.Sprintf("%s (%s): %s", e.Key, e.Class, e.Message)
	case e.Key != "":
		return e.Key + ": " + e.Message
	}
	return e.Message
}

// optionChange is one option of a name=value list that a change alters.
type optionChange struct{ Name, Before, After string }

// optionChanges splits a change of a name=value list ("Events=1,useTLS=0")
// into the options that differ, so that a reviewer sees `useTLS: 0 -> 1`
// rather than two long strings. ok is false when either side is not such a
// list. Before and After are canonical, so a plain split is exact.
func optionChanges(c Change) (out []optionChange, ok bool) {
	if c.Sensitive || c.Action != ActionUpdate {
		return nil, false
	}
	before, ok1 := splitOptions(c.Before)
	after, ok2 := splitOptions(c.After)
	if !ok1 || !ok2 {
		return nil, false
	}
	seen := map[string]bool{}
	for _, kv := range after {
		seen[kv[0]] = true
		if old, had := lookupOption(before, kv[0]); !had || old != kv[1] {
			out = append(out, optionChange{Name: kv[0], Before: old, After: kv[1]})
		}
	}
	for _, kv := range before {
		if !seen[kv[0]] {
			out = append(out, optionChange{Name: kv[0], Before: kv[1]})
		}
	}
	return out, true
}

func splitOptions(s string) ([][2]string, bool) {
	if !strings.Contains(s, "=") { // not a list (the most common case): split nothing
		return nil, false
	}
	var out [][2]string
	for _, f := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, false
		}
		out = append(out, [2]string{name, val})
	}
	return out, true
}

func lookupOption(opts [][2]string, name string) (string, bool) {
	for _, kv := range opts {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}

// inOrder writes n items to w in order, each rendered by render (which
// only reads the plan) into a buffer: chunks of items are rendered in
// parallel, at most a few chunks ahead of the writing. render starts each
// item's output itself (a blank line between stations).
func inOrder(w io.Writer, n int, render func(b *bytes.Buffer, i int)) error {
	const chunk = 256 // items per buffer: a few tens of KiB of text
	chunks := (n + chunk - 1) / chunk
	renderChunk := func(c int) *bytes.Buffer {
		b := chunkBuffers.Get().(*bytes.Buffer)
		for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
			render(b, i)
		}
		return b
	}
	write := func(b *bytes.Buffer, err error) error {
		if err == nil {
			_, err = w.Write(b.Bytes())
		}
		b.Reset()
		chunkBuffers.Put(b)
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	if chunks <= 1 || workers == 1 {
		var err error
		for c := range chunks {
			err = write(renderChunk(c), err)
		}
		return err
	}
	// One channel per chunk, taken in order; ahead bounds the chunks
	// rendered but not yet written.
	done := make([]chan *bytes.Buffer, chunks)
	for c := range done {
		done[c] = make(chan *bytes.Buffer, 1)
	}
	ahead := make(chan struct{}, 2*workers)
	go func() {
		for c := range chunks {
			ahead <- struct{}{}
			go func() { done[c] <- renderChunk(c) }()
		}
	}()
	var err error
	for c := range chunks {
		err = write(<-done[c], err) // after an error, only drain
		<-ahead
	}
	return err
}

// chunkBuffers are inOrder's buffers.
var chunkBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
