package apply

import (
	"fmt"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// Progress is the typed progress of a firmware upgrade, carried by
// EvFirmware events: the transfer's bytes, or the phase and percent of the
// controller's flash after the commit. The views turn it into bars (one
// per station on a terminal) or plain lines; apply only counts.
//
// An event with a Progress and an empty Message is a tick, for bars only;
// the transfer's ticks come with every whole percent, and a message with
// every tenth (and the flash's with the first report of each phase and
// every tenth), as plain lines need them.
type Progress struct {
	// Phase is PhaseTransfer, or the flash phase the controller reports
	// (transport.PhaseErase, PhaseCopy over the cable, PhaseDownload,
	// PhaseInstall over OCPP, then PhaseBoot).
	Phase string
	// Done and Total are the bytes the controller has confirmed and the
	// image's size (transfer); From is where this attempt began (a resume
	// after a lost link starts above 0).
	Done, Total, From int
	// Percent is 0 to 100, or -1 when the controller gives none.
	Percent int
}

// PhaseTransfer is the Progress.Phase of the image transfer.
const PhaseTransfer = "transfer"

// transferProgress turns FirmwareSend's byte counts into EvFirmware events
// with a Progress: a tick per whole percent, a message per tenth.
type transferProgress struct {
	f     *flash
	size  int
	mu    sync.Mutex
	from  int
	done  int
	pct   int
	step  int // last tenth reported with a message
	began time.Time
}

func newTransferProgress(f *flash, size int) *transferProgress {
	return &transferProgress{f: f, size: size}
}

func (d *transferProgress) emit(msg string) {
	d.f.ev.Report(Event{Type: EvFirmware, Message: msg, Progress: &Progress{
		Phase: PhaseTransfer, Done: d.done, Total: d.size, From: d.from, Percent: d.pct}})
}

// start begins (or resumes) at offset from.
func (d *transferProgress) start(from int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.from, d.done, d.began = from, from, time.Now()
	d.pct = from * 100 / max(d.size, 1)
	d.step = d.pct / 10
	d.emit("")
}

// update is the transfer's progress: done is the offset the
// controller has confirmed (bytes of the whole image).
func (d *transferProgress) update(done int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if done < d.done || done > d.size {
		return
	}
	d.done = done
	pct := done * 100 / max(d.size, 1)
	if pct <= d.pct {
		return
	}
	d.pct = pct
	step := pct / 10
	if step <= d.step || step >= 10 {
		d.emit("")
		return
	}
	d.step = step
	msg := fmt.Sprintf("transfer %d%%: %d of %d bytes", step*10, done, d.size)
	if el := time.Since(d.began).Seconds(); el > 0 && done > d.from {
		rate := float64(done-d.from) / el
		left := time.Duration(float64(d.size-done) / rate * float64(time.Second))
		msg += fmt.Sprintf(", %s/s, about %s left", humanBytes(rate), left.Round(time.Second))
	}
	d.emit(msg)
}

// flashSteps follows the controller's flash after the commit: a message
// with the first report of a phase and with every tenth, ticks between.
type flashSteps struct {
	f     *flash
	phase transport.FlashPhase
	step  int // last tenth reported with a message; -1 none yet
}

// progress is FirmwareCommit's progress callback (steps typed by
// transport).
func (s *flashSteps) progress(p transport.FlashProgress) {
	pr := &Progress{Phase: string(p.Phase), Percent: p.Percent}
	msg := ""
	switch {
	case p.Phase == transport.PhaseReconnect:
		s.f.report(LevelWarn, "lost the controller while it flashed; reconnecting to look for it. Do not remove power")
		return
	case p.Phase == transport.PhaseBoot:
		if s.phase != "" {
			msg = "controller boot banner: firmware " + p.Version
		}
	case p.Phase != s.phase:
		s.phase, s.step = p.Phase, max(p.Percent, 0)/10
		msg = "controller: " + p.String()
	case p.Percent >= 0 && p.Percent/10 > s.step:
		s.step = p.Percent / 10
		msg = "controller: " + p.String()
	}
	s.f.ev.Report(Event{Type: EvFirmware, Message: msg, Progress: pr})
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
