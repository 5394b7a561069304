package apply

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
)

func TestRestoreFactoryThroughApply(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	path := writeSite(t, t.TempDir(), "factory.json", `{"chg_MinChargingCurrent": 10, "chg_StationMaxCurrent": "20"}`)
	set, _, diags := model.LoadFactory(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	desired := RestoreStation("restore-G1", "G1", path, set)
	o, _ := plan.Observe(context.Background(), f)
	st := plan.ComputeStation(desired, o, r.state)
	st.Port = "p1"
	if st.Blocked() || len(st.Changes) != 2 {
		t.Fatalf("restore plan: %+v %+v", st.Changes, st.Errors)
	}
	res := Run(context.Background(), []*Job{{Station: st, Desired: desired, State: r.state, Port: "p1"}}, r.opts())
	if res[0].Outcome != Changed || f.flashValue("chg_MinChargingCurrent") != "10" || f.flashValue("chg_StationMaxCurrent") != "20" {
		t.Fatalf("restore: %+v\n%s", res[0], r.out.String())
	}
	bad := writeSite(t, t.TempDir(), "bad.json", `{"chg_MinChargingCurrent": 10, "hw_WiringLimit": "63"}`)
	if _, _, diags := model.LoadFactory(bad); !diags.HasErrors() {
		t.Error("a factory file naming a forbidden key loads")
	}
}

func TestPrompts(t *testing.T) {
	for in, want := range map[string]bool{"yes\n": true, "y\n": false, "YES\n": false, "\n": false, "": false} {
		ok, _ := PromptApprove(bufio.NewReader(strings.NewReader(in)), io.Discard, "?")
		if ok != want {
			t.Errorf("%q: %v", in, ok)
		}
	}
	j := &Job{Station: &plan.Station{Name: "cp-01", Serial: "G1"}, Journal: &record.Journal{Step: "write", Backup: "b.json", Keys: []string{"k"}}}
	for in, want := range map[string]Recovery{"finish\n": RecoverFinish, "rollback\n": RecoverRollback, "maybe\ncancel\n": RecoverCancel, "": RecoverCancel} {
		got, _ := PromptRecovery(bufio.NewReader(strings.NewReader(in)), io.Discard, j)
		if got != want {
			t.Errorf("%q: %v", in, got)
		}
	}
	st := &plan.Station{Errors: []plan.Problem{{Class: plan.ProblemJournal, Message: "an apply of this station was interrupted (...)"}, {Key: "x", Message: "other"}}}
	jb := &Job{Station: st}
	Decide(jb, RecoverFinish)
	if len(st.Errors) != 1 || st.Errors[0].Key != "x" {
		t.Errorf("Decide left %v", st.Errors)
	}
}
