package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
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

// TestKnownAtApplyKnownParts: offline, with gsm_APN's password not at hand
// (--no-secrets in CI), a change of the APN's name or user is a change the
// plan knows: "~ gsm_APN: (sensitive value)", counted, so that
// --detailed-exitcode says 2 and the reviewer sees it. Before, it was
// "(known at apply)" and the plan said "0 changes". The same name and
// user stay known at apply; such a plan still cannot be saved.
func TestKnownAtApplyKnownParts(t *testing.T) {
	t.Setenv("ECC_TEST_APN_PW", "")
	os.Unsetenv("ECC_TEST_APN_PW")
	st := testState(t)
	o, err := Observe(context.Background(), newFake(t, map[string]string{"gsm_APN": "m2m.example,iot,S3cretPw"}))
	if err != nil {
		t.Fatal(err)
	}
	o.At = t0
	if err := st.SaveSnapshot(SnapshotOf(o, nil, st)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, apn string
		change    bool
	}{
		{"same name and user", `{ name = "m2m.example", user = "iot", password = env("ECC_TEST_APN_PW") }`, false},
		{"name changed", `{ name = "m2m.changed", user = "iot", password = env("ECC_TEST_APN_PW") }`, true},
		{"user changed", `{ name = "m2m.example", user = "fleet", password = env("ECC_TEST_APN_PW") }`, true},
		{"name from a missing variable too", `{ name = env("ECC_TEST_APN_PW"), user = "fleet", password = env("ECC_TEST_APN_PW") }`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "depot.hcl")
			src := "station \"cp-01\" {\n  serial = \"G48229\"\n  settings {\n    gsm_APN = " + tc.apn + "\n  }\n}\n"
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			sites, _, diags := model.LoadSitesWith(model.LoadOptions{DeferSecrets: true}, path)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			p, err := Build(context.Background(), sites, Options{Offline: true, StateDir: st.Dir, Now: func() time.Time { return t0 }})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Stations[0]
			if tc.change {
				if len(s.Changes) != 1 || len(s.KnownAtApply) != 0 {
					t.Fatalf("changes %+v, known at apply %+v", s.Changes, s.KnownAtApply)
				}
				c := s.Changes[0]
				if c.Key != "gsm_APN" || c.Action != ActionUpdate || !c.Sensitive || c.Before != "" || c.After != "" || c.Secret == nil {
					t.Errorf("change %+v", c)
				}
				if err := Save(filepath.Join(t.TempDir(), "p.json"), p); err == nil || !strings.Contains(err.Error(), "known at apply") {
					t.Errorf("saved a plan whose value is not known: %v", err)
				}
			} else if len(s.Changes) != 0 || len(s.KnownAtApply) != 1 {
				t.Fatalf("changes %+v, known at apply %+v", s.Changes, s.KnownAtApply)
			}
			data, _ := Marshal(p)
			ecctest.ValidatePlanJSON(t, data)
			if strings.Contains(string(data), "S3cretPw") || strings.Contains(string(data), "stand-in") {
				t.Errorf("the plan shows a secret or a stand-in:\n%s", data)
			}
		})
	}
}
