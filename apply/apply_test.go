package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

const (
	authSecret = "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK"
	apnSecret  = "Pw-0f-the-APN-xyz"
	oldAPNPass = "old-APN-pass-42"
)

type rig struct {
	t     *testing.T
	state *record.State
	fakes map[string]*fake
	out   bytes.Buffer // text events
	json  bytes.Buffer // json events
	mu    sync.Mutex
}

func newRig(t *testing.T) *rig {
	t.Helper()
	st, err := record.Open(filepath.Join(t.TempDir(), ".ecc"))
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, state: st, fakes: map[string]*fake{}}
}

func (r *rig) fake(port, serial string) *fake {
	f := newFake(serial)
	r.fakes[port] = f
	return f
}

func (r *rig) opts() Options {
	return Options{
		Connect: func(ctx context.Context, port string) (transport.Controller, error) {
			f, ok := r.fakes[port]
			if !ok {
				return nil, fmt.Errorf("no controller on %s", port)
			}
			return f, nil
		},
		Reporter: multi{&textLines{w: &lockedWriter{w: &r.out, mu: &r.mu}}, &jsonLines{w: &lockedWriter{w: &r.json, mu: &r.mu}}},
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type multi []Reporter

func (m multi) Report(e Event) {
	for _, r := range m {
		r.Report(e)
	}
}

// station plans changes against the fake as it is now.
func (r *rig) station(name, port string, changes ...plan.Change) *plan.Station {
	r.t.Helper()
	f := r.fakes[port]
	o, err := plan.Observe(context.Background(), f)
	if err != nil {
		r.t.Fatal(err)
	}
	f.calls = nil
	return &plan.Station{
		Name: name, Serial: f.id.Serial, Port: port, Model: f.id.Model,
		Fingerprint: plan.Fingerprint(o, r.state),
		Firmware:    plan.Firmware{Current: f.id.Firmware, Action: plan.FirmwareNone},
		Changes:     changes, Errors: []plan.Problem{},
	}
}

func (r *rig) job(st *plan.Station) *Job {
	return &Job{Station: st, State: r.state, Port: st.Port}
}

func upd(key, before, after string) plan.Change {
	kd, _ := model.Lookup(key)
	return plan.Change{Key: key, Action: plan.ActionUpdate, Before: before, After: after, RebootRequired: kd != nil && kd.Reboot}
}

func secretChange(st *record.State, key, action, value string) plan.Change {
	c := plan.Change{Key: key, Action: action, Sensitive: true, SecretHash: st.Hash(value),
		Secret: &model.SecretRef{Kind: "env", Name: "ECC_TEST"}}
	c.SetValue(value)
	return c
}

// scan fails if any secret appears in the captured output or in any file
// under the state directory.
func (r *rig) scan(secrets ...string) {
	r.t.Helper()
	check := func(where string, data []byte) {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				r.t.Errorf("secret %q found in %s", s, where)
			}
		}
	}
	check("text output", r.out.Bytes())
	check("json output", r.json.Bytes())
	filepath.WalkDir(r.state.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			check(p, data)
		}
		return nil
	})
}

