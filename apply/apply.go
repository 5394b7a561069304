package apply

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// Recovery is what to do about an interrupted earlier apply of a station
// (a journal left behind by a killed ecc or a pulled cable).
type Recovery int

// Recoveries.
const (
	// RecoverNone: no journal, or not decided (the station is refused).
	RecoverNone Recovery = iota
	// RecoverFinish applies the plan again; rollback keeps pointing at the
	// backup taken before the interrupted apply.
	RecoverFinish
	// RecoverRollback writes back the interrupted apply's backup values of
	// the keys it wrote, and does not apply the plan.
	RecoverRollback
	// RecoverCancel leaves the station alone (and the journal in place).
	RecoverCancel
)

// String is the recovery's name: "ask" (none), "finish", "rollback",
// "cancel".
func (r Recovery) String() string {
	return [...]string{"ask", "finish", "rollback", "cancel"}[r]
}

// Job is one station to apply.
type Job struct {
	Station *plan.Station
	// Desired is the station's desired state, needed to plan again after a
	// firmware upgrade (nil: an upgrade is refused).
	Desired *model.Station
	State   *record.State
	Port    string
	// Journal is an interrupted earlier apply of this serial (see
	// FindInterrupted) and Recovery what to do about it.
	Journal  *record.Journal
	Recovery Recovery
	// Refused, when set during preparation, refuses the station before
	// anything is sent (e.g. a saved plan whose secret changed).
	Refused error
	// Saved: the job comes from a saved plan, applied exactly as saved or
	// not at all (stale); a re-plan's extra changes are never asked for,
	// only reported pending.
	Saved bool
}

// Flasher flashes a firmware image (apply/firmware.go). It returns the
// identity of the controller running the new firmware, or a *StoppedError
// when the user's interrupt stopped it before the installation started
// (DefaultFlasher: FlashOptions.Interrupt, set from Options.Interrupt).
type Flasher interface {
	Flash(ctx context.Context, c transport.Controller, fw plan.Firmware, ev Reporter) (transport.Identity, error)
}

// FlasherFunc adapts a function to Flasher.
type FlasherFunc func(ctx context.Context, c transport.Controller, fw plan.Firmware, ev Reporter) (transport.Identity, error)

// Flash calls f.
func (f FlasherFunc) Flash(ctx context.Context, c transport.Controller, fw plan.Firmware, ev Reporter) (transport.Identity, error) {
	return f(ctx, c, fw, ev)
}

// DefaultFlasher is used when Options.Flasher is nil; firmware support sets
// it in its init. nil: a planned upgrade is refused with "firmware flashing
// not available".
var DefaultFlasher Flasher

// defaultFlasher is DefaultFlasher; a FirmwareFlasher confirms through
// the run's Asker, or not at all with AutoApprove.
func defaultFlasher(opts Options) Flasher {
	ff, ok := DefaultFlasher.(*FirmwareFlasher)
	if !ok {
		return DefaultFlasher
	}
	o := ff.Options
	o.AutoApprove = o.AutoApprove || opts.AutoApprove || opts.FlashConfirmed
	if o.Interrupt == nil {
		o.Interrupt = opts.Interrupt
	}
	if o.Confirm == nil && opts.Asker != nil {
		o.Confirm = func(prompt string) bool {
			ok, err := opts.Asker.ConfirmFlash("", prompt)
			return err == nil && ok
		}
	}
	return &FirmwareFlasher{Options: o}
}

// Options configure Run.
type Options struct {
	// Connect opens a controller on a port (it waits for the controller to
	// answer hello within the user's connect timeout).
	Connect func(ctx context.Context, port string) (transport.Controller, error)
	// Parallelism is how many ports are worked on at once (default 4).
	// Stations sharing a port are always applied one after another.
	Parallelism int
	Reporter    Reporter
	// Asker is asked to confirm a firmware flash and to approve changes a
	// re-plan brought (nil: never asked; a flash then needs AutoApprove,
	// and extra changes are left pending).
	Asker Asker
	// AutoApprove flashes without a confirmation, and writes only the
	// approved changes after a re-plan (the rest is reported pending).
	AutoApprove bool
	// FlashConfirmed: every firmware upgrade was confirmed before Run
	// (Apply asks up front); the flash asks nothing more.
	FlashConfirmed bool
	// Interrupt is closed on the user's first interrupt: no write starts
	// afterwards, a rollback included. A station that has not written yet
	// stops (its journal removed: nothing changed), and so does one in
	// its firmware transfer (dropped, never committed); a firmware commit
	// under way is waited for. A station whose writes are done is saved,
	// rebooted and verified; one that would need another write (the
	// write-only batch, a rollback) stops with its journal kept, for the
	// next apply to finish or roll back.
	Interrupt <-chan struct{}
	// InFlight, when set, tracks the stations whose writes are under way.
	InFlight *InFlight
	Flasher  Flasher
	Now      func() time.Time
	// Command names the run in its closing line: "Restore complete";
	// empty is "Apply".
	Command string
}

