package apply

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ecotap-tools/ecc/transport"
)

// barsActive counts progress bars drawn at the moment: a second flash in
// parallel reports plain progress events instead of fighting over the line.
var barsActive atomic.Int32

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// barWriter decides where a progress bar goes, or nil for plain progress
// events: ProgressBar draws on BarWriter (default the text reporter's
// writer); ProgressAuto draws only when the reporter prints text on a
// terminal (a JSON reporter gets events).
func barWriter(opts FlashOptions, ev Reporter) io.Writer {
	w := opts.BarWriter
	switch opts.Progress {
	case ProgressBar:
		return w
	case ProgressAuto:
		if w != nil && IsTerminal(w) {
			return w
		}
	}
	return nil
}

// transferDisplay shows the transfer: a bar, or an event every 10%.
type transferDisplay struct {
	f     *flash
	size  int
	w     io.Writer // nil: events
	off   bool
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	from  int // offset this attempt started at
	began time.Time
	done  int
	step  int // last 10% step reported
	drawn bool
}

func newTransferDisplay(f *flash, size int) *transferDisplay {
	d := &transferDisplay{f: f, size: size, off: f.opts.Progress == ProgressOff}
	if !d.off {
		d.w = barWriter(f.opts, f.ev)
		if d.w != nil {
			if barsActive.Add(1) == 1 {
				d.drawn = true
			} else {
				barsActive.Add(-1)
				d.w = nil
			}
		}
	}
	return d
}

// start begins (or resumes) at offset from.
func (d *transferDisplay) start(from int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.from, d.done, d.began = from, from, time.Now()
	d.step = from * 10 / max(d.size, 1)
	if d.w == nil || d.off {
		return
	}
	desc := "firmware"
	if from > 0 {
		desc = fmt.Sprintf("firmware (from %s)", humanBytes(float64(from)))
	}
	d.bar = progressbar.NewOptions64(int64(d.size-from),
		progressbar.OptionSetWriter(d.w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetRenderBlankState(true),
	)
}

// update is the transfer's progress: done is the offset the
// controller has confirmed (bytes of the whole image).
func (d *transferDisplay) update(done int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if done < d.done || done > d.size {
		return
	}
	d.done = done
	if d.off {
		return
	}
	if d.bar != nil {
		d.bar.Set64(int64(done - d.from))
		return
	}
	if d.w != nil {
		return
	}
	step := done * 10 / max(d.size, 1)
	if step <= d.step || step >= 10 {
		return
	}
	d.step = step
	msg := fmt.Sprintf("transfer %d%%: %d of %d bytes", step*10, done, d.size)
	if el := time.Since(d.began).Seconds(); el > 0 && done > d.from {
		rate := float64(done-d.from) / el
		left := time.Duration(float64(d.size-done) / rate * float64(time.Second))
		msg += fmt.Sprintf(", %s/s, about %s left", humanBytes(rate), left.Round(time.Second))
	}
	d.f.report("", "%s", msg)
}

// interrupt ends the current bar after a lost link.
func (d *transferDisplay) interrupt() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bar != nil {
		d.bar.Exit()
		fmt.Fprintln(d.w)
		d.bar = nil
	}
}

func (d *transferDisplay) finish() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bar != nil {
		d.bar.Finish()
		fmt.Fprintln(d.w)
		d.bar = nil
	}
}

func (d *transferDisplay) close() {
	d.interrupt()
	if d.drawn {
		barsActive.Add(-1)
		d.drawn = false
	}
}

// flashDisplay shows the controller's erase / copy flash log after the
// commit as its own progress.
type flashDisplay struct {
	f     *flash
	w     io.Writer
	mu    sync.Mutex
	phase string
	bar   *progressbar.ProgressBar
	step  int
	drawn bool
}

func newFlashDisplay(f *flash) *flashDisplay {
	d := &flashDisplay{f: f}
	if f.opts.Progress != ProgressOff {
		if w := barWriter(f.opts, f.ev); w != nil && barsActive.Add(1) == 1 {
			d.w, d.drawn = w, true
		} else if w != nil {
			barsActive.Add(-1)
		}
	}
	return d
}

// progress is FirmwareCommit's progress callback.
func (d *flashDisplay) progress(p transport.FlashProgress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p.Phase == transport.PhaseReconnect {
		d.endBar()
		d.f.report(LevelWarn, "lost the controller while it flashed; reconnecting to look for it. Do not remove power")
		return
	}
	if d.f.opts.Progress == ProgressOff {
		return
	}
	if p.Phase == transport.PhaseBoot {
		if d.phase != "" {
			d.endBar()
			d.f.report("", "controller boot banner: firmware %s", p.Version)
		}
		return
	}
	phase, pct := string(p.Phase), p.Percent
	if phase != d.phase {
		d.endBar()
		d.phase, d.step = phase, -1
		if d.w != nil && pct >= 0 {
			d.bar = progressbar.NewOptions(100,
				progressbar.OptionSetWriter(d.w),
				progressbar.OptionSetDescription(fmt.Sprintf("%-10s", phase)),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetElapsedTime(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
			)
		}
	}
	if d.bar != nil {
		if pct >= 0 {
			d.bar.Set(pct)
		}
		return
	}
	if d.w != nil {
		fmt.Fprintf(d.w, "controller: %s\n", p)
		return
	}
	// Events: the first report of a phase, then every 10%.
	if pct >= 0 {
		if pct/10 <= d.step {
			return
		}
		d.step = pct / 10
	} else if d.step >= 0 {
		return
	} else {
		d.step = 0
	}
	d.f.report("", "controller: %s", p)
}

func (d *flashDisplay) endBar() {
	if d.bar != nil {
		d.bar.Finish()
		fmt.Fprintln(d.w)
		d.bar = nil
	}
}

func (d *flashDisplay) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.endBar()
	if d.drawn {
		barsActive.Add(-1)
		d.drawn = false
	}
}

func humanBytes(n float64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}