// backup takes a backup of the station behind f, as apply does before its
// first write, and returns where it is kept.
func (r *rig) backup(f *fake) string {
	r.t.Helper()
	id, _ := f.Hello(context.Background())
	b, err := ReadBackup(context.Background(), f, id, r.state, time.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	path, err := r.state.SaveBackup(b)
	if err != nil {
		r.t.Fatal(err)
	}
	return path
}

func (r *rig) journalExists(serial string) bool {
	j, err := r.state.LoadJournal(serial)
	if err != nil {
		r.t.Fatal(err)
	}
	return j != nil
}

func TestApplySuccess(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	var journalAtFirstSet *record.Journal
	f.onSet = func(map[string]string) {
		if journalAtFirstSet == nil {
			journalAtFirstSet, _ = r.state.LoadJournal("G1")
		}
	}
	st := r.station("cp-01", "p1",
		upd("chg_StationMaxCurrent", "32", "25"),
		upd("com_Options", "", "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0"),
		secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret),
	)
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Changed {
		t.Fatalf("outcome %s: %v\n%s", res[0].Outcome, res[0].Err, r.out.String())
	}
	if journalAtFirstSet == nil || journalAtFirstSet.Step != "write" || journalAtFirstSet.Backup == "" {
		t.Fatalf("journal before the first write = %+v", journalAtFirstSet)
	}
	if r.journalExists("G1") {
		t.Error("journal not removed after a verified apply")
	}
	if got := f.flashValue("chg_StationMaxCurrent"); got != "25" {
		t.Errorf("flash chg_StationMaxCurrent = %q", got)
	}
	if got := f.flashValue("authorizationKey"); got != authSecret {
		t.Errorf("authorizationKey not written")
	}
	// Write-only last, and after the others.
	var sets []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, "set:") {
			sets = append(sets, c)
		}
	}
	if len(sets) != 2 || sets[1] != "set:authorizationKey" {
		t.Errorf("sets = %v, want regular keys then authorizationKey", sets)
	}
	// Order of steps.
	want := []string{"saved", "reboot"}
	idx := 0
	for _, c := range f.calls {
		if idx < len(want) && c == want[idx] {
			idx++
		}
	}
	if idx != len(want) {
		t.Errorf("calls %v lack save then reboot", f.calls)
	}
	// Backup: every readable key, RO included, WO absent.
	b := onlyBackup(t, r.state, "G1")
	if b.Values["hw_BoardRev"] != "C2" || b.Values["chg_StationMaxCurrent"] != "32" {
		t.Errorf("backup values incomplete: %v", b.Values)
	}
	if _, ok := b.Values["authorizationKey"]; ok {
		t.Error("backup holds the write-only key")
	}
	// Snapshot with the hash of the written secret.
	snap, _ := r.state.LoadSnapshot("G1")
	if snap == nil || !r.state.Matches(snap.Hashes["authorizationKey"], authSecret) || snap.Values["chg_StationMaxCurrent"] != "25" {
		t.Errorf("snapshot = %+v", snap)
	}
	for _, s := range []string{"backup done", "saved", "rebooted", "verified 2 keys", "authorizationKey is write-only", "Apply complete: 1 station changed."} {
		if !strings.Contains(r.out.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, r.out.String())
		}
	}
	checkJSONLines(t, r.json.Bytes())
	r.scan(authSecret)
}

func onlyBackup(t *testing.T, st *record.State, serial string) *record.Backup {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(st.BackupDir(serial), "*.json"))
	if len(m) != 1 {
		t.Fatalf("backups: %v", m)
	}
	b, err := record.LoadBackup(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkJSONLines(t *testing.T, data []byte) {
	t.Helper()
	types := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		for _, f := range []string{"Level", "Message", "Type"} {
			if _, ok := m[f]; !ok {
				t.Errorf("line lacks %s: %s", f, line)
			}
		}
		types[m["Type"].(string)] = true
	}
	if !types[EvSummary] {
		t.Error("no summary event")
	}
}

func TestRejectedRollsBackEverything(t *testing.T) {
	for _, status := range []transport.Status{transport.Rejected, transport.NotSupported} {
		t.Run(string(status), func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			f.working["gsm_APN"] = "internet,user," + oldAPNPass
			f.flash["gsm_APN"] = f.working["gsm_APN"]
			before := mapsClone(f.flash)
			f.status["grid_Role"] = status
			st := r.station("cp-01", "p1",
				upd("chg_StationMaxCurrent", "32", "25"),
				upd("chg_RatedCurrent", "16,16", "20,20"),
				secretChange(r.state, "gsm_APN", plan.ActionUpdate, "internet,user,"+apnSecret),
				upd("grid_Role", "Station_ctrl", "Master"),
				secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret),
			)
			res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
			if res[0].Outcome != Failed || !res[0].Intact {
				t.Fatalf("result %+v", res[0])
			}
			for k, v := range before {
				if f.flash[k] != v {
					t.Errorf("after rollback %s = %q, want %q", k, f.flash[k], v)
				}
				if f.working[k] != v {
					t.Errorf("after rollback (working) %s = %q, want %q", k, f.working[k], v)
				}
			}
			for _, c := range f.calls {
				if c == "set:authorizationKey" || c == "reboot" {
					t.Errorf("%s sent after a rejection", c)
				}
			}
			if r.journalExists("G1") {
				t.Error("journal kept after a complete rollback")
			}
			out := r.out.String()
			for _, s := range []string{"grid_Role", string(status), "the station is as it was", "1 failed"} {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			r.scan(authSecret, apnSecret, oldAPNPass)
		})
	}
}

