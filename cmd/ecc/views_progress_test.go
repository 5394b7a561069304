package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vbauerster/mpb/v8"

	"github.com/ecotap-tools/ecc/apply"
)

// ansi matches the terminal control sequences mpb writes to redraw.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// screenLines is what a terminal shows line by line, control sequences
// dropped (each redraw starts a line again).
func screenLines(out string) []string {
	var lines []string
	for _, l := range strings.FieldsFunc(ansi.ReplaceAllString(out, "\n"), func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// Two stations flash at once on a terminal: each has its own labelled
// bar, and their log lines are printed above the bars, never into them.
func TestProgressViewTwoStations(t *testing.T) {
	var buf bytes.Buffer
	v := newProgressView(&buf, true, mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithRefreshRate(2*time.Millisecond), mpb.WithWidth(80))
	const size = 40000
	for i := 0; i <= 100; i += 5 {
		for _, st := range []string{"cp-01", "cp-02"} {
			done := size * i / 100
			v.Report(apply.Event{Type: apply.EvFirmware, Station: st, Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: done, Total: size, Percent: i}})
			if i%20 == 0 {
				v.Report(apply.Event{Type: apply.EvFirmware, Station: st, Message: fmt.Sprintf("transfer %d%%: %d of %d bytes", i, done, size),
					Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: done, Total: size, Percent: i}})
				v.Report(apply.Event{Type: apply.EvWrite, Station: st, Level: apply.LevelWarn, Message: "a log line"})
			}
		}
		time.Sleep(3 * time.Millisecond)
	}
	v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-02", Progress: &apply.Progress{Phase: "erase", Percent: 40}})
	v.Report(apply.Event{Type: apply.EvSummary, Message: "Apply complete: 2 stations changed."})
	v.Close()

	lines := screenLines(buf.String())
	bars := map[string]bool{}
	logs := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "warning: cp-01: a log line"), strings.HasPrefix(l, "warning: cp-02: a log line"),
			l == "Apply complete: 2 stations changed.":
			logs++
		case strings.HasPrefix(l, "cp-01 transfer"), strings.HasPrefix(l, "cp-02 transfer"), strings.HasPrefix(l, "cp-02 erase"):
			if strings.Contains(l, "log line") || strings.Contains(l, "Apply complete") {
				t.Errorf("a log line inside a bar: %q", l)
			}
			bars[strings.Join(strings.Fields(l)[:2], " ")] = true
		default:
			t.Errorf("a line neither labelled bar nor event line: %q", l)
		}
	}
	if logs != 2*6+1 {
		t.Errorf("%d log lines, want 13:\n%s", logs, strings.Join(lines, "\n"))
	}
	for _, b := range []string{"cp-01 transfer", "cp-02 transfer", "cp-02 erase"} {
		if !bars[b] {
			t.Errorf("no bar %q:\n%s", b, strings.Join(lines, "\n"))
		}
	}
	// The transfer messages are for plain lines: with bars they are not
	// printed again.
	if strings.Contains(buf.String(), "transfer 20%") {
		t.Errorf("progress message printed beside its bar")
	}
}

// Not a terminal: plain lines, ticks dropped, no control sequence.
func TestProgressViewPlain(t *testing.T) {
	var buf bytes.Buffer
	v := newProgressView(&buf, false)
	v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-01", Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: 10, Total: 100}})
	v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-01", Message: "transfer 50%: 50 of 100 bytes", Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: 50, Total: 100}})
	v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-02", Message: "controller: erase 10%", Progress: &apply.Progress{Phase: "erase", Percent: 10}})
	v.Close()
	want := "cp-01: transfer 50%: 50 of 100 bytes\ncp-02: controller: erase 10%\n"
	if buf.String() != want {
		t.Errorf("plain output %q, want %q", buf.String(), want)
	}
}

// A question in the middle of a run: the bars leave the screen, progress
// meanwhile draws none, and the next progress after it draws the bar
// again from its value.
func TestProgressViewHold(t *testing.T) {
	var buf bytes.Buffer
	v := newProgressView(&buf, true, mpb.ForceTTY(), mpb.WithAutoRefresh(), mpb.WithRefreshRate(2*time.Millisecond), mpb.WithWidth(80))
	tick := func(done int) {
		v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-01", Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: done, Total: 100}})
	}
	tick(10)
	v.hold(func() {
		if v.p != nil || len(v.open) != 0 {
			t.Error("bars still drawn while a question is asked")
		}
		tick(20)
		if v.p != nil {
			t.Error("a bar drawn while a question is asked")
		}
	})
	tick(30)
	if v.p == nil || v.open["cp-01"] == nil || v.open["cp-01"].bar.Current() != 30 {
		t.Error("the bar is not drawn again after the question")
	}
	v.Close()
}

// Lines after the bars: a bar that completed, then the run's last lines
// and Close at once. mpb prints lines written to it only at its next
// redraw, and draws none when it shuts down: the summary of every apply
// with a firmware upgrade was lost on a terminal. Also with the options
// a real terminal gets (no refresh forced by the test).
func TestProgressViewLinesAfterBars(t *testing.T) {
	for _, last := range []int{100, 50} { // 50: a phase that never completes (a failed transfer), its bar open at Close
		var buf bytes.Buffer
		v := newProgressView(&buf, true)
		for _, done := range []int{0, 50, last} {
			v.Report(apply.Event{Type: apply.EvFirmware, Station: "cp-01", Progress: &apply.Progress{Phase: apply.PhaseTransfer, Done: done, Total: 100}})
		}
		v.Report(apply.Event{Type: apply.EvApplyComplete, Station: "cp-01", Message: "applied and verified: 1 change"})
		v.Report(apply.Event{Type: apply.EvSummary, Message: "Apply complete: 1 station changed."})
		v.Close()
		out := strings.Join(screenLines(buf.String()), "\n")
		if !strings.Contains(out, "cp-01: applied and verified: 1 change") || !strings.Contains(out, "Apply complete: 1 station changed.") {
			t.Errorf("bar at %d%%: lines after it lost:\n%q", last, buf.String())
		}
	}
}
