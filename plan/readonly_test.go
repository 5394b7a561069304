package plan

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/model"
)

// TestReportedReadOnly: a key the controller reports read-only
// (controller-protocol.md §4 "readonly", §6: never written) blocks the
// station whose site file would change it (a value it holds already is
// only noted), on the cable and over OCPP; the station's other keys are still compared. A key the file
// leaves alone blocks nothing, and one outside the channel's writable
// classes is not recorded (it is refused by its class). The keys are in
// the fingerprint (a saved plan made before the controller locked them is
// stale) and in the snapshot (an offline plan blocks the same).
func TestReportedReadOnly(t *testing.T) {
	cases := []struct {
		name        string
		channel     model.Channel // zero: the cable
		ro          []string      // keys the controller reports read-only
		ctrl        map[string]string
		settings    []model.Setting
		ocpp        []model.Setting
		wantRO      []string // Observation.ReadOnly
		wantErrs    []string // the keys of the problems
		wantSay     string   // in every problem's message
		wantChanges []string
		wantLeft    int // keys left for the gateway
		wantWarn    string
	}{
		{
			name: "set and reported read-only: blocked", ro: []string{"chg_StationMaxCurrent"},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "32"},
			settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "13")},
			wantRO:   []string{"chg_StationMaxCurrent"}, wantErrs: []string{"chg_StationMaxCurrent"},
			wantSay: "the controller reports this key read-only, so ecc never writes it; leave it out of this station's settings",
		},
		{
			name: "the value it holds already: nothing to write, noted", ro: []string{"chg_StationMaxCurrent"},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "13"},
			settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "13")},
			wantRO:   []string{"chg_StationMaxCurrent"}, wantWarn: "chg_StationMaxCurrent: the controller reports it read-only; it holds the site file's value already",
		},
		{
			name: "the other keys still compared", ro: []string{"chg_StationMaxCurrent", "grid_Role"},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "32", "chg_MinChargingCurrent": "6"},
			settings: []model.Setting{setting(t, "chg_MinChargingCurrent", "8"), setting(t, "chg_StationMaxCurrent", "13")},
			wantRO:   []string{"chg_StationMaxCurrent", "grid_Role"}, wantErrs: []string{"chg_StationMaxCurrent"},
			wantSay: "reports this key read-only", wantChanges: []string{"chg_MinChargingCurrent"},
		},
		{
			name: "a key the file leaves alone: nothing blocked", ro: []string{"chg_StationMaxCurrent"},
			ctrl:     map[string]string{"chg_MinChargingCurrent": "6"},
			settings: []model.Setting{setting(t, "chg_MinChargingCurrent", "8")},
			wantRO:   []string{"chg_StationMaxCurrent"}, wantChanges: []string{"chg_MinChargingCurrent"},
		},
		{
			name: "a value known only at apply: blocked", ro: []string{"authorizationKey", "gsm_APN"},
			ctrl:     map[string]string{"gsm_APN": "m2m.example,user,oldpass"},
			settings: []model.Setting{{Key: "gsm_APN", Unknown: true, Layer: "station", Range: rng(7)}},
			// authorizationKey is write-only: a reading carries no value,
			// the fake reports it without readonly.
			wantRO: []string{"gsm_APN"}, wantErrs: []string{"gsm_APN"}, wantSay: "reports this key read-only",
		},
		{
			name: "an ocpp block key over the cable: refused by its class, not recorded", ro: []string{"HeartbeatInterval"},
			ctrl:     map[string]string{"HeartbeatInterval": "300"},
			ocpp:     []model.Setting{ocppSetting(t, "HeartbeatInterval", "120")},
			wantLeft: 1,
		},
		{
			name: "over OCPP: an ocpp block key", channel: model.ChannelOCPP, ro: []string{"HeartbeatInterval"},
			ctrl:   map[string]string{"HeartbeatInterval": "300", "MeterValuesSampledData": "Energy.Active.Import.Register"},
			ocpp:   []model.Setting{ocppSetting(t, "HeartbeatInterval", "120"), ocppSetting(t, "MeterValuesSampledData", "Power.Active.Import")},
			wantRO: []string{"HeartbeatInterval"}, wantErrs: []string{"HeartbeatInterval"},
			wantSay:     "the station reports this key read-only (GetConfiguration), so ecc never writes it; leave it out of this station's ocpp block",
			wantChanges: []string{"MeterValuesSampledData"},
		},
		{
			name: "over OCPP: a settings key", channel: model.ChannelOCPP, ro: []string{"chg_StationMaxCurrent"},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "32"},
			settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "13")},
			wantRO:   []string{"chg_StationMaxCurrent"}, wantErrs: []string{"chg_StationMaxCurrent"},
			wantSay: "(GetConfiguration), so ecc never writes it; leave it out of this station's settings",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := testState(t)
			f := newFake(t, tc.ctrl)
			f.channel = tc.channel
			s := station(tc.settings...)
			s.OCPP = tc.ocpp

			// Before the controller locked the keys: the plan a saved
			// plan would hold.
			before, err := ObserveStation(ctx, f, s)
			if err != nil {
				t.Fatal(err)
			}
			f.ro = tc.ro
			o, err := ObserveStation(ctx, f, s)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(o.ReadOnly, tc.wantRO) {
				t.Errorf("Observation.ReadOnly = %q, want %q", o.ReadOnly, tc.wantRO)
			}
			ps := ComputeStation(s, o, st)
			var errKeys, changes []string
			for _, e := range ps.Errors {
				errKeys = append(errKeys, e.Key)
				if e.Class != model.ReadOnly.String() || !strings.Contains(e.Message, tc.wantSay) {
					t.Errorf("problem %q, want class read-only and %q", e, tc.wantSay)
				}
			}
			for _, c := range ps.Changes {
				changes = append(changes, c.Key)
			}
			if !slices.Equal(errKeys, tc.wantErrs) || !slices.Equal(changes, tc.wantChanges) || ps.Blocked() != (len(tc.wantErrs) > 0) {
				t.Fatalf("problems on %q (want %q), changes %q (want %q)", errKeys, tc.wantErrs, changes, tc.wantChanges)
			}
			if tc.wantWarn != "" && !slices.ContainsFunc(ps.Warnings, func(w string) bool { return strings.HasPrefix(w, tc.wantWarn) }) {
				t.Errorf("warnings %q, want %q", ps.Warnings, tc.wantWarn)
			}
			if len(ps.LeftForGateway) != tc.wantLeft {
				t.Errorf("left for the gateway %+v, want %d", ps.LeftForGateway, tc.wantLeft)
			}
			if got := ps.ReadOnlyChanges(o); got != nil {
				t.Errorf("the plan writes %q, which the controller reports read-only", got)
			}

			// The plan made before: apply finds its changes read-only now,
			// and its fingerprint stale.
			old := ComputeStation(s, before, st)
			var locked []string
			for _, c := range old.Changes {
				if slices.Contains(tc.wantRO, c.Key) {
					locked = append(locked, c.Key)
				}
			}
			if got := old.ReadOnlyChanges(o); !slices.Equal(got, locked) {
				t.Errorf("ReadOnlyChanges of the plan made before = %q, want %q", got, locked)
			}
			if stale := Fingerprint(before, st) != Fingerprint(o, st); stale != (len(tc.wantRO) > 0) {
				t.Errorf("fingerprint changed: %v; want %v (read-only %q)", stale, len(tc.wantRO) > 0, tc.wantRO)
			}

			// Offline, from the snapshot of this read: the same.
			off := FromSnapshot(SnapshotOf(o, nil, st))
			if !slices.Equal(off.ReadOnly, tc.wantRO) || Fingerprint(off, st) != Fingerprint(o, st) {
				t.Errorf("snapshot: read-only %q, fingerprint %s; want %q, %s", off.ReadOnly, Fingerprint(off, st), tc.wantRO, Fingerprint(o, st))
			}
			if ops := ComputeStation(s, off, st); len(ops.Errors) != len(ps.Errors) {
				t.Errorf("offline problems %+v, live %+v", ops.Errors, ps.Errors)
			}
		})
	}
}

// A read-only key that holds the site file's value still takes part in
// the cross-key rules: a minimum current above it is refused.
func TestReportedReadOnlyInCrossKeyRules(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, map[string]string{"chg_RatedCurrent": "16,16", "chg_MinChargingCurrent": "6"})
	f.ro = []string{"chg_RatedCurrent"}
	s := station(setting(t, "chg_RatedCurrent", "16,16"), setting(t, "chg_MinChargingCurrent", "20"))
	o, err := ObserveStation(ctx, f, s)
	if err != nil {
		t.Fatal(err)
	}
	ps := ComputeStation(s, o, testState(t))
	if !ps.Blocked() || !slices.ContainsFunc(ps.Errors, func(p Problem) bool { return p.Key == "chg_MinChargingCurrent" }) {
		t.Errorf("errors %+v: want the minimum above the rated current refused", ps.Errors)
	}
	if !slices.ContainsFunc(ps.Warnings, func(w string) bool {
		return strings.HasPrefix(w, "chg_RatedCurrent: the controller reports it read-only")
	}) {
		t.Errorf("warnings %q", ps.Warnings)
	}
}
