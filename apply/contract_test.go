package apply

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// extraAsker answers ApproveExtra and records what it was asked.
type extraAsker struct {
	yes     bool
	asked   [][]plan.Change
	noFlash bool
	flashQ  []string
}

func (a *extraAsker) ApprovePlan(*plan.Plan) (bool, error)  { return true, nil }
func (a *extraAsker) Recover(Interrupted) (Recovery, error) { return RecoverCancel, nil }
func (a *extraAsker) ConfirmFlash(_, q string) (bool, error) {
	a.flashQ = append(a.flashQ, q)
	return !a.noFlash, nil
}
func (a *extraAsker) ApproveExtra(_, _ string, extra []plan.Change) (bool, error) {
	a.asked = append(a.asked, extra)
	return a.yes, nil
}

func setting(t *testing.T, key, raw string) model.Setting {
	t.Helper()
	kd, _ := model.Lookup(key)
	v, err := kd.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return model.Setting{Key: key, Value: v}
}

// The approved plan is a contract: a change the re-plan after a firmware
// upgrade brings is written only if the user approves it now; with
// --auto-approve or a saved plan it is left pending (and the run is not
// OK).
func TestReplanAfterFirmwareKeepsToTheApprovedPlan(t *testing.T) {
	for _, c := range []struct {
		name               string
		opts               func(*Options, *Job, *extraAsker)
		wantAsked, written bool
	}{
		{"auto-approve", func(o *Options, _ *Job, _ *extraAsker) { o.AutoApprove = true }, false, false},
		{"saved plan", func(o *Options, j *Job, a *extraAsker) { j.Saved, o.Asker = true, a }, false, false},
		{"asked, yes", func(o *Options, _ *Job, a *extraAsker) { a.yes = true; o.Asker = a }, true, true},
		{"asked, no", func(o *Options, _ *Job, a *extraAsker) { o.Asker = a }, true, false},
		{"no one to ask", func(*Options, *Job, *extraAsker) {}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			cur := f.working["chg_MinChargingCurrent"]
			desired := RestoreStation("cp-01", "G1", "", []model.Setting{
				setting(t, "chg_StationMaxCurrent", "25"), setting(t, "chg_MinChargingCurrent", cur)})
			v17, err := model.ParseVersion("V32R17")
			if err != nil {
				t.Fatal(err)
			}
			sha := strings.Repeat("9f", 32)
			desired.Firmware = &model.FirmwarePin{Version: v17, File: "V32R17.bin", SHA256: sha, Size: 65536,
				Header: model.FirmwareHeader{Version: v17, Models: []string{"EVC5"}}}
			st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
			st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade, SHA256: sha}
			job := r.job(st)
			job.Desired = desired
			// The upgrade resets chg_MinChargingCurrent: the re-plan wants
			// to write it back, which the user never approved.
			opts := r.opts()
			opts.Flasher = FlasherFunc(func(ctx context.Context, _ transport.Controller, _ plan.Firmware, _ Reporter) (transport.Identity, error) {
				f.mu.Lock()
				defer f.mu.Unlock()
				f.id.Firmware = "V32R17"
				f.working["chg_MinChargingCurrent"], f.flash["chg_MinChargingCurrent"] = "10", "10"
				return f.id, nil
			})
			a := &extraAsker{}
			c.opts(&opts, job, a)
			res := Run(context.Background(), []*Job{job}, opts)
			if res[0].Outcome != Changed || f.flashValue("chg_StationMaxCurrent") != "25" {
				t.Fatalf("result %+v\n%s", res[0], r.out.String())
			}
			if (len(a.asked) > 0) != c.wantAsked {
				t.Errorf("asked %v, want asked %v", a.asked, c.wantAsked)
			}
			if len(a.asked) > 0 && (len(a.asked[0]) != 1 || a.asked[0][0].Key != "chg_MinChargingCurrent") {
				t.Errorf("asked about %+v", a.asked[0])
			}
			written := f.flashValue("chg_MinChargingCurrent") == cur
			if written != c.written {
				t.Errorf("unapproved change written: %v, want %v", written, c.written)
			}
			if !c.written {
				if len(res[0].Pending) != 1 || Count(res).OK() || !strings.Contains(r.out.String(), "left pending: chg_MinChargingCurrent") {
					t.Errorf("pending %v, OK %v\n%s", res[0].Pending, Count(res).OK(), r.out.String())
				}
			} else if !Count(res).OK() {
				t.Errorf("approved extra change: not OK %+v", res[0])
			}
		})
	}
}

