package plan

import (
	"bytes"
	"encoding/json"
	"github.com/ecotap-tools/ecc/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	t0 = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	fp = "sha256:" + strings.Repeat("ab", 32)
)

// samplePlans are hand-built plans covering what renderers must show.
func samplePlans() map[string]*Plan {
	mixed := &Plan{
		FormatVersion: FormatVersion,
		CreatedAt:     t0,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp,
				Firmware: Firmware{Current: "V32R16", Desired: "V32R17", Action: FirmwareUpgrade,
					File: "sites/firmware/V32R17.bin", SHA256: strings.Repeat("9f", 32), Size: 65536},
				Changes: []Change{
					{Key: "chg_StationMaxCurrent", Action: ActionUpdate, Before: "32", After: "25"},
					{Key: "com_Options", Action: ActionUpdate,
						Before: "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0",
						After:  "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0", RebootRequired: true},
					{Key: "authorizationKey", Action: ActionSet, Sensitive: true, RebootRequired: true,
						Secret: &model.SecretRef{Kind: "env", Name: "ECC_AUTH_CP01"}, SecretHash: "sha256:" + strings.Repeat("01", 32)},
				},
				Errors: []Problem{},
			},
			{
				Name: "cp-02", Serial: "G48230", Port: "/dev/ttyUSB1", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp,
				Firmware: Firmware{Current: "V32R18", Desired: "V32R17", Action: FirmwareRefused,
					Reason: "downgrade from V32R18 to V32R17: a controller never runs an older version than it runs now",
					File:   "sites/firmware/V32R17.bin", SHA256: strings.Repeat("9f", 32), Size: 65536},
				Changes: []Change{{Key: "grid_Role", Action: ActionUpdate, Before: "Station_ctrl", After: "Master"}},
				Errors: []Problem{
					{Key: "HeartbeatInterval", Class: "backend-only", Message: model.BackendOnly.Reason()},
					{Key: "chg_KWH3", Class: "editable", Message: "the controller does not have this key (it reported it in unknownKey); firmware V32R18 may not support it"},
				},
				Warnings: []string{"chg_Reader2: the controller's value does not decode (bad | value); compared as text"},
			},
			{
				Name: "cp-03", Serial: "G48231", Port: "/dev/ttyUSB2", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp,
				Firmware: Firmware{Current: "V32R17", Desired: "V32R17", Action: FirmwareNone},
				Changes:  []Change{}, Errors: []Problem{},
			},
		},
	}
	offline := &Plan{
		FormatVersion: FormatVersion,
		CreatedAt:     t0,
		Offline:       true,
		SiteFiles:     []string{"sites/depot.yaml"},
		Stations: []*Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.yaml",
				ObservedAt: t0.Add(-3*24*time.Hour - 7*time.Hour - 28*time.Minute), FromSnapshot: true, Fingerprint: fp,
				Firmware: Firmware{Current: "V32R16", Action: FirmwareNone},
				Changes: []Change{
					{Key: "chg_RatedCurrent", Action: ActionUpdate, Before: "16,16", After: "32,32"},
					{Key: "gsm_APN", Action: ActionUpdate, Sensitive: true, RebootRequired: true,
						Secret: &model.SecretRef{Kind: "file", Name: "secrets/apn"}, SecretHash: "sha256:" + strings.Repeat("02", 32)},
				},
				Errors: []Problem{},
			},
			{
				Name: "cp-02", Serial: "G48230", SiteFile: "sites/depot.yaml",
				Firmware: Firmware{Action: FirmwareNone},
				Changes:  []Change{},
				Errors:   []Problem{{Message: "no snapshot; run ecc plan with the controller connected once"}},
			},
		},
	}
	empty := &Plan{
		FormatVersion: FormatVersion,
		CreatedAt:     t0,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*Station{{
			Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
			ObservedAt: t0, Fingerprint: fp, Firmware: Firmware{Current: "V32R17", Desired: "V32R17", Action: FirmwareNone},
			Changes: []Change{}, Errors: []Problem{},
		}},
	}
	// A long plan: markdown folds it.
	long := &Plan{FormatVersion: FormatVersion, CreatedAt: t0, SiteFiles: []string{"sites/big.hcl"}}
	for i := range 7 {
		s := &Station{
			Name: "bay-" + string(rune('a'+i)), Serial: "G5000" + string(rune('0'+i)), Port: "tcp://10.0.0.9:400" + string(rune('0'+i)),
			Model: "ECC.2", ObservedAt: t0, Fingerprint: fp, Firmware: Firmware{Current: "V33R1", Action: FirmwareNone},
			Errors: []Problem{},
		}
		for j := range i * 2 {
			s.Changes = append(s.Changes, Change{Key: "com_OCPPID", Action: ActionUpdate, Before: "OLD" + string(rune('0'+j)), After: "NEW|`x`"})
		}
		if s.Changes == nil {
			s.Changes = []Change{}
		}
		long.Stations = append(long.Stations, s)
	}
	// The ocpp block: left for the gateway over the cable, planned over OCPP.
	gateway := &Plan{
		FormatVersion: FormatVersion,
		CreatedAt:     t0,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp, Firmware: Firmware{Current: "V32R17", Action: FirmwareNone},
				Changes: []Change{{Key: "chg_StationMaxCurrent", Action: ActionUpdate, Before: "32", After: "25"}},
				Errors:  []Problem{},
				LeftForGateway: []GatewayKey{{Key: "HeartbeatInterval", Value: "120"},
					{Key: "MeterValuesSampledData", Value: "Energy.Active.Import.Register,Power.Active.Import"}},
			},
			{
				Name: "cp-02", Serial: "G48230", Port: "ocpp://127.0.0.1:8180/CP02", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp, Channel: "ocpp", Firmware: Firmware{Current: "V32R17", Action: FirmwareNone},
				Changes: []Change{{Key: "HeartbeatInterval", Action: ActionUpdate, Before: "300", After: "120"}},
				Errors:  []Problem{},
			},
			{
				Name: "cp-03", Serial: "G48231", Port: "/dev/ttyUSB2", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: t0, Fingerprint: fp, Firmware: Firmware{Current: "V32R17", Action: FirmwareNone},
				Changes: []Change{}, Errors: []Problem{},
				LeftForGateway: []GatewayKey{{Key: "HeartbeatInterval", Value: "120"}},
			},
		},
	}
	return map[string]*Plan{"mixed": mixed, "offline": offline, "empty": empty, "long": long, "gateway": gateway}
}

