package plan

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/model"
)

// ocppSetting types a key of an ocpp block.
func ocppSetting(t *testing.T, key, text string) model.Setting {
	t.Helper()
	kd, ok := model.LookupOCPP(key)
	if !ok {
		t.Fatalf("%s is not an OCPP key", key)
	}
	v, err := kd.Decode(text)
	if err != nil {
		t.Fatal(err)
	}
	return model.Setting{Key: key, Value: v, Layer: "station", Range: rng(len(key))}
}

func ocppStation(t *testing.T) *model.Station {
	return &model.Station{Name: "cp-01", Serial: "G48229",
		Settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "25")},
		OCPP: []model.Setting{ocppSetting(t, "HeartbeatInterval", "120"),
			ocppSetting(t, "MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import")}}
}

func TestOCPPBlockOverCable(t *testing.T) {
	f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32", "HeartbeatInterval": "300"})
	ps := ComputeStation(ocppStation(t), observe(t, f), nil)
	if ps.Blocked() || len(ps.Changes) != 1 || ps.Changes[0].Key != "chg_StationMaxCurrent" {
		t.Fatalf("the cable's own key must still be planned, unblocked: changes %+v errors %+v", ps.Changes, ps.Errors)
	}
	want := []GatewayKey{{"HeartbeatInterval", "120"}, {"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import"}}
	if !slices.Equal(ps.LeftForGateway, want) {
		t.Errorf("left for the gateway %+v, want %+v", ps.LeftForGateway, want)
	}
	if slices.Contains(f.gotKeys, "HeartbeatInterval") {
		t.Error("an OCPP key was read over the cable")
	}
	if ps.Channel != "" || ps.Via() != model.ChannelSerial {
		t.Errorf("channel %q", ps.Channel)
	}

	p := &Plan{Stations: []*Station{ps}}
	data, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{`"left_for_gateway"`, "HeartbeatInterval", "120", "chg_StationMaxCurrent"} {
		if !strings.Contains(string(data), sub) {
			t.Errorf("JSON plan lacks %q:\n%s", sub, data)
		}
	}
	ecctest.ValidatePlanJSON(t, data)
	if s := p.Summarize(); s.LeftForGateway != 2 || s.Changes != 1 {
		t.Errorf("summary %+v", s)
	}
}

// Over the cable, a plan reads the station's ocpp block too: the keys the
// controller holds already are not left for the gateway (after an apply
// over OCPP, the cable's plan listed them all again), the others are; the
// fingerprint is the one of a read without them (apply may read a
// station whose site file has no ocpp block).
func TestOCPPBlockOverCableHeld(t *testing.T) {
	for _, c := range []struct {
		name     string
		values   map[string]string
		wantLeft []string
	}{
		{"both held", map[string]string{"HeartbeatInterval": "120", "MeterValuesSampledData": "Power.Active.Import, Energy.Active.Import.Register"}, nil},
		{"one differs", map[string]string{"HeartbeatInterval": "0120", "MeterValuesSampledData": "Energy.Active.Import.Register"}, []string{"MeterValuesSampledData"}},
		{"not reported", map[string]string{"HeartbeatInterval": "300"}, []string{"HeartbeatInterval", "MeterValuesSampledData"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			values := map[string]string{"chg_StationMaxCurrent": "25"}
			maps.Copy(values, c.values)
			f := newFake(t, values)
			st := ocppStation(t)
			o, err := ObserveStation(context.Background(), f, st)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(f.gotKeys, "HeartbeatInterval") || !slices.Contains(f.gotKeys, "MeterValuesSampledData") {
				t.Errorf("the station's ocpp block was not read: %v", f.gotKeys)
			}
			ps := ComputeStation(st, o, nil)
			var left []string
			for _, g := range ps.LeftForGateway {
				left = append(left, g.Key)
			}
			if !slices.Equal(left, c.wantLeft) || ps.Blocked() || len(ps.Changes) != 0 {
				t.Errorf("left %v, want %v; changes %+v, errors %+v", left, c.wantLeft, ps.Changes, ps.Errors)
			}
			if got, want := ps.Fingerprint, Fingerprint(observe(t, newFake(t, map[string]string{"chg_StationMaxCurrent": "25"})), nil); got != want {
				t.Errorf("fingerprint %s, want the one of a read without the ocpp block, %s", got, want)
			}
		})
	}
}

