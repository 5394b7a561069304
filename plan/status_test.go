package plan

import (
	"context"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

func TestStatus(t *testing.T) {
	site := fleet(t.TempDir(), 2, func(int) []model.Setting {
		return []model.Setting{setting(t, "chg_StationMaxCurrent", "25"), setting(t, "chg_MinChargingCurrent", "6"),
			{Key: "authorizationKey", Layer: "station", Unknown: true}}
	})
	st := testState(t)
	o, err := Observe(context.Background(), newFake(t, map[string]string{"chg_StationMaxCurrent": "32", "chg_MinChargingCurrent": "6"}))
	if err != nil {
		t.Fatal(err)
	}
	o.Identity.Serial, o.At = site.Stations[0].Serial, t0
	if err := st.SaveSnapshot(SnapshotOf(o, nil, st)); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(50 * time.Hour)
	got, err := Status(context.Background(), []*model.Site{site}, Options{StateDir: st.Dir, MaxAge: time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	want := []StationStatus{
		{Name: "cp-01", Serial: "G10000", SiteFile: site.File, ObservedAt: t0, AgeSeconds: 50 * 3600, Firmware: o.Identity.Firmware,
			Drift: 1, KnownAtApply: 1},
		{Name: "cp-02", Serial: "G10001", SiteFile: site.File, Drift: 2, KnownAtApply: 1, ToCommission: true},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines", len(got))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Serial != w.Serial || !g.ObservedAt.Equal(w.ObservedAt) || g.AgeSeconds != w.AgeSeconds ||
			g.Firmware != w.Firmware || g.Drift != w.Drift || g.KnownAtApply != w.KnownAtApply || g.ToCommission != w.ToCommission ||
			len(g.Problems) != 0 {
			t.Errorf("line %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestDrifting(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    StationStatus
		want bool
	}{
		{"in step", StationStatus{}, false},
		{"keys differ", StationStatus{Drift: 2}, true},
		{"firmware to upgrade", StationStatus{Upgrade: true}, true},
		{"never read", StationStatus{Drift: 24, ToCommission: true}, false},
		{"only known at apply", StationStatus{KnownAtApply: 1}, false},
	} {
		if got := tc.s.Drifting(); got != tc.want {
			t.Errorf("%s: Drifting() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
