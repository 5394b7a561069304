package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// FirmwareWarning paraphrases the warning of the ECClite user guide,
// chapter 4 ("Generic information about Updating your Firmware"). It is
// shown once before every firmware transfer.
const FirmwareWarning = "A firmware update is not an ordinary software update. " +
	"It flashes the controller's chip memory: the controller completely rewrites itself. " +
	"It cannot be undone: firmware can never be downgraded afterwards. " +
	"Removing power or the data cable while it runs can brick the controller module: " +
	"it becomes useless, the warranty is lost and the module must be replaced. " +
	"Project-specific firmware on custom products must never be upgraded. " +
	"Check the release notes that this firmware suits this controller, and if you do not know what you are doing, consult Ecotap/Legrand first. " +
	"(ECClite user guide, chapter 4)"

// maxImage is the largest image fw.begin accepts (controller-protocol.md §5).
const maxImage = 2 << 20

// FlashOptions configure Flash.
type FlashOptions struct {
	// Reporter receives the steps, the warning, progress lines (when there
	// is no progress bar) and the controller's erase / copy flash lines.
	// nil: Discard.
	Reporter Reporter
	// AutoApprove skips the confirmation (the warning is still shown).
	AutoApprove bool
	// Confirm asks the user (through the view's Asker); it returns true
	// to go on. nil with AutoApprove unset: the upgrade is refused.
	Confirm func(prompt string) bool

	// Reconnecting and resuming after a lost link is the transport's
	// (transport.Options.MaxReconnects and friends).
	// CommitTimeout bounds the wait for the erase, copy flash and reboot
	// after fw.commit (default 5 minutes). The commit is never interrupted
	// by ecc: cancelling ctx does not cut this wait short.
	CommitTimeout time.Duration
	// Interrupt is closed on the user's first interrupt (Options.Interrupt):
	// the transfer stops at its next chunk, what the controller received
	// is dropped (fw.abort) and the commit is never started
	// (*StoppedError). A commit already started is waited for, as when ctx
	// is cancelled.
	Interrupt <-chan struct{}
}

// RefusedError is a firmware upgrade refused before anything was sent.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string {
	return "firmware upgrade refused, nothing sent: " + e.Reason
}

func refuse(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// BrickedError is returned when the controller did not come back after
// the installation was started (fw.commit, or UpdateFirmware over OCPP).
type BrickedError struct {
	Serial, From, To string
	Err              error
	// Remote: the station was reached over OCPP, where ecc cannot tell a
	// station still installing or offline from a broken one.
	Remote bool
}

func (e *BrickedError) Error() string {
	if e.Remote {
		return fmt.Sprintf("the station %s did not come back over OCPP after the firmware update (%s -> %s): %v. "+
			"It may still be installing, or have lost its connection; it may also be bricked. "+
			"Do not start another update: watch for it in ecc gateway stations, and if it does not return, "+
			"check it on site (ecc console on the service cable)",
			orUnknown(e.Serial), e.From, e.To, e.Err)
	}
	return fmt.Sprintf("the controller %s did not come back after the firmware commit (%s -> %s); "+
		"it may be bricked (power or the cable interrupted while it rewrote its flash): %v. "+
		"Leave it powered and connected and check its log (ecc console); if it stays silent, "+
		"contact Ecotap/Legrand: the controller module may have to be replaced",
		orUnknown(e.Serial), e.From, e.To, e.Err)
}

func (e *BrickedError) Unwrap() error { return e.Err }

// StoppedError is a firmware upgrade stopped by the user's interrupt
// before its commit: the upgrade was not started and the controller still
// runs Running.
type StoppedError struct {
	Running string
	// AbortErr is why fw.abort failed (nil: the transfer was dropped). The
	// part received then stays in the download area until the controller
	// reboots; without a commit it is never installed.
	AbortErr error
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("interrupted before the firmware commit: the upgrade was not started; the controller still runs %s", e.Running)
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown serial)"
	}
	return s
}

// Image is a firmware image read and checked against its pin.
type Image struct {
	Version model.Version
	Header  model.FirmwareHeader
	Data    []byte
	SHA256  string // lower-case hex of Data
}