func TestOCPPBlockOverOCPP(t *testing.T) {
	f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32", "HeartbeatInterval": "300",
		"MeterValuesSampledData": "Power.Active.Import, Energy.Active.Import.Register"})
	f.channel = model.ChannelOCPP
	ps := ComputeStation(ocppStation(t), observe(t, f), nil)
	if ps.Blocked() || len(ps.LeftForGateway) != 0 {
		t.Fatalf("errors %+v, left %+v", ps.Errors, ps.LeftForGateway)
	}
	var keys []string
	for _, c := range ps.Changes {
		keys = append(keys, c.Key+"="+c.Before+"->"+c.After)
	}
	// The measurand list is the same set in another order: no change.
	if want := []string{"chg_StationMaxCurrent=32->25", "HeartbeatInterval=300->120"}; !slices.Equal(keys, want) {
		t.Errorf("changes %v, want %v", keys, want)
	}
	if ps.Via() != model.ChannelOCPP || ps.Channel != "ocpp" {
		t.Errorf("channel %q", ps.Channel)
	}
	data, err := Marshal(&Plan{Stations: []*Station{ps}})
	if err != nil {
		t.Fatal(err)
	}
	ecctest.ValidatePlanJSON(t, data)

	// A list longer than the station's MaxLength blocks before anything
	// is sent.
	f.values["MeterValuesSampledDataMaxLength"] = "1"
	ps = ComputeStation(ocppStation(t), observe(t, f), nil)
	if len(ps.Errors) != 1 || ps.Errors[0].Key != "MeterValuesSampledData" || !strings.Contains(ps.Errors[0].Message, "at most 1") {
		t.Errorf("list over MaxLength: errors %+v", ps.Errors)
	}
	if !slices.Contains(f.gotKeys, "MeterValuesSampledDataMaxLength") {
		t.Error("the list's MaxLength was not read")
	}
	delete(f.values, "MeterValuesSampledDataMaxLength")

	// A key the station's firmware does not implement blocks over OCPP.
	delete(f.values, "HeartbeatInterval")
	ps = ComputeStation(ocppStation(t), observe(t, f), nil)
	if len(ps.Errors) != 1 || ps.Errors[0].Key != "HeartbeatInterval" {
		t.Errorf("unknown OCPP key: errors %+v", ps.Errors)
	}
}

// TestOCPPBlockOffline: a snapshot taken over OCPP keeps the channel, so
// an offline plan from it plans the ocpp block; a station never read
// leaves it for the gateway.
func TestOCPPBlockOffline(t *testing.T) {
	f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32", "HeartbeatInterval": "300",
		"MeterValuesSampledData": "Voltage"})
	f.channel = model.ChannelOCPP
	snap := SnapshotOf(observe(t, f), nil, nil)
	if snap.Channel != "ocpp" || snap.Values["HeartbeatInterval"] != "300" {
		t.Fatalf("snapshot channel %q, values %v", snap.Channel, snap.Values)
	}
	ps := ComputeStation(ocppStation(t), FromSnapshot(snap), nil)
	if len(ps.Changes) != 3 || len(ps.LeftForGateway) != 0 || ps.Via() != model.ChannelOCPP {
		t.Errorf("offline over OCPP: changes %+v, left %+v", ps.Changes, ps.LeftForGateway)
	}
	ps = commissionStation(ocppStation(t), nil)
	if len(ps.LeftForGateway) != 2 || ps.Blocked() {
		t.Errorf("commissioning: left %+v, errors %+v", ps.LeftForGateway, ps.Errors)
	}
}