// After the user's interrupt no write starts, a rollback included (as
// for an interrupted earlier apply: TestInterruptBeforeJournalRollbackSendsNothing).
// Between the two write batches the write-only batch is not sent and the
// first is not written back; a verify that fails after the interrupt is
// not rolled back either. The journal stays, for the next apply to finish
// or roll back, and nothing says the station was rolled back.
func TestInterruptStartsNoRollback(t *testing.T) {
	for _, c := range []struct {
		name    string
		changes func(r *rig) []plan.Change
		verify  string // chg_StationMaxCurrent read back after the reboot ("": as written)
		want    string
	}{{
		name: "between the write batches",
		changes: func(r *rig) []plan.Change {
			return []plan.Change{upd("chg_StationMaxCurrent", "32", "25"),
				secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret)}
		},
		want: "interrupted between its writes: authorizationKey not sent; not rolled back",
	}, {
		name: "a verify failing after the interrupt",
		changes: func(*rig) []plan.Change {
			return []plan.Change{upd("chg_StationMaxCurrent", "32", "25")}
		},
		verify: "30",
		want:   "chg_StationMaxCurrent is \"30\", wanted \"25\"; not rolled back",
	}} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			if c.verify != "" {
				f.afterReboot = map[string]string{"chg_StationMaxCurrent": c.verify}
			}
			st := r.station("cp-01", "p1", c.changes(r)...)
			stop := make(chan struct{})
			var once sync.Once
			f.onSet = func(map[string]string) { once.Do(func() { close(stop) }) } // Ctrl-C during the first write
			opts := r.opts()
			opts.Interrupt = stop
			res := Run(context.Background(), []*Job{r.job(st)}, opts)
			if res[0].Outcome != Failed || res[0].Intact || !strings.Contains(res[0].Err.Error(), c.want) {
				t.Fatalf("result %+v, want an error with %q\n%s", res[0], c.want, r.out.String())
			}
			if len(f.sets) != 1 {
				t.Errorf("%d writes after the interrupt: %v", len(f.sets)-1, f.calls)
			}
			j, err := r.state.LoadJournal("G1")
			if err != nil || j == nil || !slices.Equal(j.Written, []string{"chg_StationMaxCurrent"}) {
				t.Fatalf("journal %+v (%v): want it kept, naming what was written", j, err)
			}
			r.scan(authSecret) // the journal kept holds the secret's hash, never its value
			out := r.out.String()
			if !strings.Contains(out, "the journal is kept: run ecc apply again to finish (--on-interrupted=finish) or roll back (--on-interrupted=rollback)") {
				t.Errorf("the way to finish or roll back is not said:\n%s", out)
			}
			if strings.Contains(out, "rolling back") || strings.Contains(out, "rolled back:") || strings.Contains(out, "as it was") {
				t.Errorf("a rollback is announced:\n%s", out)
			}
		})
	}
}

// Interrupted before the first write: the station stops, its journal is
// removed and nothing is sent but reads.
func TestInterruptBeforeWriteStops(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	stop := make(chan struct{})
	close(stop)
	opts := r.opts()
	opts.Interrupt = stop
	res := Run(context.Background(), []*Job{r.job(st)}, opts)
	if res[0].Outcome != Cancelled || !res[0].Intact || !strings.Contains(res[0].Err.Error(), "nothing was changed") {
		t.Fatalf("result %+v", res[0])
	}
	if f.sent() || r.journalExists("G1") {
		t.Errorf("sent %v, journal %v", f.calls, r.journalExists("G1"))
	}
}

