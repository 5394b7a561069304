package plan

import (
	"context"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
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
	st, err := StateFor(site.File, Options{})
	if err != nil {
		b.Fatal(err)
	}
	f := newFake(b, map[string]string{"gsm_APN": "m2m.example,user,pass", "chg_StationMaxCurrent": "32"})
	o, err := Observe(context.Background(), f)
	if err != nil {
		b.Fatal(err)
	}
	o.At = t0
	for _, s := range site.Stations {
		o.Identity.Serial = s.Serial
		if err := st.SaveSnapshot(SnapshotOf(o, nil, st)); err != nil {
			b.Fatal(err)
		}
	}
	opts := Options{Offline: true, Now: func() time.Time { return t0 }}
	b.ResetTimer()
	for b.Loop() {
		p, err := Build(context.Background(), []*model.Site{site}, opts)
		if err != nil {
			b.Fatal(err)
		}
		if s := p.Summarize(); s.Stations != n || s.Changes != 3*n || s.Blocked != 0 {
			b.Fatalf("summary %+v", s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e9, "s/plan")
}
