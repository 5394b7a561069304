package apply

import (
	"context"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// An apply over OCPP wrote an OCPP standard key and was interrupted; the
// rollback is then run over the service cable, which may not write that
// key. The cable's keys are rolled back, but the station is not "as it
// was": the OCPP key is reported, and the journal is kept so that a
// rollback over OCPP can finish the job.
func TestRollbackOverCableKeepsJournalOfOCPPKeys(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	path := r.backup(f)
	j := &record.Journal{Serial: "G1", Station: "cp-01", Step: "write", Backup: path,
		Keys:    []string{"chg_StationMaxCurrent", "HeartbeatInterval"},
		Written: []string{"chg_StationMaxCurrent", "HeartbeatInterval"}}
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	for _, m := range []map[string]string{f.working, f.flash} {
		m["chg_StationMaxCurrent"] = "25"
		m["HeartbeatInterval"] = "120"
	}

	st := r.station("cp-01", "p1", upd("chg_MinChargingCurrent", "6", "10"))
	jobs := []*Job{r.job(st)}
	if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}
	jobs[0].Recovery = RecoverRollback
	res := Run(context.Background(), jobs, r.opts())
	if f.flash["chg_StationMaxCurrent"] != "32" {
		t.Errorf("the cable's key was not rolled back: %v", f.flash["chg_StationMaxCurrent"])
	}
	if res[0].Outcome == RolledBack || res[0].Intact {
		t.Fatalf("reported as rolled back although HeartbeatInterval is still 120: %+v\n%s", res[0], r.out.String())
	}
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "HeartbeatInterval") {
		t.Errorf("the error does not name the key left: %v", res[0].Err)
	}
	if !r.journalExists("G1") {
		t.Error("journal removed: a rollback over OCPP can no longer undo HeartbeatInterval")
	}
}

// A plan made over OCPP is applied over OCPP: reached over the cable
// instead (a saved plan with another --port), the station is refused
// before anything is sent, saying why, even when its keys read the same.
func TestPlanOfAnotherChannelSendsNothing(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
	st.Channel = "ocpp"
	job := r.job(st)
	job.Saved = true
	res := Run(context.Background(), []*Job{job}, r.opts())
	if res[0].Outcome != Failed || !res[0].Intact || f.sent() {
		t.Fatalf("result %+v, calls %v", res[0], f.calls)
	}
	if !strings.Contains(res[0].Err.Error(), "made over ocpp") {
		t.Errorf("err = %v", res[0].Err)
	}
}

// The rollback of an interrupted apply is a write too: interrupted before
// it starts (here while connecting), nothing is sent and the journal stays
// for the next run.
func TestInterruptBeforeJournalRollbackSendsNothing(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	j := &record.Journal{Serial: "G1", Station: "cp-01", Step: "write", Backup: r.backup(f),
		Keys: []string{"chg_StationMaxCurrent"}, Written: []string{"chg_StationMaxCurrent"}}
	if err := r.state.SaveJournal(j); err != nil {
		t.Fatal(err)
	}
	f.working["chg_StationMaxCurrent"] = "25"
	st := r.station("cp-01", "p1")
	jobs := []*Job{r.job(st)}
	if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
		t.Fatalf("journal not found: %v", err)
	}
	jobs[0].Recovery = RecoverRollback
	opts := r.opts()
	stop := make(chan struct{})
	opts.Interrupt = stop
	connect := opts.Connect
	opts.Connect = func(ctx context.Context, port string) (transport.Controller, error) {
		close(stop) // the user's Ctrl-C while ecc connects
		return connect(ctx, port)
	}
	res := Run(context.Background(), jobs, opts)
	if res[0].Outcome != Cancelled || f.sent() {
		t.Fatalf("result %+v, calls %v", res[0], f.calls)
	}
	if !r.journalExists("G1") {
		t.Error("journal removed: the interrupted apply can no longer be rolled back")
	}
}