// The controller changed between the plan the user approved and the
// apply: the plan is made again, what was approved is written, and a new
// change is asked for (or, with --auto-approve, left pending). A saved
// plan is refused as stale instead (TestSavedPlanSecrets).
func TestControllerChangedSinceApproval(t *testing.T) {
	for _, auto := range []bool{false, true} {
		r := newRig(t)
		f := r.fake("p1", "G1")
		cur := f.working["chg_MinChargingCurrent"]
		st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
		job := r.job(st)
		job.Desired = RestoreStation("cp-01", "G1", "", []model.Setting{
			setting(t, "chg_StationMaxCurrent", "25"), setting(t, "chg_MinChargingCurrent", cur)})
		f.working["chg_MinChargingCurrent"], f.flash["chg_MinChargingCurrent"] = "10", "10" // meanwhile
		a := &extraAsker{yes: true}
		opts := r.opts()
		opts.Asker, opts.AutoApprove = a, auto
		res := Run(context.Background(), []*Job{job}, opts)
		if res[0].Outcome != Changed || f.flashValue("chg_StationMaxCurrent") != "25" {
			t.Fatalf("auto %v: %+v\n%s", auto, res[0], r.out.String())
		}
		if written := f.flashValue("chg_MinChargingCurrent") == cur; written == auto || (len(a.asked) == 1) == auto {
			t.Errorf("auto %v: new change written %v, asked %v", auto, written, a.asked)
		}
		if auto && (len(res[0].Pending) != 1 || Count(res).OK()) {
			t.Errorf("auto-approve: pending %v", res[0].Pending)
		}
	}
}

// recordingUI is a UI for the use cases: events into the rig's output,
// the plan shown counted, and fixed answers.
type recordingUI struct {
	Reporter
	extraAsker
	shown int
}

func (u *recordingUI) ShowPlan(*plan.Plan) { u.shown++ }

// The use case end to end with the fake controller: planned, shown,
// applied; and an interrupt while planning sends nothing.
func TestApplyUseCase(t *testing.T) {
	t.Setenv("ECC_TEST_AUTH", authSecret)
	for _, interrupted := range []bool{false, true} {
		r := newRig(t)
		f := r.fake("p1", "G1")
		site := writeSite(t, t.TempDir(), "depot.hcl", siteHCL)
		sites, _, diags := model.LoadSites(site)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		stop := make(chan struct{})
		if interrupted {
			close(stop)
		}
		ui := &recordingUI{Reporter: r.opts().Reporter}
		rep, err := Apply(context.Background(), Request{
			Sites: sites, AutoApprove: true, Interrupt: stop,
			Plan: plan.Options{Connect: r.opts().Connect, StateDir: r.state.Dir},
		}, ui)
		if err != nil {
			t.Fatal(err)
		}
		if interrupted {
			if !rep.Interrupted || rep.OK() || f.sent() || len(rep.Results) != 0 {
				t.Errorf("interrupted while planning: %+v, calls %v", rep, f.calls)
			}
			continue
		}
		if !rep.OK() || ui.shown != 1 || len(rep.Results) != 1 || rep.Results[0].Outcome != Changed || f.flashValue("chg_StationMaxCurrent") != "25" {
			t.Errorf("apply: %+v shown %d\n%s", rep, ui.shown, r.out.String())
		}
		// Again: nothing to do, one answer on the plan's data.
		rep, err = Apply(context.Background(), Request{Sites: sites, AutoApprove: true,
			Plan: plan.Options{Connect: r.opts().Connect, StateDir: r.state.Dir}}, ui)
		if err != nil || !rep.Nothing || !rep.OK() {
			t.Errorf("second apply: %+v %v", rep, err)
		}
	}
}

// A firmware upgrade is confirmed before any station starts; a "no"
// refuses the station with nothing sent and no journal left behind.
func TestFlashConfirmedUpFront(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade}
	job := r.job(st)
	job.Desired = RestoreStation("cp-01", "G1", "", nil)
	ui := &recordingUI{Reporter: r.opts().Reporter, extraAsker: extraAsker{noFlash: true}}
	p := &plan.Plan{Stations: []*plan.Station{st}}
	rep, err := approveAndRun(context.Background(), p, []*Job{job}, Request{Plan: plan.Options{Connect: r.opts().Connect}}, ui)
	if err != nil {
		t.Fatal(err)
	}
	if len(ui.flashQ) != 1 || !strings.Contains(ui.flashQ[0], "cannot be undone") || !strings.Contains(ui.flashQ[0], "V32R17") {
		t.Errorf("flash question %q", ui.flashQ)
	}
	if rep.OK() || rep.Results[0].Outcome != Failed || !rep.Results[0].Intact || !strings.Contains(rep.Results[0].Err.Error(), "not confirmed") {
		t.Errorf("declined flash: %+v", rep.Results[0])
	}
	if f.sent() || len(f.calls) != 0 || r.journalExists("G1") {
		t.Errorf("sent %v, journal %v", f.calls, r.journalExists("G1"))
	}
}