func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("..", "testdata", "plan", name+".golden"), got)
}

func TestRenderGolden(t *testing.T) {
	formats := map[string]RenderFunc{"txt": RenderText, "json": RenderJSON, "md": RenderMarkdown}
	for name, p := range samplePlans() {
		for ext, render := range formats {
			t.Run(name+"."+ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := render(&buf, p, RenderOptions{}); err != nil {
					t.Fatal(err)
				}
				assertGolden(t, name+"."+ext, buf.Bytes())
			})
		}
	}
	// Colour only when told.
	var buf bytes.Buffer
	if err := RenderText(&buf, samplePlans()["mixed"], RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	assertGolden(t, "mixed.color.txt", buf.Bytes())
	if !bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("Color: true printed no ANSI escapes")
	}
	buf.Reset()
	mustRender(t, RenderText, &buf, samplePlans()["mixed"])
	if bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("Color: false printed ANSI escapes")
	}
}

func TestSummaryLine(t *testing.T) {
	st := func(changes int, up bool, blocked bool) *Station {
		s := &Station{Changes: make([]Change, changes)}
		if up {
			s.Firmware.Action = FirmwareUpgrade
		}
		if blocked {
			s.Errors = []Problem{{Message: "x"}}
		}
		return s
	}
	for _, tc := range []struct {
		stations []*Station
		want     string
	}{
		{[]*Station{st(0, false, false)}, "No changes. The controller matches the site file."},
		{[]*Station{st(0, false, false), st(0, false, false)}, "No changes. All 2 controllers match the site files."},
		{[]*Station{st(1, false, false)}, "Plan: 1 station, 1 change, 0 firmware upgrades."},
		{[]*Station{st(3, true, false), st(4, false, false), st(0, false, false)}, "Plan: 3 stations, 7 changes, 1 firmware upgrade."},
		{[]*Station{st(0, true, false), st(2, true, false)}, "Plan: 2 stations, 2 changes, 2 firmware upgrades."},
		{[]*Station{st(0, false, true)}, "Plan: 1 station, 0 changes, 0 firmware upgrades."},
	} {
		if got := SummaryLine(&Plan{Stations: tc.stations}); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestAge(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "just now"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{5 * time.Hour, "5 hours ago"},
		{47 * time.Hour, "47 hours ago"},
		{3*24*time.Hour + 2*time.Hour, "3 days ago"},
	} {
		if got := Ago(t0.Add(-tc.d), t0); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 21, 10, 2, 0, 0, time.UTC), "snapshot taken 3 days ago (2026-11-21 10:02 UTC)"},
		{time.Time{}, "snapshot of unknown age"}, // a snapshot without observed_at
	} {
		s := &Station{ObservedAt: tc.at, FromSnapshot: true}
		if got := SnapshotNote(s, time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)); got != tc.want {
			t.Errorf("SnapshotNote(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

// planSchema compiles docs/plan.schema.json.
func planSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "docs", "plan.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://github.com/ecotap-tools/ecc/docs/plan.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateJSON(t *testing.T, sch *jsonschema.Schema, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("plan does not match docs/plan.schema.json: %v\n%s", err, data)
	}
}

func TestJSONSchema(t *testing.T) {
	sch := planSchema(t)
	for name, p := range samplePlans() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := RenderJSON(&buf, p, RenderOptions{}); err != nil {
				t.Fatal(err)
			}
			validateJSON(t, sch, buf.Bytes())
		})
	}
	// The schema rejects what must never be: a sensitive change with a value.
	bad := samplePlans()["mixed"]
	data, _ := json.Marshal(bad)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	ch := m["stations"].([]any)[0].(map[string]any)["changes"].([]any)[2].(map[string]any)
	ch["after"] = "user:secret"
	data, _ = json.Marshal(m)
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if sch.Validate(inst) == nil {
		t.Error("schema accepts a sensitive change with an after value")
	}
}

// mustRender renders p, failing the test on an error or empty output, so
// that a check of the output (e.g. that no secret appears) cannot pass on
// nothing.
func mustRender(t testing.TB, r RenderFunc, buf *bytes.Buffer, p *Plan) {
	t.Helper()
	if err := r(buf, p, RenderOptions{}); err != nil || buf.Len() == 0 {
		t.Fatalf("render: %v (%d bytes)", err, buf.Len())
	}
}
