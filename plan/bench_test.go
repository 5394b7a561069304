package plan

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// BenchmarkOfflinePlan10000 is `ecc plan --offline` of 10,000 stations:
// every snapshot read, every station compared, the whole Build. Goal: under
// 1 s on 2 cores (go test -bench OfflinePlan -cpu 2).
func BenchmarkOfflinePlan10000(b *testing.B) {
	const n = 10000
	dir := b.TempDir()
	settings := []model.Setting{
		setting(b, "chg_MinChargingCurrent", "6"),
		setting(b, "chg_RatedCurrent", "16, 16"),
		setting(b, "chg_StationMaxCurrent", "25"),
		setting(b, "com_ProtType", "OCPP1.6J"),
		setting(b, "com_Options", "Events=1,BlockBeforeBoot=1,useTLS=1"),
		setting(b, "com_Endpoint", "wss://devices.ecotap.com/registry/ocpp/#SN#"),
		setting(b, "authorizationKey", "user:pw"),
		setting(b, "gsm_APN", "m2m.example,user,pass"),
	}
	site := fleet(dir, n, func(int) []model.Setting { return settings })
	snapshotFleet(b, site, map[string]string{"gsm_APN": "m2m.example,user,pass", "chg_StationMaxCurrent": "32"}, nil)
	b.ReportMetric(benchOffline(b, site, n, 3*n).Seconds(), "s/plan")
}

// benchOffline times offline Builds of site (the timer reset first), each
// checked for n stations, changes changes and none blocked, and returns
// the time per plan.
func benchOffline(b *testing.B, site *model.Site, n, changes int) time.Duration {
	b.Helper()
	opts := Options{Offline: true, Now: func() time.Time { return t0 }}
	b.ResetTimer()
	for b.Loop() {
		// A new run knows no fingerprint: each Build verifies them all.
		p, err := Build(context.Background(), []*model.Site{site}, opts)
		if err != nil {
			b.Fatal(err)
		}
		if s := p.Summarize(); s.Stations != n || s.Changes != changes || s.Blocked != 0 {
			b.Fatalf("summary %+v", s)
		}
	}
	return b.Elapsed() / time.Duration(b.N)
}

// BenchmarkOfflinePlan1000Secrets is `ecc plan --offline` of 1,000
// stations each with its own authorizationKey (and one APN password for
// the fleet), all unchanged: one argon2id verification per station, the
// worst case of a fleet whose secrets are at hand. Goal: under 5 s on 2
// cores (go test -bench OfflinePlan1000 -cpu 2 ./plan).
func BenchmarkOfflinePlan1000Secrets(b *testing.B) {
	const n = 1000
	dir := b.TempDir()
	key := func(i int) string { return fmt.Sprintf("cp%04d:%x", i, i*7919) }
	site := fleet(dir, n, func(i int) []model.Setting {
		return []model.Setting{
			setting(b, "com_Options", "Events=1,BlockBeforeBoot=1,useTLS=1"),
			setting(b, "authorizationKey", key(i)),
			setting(b, "gsm_APN", "m2m.example,user,pass"),
		}
	})
	keyState, err := StateFor(site.File, Options{})
	if err != nil {
		b.Fatal(err)
	}
	st := snapshotFleet(b, site, map[string]string{"gsm_APN": "m2m.example,user,pass", "com_Options": "Events=1,BlockBeforeBoot=1,useTLS=1"},
		func(i int, snap *record.Snapshot) { snap.Hashes["authorizationKey"] = keyState.Hash(key(i)) })
	// The reference, in the same run: one guess (a verification by a run
	// that has not seen the secret), n of them spread over the cores.
	fp := st.Hash(key(0))
	const guesses = 20
	start := time.Now()
	for range guesses {
		fresh, _ := StateFor(site.File, Options{})
		if !fresh.Matches(fp, key(0)) {
			b.Fatal("no match")
		}
	}
	guess := time.Since(start) / guesses
	bound := guess * n / time.Duration(runtime.GOMAXPROCS(0))
	perPlan := benchOffline(b, site, n, 0)
	b.ReportMetric(perPlan.Seconds(), "s/plan")
	b.ReportMetric(guess.Seconds()*1e3, "ms/guess")
	b.ReportMetric(float64(perPlan)/float64(bound), "x-guesses-bound")
}

// snapshotFleet records, for every station of site, a snapshot of a fake
// controller with values, adjusted by edit (may be nil).
func snapshotFleet(b *testing.B, site *model.Site, values map[string]string, edit func(i int, snap *record.Snapshot)) *record.State {
	st, err := StateFor(site.File, Options{})
	if err != nil {
		b.Fatal(err)
	}
	o, err := Observe(context.Background(), newFake(b, values))
	if err != nil {
		b.Fatal(err)
	}
	o.At = t0
	for i, s := range site.Stations {
		o.Identity.Serial = s.Serial
		snap := SnapshotOf(o, nil, st)
		if edit != nil {
			edit(i, snap)
		}
		if err := st.SaveSnapshot(snap); err != nil {
			b.Fatal(err)
		}
	}
	return st
}