// An interrupt that arrives while the firmware is being flashed: the flash
// runs to its end (it cannot be stopped), and no configuration write
// starts afterwards. What the user is told must say that the firmware
// changed: "nothing was changed" would be false. With nothing but the
// firmware to apply, the station is done: it is recorded, not cancelled.
func TestInterruptDuringFirmwareUpgrade(t *testing.T) {
	for _, c := range []struct {
		name        string
		changes     bool
		wantOutcome Outcome
		want        []string // in the result's error, or the output when applied
	}{
		{"with configuration changes", true, Cancelled, []string{"firmware upgraded from V32R16 to V32R17", "no configuration was changed"}},
		{"firmware only", false, Changed, []string{"applied and verified", "firmware V32R17"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			before := f.flashValue("chg_StationMaxCurrent")
			var changes []plan.Change
			var settings []model.Setting
			if c.changes {
				changes = append(changes, upd("chg_StationMaxCurrent", before, "25"))
				settings = append(settings, setting(t, "chg_StationMaxCurrent", "25"))
			}
			st := r.station("cp-01", "p1", changes...)
			st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade}
			job := r.job(st)
			job.Desired = RestoreStation("cp-01", "G1", "", settings)
			stop := make(chan struct{})
			opts := r.opts()
			opts.AutoApprove = true
			opts.Interrupt = stop
			opts.Flasher = FlasherFunc(func(ctx context.Context, _ transport.Controller, _ plan.Firmware, _ Reporter) (transport.Identity, error) {
				close(stop) // Ctrl-C while the controller copies its flash
				f.mu.Lock()
				defer f.mu.Unlock()
				f.id.Firmware = "V32R17"
				return f.id, nil
			})
			res := Run(context.Background(), []*Job{job}, opts)
			if res[0].Outcome != c.wantOutcome {
				t.Fatalf("outcome %s, want %s: %+v\n%s", res[0].Outcome, c.wantOutcome, res[0], r.out.String())
			}
			got := r.out.String()
			if res[0].Err != nil {
				got = res[0].Err.Error()
				if res[0].Intact {
					t.Errorf("a station whose firmware was upgraded is reported as it was: %+v", res[0])
				}
			}
			if strings.Contains(got, "nothing was changed") {
				t.Errorf("told %q after the firmware changed", got)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			if f.flashValue("chg_StationMaxCurrent") != before {
				t.Error("a configuration write started after the interrupt")
			}
			if r.journalExists("G1") {
				t.Error("journal left: nothing to finish or roll back")
			}
		})
	}
}

