package apply

import (
	"context"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// The rollback of an interrupted apply writes back every key its journal
// names, also one it never wrote because the controller refused it (over
// OCPP a CALLERROR, which a station gives again and again). A refused
// write-back of a key that holds its previous value is no failure: that
// key is as it was, and the rollback completes. A refused key that holds
// another value, or that the apply stored, still fails it, naming the key.
func TestRollbackOfARefusedKeyThatHoldsItsPreviousValue(t *testing.T) {
	for _, tc := range []struct {
		name, held string
		written    bool // in the journal's Written
		ok         bool
	}{
		{"never written", "", false, true},
		{"holds another value", "10", false, false},
		// Stored, with RebootRequired say: it reads as before, and its
		// new value comes with the next boot.
		{"written, reads as before", "", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			path := r.backup(f)
			before := f.flash["chg_MinChargingCurrent"]
			j := &record.Journal{Serial: "G1", Station: "cp-01", Step: "write", Backup: path,
				Keys:    []string{"chg_StationMaxCurrent", "chg_MinChargingCurrent"},
				Written: []string{"chg_StationMaxCurrent"}}
			if tc.written {
				j.Written = append(j.Written, "chg_MinChargingCurrent")
			}
			if err := r.state.SaveJournal(j); err != nil {
				t.Fatal(err)
			}
			for _, m := range []map[string]string{f.working, f.flash} {
				m["chg_StationMaxCurrent"] = "25"
				if tc.held != "" {
					m["chg_MinChargingCurrent"] = tc.held
				}
			}
			f.status["chg_MinChargingCurrent"] = transport.NotSupported

			st := r.station("cp-01", "p1", upd("chg_MinChargingCurrent", before, "10"))
			jobs := []*Job{r.job(st)}
			if _, err := FindInterrupted(jobs); err != nil || jobs[0].Journal == nil {
				t.Fatalf("journal not found: %v", err)
			}
			jobs[0].Recovery = RecoverRollback
			res := Run(context.Background(), jobs, r.opts())
			if !tc.ok {
				if res[0].Outcome == RolledBack || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "ROLLBACK FAILED") ||
					!strings.Contains(res[0].Err.Error(), "NotSupported for chg_MinChargingCurrent") || !r.journalExists("G1") {
					t.Fatalf("a refused key holding another value, or written: %+v\n%s", res[0], r.out.String())
				}
				return
			}
			if res[0].Outcome != RolledBack || r.journalExists("G1") || f.flashValue("chg_StationMaxCurrent") != "32" {
				t.Fatalf("result %+v, journal kept %v\n%s", res[0], r.journalExists("G1"), r.out.String())
			}
			if !strings.Contains(r.out.String(), "holds the previous value already") {
				t.Errorf("the refusal is not reported:\n%s", r.out.String())
			}
		})
	}
}