// Outcome is how a station's apply ended.
type Outcome string

// Outcomes.
const (
	Changed    Outcome = "changed"
	Unchanged  Outcome = "unchanged"
	Failed     Outcome = "failed"      // includes a rolled-back rejection
	RolledBack Outcome = "rolled_back" // an interrupted apply rolled back on request
	Blocked    Outcome = "blocked"
	Cancelled  Outcome = "cancelled" // includes stopped by an interrupt before writing
)

// Result is one station's outcome.
type Result struct {
	Station string
	Serial  string
	Outcome Outcome
	Err     error
	// Intact is set on failure when the station is known to be as it was
	// before (nothing sent, or everything rolled back and verified).
	Intact bool
	// Pending lists the changes a re-plan brought that were not approved
	// and so not written (the station's outcome is then not OK).
	Pending []string
}

// Counts summarise results (the summary event's "counts").
type Counts struct {
	Changed    int `json:"changed"`
	Unchanged  int `json:"unchanged"`
	Failed     int `json:"failed"`
	RolledBack int `json:"rolled_back"`
	Blocked    int `json:"blocked"`
	Cancelled  int `json:"cancelled"`
	Pending    int `json:"pending,omitempty"` // stations with unapproved changes left
}

// Count tallies results.
func Count(rs []Result) Counts {
	var c Counts
	for _, r := range rs {
		switch r.Outcome {
		case Changed:
			c.Changed++
		case Unchanged:
			c.Unchanged++
		case Failed:
			c.Failed++
		case RolledBack:
			c.RolledBack++
		case Blocked:
			c.Blocked++
		case Cancelled:
			c.Cancelled++
		}
		if len(r.Pending) > 0 {
			c.Pending++
		}
	}
	return c
}

// OK reports whether every station succeeded (exit code 0).
func (c Counts) OK() bool {
	return c.Failed == 0 && c.Blocked == 0 && c.Cancelled == 0 && c.Pending == 0
}

// Line is the closing sentence of the command named (Options.Command;
// "" is "Apply"), e.g. "Apply complete: 3 stations changed, 1 failed."
func (c Counts) Line(command string) string {
	command = cmp.Or(command, "Apply")
	parts := []string{words.Plural(c.Changed, "station", "stations") + " changed"}
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Unchanged, "unchanged")
	add(c.RolledBack, "rolled back")
	add(c.Blocked, "blocked")
	add(c.Cancelled, "cancelled")
	add(c.Failed, "failed")
	add(c.Pending, "with changes left pending")
	head := command + " complete"
	if !c.OK() {
		head = command + " finished with errors"
	}
	return head + ": " + strings.Join(parts, ", ") + "."
}