// Choosing to roll back an interrupted apply applies nothing of the site
// file: the plan shown and approved must be the rollback (the journal's
// keys back to the backup's values), not the site file's changes and
// firmware upgrade, which would never be made.
func TestRollbackChoiceShowsTheRollback(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	path := r.backup(f) // chg_StationMaxCurrent 32, chg_MinChargingCurrent as the fake has it
	minCur := f.flashValue("chg_MinChargingCurrent")
	j := &record.Journal{Serial: "G1", Station: "cp-01", Step: "save", Backup: path,
		Keys:    []string{"chg_StationMaxCurrent", "chg_MinChargingCurrent"},
		Written: []string{"chg_StationMaxCurrent", "chg_MinChargingCurrent"},
		Planned: map[string]string{"chg_StationMaxCurrent": "25", "chg_MinChargingCurrent": "10"}}
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	// The save was cut off: chg_MinChargingCurrent was lost, chg_StationMaxCurrent kept.
	f.working["chg_StationMaxCurrent"], f.flash["chg_StationMaxCurrent"] = "25", "25"
	st := r.station("cp-01", "p1", upd("chg_MinChargingCurrent", minCur, "10"), upd("chg_Reader1", "sl032,CH1", "none,CH1"))
	st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade}
	job := r.job(st)
	job.Desired = RestoreStation("cp-01", "G1", "", nil)
	if _, err := FindInterrupted([]*Job{job}); err != nil || job.Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}

	Decide(job, RecoverRollback)
	want := []plan.Change{upd("chg_StationMaxCurrent", "25", "32")}
	if len(st.Changes) != len(want) || st.Changes[0].Key != want[0].Key || st.Changes[0].Before != want[0].Before || st.Changes[0].After != want[0].After {
		t.Errorf("rollback plan changes %+v, want %+v", st.Changes, want)
	}
	if st.Firmware.Action == plan.FirmwareUpgrade {
		t.Errorf("a rollback plan upgrades firmware: %+v", st.Firmware)
	}
	if !strings.Contains(strings.Join(st.Warnings, "\n"), "roll") {
		t.Errorf("the plan does not say it is a rollback: %q", st.Warnings)
	}

	ui := &recordingUI{Reporter: r.opts().Reporter}
	p := &plan.Plan{Stations: []*plan.Station{st}}
	rep, err := approveAndRun(context.Background(), p, []*Job{job}, Request{Plan: plan.Options{Connect: r.opts().Connect}}, ui)
	if err != nil {
		t.Fatal(err)
	}
	if len(ui.flashQ) != 0 {
		t.Errorf("asked to confirm a flash the rollback never makes: %q", ui.flashQ)
	}
	if len(rep.Results) != 1 || rep.Results[0].Outcome != RolledBack {
		t.Fatalf("results %+v\n%s", rep.Results, r.out.String())
	}
	if f.flashValue("chg_StationMaxCurrent") != "32" || f.flashValue("chg_Reader1") != "sl032,CH1" || f.id.Firmware != "V32R16" {
		t.Errorf("after the rollback: chg_StationMaxCurrent %q, chg_Reader1 %q, firmware %s", f.flashValue("chg_StationMaxCurrent"), f.flashValue("chg_Reader1"), f.id.Firmware)
	}
}

// A stop between the write batches leaves a journal that names what was
// sent (write-ahead, before each request): rolling it back later writes
// back only that, and does not call the never-sent write-only key one it
// "cannot restore" (which failed a rollback that had restored everything).
func TestRollbackAfterStopBetweenBatchesRestoresWhatWasSent(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"),
		secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret))
	stop := make(chan struct{})
	var once sync.Once
	f.onSet = func(map[string]string) { once.Do(func() { close(stop) }) }
	opts := r.opts()
	opts.Interrupt = stop
	if res := Run(context.Background(), []*Job{r.job(st)}, opts); res[0].Outcome != Failed {
		t.Fatalf("interrupted apply: %+v", res[0])
	}
	j, err := r.state.LoadJournal("G1")
	if err != nil || j == nil || !slices.Equal(j.Sent, []string{"chg_StationMaxCurrent"}) {
		t.Fatalf("journal %+v (%v): want Sent = the first batch", j, err)
	}

	f.onSet, f.sets = nil, nil
	jobs := []*Job{r.job(r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10")))}
	if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}
	Decide(jobs[0], RecoverRollback)
	if w := strings.Join(jobs[0].Station.Warnings, "\n"); strings.Contains(w, "authorizationKey") {
		t.Errorf("the rollback plan names the never-sent key: %q", w)
	}
	res := Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != RolledBack {
		t.Fatalf("rollback: %+v\n%s", res[0], r.out.String())
	}
	for _, s := range f.sets {
		if _, ok := s["authorizationKey"]; ok || len(s) != 1 {
			t.Errorf("rollback wrote %v, want chg_StationMaxCurrent only", s)
		}
	}
	if f.flash["chg_StationMaxCurrent"] != "32" {
		t.Errorf("not rolled back: %v", f.flash["chg_StationMaxCurrent"])
	}
}

