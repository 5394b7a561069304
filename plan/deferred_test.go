package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

// TestKnownAtApply: a secret not at hand (model.Setting.Unknown) plans as
// "(known at apply)" in every format, is not a change nor an error, and
// the station's other keys plan as usual; a station never read plans it
// the same way.
func TestKnownAtApply(t *testing.T) {
	unknownKey := model.Setting{Key: "authorizationKey", Layer: "station", Unknown: true,
		Secret: &model.SecretRef{Kind: "env", Name: "ECC_AUTH"}}
	site := fleet(t.TempDir(), 2, func(int) []model.Setting {
		return []model.Setting{setting(t, "chg_StationMaxCurrent", "25"), unknownKey}
	})
	st := testState(t)
	f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32"})
	o, err := Observe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	o.Identity.Serial = site.Stations[0].Serial
	o.At = t0
	if err := st.SaveSnapshot(SnapshotOf(o, nil, st)); err != nil {
		t.Fatal(err)
	}
	p, err := Build(context.Background(), []*model.Site{site}, Options{Offline: true, StateDir: st.Dir, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	read, never := p.Stations[0], p.Stations[1]
	if read.Blocked() || len(read.Changes) != 1 || len(read.KnownAtApply) != 1 || read.KnownAtApply[0].Key != "authorizationKey" {
		t.Fatalf("read station: %+v", read)
	}
	if never.Blocked() || !never.ToCommission || len(never.Changes) != 1 || len(never.KnownAtApply) != 1 {
		t.Fatalf("station never read: %+v", never)
	}
	if s := p.Summarize(); s.Changes != 2 || s.KnownAtApply != 2 || s.ToCommission != 1 || s.Blocked != 0 {
		t.Fatalf("summary %+v", s)
	}
	// The JSON form; the text and markdown views: cmd/ecc's
	// TestPlanViewsKnownAtApply.
	data, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"known_at_apply"`, `"kind": "env"`, `"to_commission": true`} {
		if !strings.Contains(string(data), w) {
			t.Errorf("no %q in\n%s", w, data)
		}
	}
}

func TestSaveRefusesKnownAtApply(t *testing.T) {
	p := &Plan{FormatVersion: FormatVersion, Stations: []*Station{{Name: "cp-01", KnownAtApply: []Deferred{{Key: "authorizationKey"}}}}}
	if err := Save(t.TempDir()+"/p.json", p); err == nil || !strings.Contains(err.Error(), "1 value is known at apply") {
		t.Fatalf("err = %v", err)
	}
}

// TestLegacyFingerprintWithoutSalt: offline, with the secret at hand but
// not the salt of a legacy fingerprint (a CI checkout), the plan cannot
// tell: known at apply, not a false change.
func TestLegacyFingerprintWithoutSalt(t *testing.T) {
	site := fleet(t.TempDir(), 1, func(int) []model.Setting {
		return []model.Setting{setting(t, "com_Options", "useTLS=1"), setting(t, "authorizationKey", "user:pw")}
	})
	st := testState(t) // no salt file
	o, err := Observe(context.Background(), newFake(t, map[string]string{"com_Options": "Events=1,useTLS=1"}))
	if err != nil {
		t.Fatal(err)
	}
	o.Identity.Serial, o.At = site.Stations[0].Serial, t0
	snap := SnapshotOf(o, nil, st)
	snap.Hashes = map[string]string{"authorizationKey": "sha256:0101010101010101010101010101010101010101010101010101010101010101"}
	if err := st.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	p, err := Build(context.Background(), []*model.Site{site}, Options{Offline: true, StateDir: st.Dir, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Stations[0]
	if len(s.Changes) != 0 || len(s.KnownAtApply) != 1 || len(s.Warnings) != 1 || s.Blocked() {
		t.Fatalf("%+v", s)
	}
}