func mapsClone(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestVerifyMismatch(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	f.afterReboot = map[string]string{"chg_MinChargingCurrent": "8"}
	st := r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10"))
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed {
		t.Fatalf("result %+v", res[0])
	}
	msg := res[0].Err.Error()
	for _, s := range []string{"chg_MinChargingCurrent", `"8"`, `"10"`} {
		if !strings.Contains(msg, s) {
			t.Errorf("error %q lacks %s", msg, s)
		}
	}
	if f.flash["chg_MinChargingCurrent"] != "6" {
		t.Errorf("not rolled back: %q", f.flash["chg_MinChargingCurrent"])
	}
}

// A reboot that fails, or a rollback that does not take, is reported: the
// station is not known to be as it was, so the result is not intact, the
// journal is kept for the next apply to finish or roll back, and nothing
// says the station is as it was.
func TestFailedRebootOrRollbackIsReported(t *testing.T) {
	for _, c := range []struct {
		name        string
		rebootErrAt int
		afterReboot map[string]string
		want        string
	}{
		{name: "the apply's reboot fails", rebootErrAt: 1,
			want: "reboot: fake: no hello after the reboot"},
		{name: "the rollback's reboot fails", rebootErrAt: 2, afterReboot: map[string]string{"chg_StationMaxCurrent": "30"},
			want: "ROLLBACK FAILED: reboot: fake: no hello after the reboot"},
		{name: "the rollback does not read back", afterReboot: map[string]string{"chg_StationMaxCurrent": "30"},
			want: `ROLLBACK FAILED: verify: chg_StationMaxCurrent is "30", wanted "32"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			f.rebootErrAt, f.afterReboot = c.rebootErrAt, c.afterReboot
			st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
			res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
			if res[0].Outcome != Failed || res[0].Intact || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), c.want) {
				t.Fatalf("result %+v, want a failure with %q, not intact\n%s", res[0], c.want, r.out.String())
			}
			if !r.journalExists("G1") {
				t.Error("journal removed: the next apply cannot finish or roll back")
			}
			if out := r.out.String(); strings.Contains(out, "as it was") || strings.Contains(out, "applied and verified") {
				t.Errorf("the station is said to be as it was, or applied:\n%s", out)
			}
		})
	}
}

func TestStaleSavedPlanSendsNothing(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	f.working["chg_MinChargingCurrent"] = "7" // changed since the plan
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed || !strings.Contains(res[0].Err.Error(), "stale") {
		t.Fatalf("result %+v", res[0])
	}
	if f.sent() {
		t.Errorf("sent after a stale plan: %v", f.calls)
	}
	if r.journalExists("G1") {
		t.Error("journal written for a stale plan")
	}
}

func TestBlockedKeyNeverSent(t *testing.T) {
	for _, key := range []string{"HeartbeatInterval", "hw_WiringLimit", "gsm_SigQ"} {
		t.Run(key, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"), upd(key, "1", "2"))
			res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
			if res[0].Outcome != Failed || !strings.Contains(res[0].Err.Error(), key) {
				t.Fatalf("result %+v", res[0])
			}
			if len(f.calls) != 0 {
				t.Errorf("controller touched: %v", f.calls)
			}
		})
	}
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	st.Errors = []plan.Problem{{Key: "HeartbeatInterval", Class: "backend-only", Message: "nope"}}
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Blocked || len(f.calls) != 0 {
		t.Fatalf("blocked station: %+v, calls %v", res[0], f.calls)
	}
}

func TestConcurrentOneFails(t *testing.T) {
	r := newRig(t)
	var jobs []*Job
	for i := 1; i <= 4; i++ {
		port := fmt.Sprintf("p%d", i)
		f := r.fake(port, fmt.Sprintf("G%d", i))
		if i == 3 {
			f.status["chg_StationMaxCurrent"] = transport.Rejected
		}
		jobs = append(jobs, r.job(r.station(fmt.Sprintf("cp-0%d", i), port, upd("chg_StationMaxCurrent", "32", "25"))))
	}
	opts := r.opts()
	opts.Parallelism = 2
	res := Run(context.Background(), jobs, opts)
	for i, rs := range res {
		want := Changed
		if i == 2 {
			want = Failed
		}
		if rs.Outcome != want {
			t.Errorf("station %d: %s (%v)", i+1, rs.Outcome, rs.Err)
		}
	}
	c := Count(res)
	if c.OK() || c.Line("") != "Apply finished with errors: 3 stations changed, 1 failed." {
		t.Errorf("summary %q", c.Line(""))
	}
	if r.fakes["p4"].flashValue("chg_StationMaxCurrent") != "25" || r.fakes["p3"].flashValue("chg_StationMaxCurrent") != "32" {
		t.Error("wrong final values")
	}
}

func TestCablePulledKeepsJournal(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	f.setErrAt = 1
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	// The rollback set also fails: the cable is gone.
	f.onSet = func(map[string]string) {
		if len(f.sets) >= 1 {
			f.setErrAt = len(f.sets) + 1
		}
	}
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed || res[0].Intact {
		t.Fatalf("result %+v", res[0])
	}
	if !r.journalExists("G1") {
		t.Fatal("journal removed although the rollback failed")
	}
	if !strings.Contains(r.out.String(), "--on-interrupted") {
		t.Errorf("no advice on finishing:\n%s", r.out.String())
	}
}

// The reply to a write is lost (the cable pulled after the controller
// stored the values): every key of the request may be written, so the
// rollback writes them all back; the run never says nothing was stored.
func TestLostReplyRollsBackTheWholeRequest(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	f.setErrAt, f.lostReply = 1, true
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"), upd("chg_MinChargingCurrent", "6", "10"))
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed || strings.Contains(res[0].Err.Error(), "nothing was stored") {
		t.Fatalf("result %+v\n%s", res[0], r.out.String())
	}
	if len(f.sets) != 2 || !maps.Equal(f.sets[1], map[string]string{"chg_StationMaxCurrent": "32", "chg_MinChargingCurrent": "6"}) {
		t.Errorf("writes %v: want the request, then both keys written back", f.sets)
	}
	for k, want := range map[string]string{"chg_StationMaxCurrent": "32", "chg_MinChargingCurrent": "6"} {
		if got := f.flashValue(k); got != want {
			t.Errorf("%s is %q after the rollback, want %q", k, got, want)
		}
	}
}

func TestJournalRollbackAndFinish(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	// An interrupted apply: backup taken, one of two keys written and saved.
	path := r.backup(f)
	j := &record.Journal{Serial: "G1", Station: "cp-01", Step: "write", Backup: path,
		Keys: []string{"chg_StationMaxCurrent", "chg_MinChargingCurrent"}, Written: []string{"chg_StationMaxCurrent"}}
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	f.working["chg_StationMaxCurrent"] = "25"
	f.flash["chg_StationMaxCurrent"] = "25"

	// Not decided: refused, nothing sent.
	st := r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10"))
	jobs := []*Job{r.job(st)}
	if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}
	res := Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Failed || f.sent() {
		t.Fatalf("undecided interrupted apply: %+v, calls %v", res[0], f.calls)
	}

	// Rollback.
	jobs[0].Recovery = RecoverRollback
	res = Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != RolledBack {
		t.Fatalf("rollback: %+v\n%s", res[0], r.out.String())
	}
	if f.flash["chg_StationMaxCurrent"] != "32" || f.flash["chg_MinChargingCurrent"] != "6" {
		t.Errorf("not rolled back: %v", f.flash)
	}
	if r.journalExists("G1") {
		t.Error("journal kept after rollback")
	}

	// Finish: a new interrupted state, finished with a rejection: rollback
	// goes back to the interrupted apply's backup, not to the half state.
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	f.working["chg_StationMaxCurrent"] = "25"
	f.flash["chg_StationMaxCurrent"] = "25"
	f.status["chg_MinChargingCurrent=10"] = transport.Rejected
	st = r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10"))
	jobs = []*Job{r.job(st)}
	FindInterrupted(jobs)
	jobs[0].Recovery = RecoverFinish
	res = Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Failed {
		t.Fatalf("finish: %+v", res[0])
	}
	if f.flash["chg_StationMaxCurrent"] != "32" {
		t.Errorf("finish rollback did not reach the first backup: %v\n%s", f.flash["chg_StationMaxCurrent"], r.out.String())
	}

	// Finish that succeeds.
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	delete(f.status, "chg_MinChargingCurrent=10")
	f.working["chg_StationMaxCurrent"] = "25"
	f.flash["chg_StationMaxCurrent"] = "25"
	st = r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10"))
	jobs = []*Job{r.job(st)}
	FindInterrupted(jobs)
	jobs[0].Recovery = RecoverFinish
	res = Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Changed || r.journalExists("G1") {
		t.Fatalf("finish: %+v", res[0])
	}
}

func TestFirmwareWithoutFlasherRefused(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade}
	saved := DefaultFlasher
	DefaultFlasher = nil
	defer func() { DefaultFlasher = saved }()
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed || !strings.Contains(res[0].Err.Error(), "firmware flashing not available") {
		t.Fatalf("result %+v", res[0])
	}
	if f.sent() || r.journalExists("G1") {
		t.Errorf("sent or journal left: %v", f.calls)
	}
}

func TestBackupHidesAPNPassword(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	f.working["gsm_APN"] = "internet,user," + oldAPNPass
	path := r.backup(f)
	data, _ := os.ReadFile(path)
	if bytes.Contains(data, []byte(oldAPNPass)) {
		t.Fatal("backup holds the APN password")
	}
	lb, _ := record.LoadBackup(path)
	if !r.state.Matches(lb.Hashes["gsm_APN"], "internet,user,"+oldAPNPass) || lb.Values["gsm_APN"] != "internet,user,(sensitive)" {
		t.Errorf("backup gsm_APN = %q / %q", lb.Values["gsm_APN"], lb.Hashes["gsm_APN"])
	}
	if _, ok := lb.Clear("gsm_APN"); ok {
		t.Error("a loaded backup claims to know the APN password")
	}
	set, skipped := BackupSettings(lb, path)
	for _, s := range set {
		if s.Key == "gsm_APN" || s.Key == "gsm_SigQ" || s.Key == "hw_BoardRev" || s.Key == "HeartbeatInterval" {
			t.Errorf("restore from backup would set %s", s.Key)
		}
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "gsm_APN") {
		t.Errorf("skipped = %v", skipped)
	}
}

// TestValidateByChannel: an OCPP standard key planned over OCPP passes
// validation; the same change in a plan made over the cable is refused
// before anything is sent, and read-only OCPP keys are refused on both.
func TestValidateByChannel(t *testing.T) {
	for _, tt := range []struct {
		channel, key string
		ok           bool
	}{
		{"ocpp", "HeartbeatInterval", true},
		{"", "HeartbeatInterval", false},
		{"serial", "HeartbeatInterval", false},
		{"ocpp", "GetConfigurationMaxKeys", false},
		{"ocpp", "hw_WiringLimit", false},
		{"ocpp", "chg_StationMaxCurrent", true},
	} {
		st := &plan.Station{Name: "cp-01", Serial: "G1", Channel: tt.channel,
			Changes: []plan.Change{upd(tt.key, "10", "20")}}
		err := Validate(st)
		if (err == nil) != tt.ok {
			t.Errorf("%s over %q: %v", tt.key, tt.channel, err)
		}
	}
}

// A sensitive change whose secret was not resolved (a saved plan's
// secret not looked up again) has no value: it is refused, never sent as
// an empty value that would wipe the controller's (an empty gsm_APN
// decodes).
func TestValidateRefusesUnresolvedSecrets(t *testing.T) {
	for _, tt := range []struct{ channel, key string }{
		{"serial", "authorizationKey"},
		{"serial", "gsm_APN"},
		{"ocpp", "AuthorizationKey"},
	} {
		st := &plan.Station{Name: "cp-01", Serial: "G1", Channel: tt.channel,
			Changes: []plan.Change{{Key: tt.key, Action: plan.ActionSet, Sensitive: true}}}
		err := Validate(st)
		if err == nil || !strings.Contains(err.Error(), tt.key+": the secret is not resolved") {
			t.Errorf("%s over %s without its secret: %v", tt.key, tt.channel, err)
		}
	}
}

// TestBackupOCPP: a backup taken over OCPP restores the OCPP keys the
// station may change as an ocpp block; read-only ones and settings stay
// out of it.
func TestBackupOCPP(t *testing.T) {
	b := &record.Backup{Values: map[string]string{"HeartbeatInterval": "120", "MeterValuesSampledData": "Voltage, SoC",
		"NumberOfConnectors": "2", "chg_StationMaxCurrent": "25", "LightIntensity": "bright"}}
	var got []string
	for _, s := range BackupOCPP(b) {
		got = append(got, s.Key+"="+s.Value.Canonical())
	}
	if want := []string{"HeartbeatInterval=120", "MeterValuesSampledData=Voltage,SoC"}; !slices.Equal(got, want) {
		t.Errorf("ocpp block %v, want %v", got, want)
	}
}

// The controller restarted (power lost) after the writes but before it
// saved them: the values are lost. The run says so and rolls back (writes
// the previous values again, saves, reboots, verifies), so that the
// station is known to be as it was; it does not report the save done and
// then fail its verify with no cause.
func TestRestartBeforeSaveRollsBack(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	before := f.flashValue("chg_StationMaxCurrent")
	f.restartBeforeSave = true
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", before, "25"))
	res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
	if res[0].Outcome != Failed || !res[0].Intact {
		t.Fatalf("result %+v\n%s", res[0], r.out.String())
	}
	if !strings.Contains(res[0].Err.Error(), "restarted before it saved") {
		t.Errorf("the cause is not named: %v", res[0].Err)
	}
	out := r.out.String()
	if i := strings.Index(out, "cp-01: saved"); i >= 0 && i < strings.Index(out, "rolling back") {
		t.Errorf("reported as saved:\n%s", out)
	}
	if f.flashValue("chg_StationMaxCurrent") != before || r.journalExists("G1") {
		t.Errorf("after: %q (want %q), journal %v", f.flashValue("chg_StationMaxCurrent"), before, r.journalExists("G1"))
	}
}

// TestBackupSettingsOutsideDictionary: a backed-up value that decodes but
// that the dictionary refuses (a controller may hold what ecc would not
// write) is left out of a restore with its reason, and the other keys are
// restored; kept, it made Validate refuse the whole restore. A name=value
// list is kept: Validate checks only the options a restore changes, and
// one the dictionary does not know may be a newer firmware's.
func TestBackupSettingsOutsideDictionary(t *testing.T) {
	for _, tc := range []struct {
		key, value string
		kept       bool
	}{
		{"chg_StationMaxCurrent", "99", false},
		{"grid_Role", "master", false},
		{"com_Options", "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0,Bogus=1", true},
	} {
		t.Run(tc.key, func(t *testing.T) {
			b := &record.Backup{Serial: "G1", Values: map[string]string{tc.key: tc.value, "chg_RatedCurrent": "16,16"}}
			set, skipped := BackupSettings(b, "backup.json")
			var keys []string
			for _, s := range set {
				keys = append(keys, s.Key)
			}
			if slices.Contains(keys, tc.key) != tc.kept || !slices.Contains(keys, "chg_RatedCurrent") {
				t.Errorf("settings %v, want chg_RatedCurrent and %s kept %v", keys, tc.key, tc.kept)
			}
			if tc.kept {
				if len(skipped) != 0 {
					t.Errorf("skipped %q", skipped)
				}
				return
			}
			if len(skipped) != 1 || !strings.Contains(skipped[0], tc.key) || !strings.Contains(skipped[0], "outside the dictionary") {
				t.Errorf("skipped %q", skipped)
			}
			st := &plan.Station{Name: "cp-01", Serial: "G1", Changes: []plan.Change{upd(tc.key, "20", tc.value)}}
			if Validate(st) == nil {
				t.Errorf("Validate takes %s = %s: the test no longer shows what a restore would refuse", tc.key, tc.value)
			}
		})
	}
}

// TestWriteOnlyAfterTheOthersSaved: a write-only key (authorizationKey)
// cannot be rolled back, so it is sent only once the other keys are saved.
// A controller that restarts after storing them and before their SV CFG()
// has lost them: the write-only key is not sent, the run rolls back and
// the station is as it was. It was sent in the controller's new boot, the
// lost keys were found by the verify, and the rollback could not restore
// the write-only one: a new authorizationKey over the old configuration.
func TestWriteOnlyAfterTheOthersSaved(t *testing.T) {
	for _, c := range []struct {
		name    string
		restart bool
	}{
		{"saved", false},
		{"restarted before the save", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			f.restartBeforeSave = c.restart
			st := r.station("cp-01", "p1",
				upd("chg_StationMaxCurrent", "32", "25"),
				secretChange(r.state, "authorizationKey", plan.ActionSet, authSecret),
			)
			res := Run(context.Background(), []*Job{r.job(st)}, r.opts())
			var calls []string
			for _, call := range f.calls {
				if strings.HasPrefix(call, "set:") || call == "saved" {
					calls = append(calls, call)
				}
			}
			if !c.restart {
				if res[0].Outcome != Changed || len(calls) < 3 || calls[0] != "set:chg_StationMaxCurrent" || calls[1] != "saved" || calls[2] != "set:authorizationKey" {
					t.Errorf("outcome %s, calls %v, want the others saved before the write-only key", res[0].Outcome, calls)
				}
				return
			}
			if res[0].Outcome != Failed || !res[0].Intact || !strings.Contains(res[0].Err.Error(), "restarted before it saved") {
				t.Errorf("result %+v\n%s", res[0], r.out.String())
			}
			if slices.Contains(calls, "set:authorizationKey") {
				t.Errorf("the write-only key was sent after the others were lost: %v", calls)
			}
		})
	}
}

// TestRunOneDeviceTwoNames: jobs whose ports name one device two ways (a
// /dev/serial/by-id link and its tty; COM8 and 8 on Windows) run one
// after another, as on one port.
func TestRunOneDeviceTwoNames(t *testing.T) {
	dev, link := ecctest.DeviceTwoNames(t)
	r := newRig(t)
	var calls ecctest.InFlight
	opts := r.opts()
	opts.Connect = func(ctx context.Context, port string) (transport.Controller, error) {
		defer calls.Enter()()
		time.Sleep(50 * time.Millisecond)
		return nil, errors.New("no controller")
	}
	st1 := &plan.Station{Name: "cp-01", Serial: "G1", Port: dev, Changes: []plan.Change{upd("chg_StationMaxCurrent", "32", "25")}}
	st2 := &plan.Station{Name: "cp-02", Serial: "G2", Port: link, Changes: []plan.Change{upd("chg_StationMaxCurrent", "32", "25")}}
	Run(context.Background(), []*Job{r.job(st1), r.job(st2)}, opts)
	if calls.Most() != 1 {
		t.Errorf("%d jobs on one device at once", calls.Most())
	}
}