// The journal names a request's keys before the request is sent (a killed
// ecc loses the reply, and Written with it), and a journal from before
// the first request (stopped during the firmware upgrade) has nothing to
// roll back: its keys were never sent, and the write-only one is no key
// that "cannot be restored".
func TestJournalSentBeforeEachRequest(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"),
		secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret))
	var seen [][]string
	f.onSet = func(values map[string]string) {
		j, err := r.state.LoadJournal("G1")
		if err != nil || j == nil {
			t.Errorf("no journal during the write: %v", err)
			return
		}
		for k := range values {
			if !slices.Contains(j.Sent, k) {
				t.Errorf("%s sent before the journal named it: sent %v", k, j.Sent)
			}
		}
		seen = append(seen, slices.Clone(j.Sent))
	}
	if res := Run(context.Background(), []*Job{r.job(st)}, r.opts()); res[0].Outcome != Changed {
		t.Fatalf("apply: %+v\n%s", res[0], r.out.String())
	}
	if len(seen) != 2 {
		t.Fatalf("%d writes, want the two batches: %v", len(seen), seen)
	}

	// Stopped before the first request.
	f.onSet, f.sets = nil, nil
	path := r.backup(f)
	if err := r.state.SaveJournal(&record.Journal{Serial: "G1", Station: "cp-01", Step: "firmware", Backup: path,
		Keys: []string{"chg_StationMaxCurrent", "authorizationKey"}, Sent: []string{}}); err != nil {
		t.Fatal(err)
	}
	jobs := []*Job{r.job(r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10")))}
	if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}
	Decide(jobs[0], RecoverRollback)
	res := Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != RolledBack || len(f.sets) != 0 {
		t.Fatalf("rollback of nothing sent: %+v, writes %v\n%s", res[0], f.sets, r.out.String())
	}
}

// approvalUI answers the approval question as told; interrupt, when set,
// runs while the question is open (the user's Ctrl-C racing the answer).
type approvalUI struct {
	recordingUI
	ok        bool
	err       error
	interrupt func()
	asked     int
}

func (u *approvalUI) ApprovePlan(*plan.Plan) (bool, error) {
	u.asked++
	if u.interrupt != nil {
		u.interrupt()
	}
	return u.ok, u.err
}

// Only a yes to the approval question writes: a no, no terminal to ask,
// or an interrupt while it is asked (even one that came with a yes) sends
// nothing to any station.
func TestApprovalQuestion(t *testing.T) {
	for _, c := range []struct {
		name        string
		ok          bool
		err         error
		interrupt   bool
		declined    bool
		interrupted bool
		cannotAsk   bool
		sent        bool
	}{
		{name: "yes", ok: true, sent: true},
		{name: "no", ok: false, declined: true},
		{name: "an error reading the answer", ok: true, err: io.ErrUnexpectedEOF, declined: true},
		{name: "no terminal", err: ErrCannotAsk, cannotAsk: true},
		{name: "interrupted", err: ErrInterrupted, interrupted: true},
		{name: "a yes with an interrupt", ok: true, interrupt: true, interrupted: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
			stop := make(chan struct{})
			ui := &approvalUI{recordingUI: recordingUI{Reporter: r.opts().Reporter}, ok: c.ok, err: c.err}
			if c.interrupt {
				ui.interrupt = func() { close(stop) }
			}
			p := &plan.Plan{Stations: []*plan.Station{st}}
			rep, err := approveAndRun(context.Background(), p, []*Job{r.job(st)},
				Request{Plan: plan.Options{Connect: r.opts().Connect}, Interrupt: stop}, ui)
			if ui.asked != 1 {
				t.Fatalf("asked %d times, want once", ui.asked)
			}
			if c.cannotAsk {
				if err == nil || !strings.Contains(err.Error(), "--auto-approve") {
					t.Errorf("no terminal: %+v, %v; want an error naming --auto-approve", rep, err)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if rep.Declined != c.declined || rep.Interrupted != c.interrupted || rep.OK() == (c.declined || c.interrupted) {
				t.Errorf("report %+v: want declined %v, interrupted %v", rep, c.declined, c.interrupted)
			}
			if f.sent() != c.sent {
				t.Errorf("sent %v (calls %v), want %v", f.sent(), f.calls, c.sent)
			}
			if !c.sent && (len(f.calls) != 0 || r.journalExists("G1")) {
				t.Errorf("not approved, yet the controller was reached (%v) or a journal kept (%v)", f.calls, r.journalExists("G1"))
			}
			if c.sent && f.flashValue("chg_StationMaxCurrent") != "25" {
				t.Errorf("approved, but chg_StationMaxCurrent is %q\n%s", f.flashValue("chg_StationMaxCurrent"), r.out.String())
			}
		})
	}
}
