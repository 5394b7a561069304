package main

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/ecotap-tools/ecc/apply"
)

// progressView is the text view of apply events (on stderr). On a
// terminal, firmware progress is one labelled bar per station and phase
// (mpb), and every other line is printed above the bars, never into them.
// Otherwise every event with a message is one plain line and progress
// ticks are dropped.
type progressView struct {
	mu    sync.Mutex
	w     io.Writer
	bars  bool
	opts  []mpb.ContainerOption
	p     *mpb.Progress          // started with the first bar
	open  map[string]*stationBar // station -> its bar of the moment
	lines io.Writer              // w, or p once bars are drawn
	held  bool                   // a question is on the screen: no bars
}

// stationBar is one station's bar for one phase.
type stationBar struct {
	phase string
	bar   *mpb.Bar
}

// newProgressView draws bars when terminal is set; opts are for tests
// (mpb renders to any writer). mpb is told it draws on a terminal and
// redraws on its own: ecc's isTerminal decides (Git Bash's mintty is a
// pipe to mpb, which then never drew, and dropped every line written to
// it).
func newProgressView(w io.Writer, terminal bool, opts ...mpb.ContainerOption) *progressView {
	return &progressView{w: w, lines: w, bars: terminal, open: map[string]*stationBar{},
		opts: append([]mpb.ContainerOption{mpb.WithOutput(w), mpb.WithWidth(barWidth(w, os.Getenv("COLUMNS"))), mpb.ForceTTY(), mpb.WithAutoRefresh()}, opts...)}
}

// Report implements apply.Reporter.
func (v *progressView) Report(e apply.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.bars && !v.held && e.Progress != nil && v.draw(e.Station, e.Progress) {
		return
	}
	if e.Message != "" {
		fmt.Fprintln(v.lines, eventLine(e))
	}
}

// draw moves the station's bar; false when the progress has no bar (a
// boot banner, a phase without percent).
func (v *progressView) draw(station string, pr *apply.Progress) bool {
	total, cur := int64(100), int64(pr.Percent)
	if pr.Phase == apply.PhaseTransfer {
		total, cur = int64(pr.Total), int64(pr.Done)
	}
	if total <= 0 || cur < 0 {
		return false
	}
	sb := v.open[station]
	if sb == nil || sb.phase != pr.Phase {
		if sb != nil {
			sb.bar.SetTotal(-1, true) // the phase is over
		}
		sb = &stationBar{phase: pr.Phase, bar: v.add(station, pr.Phase, total)}
		v.open[station] = sb
	}
	sb.bar.SetCurrent(cur)
	if cur >= total {
		sb.bar.SetTotal(-1, true)
		delete(v.open, station)
		if len(v.open) == 0 {
			// The last bar is done: mpb prints the lines written to it at
			// its next redraw, and draws none when shut down, so the
			// lines after the bars (the run's summary) go straight to w.
			v.stop(false)
		}
	}
	return true
}

// add starts a bar labelled with the station and phase.
func (v *progressView) add(station, phase string, total int64) *mpb.Bar {
	if v.p == nil {
		v.p = mpb.New(v.opts...)
		v.lines = v.p
	}
	label := decor.Name(station+" "+phase, decor.WCSyncSpaceR)
	right := []decor.Decorator{decor.Percentage(decor.WC{W: 5})}
	if phase == apply.PhaseTransfer {
		right = append(right, decor.Counters(decor.SizeB1024(0), " % .1f / % .1f", decor.WCSyncSpace),
			decor.AverageSpeed(decor.SizeB1024(0), " % .1f", decor.WCSyncSpace))
	}
	return v.p.AddBar(total, mpb.PrependDecorators(label), mpb.AppendDecorators(right...))
}

// Close ends the bars still drawn (a station that failed mid-transfer)
// and waits until mpb has written everything.
func (v *progressView) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.stop(false)
}

// stop ends the bars (dropped from the screen when drop) and the
// container; the next progress draws them again from their values.
func (v *progressView) stop(drop bool) {
	if v.p == nil {
		return
	}
	for s, sb := range v.open {
		sb.bar.Abort(drop)
		delete(v.open, s)
	}
	v.p.Wait()
	v.p, v.lines = nil, v.w
}

// hold takes the bars off the screen while ask runs (a question asked in
// the middle of a run), so that no redraw moves the cursor under the
// user's answer; progress meanwhile is dropped, messages are plain lines.
func (v *progressView) hold(ask func()) {
	v.mu.Lock()
	v.stop(true)
	v.held = true
	v.mu.Unlock()
	defer func() {
		v.mu.Lock()
		v.held = false
		v.mu.Unlock()
	}()
	ask()
}
