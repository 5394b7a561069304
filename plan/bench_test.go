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

// fleetSnapshot is a snapshot as a fleet's controller reports it (the
// values of tools/mkfleet's fleets), for the per-station benchmarks.
func fleetSnapshot(serial string) *record.Snapshot {
	return &record.Snapshot{
		Serial: serial, Model: "EVC5.1", Firmware: "V32R17", ObservedAt: t0,
		Values: map[string]string{
			"chg_Ch1Options":               "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0",
			"chg_Ch2Options":               "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0",
			"chg_Debug":                    "warn=1,error=1,date=1,syslog=0,gsm=1,events=1,com=0,ocpp=0,eth=0,grid=0,ctrl=3,general=3,sensors=0,fw=0,modbus=0,canbus=0,sys=0",
			"chg_KWH1":                     "EASTR_SDM72D,1,9600,N,1",
			"chg_KWH2":                     "EASTR_SDM72D,2,9600,N,1",
			"chg_KWH3":                     "EASTR_SDM72D,3,9600,N,1",
			"chg_MinChargingCurrent":       "6",
			"chg_RatedCurrent":             "16,16",
			"chg_Reader1":                  "sl032,CH1",
			"chg_Reader2":                  "sl032,CH2",
			"chg_StationMaxCurrent":        "15",
			"com_Endpoint":                 "wss://devices.ecotap.com/registry/ocpp/#SN#",
			"com_OCPPID":                   "NLECO" + serial,
			"com_OCPPInfo":                 "modelname=ECC-AC,vendorname=Ecotap,CpSn=G48229*1",
			"com_Options":                  "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0",
			"com_ProtCh":                   "GSM",
			"com_ProtType":                 "OCPP1.6J",
			"eth_cfg":                      "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0",
			"grid_InstallationMaxcurrent":  "250",
			"grid_InstallationSaveCurrent": "100",
			"grid_Role":                    "Station_ctrl",
			"gsm_APN":                      "m2mservices,,",
			"gsm_Oper":                     "0",
			"gsm_Options":                  "noSmsChk=0,AutoAPN=0,3G4G=0",
		},
	}
}

// BenchmarkComputeStation is the comparison of one station of such a
// fleet with its snapshot (what an offline plan does per station once the
// snapshot is read): one change, chg_StationMaxCurrent.
func BenchmarkComputeStation(b *testing.B) {
	s := station(
		setting(b, "chg_MinChargingCurrent", "6"),
		setting(b, "com_ProtType", "OCPP1.6J"),
		setting(b, "com_Endpoint", "wss://devices.ecotap.com/registry/ocpp/#SN#"),
		setting(b, "com_Options", "Events=1,BlockBeforeBoot=1"),
		setting(b, "chg_RatedCurrent", "16, 16"),
		setting(b, "chg_StationMaxCurrent", "16"),
		setting(b, "com_OCPPID", "NLECOG48229"),
	)
	st := testState(b)
	o := FromSnapshot(fleetSnapshot(s.Serial))
	for b.Loop() {
		if ps := ComputeStation(s, o, st); len(ps.Changes) != 1 || len(ps.Errors) != 0 {
			b.Fatalf("changes %+v errors %+v", ps.Changes, ps.Errors)
		}
	}
}