// Run applies every job: stations on different ports concurrently (at most
// Parallelism ports at once), stations sharing a port one after another.
// One station's failure does not stop the others. It ends with a summary
// event and returns the results in job order.
func Run(ctx context.Context, jobs []*Job, opts Options) []Result {
	if opts.Reporter == nil {
		opts.Reporter = Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Asker != nil {
		opts.Asker = &oneAtATime{a: opts.Asker}
	}
	if opts.Flasher == nil {
		opts.Flasher = defaultFlasher(opts)
	}
	par := opts.Parallelism
	if par <= 0 {
		par = 4
	}
	results := make([]Result, len(jobs))
	byPort := map[string][]int{} // by device: one port may be named two ways
	var ports []string
	for i, j := range jobs {
		key := transport.PortKey(j.Port)
		if _, ok := byPort[key]; !ok {
			ports = append(ports, key)
		}
		byPort[key] = append(byPort[key], i)
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for _, p := range ports {
		idx := byPort[p]
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, i := range idx {
				results[i] = runStation(ctx, jobs[i], opts)
			}
		}()
	}
	wg.Wait()
	c := Count(results)
	lvl := LevelInfo
	if !c.OK() {
		lvl = LevelError
	}
	opts.Reporter.Report(Event{Type: EvSummary, Level: lvl, Message: c.Line(opts.Command), Counts: &c})
	return results
}

// stationRun is the state of one station's apply.
type stationRun struct {
	job  *Job
	st   *plan.Station
	opts Options
	ev   Reporter
	c    transport.Controller
	id   transport.Identity
	// base is the rollback point: values before the (first, when
	// finishing) apply.
	base    *record.Backup
	journal *record.Journal
	// approved are the changes of the plan the user approved: nothing
	// else is written without asking again.
	approved []plan.Change
	// pending are the changes a re-plan brought that were not approved.
	pending []string
	// noted: the user's interrupt came after the writes (noteInterrupt).
	noted bool
	// flashedFrom is the firmware the controller ran before this run
	// upgraded it (empty: not upgraded). The re-plan after the upgrade
	// replaces st, whose Firmware then says no upgrade.
	flashedFrom string
}

func runStation(ctx context.Context, job *Job, opts Options) (res Result) {
	st := job.Station
	r := &stationRun{job: job, st: st, opts: opts, ev: stationReporter{opts.Reporter, st.Name}}
	res = Result{Station: st.Name, Serial: st.Serial}
	defer func() {
		if p := recover(); p != nil {
			res.Outcome, res.Err = Failed, fmt.Errorf("internal error: %v", p)
			res.Intact = false
		}
		if r.c != nil {
			r.c.Close()
		}
		switch res.Outcome {
		case Failed, Blocked, Cancelled:
			msg := res.Err.Error()
			if res.Outcome == Failed {
				if res.Intact {
					msg += "; the station is as it was"
				} else if r.journal != nil {
					msg += "; the journal is kept: run ecc apply again to finish (--on-interrupted=finish) or roll back (--on-interrupted=rollback)"
				}
			}
			r.ev.Report(Event{Type: EvApplyErrored, Level: LevelError, Message: msg})
		}
	}()
	fail := func(err error, intact bool) Result {
		res.Outcome, res.Err, res.Intact = Failed, err, intact
		return res
	}

	if job.Refused != nil {
		return fail(job.Refused, true)
	}
	if r.interrupted() {
		res.Outcome, res.Err, res.Intact = Cancelled, errors.New("interrupted before it started: nothing was changed"), true
		return res
	}
	if job.Journal != nil && job.Recovery == RecoverCancel {
		res.Outcome, res.Err = Cancelled, fmt.Errorf("an earlier apply (%s) was interrupted; left as it is", describeJournal(job.Journal))
		return res
	}
	if job.Journal != nil && job.Recovery == RecoverNone {
		return fail(fmt.Errorf("an earlier apply (%s) was interrupted; choose --on-interrupted=finish or --on-interrupted=rollback", describeJournal(job.Journal)), false)
	}
	rollbackOnly := job.Journal != nil && job.Recovery == RecoverRollback
	if !rollbackOnly {
		if st.Blocked() {
			res.Outcome, res.Err = Blocked, fmt.Errorf("not applied: %s", blockReason(st))
			return res
		}
		if err := Validate(st); err != nil {
			return fail(err, true)
		}
		if work, _ := st.Pending(); !work {
			r.ev.Report(Event{Type: EvApplyComplete, Message: "no changes"})
			res.Outcome = Unchanged
			return res
		}
	}

	if !rollbackOnly && st.Firmware.Action == plan.FirmwareUpgrade {
		if opts.Flasher == nil {
			return fail(errors.New("firmware flashing not available in this build; nothing sent"), true)
		}
		if job.Desired == nil {
			return fail(errors.New("cannot plan the configuration again after a firmware upgrade: the station's site file is not available; nothing sent"), true)
		}
	}

	s := begin(r.ev, EvApplyStart, "connecting on "+portName(job.Port))
	c, err := opts.Connect(ctx, job.Port)
	if err != nil {
		return fail(fmt.Errorf("connect %s: %w", portName(job.Port), err), true)
	}
	r.c = c
	id, err := c.Hello(ctx)
	if err != nil {
		return fail(fmt.Errorf("hello: %w", err), true)
	}
	r.id = id
	if id.Serial != st.Serial {
		return fail(fmt.Errorf("the controller on %s is %s, not %s; nothing sent", portName(job.Port), id.Serial, st.Serial), true)
	}
	s.done(fmt.Sprintf("connected to %s (%s, firmware %s)", id.Serial, id.Model, id.Firmware))

	if rollbackOnly {
		return r.rollbackJournal(ctx)
	}
	if via, ch := st.Via(), c.Channel(); via != ch {
		// The channel decides which keys the plan holds and which it left
		// for the other one: the plan is not this connection's.
		return fail(fmt.Errorf("the plan was made over %s, but %s is reached over %s; nothing sent: apply it over %s, or plan again", via, portName(job.Port), ch, via), true)
	}

	s = begin(r.ev, EvApplyStart, "checking the controller against the plan")
	obs, err := plan.ObserveStation(ctx, c, job.Desired)
	if err != nil {
		return fail(fmt.Errorf("read: %w", err), true)
	}
	r.approved = st.Changes
	if ro := st.ReadOnlyChanges(obs); len(ro) > 0 {
		// Never written (controller-protocol.md §6), whichever plan
		// says so: a saved one, or one approved before the controller
		// locked the keys.
		return fail(fmt.Errorf("the controller now reports %s read-only; nothing sent: ecc never writes a read-only key, plan again", strings.Join(ro, ", ")), true)
	}
	if fp := plan.Fingerprint(obs, job.State); fp != st.Fingerprint {
		// A saved plan is applied as it is or not at all; a plan just
		// approved is made again and held to what was approved.
		if job.Saved || job.Desired == nil || job.Journal != nil {
			return fail(errors.New("the plan is stale: the controller's configuration changed since the plan was made; nothing sent, plan again"), true)
		}
		nst, err := r.replan(obs, "the controller changed since the plan was shown")
		if err != nil {
			return fail(err, true)
		}
		r.st = nst
		s.done("changed since the plan: planned again")
	} else {
		s.done("unchanged since the plan")
	}
	if job.Saved && job.Desired != nil {
		if err := r.matchesSiteFile(obs); err != nil {
			return fail(err, true)
		}
	}

	return r.apply(ctx)
}

// matchesSiteFile holds a saved plan to its site file: on the controller
// it was made against (the fingerprint matched), the site file must plan
// exactly the same changes and firmware. A plan file is text anyone may
// edit between review and apply, and each change alone passes Validate:
// an added key the site file does not set, or a change dropped from a
// pair the cross-key rules tie together, would be written unchecked.
func (r *stationRun) matchesSiteFile(obs *plan.Observation) error {
	nst, _ := plan.Compared(r.job.Desired, r.st.Port, obs, r.job.State, r.opts.Now())
	nst.LiftJournal() // the journal being finished, as in the saved plan
	if nst.Blocked() {
		return fmt.Errorf("the site file %s no longer plans this station: %s; nothing sent", r.st.SiteFile, blockReason(nst))
	}
	var odd []string
	for _, ch := range r.st.Changes {
		if !approvedChange(nst.Changes, ch) {
			odd = append(odd, ch.Key)
		}
	}
	for _, ch := range nst.Changes {
		if !approvedChange(r.st.Changes, ch) && !slices.Contains(odd, ch.Key) {
			odd = append(odd, ch.Key)
		}
	}
	if f, g := r.st.Firmware, nst.Firmware; f.Action != g.Action || f.Desired != g.Desired || f.SHA256 != g.SHA256 {
		odd = append(odd, "the firmware")
	}
	if len(odd) > 0 {
		return fmt.Errorf("the plan does not match its site file %s (%s): the plan file was edited, or the site file changed since; nothing sent, plan again", r.st.SiteFile, strings.Join(odd, ", "))
	}
	return nil
}

func portName(p string) string {
	if p == "" {
		return "(no port)"
	}
	return p
}

func describeJournal(j *record.Journal) string {
	return fmt.Sprintf("started %s, stopped at step %q", j.StartedAt.UTC().Format(time.RFC3339), j.Step)
}

func blockReason(st *plan.Station) string {
	var p []string
	if st.Firmware.Action == plan.FirmwareRefused {
		p = append(p, "firmware refused: "+st.Firmware.Reason)
	}
	for _, e := range st.Errors {
		if e.Key != "" {
			p = append(p, e.Key+": "+e.Message)
		} else {
			p = append(p, e.Message)
		}
	}
	return strings.Join(p, "; ")
}

// Validate checks a station's changes before anything is sent: every key
// must be in a class the plan's channel may write (model.Class.WritableOn:
// the OCPP standard keys only over OCPP), every value must decode and
// pass the dictionary's checks, and every sensitive value must be
// resolved.
func Validate(st *plan.Station) error {
	var errs []string
	via := st.Via()
	for i := range st.Changes {
		ch := &st.Changes[i]
		class := model.Classify(ch.Key)
		if !class.WritableOn(via) {
			errs = append(errs, fmt.Sprintf("%s is %s (%s): never sent over %s", ch.Key, class, class.Reason(), via))
			continue
		}
		kd, ok := model.Def(ch.Key)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s is not in the dictionary: never sent", ch.Key))
			continue
		}
		v := ch.Value()
		if ch.Sensitive && v == "" {
			errs = append(errs, fmt.Sprintf("%s: the secret is not resolved", ch.Key))
			continue
		}
		// Decode checks the syntax only; Check adds the dictionary's
		// ranges, enumerations and option names. A plan computed from a
		// validated site file passes both; a saved plan is a file that may
		// have been edited since.
		dv, err := kd.Decode(checked(kd, ch, v))
		if err != nil {
			err = fmt.Errorf("%s: %v", ch.Key, err) // Decode does not name the key
		} else {
			err = kd.Check(dv) // names the key
		}
		if err != nil {
			if ch.Sensitive {
				errs = append(errs, fmt.Sprintf("%s: the value is not valid", ch.Key))
			} else {
				errs = append(errs, strings.TrimSuffix(err.Error(), "."))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("refused before anything was sent: %s", strings.Join(errs, "; "))
	}
	return nil
}

// checked is what Validate checks of a change's value v: all of it, or of
// a name=value list the site file manages in part, only the options the
// change sets or alters. The others are the controller's own, written
// back as it reported them, and may be options a newer firmware added
// that the dictionary does not know.
func checked(kd *model.KeyDef, ch *plan.Change, v string) string {
	if !kd.Partial || ch.Sensitive {
		return v
	}
	opts, ok := ch.OptionChanges()
	if !ok {
		return v
	}
	var set []string
	for _, o := range opts {
		if o.After != "" {
			set = append(set, o.Name+"="+o.After)
		}
	}
	if len(set) == 0 {
		return v
	}
	return strings.Join(set, ",")
}

func (r *stationRun) fail(err error, intact bool) Result {
	return Result{Station: r.st.Name, Serial: r.st.Serial, Outcome: Failed, Err: err, Intact: intact}
}

func (r *stationRun) saveJournal(step string) error {
	r.journal.Step = step
	if err := r.job.State.SaveJournal(r.journal); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// apply runs backup, journal, firmware, write, save, reboot, verify and
// snapshot on a controller that matches the plan.
func (r *stationRun) apply(ctx context.Context) Result {
	ev, c, state := r.ev, r.c, r.job.State

	// 1. Backup.
	s := begin(ev, EvBackup, "backing up every readable key")
	b, err := ReadBackup(ctx, c, r.id, state, r.opts.Now())
	if err != nil {
		return r.fail(fmt.Errorf("backup: %w", err), true)
	}
	if r.interrupted() {
		return r.stopBeforeWrite("during the backup, before the first write")
	}
	path, err := state.SaveBackup(b)
	if err != nil {
		return r.fail(err, true)
	}
	s.r.Report(Event{Type: EvBackup, Message: fmt.Sprintf("backup done: %d keys in %s", len(b.Values), path), Done: true, Elapsed: time.Since(s.start), Path: path})

	// 2. Journal, before anything is written.
	r.base = b
	r.journal = &record.Journal{
		Serial: r.st.Serial, Station: r.st.Name, SiteFile: r.st.SiteFile,
		StartedAt: r.opts.Now().UTC(), Backup: path, Sent: []string{},
	}
	if old := r.job.Journal; old != nil && r.job.Recovery == RecoverFinish {
		r.base = r.finishBase(b, old)
		r.journal.Backup = old.Backup
		r.journal.StartedAt = old.StartedAt
		r.journal.Keys = append(r.journal.Keys, old.Keys...)
		r.journal.Sent = append([]string{}, old.MayHaveWritten()...)
		ev.Report(Event{Type: EvJournal, Message: fmt.Sprintf("finishing the interrupted apply (%s); rollback point stays %s", describeJournal(old), old.Backup), Path: old.Backup})
	}
	r.recordPlanned()
	if err := r.saveJournal("backup"); err != nil {
		return r.fail(err, true)
	}
	r.opts.InFlight.set(r.st.Name, state.Dir)
	defer r.opts.InFlight.set(r.st.Name, "")

	// 3. Firmware, before configuration.
	if r.st.Firmware.Action == plan.FirmwareUpgrade {
		if r.interrupted() {
			return r.stopBeforeWrite("before the firmware upgrade and the first write")
		}
		if res, ok := r.firmware(ctx); !ok {
			return res
		}
	}
	if len(r.st.Changes) == 0 && r.job.Journal == nil {
		// Only firmware: nothing else to do (nothing to write, so an
		// interrupt meanwhile stops nothing).
		return r.finish(ctx, nil)
	}
	if r.interrupted() {
		msg := "before the first write"
		if r.flashedFrom != "" {
			msg = "after the firmware upgrade, before the first configuration write"
		}
		return r.stopBeforeWrite(msg)
	}

	// 4. Write.
	keys := changeKeys(r.st)
	if err := r.saveJournal("write"); err != nil {
		return r.fail(err, true)
	}
	stored, err := r.write(ctx)
	if err != nil {
		return r.rollbackAfter(ctx, stored, err, false)
	}
	r.noteInterrupt()

	// 5. Save, reboot, verify.
	if err := r.saveJournal("save"); err != nil {
		return r.fail(err, false)
	}
	s = begin(ev, EvSave, "waiting for the controller to save")
	if err := c.WaitSaved(ctx); errors.Is(err, transport.ErrRestartedBeforeSave) {
		// Power lost before the save: the values are gone. Writing the
		// previous ones back, saved, rebooted and verified, makes sure
		// the station is as it was.
		return r.rollbackAfter(ctx, keys, fmt.Errorf("save: %w", err), true)
	} else if err != nil {
		return r.fail(fmt.Errorf("save: %w", err), false)
	}
	s.done("saved")
	r.noteInterrupt()
	if err := r.saveJournal("reboot"); err != nil {
		return r.fail(err, false)
	}
	s = begin(ev, EvReboot, "rebooting")
	id, err := c.Reboot(ctx)
	if err != nil {
		return r.fail(fmt.Errorf("reboot: %w", err), false)
	}
	r.id = id
	s.done(fmt.Sprintf("rebooted (firmware %s)", id.Firmware))
	r.noteInterrupt()
	if err := r.saveJournal("verify"); err != nil {
		return r.fail(err, false)
	}
	if err := r.verify(ctx); err != nil {
		return r.rollbackAfter(ctx, keys, err, true)
	}
	return r.finish(ctx, keys)
}

// finishBase is the rollback point when finishing an interrupted apply:
// the values backed up before that apply for the keys it wrote, the
// fresh backup for the others.
func (r *stationRun) finishBase(fresh *record.Backup, old *record.Journal) *record.Backup {
	ob, err := record.LoadBackup(old.Backup)
	if err != nil {
		r.ev.Report(Event{Type: EvJournal, Level: LevelWarn, Message: fmt.Sprintf("the interrupted apply's backup cannot be read (%v); rollback uses the backup just taken", err)})
		return fresh
	}
	base := *fresh
	base.AsRead = map[string]string{}
	for k, v := range fresh.AsRead {
		base.AsRead[k] = v
	}
	for _, k := range old.Keys {
		if ob.IsHashed(k) {
			if cur, ok := fresh.AsRead[k]; !ok || !r.job.State.Matches(ob.Hashes[k], model.Canonical(k, cur)) {
				delete(base.AsRead, k) // the old secret is not known
			}
			continue
		}
		if v, ok := ob.Values[k]; ok {
			base.AsRead[k] = v
		}
	}
	return &base
}

func changeKeys(st *plan.Station) []string {
	k := make([]string, len(st.Changes))
	for i, c := range st.Changes {
		k[i] = c.Key
	}
	return k
}

// recordPlanned puts the changes in the journal: non-sensitive values in
// clear, sensitive ones hashed.
func (r *stationRun) recordPlanned() {
	j := r.journal
	j.Planned, j.Hashes = map[string]string{}, nil
	for _, ch := range r.st.Changes {
		if !slices.Contains(j.Keys, ch.Key) {
			j.Keys = append(j.Keys, ch.Key)
		}
		if ch.Sensitive {
			if j.Hashes == nil {
				j.Hashes = map[string]string{}
			}
			j.Hashes[ch.Key] = r.job.State.Hash(ch.Value())
		} else {
			j.Planned[ch.Key] = ch.Value()
		}
	}
}

// firmware flashes the planned image, then reads the controller again and
// plans again against the new firmware.
func (r *stationRun) firmware(ctx context.Context) (Result, bool) {
	fl := r.opts.Flasher // checked before connecting
	if err := r.saveJournal("firmware"); err != nil {
		return r.fail(err, true), false
	}
	s := begin(r.ev, EvFirmware, fmt.Sprintf("upgrading firmware %s -> %s", r.st.Firmware.Current, r.st.Firmware.Desired))
	id, err := fl.Flash(ctx, r.c, r.st.Firmware, r.ev)
	var stopped *StoppedError
	if errors.As(err, &stopped) {
		// Interrupted before the commit: the firmware is as it was, and
		// nothing else is written.
		return r.stopBeforeWrite(fmt.Sprintf("during the firmware transfer, before its commit (the upgrade was not started; the controller still runs %s)", stopped.Running)), false
	}
	var refused *RefusedError
	if errors.As(err, &refused) && r.job.Journal == nil {
		// Refused before anything was sent (the image missing or not the
		// pinned one): nothing to finish or roll back, so no journal to
		// block the station's next plan. One being finished keeps its own.
		if rerr := r.job.State.RemoveJournal(r.st.Serial); rerr == nil {
			r.journal = nil
			return r.fail(fmt.Errorf("firmware: %w", err), true), false
		}
	}
	if err != nil {
		return r.fail(fmt.Errorf("firmware: %w", err), false), false
	}
	r.id, r.flashedFrom = id, r.st.Firmware.Current
	s.done("firmware now " + id.Firmware)
	obs, err := plan.ObserveStation(ctx, r.c, r.job.Desired)
	if err != nil {
		return r.fail(fmt.Errorf("read after the firmware upgrade: %w", err), false), false
	}
	nst, err := r.replan(obs, "after the firmware upgrade to "+id.Firmware)
	if err != nil {
		return r.fail(err, false), false
	}
	r.st = nst
	r.recordPlanned()
	return Result{}, true
}

// write sends the changes: every key but the write-only ones first, then
// the write-only ones, only if all others were stored and saved (their old
// value is unknown and cannot be restored). It returns the keys stored so
// far.
func (r *stationRun) write(ctx context.Context) (stored []string, err error) {
	var regular, wo []plan.Change
	for _, ch := range r.st.Changes {
		if model.Classify(ch.Key) == model.WriteOnly {
			wo = append(wo, ch)
		} else {
			regular = append(regular, ch)
		}
	}
	for _, batch := range [][]plan.Change{regular, wo} {
		if len(batch) == 0 {
			continue
		}
		if len(stored) > 0 && r.interrupted() {
			// No write starts after the interrupt: neither this batch nor
			// a rollback of the first (rollbackAfter). The journal says
			// what was written, for the next apply to finish or roll back.
			return stored, fmt.Errorf("interrupted between its writes: %s not sent", strings.Join(changeKeys(&plan.Station{Changes: batch}), ", "))
		}
		if len(stored) > 0 {
			// The write-only keys cannot be rolled back: they go only
			// once the others are saved. A controller that restarted
			// before that save lost them (ErrRestartedBeforeSave); sent
			// anyway, the write-only keys would stay over the old values.
			if err := r.c.WaitSaved(ctx); err != nil {
				return stored, fmt.Errorf("save before the write-only keys: %w", err)
			}
		}
		values := map[string]string{}
		var names []string
		for _, ch := range batch {
			values[ch.Key] = ch.Value()
			names = append(names, ch.Key)
		}
		// Write-ahead: the journal names the keys before they are sent.
		for _, k := range names {
			if !slices.Contains(r.journal.Sent, k) {
				r.journal.Sent = append(r.journal.Sent, k)
			}
		}
		if err := r.saveJournal("write"); err != nil {
			return stored, fmt.Errorf("%w; %s not sent", err, strings.Join(names, ", "))
		}
		s := begin(r.ev, EvWrite, fmt.Sprintf("writing %s: %s", words.Plural(len(batch), "key", "keys"), strings.Join(names, ", ")))
		statuses, err := r.c.Set(ctx, values)
		var bad []string
		for _, k := range names {
			st, ok := statuses[k]
			switch {
			case ok && st.Stored():
				stored = append(stored, k)
			case ok:
				bad = append(bad, fmt.Sprintf("%s %s", k, st))
				r.ev.Report(Event{Type: EvWrite, Level: LevelError, Key: k, Status: string(st),
					Message: fmt.Sprintf("the controller answered %s for %s (value %q)", st, k, model.Display(k, values[k]))})
			}
		}
		r.journal.Written = append([]string(nil), stored...)
		if jerr := r.saveJournal("write"); jerr != nil && err == nil {
			err = jerr
		}
		if err != nil {
			// The reply may be lost after the controller stored values:
			// treat every key of the request as possibly written.
			for _, k := range names {
				if !slices.Contains(stored, k) {
					stored = append(stored, k)
				}
			}
			return stored, fmt.Errorf("write: %w", err)
		}
		if len(bad) > 0 {
			return stored, fmt.Errorf("the controller refused %s", strings.Join(bad, ", "))
		}
		reboot := 0
		for _, k := range names {
			if statuses[k] == transport.RebootRequired {
				reboot++
			}
		}
		msg := "written"
		if reboot > 0 {
			msg = fmt.Sprintf("written (%d in effect after the reboot)", reboot)
		}
		s.done(msg)
	}
	return stored, nil
}

// verify reads every changed key back and compares by meaning.
func (r *stationRun) verify(ctx context.Context) error {
	s := begin(r.ev, EvVerify, "reading the changed keys back")
	want := map[string]string{}
	var keys []string
	for _, ch := range r.st.Changes {
		if model.Classify(ch.Key) == model.WriteOnly {
			r.ev.Report(Event{Type: EvVerify, Key: ch.Key, Message: ch.Key + " is write-only: it cannot be read back (not verified)"})
			continue
		}
		want[ch.Key] = ch.Value()
		keys = append(keys, ch.Key)
	}
	if len(keys) == 0 {
		s.done("nothing readable to verify")
		return nil
	}
	bad, err := r.compare(ctx, want)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("verify: %s", strings.Join(bad, "; "))
	}
	s.done(fmt.Sprintf("verified %s", words.Plural(len(keys), "key", "keys")))
	return nil
}

// compare reads keys and compares them with want by meaning; it returns a
// message per mismatch and emits one event each.
func (r *stationRun) compare(ctx context.Context, want map[string]string) ([]string, error) {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	readings, unknown, err := r.c.Get(ctx, keys)
	if err != nil {
		return nil, err
	}
	got := map[string]string{}
	for _, rd := range readings {
		got[rd.Key] = rd.Value
	}
	var bad []string
	for _, k := range keys {
		w := want[k]
		g, ok := got[k]
		if !ok || slices.Contains(unknown, k) {
			bad = append(bad, fmt.Sprintf("%s: the controller no longer reports it", k))
			continue
		}
		if model.Equal(k, w, g) {
			continue
		}
		msg := fmt.Sprintf("%s is %q, wanted %q", k, model.Display(k, g), model.Display(k, w))
		bad = append(bad, msg)
		r.ev.Report(Event{Type: EvVerify, Level: LevelError, Key: k, Message: msg,
			Wanted: model.Display(k, w), Found: model.Display(k, g)})
	}
	return bad, nil
}

// finish records the new snapshot and removes the journal.
func (r *stationRun) finish(ctx context.Context, keys []string) Result {
	state := r.job.State
	s := begin(r.ev, EvSnapshot, "recording the new state")
	if obs, err := plan.ObserveStation(ctx, r.c, r.job.Desired); err != nil {
		r.ev.Report(Event{Type: EvSnapshot, Level: LevelWarn, Message: fmt.Sprintf("could not read the controller for the snapshot: %v", err)})
	} else {
		prev, _ := state.LoadSnapshot(r.st.Serial)
		snap := plan.SnapshotOf(obs, prev, state)
		for _, ch := range r.st.Changes {
			if ch.Sensitive && model.Classify(ch.Key) == model.WriteOnly {
				if snap.Hashes == nil {
					snap.Hashes = map[string]string{}
				}
				snap.Hashes[ch.Key] = state.Hash(ch.Value())
			}
		}
		if err := state.SaveSnapshot(snap); err != nil {
			r.ev.Report(Event{Type: EvSnapshot, Level: LevelWarn, Message: fmt.Sprintf("snapshot not saved: %v", err)})
		} else {
			s.done("snapshot saved")
		}
	}
	if err := state.RemoveJournal(r.st.Serial); err != nil {
		return r.fail(fmt.Errorf("applied and verified, but the journal cannot be removed: %w", err), false)
	}
	r.journal = nil
	msg := fmt.Sprintf("applied and verified: %s", words.Plural(len(r.st.Changes), "change", "changes"))
	if r.flashedFrom != "" || r.id.Firmware != r.st.Firmware.Current && r.st.Firmware.Current != "" {
		msg += ", firmware " + r.id.Firmware
	}
	if len(r.pending) > 0 {
		msg += "; not approved, left pending: " + strings.Join(r.pending, ", ")
	}
	if r.noted {
		msg += " (interrupted after its writes: all of them saved and verified)"
	}
	r.ev.Report(Event{Type: EvApplyComplete, Message: msg})
	return Result{Station: r.st.Name, Serial: r.st.Serial, Outcome: Changed, Pending: r.pending}
}