// CheckFirmware decides, without sending anything, whether the planned
// upgrade may run on a controller that reported current: it reads the
// image file now and hands what it found to the firmware policy
// (model.DecideFirmware). It returns the image to send, or a *RefusedError
// naming the reason.
func CheckFirmware(fw plan.Firmware, current transport.Identity, ch model.Channel) (*Image, error) {
	switch fw.Action {
	case plan.FirmwareRefused:
		return nil, refuse("%s", fw.Reason)
	case plan.FirmwareUpgrade:
	default:
		return nil, refuse("the plan does not call for a firmware upgrade (action %q)", fw.Action)
	}
	want, err := model.ParseVersion(fw.Desired)
	if err != nil {
		return nil, refuse("pinned version: %v", err)
	}
	// Over OCPP a product name in chargePointModel yields to the family the
	// plan was checked against (plan.Firmware.Family).
	facts := model.FirmwareFacts{Pinned: want, Locked: fw.Locked, File: fw.File, SHA256: fw.SHA256, Size: fw.Size,
		Running: current.Firmware, Model: current.Model, Channel: ch, Declared: fw.Family}
	// The version rules first: a locked pin or a downgrade is refused
	// even when the image file is missing.
	if d := model.DecideFirmware(facts); d.Verdict != model.FirmwareUpgrade {
		return nil, refuse("%s", d.Reason)
	}
	if fw.File == "" {
		return nil, refuse("the pin names no image file")
	}
	st, err := os.Stat(fw.File)
	if err != nil {
		return nil, refuse("image file: %v", err)
	}
	if st.Size() > maxImage {
		return nil, refuse("%s is %d bytes, more than the 2 MiB a controller accepts", fw.File, st.Size())
	}
	data, err := os.ReadFile(fw.File)
	if err != nil {
		return nil, refuse("image file: %v", err)
	}
	sum := sha256.Sum256(data)
	img := &model.FirmwareImage{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	// The header is parsed only from the pinned bytes: another file's
	// header problem would hide that it is not the pinned image.
	if len(data) > 0 && strings.EqualFold(img.SHA256, fw.SHA256) {
		if img.Header, err = model.ParseFirmwareHeader(data); err != nil {
			return nil, refuse("%s: %v", fw.File, err)
		}
	}
	facts.Image = img
	if d := model.DecideFirmware(facts); d.Verdict != model.FirmwareUpgrade {
		return nil, refuse("%s", d.Reason)
	}
	return &Image{Version: want, Header: img.Header, Data: data, SHA256: img.SHA256}, nil
}

// Flash upgrades the controller c, which reported current, to the planned
// firmware: every check of CheckFirmware before any firmware request, the
// warning and a confirmation, the transfer (resumed after a cable drop or
// timeout, at most MaxReconnects times), the commit, the wait for the
// reboot, and the check that the controller now runs the pinned version.
// It returns the new identity.
func Flash(ctx context.Context, c transport.Controller, fw plan.Firmware, current transport.Identity, opts FlashOptions) (transport.Identity, error) {
	f := &flash{opts: opts, c: c, fw: fw, cur: current}
	return f.run(ctx)
}

type flash struct {
	opts FlashOptions
	ev   Reporter
	c    transport.Controller
	fw   plan.Firmware
	cur  transport.Identity
	img  *Image
}

func (f *flash) report(level, format string, args ...any) {
	f.ev.Report(Event{Type: EvFirmware, Level: level, Message: fmt.Sprintf(format, args...)})
}

func (f *flash) defaults() {
	f.ev = f.opts.Reporter
	if f.ev == nil {
		f.ev = Discard
	}
	if f.opts.CommitTimeout <= 0 {
		f.opts.CommitTimeout = 5 * time.Minute
	}
}

func (f *flash) run(ctx context.Context) (transport.Identity, error) {
	f.defaults()
	img, err := CheckFirmware(f.fw, f.cur, f.c.Channel())
	if err != nil {
		return transport.Identity{}, err
	}
	f.img = img

	f.report(LevelWarn, "%s", FirmwareWarning)
	if !f.opts.AutoApprove {
		prompt := fmt.Sprintf("Flash firmware %s onto controller %s (%s, running %s)? It cannot be undone.",
			img.Version, orUnknown(f.cur.Serial), f.cur.Model, f.cur.Firmware)
		if confirm := f.opts.Confirm; confirm == nil || !confirm(prompt) {
			return transport.Identity{}, refuse("not confirmed (the firmware upgrade needs a yes on a terminal, or --auto-approve)")
		}
	}
	if err := ctx.Err(); err != nil {
		return transport.Identity{}, err
	}
	if closed(f.opts.Interrupt) {
		return transport.Identity{}, &StoppedError{Running: f.cur.Firmware}
	}

	// The transfer only fills the download area: the user's first
	// interrupt stops it at the next chunk, and no commit is started after
	// it.
	err = f.transfer(ctx)
	if closed(f.opts.Interrupt) {
		return transport.Identity{}, f.drop(ctx)
	}
	if err != nil {
		return transport.Identity{}, err
	}
	return f.commit(ctx)
}

// drop ends a transfer the user's interrupt stopped: fw.abort drops what
// the controller received (not after a second interrupt, which stops at
// once). It returns the *StoppedError.
func (f *flash) drop(ctx context.Context) error {
	e := &StoppedError{Running: f.cur.Firmware, AbortErr: ctx.Err()}
	if e.AbortErr == nil {
		e.AbortErr = f.c.FirmwareAbort(ctx)
	}
	if e.AbortErr != nil {
		f.report(LevelWarn, "interrupted: transfer stopped, no commit; the transfer could not be dropped (%v): the controller keeps the part it received until it reboots, and never installs it", e.AbortErr)
	} else {
		f.report(LevelWarn, "interrupted: transfer stopped and dropped (fw.abort), no commit; the controller still runs %s", f.cur.Firmware)
	}
	return e
}

// transfer sends the image; the transport reconnects and resumes after a
// lost link, stops at the user's interrupt, and reports each step.
func (f *flash) transfer(ctx context.Context) error {
	img := f.img
	size := len(img.Data)
	disp := newTransferProgress(f, size)
	f.report("", "sending %s (%d bytes, sha256 %s…)", filepath.Base(f.fw.File), size, img.SHA256[:12])
	start := time.Now()
	err := f.c.FirmwareTransfer(ctx, transport.FirmwareImage{Version: img.Version.String(), Data: img.Data, SHA256: img.SHA256, Stop: f.opts.Interrupt}, func(p transport.TransferProgress) {
		switch p.Event {
		case transport.TransferStarted:
			if p.Start > 0 {
				f.report("", "resuming at %d bytes (%d%% already held by the controller)", p.Start, p.Start*100/max(p.Total, 1))
			}
			disp.start(p.Start)
		case transport.TransferData:
			disp.update(p.Done)
		case transport.TransferLost:
			f.report(LevelWarn, "connection lost during the transfer (%v); reconnecting, attempt %d of %d", p.Err, p.Attempt, p.MaxAttempts)
		case transport.TransferReconnected:
			f.report("", "reconnected to %s (up %d s)", p.Identity.Serial, p.Identity.Uptime)
		}
	})
	if err != nil {
		return fmt.Errorf("firmware transfer: %w (nothing committed: the controller still runs %s)", err, f.cur.Firmware)
	}
	el := time.Since(start)
	f.report("", "transfer done: %d bytes in %.1f s (%s/s)", size, el.Seconds(), humanBytes(float64(size)/max(el.Seconds(), 1e-3)))
	return nil
}

// commit starts the installation once (fw.commit on the cable,
// UpdateFirmware over OCPP) and waits for the controller to boot. Nothing
// else is sent until it has: no resend, no reset, no abort.
func (f *flash) commit(ctx context.Context) (transport.Identity, error) {
	want := f.img.Version.String()
	remote := f.c.Channel() == model.ChannelOCPP
	keep := "power or the cable" // what must stay connected while it flashes
	if remote {
		keep = "the station's power"
	}
	f.report(LevelWarn, "committing: the controller now erases and rewrites its flash. Do not remove %s until the controller has booted %s", keep, want)
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.opts.CommitTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		f.report(LevelWarn, "interrupted, but the controller is rewriting its flash: ecc keeps waiting until it has booted %s. Do not remove %s", want, keep)
	})
	defer stop()
	start := time.Now()
	steps := &flashSteps{f: f}
	id, err := f.c.FirmwareCommit(cctx, steps.progress)
	if err != nil {
		var re *transport.RemoteError
		if errors.As(err, &re) && re.Code != transport.CodeBusy {
			return transport.Identity{}, fmt.Errorf("the controller refused the commit (%s: %s); it changed nothing and still runs %s", re.Code, re.Message, f.cur.Firmware)
		}
		if id.Firmware == "" {
			return transport.Identity{}, &BrickedError{Serial: f.cur.Serial, From: f.cur.Firmware, To: want, Err: err,
				Remote: remote}
		}
		// It booted and answered, with another version (the checks below
		// say which): not a brick.
	}
	if f.cur.Serial != "" && id.Serial != "" && id.Serial != f.cur.Serial {
		return id, fmt.Errorf("after the firmware commit controller %s answers instead of %s", id.Serial, f.cur.Serial)
	}
	if id.Firmware != want {
		if id.Firmware == f.cur.Firmware {
			return id, fmt.Errorf("the controller booted %s again, not %s: the upgrade did not take", id.Firmware, want)
		}
		return id, fmt.Errorf("the controller booted %s, not the pinned %s", id.Firmware, want)
	}
	if err != nil {
		return id, err
	}
	f.report("", "the controller booted %s (flashing took %.1f s)", id.Firmware, time.Since(start).Seconds())
	return id, nil
}

// FirmwareFlasher is the Flasher apply uses (DefaultFlasher): Flash with
// Options, the current identity from hello and the apply's reporter.
// Confirmations are asked one at a time when stations are flashed in
// parallel.
type FirmwareFlasher struct {
	Options FlashOptions
	mu      sync.Mutex
}

// Flash implements Flasher.
func (fl *FirmwareFlasher) Flash(ctx context.Context, c transport.Controller, fw plan.Firmware, ev Reporter) (transport.Identity, error) {
	id, err := c.Hello(ctx)
	if err != nil {
		return transport.Identity{}, fmt.Errorf("hello before the firmware upgrade: %w", err)
	}
	opts := fl.Options
	opts.Reporter = ev
	if confirm := opts.Confirm; !opts.AutoApprove && confirm != nil {
		opts.Confirm = func(p string) bool {
			fl.mu.Lock()
			defer fl.mu.Unlock()
			return confirm(p)
		}
	}
	return Flash(ctx, c, fw, id, opts)
}

func init() {
	if DefaultFlasher == nil {
		DefaultFlasher = &FirmwareFlasher{}
	}
}
