package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/internal/golden"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

var (
	sampleAt = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)
	sampleFP = "sha256:" + strings.Repeat("ab", 32)
)

// samplePlans are hand-built plans covering what the plan views must show.
func samplePlans() map[string]*plan.Plan {
	mixed := &plan.Plan{
		FormatVersion: plan.FormatVersion,
		CreatedAt:     sampleAt,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*plan.Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP,
				Firmware: plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade,
					File: "sites/firmware/V32R17.bin", SHA256: strings.Repeat("9f", 32), Size: 65536},
				Changes: []plan.Change{
					{Key: "chg_StationMaxCurrent", Action: plan.ActionUpdate, Before: "32", After: "25"},
					{Key: "com_Options", Action: plan.ActionUpdate,
						Before: "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0",
						After:  "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0", RebootRequired: true},
					{Key: "authorizationKey", Action: plan.ActionSet, Sensitive: true, RebootRequired: true,
						Secret: &model.SecretRef{Kind: "env", Name: "ECC_AUTH_CP01"}, SecretHash: "sha256:" + strings.Repeat("01", 32)},
				},
				Errors: []plan.Problem{},
			},
			{
				Name: "cp-02", Serial: "G48230", Port: "/dev/ttyUSB1", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP,
				Firmware: plan.Firmware{Current: "V32R18", Desired: "V32R17", Action: plan.FirmwareRefused,
					Reason: "downgrade from V32R18 to V32R17: a controller never runs an older version than it runs now",
					File:   "sites/firmware/V32R17.bin", SHA256: strings.Repeat("9f", 32), Size: 65536},
				Changes: []plan.Change{{Key: "grid_Role", Action: plan.ActionUpdate, Before: "Station_ctrl", After: "Master"}},
				Errors: []plan.Problem{
					{Key: "HeartbeatInterval", Class: "backend-only", Message: model.BackendOnly.Reason()},
					{Key: "chg_KWH3", Class: "editable", Message: "the controller does not have this key (it reported it in unknownKey); firmware V32R18 may not support it"},
				},
				Warnings: []string{"chg_Reader2: the controller's value does not decode (bad | value); compared as text"},
			},
			{
				Name: "cp-03", Serial: "G48231", Port: "/dev/ttyUSB2", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP,
				Firmware: plan.Firmware{Current: "V32R17", Desired: "V32R17", Action: plan.FirmwareNone},
				Changes:  []plan.Change{}, Errors: []plan.Problem{},
			},
		},
	}
	offline := &plan.Plan{
		FormatVersion: plan.FormatVersion,
		CreatedAt:     sampleAt,
		Offline:       true,
		SiteFiles:     []string{"sites/depot.yaml"},
		Stations: []*plan.Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.yaml",
				ObservedAt: sampleAt.Add(-3*24*time.Hour - 7*time.Hour - 28*time.Minute), FromSnapshot: true, Fingerprint: sampleFP,
				Firmware: plan.Firmware{Current: "V32R16", Action: plan.FirmwareNone},
				Changes: []plan.Change{
					{Key: "chg_RatedCurrent", Action: plan.ActionUpdate, Before: "16,16", After: "32,32"},
					{Key: "gsm_APN", Action: plan.ActionUpdate, Sensitive: true, RebootRequired: true,
						Secret: &model.SecretRef{Kind: "file", Name: "secrets/apn"}, SecretHash: "sha256:" + strings.Repeat("02", 32)},
				},
				Errors: []plan.Problem{},
			},
			{
				Name: "cp-02", Serial: "G48230", SiteFile: "sites/depot.yaml",
				Firmware: plan.Firmware{Action: plan.FirmwareNone},
				Changes:  []plan.Change{},
				Errors:   []plan.Problem{{Message: "no snapshot; run ecc plan with the controller connected once"}},
			},
		},
	}
	empty := &plan.Plan{
		FormatVersion: plan.FormatVersion,
		CreatedAt:     sampleAt,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*plan.Station{{
			Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
			ObservedAt: sampleAt, Fingerprint: sampleFP, Firmware: plan.Firmware{Current: "V32R17", Desired: "V32R17", Action: plan.FirmwareNone},
			Changes: []plan.Change{}, Errors: []plan.Problem{},
		}},
	}
	// A long plan: markdown folds it.
	long := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: sampleAt, SiteFiles: []string{"sites/big.hcl"}}
	for i := range 7 {
		s := &plan.Station{
			Name: "bay-" + string(rune('a'+i)), Serial: "G5000" + string(rune('0'+i)), Port: "tcp://10.0.0.9:400" + string(rune('0'+i)),
			Model: "ECC.2", ObservedAt: sampleAt, Fingerprint: sampleFP, Firmware: plan.Firmware{Current: "V33R1", Action: plan.FirmwareNone},
			Errors: []plan.Problem{},
		}
		for j := range i * 2 {
			s.Changes = append(s.Changes, plan.Change{Key: "com_OCPPID", Action: plan.ActionUpdate, Before: "OLD" + string(rune('0'+j)), After: "NEW|`x`"})
		}
		if s.Changes == nil {
			s.Changes = []plan.Change{}
		}
		long.Stations = append(long.Stations, s)
	}
	// The ocpp block: left for the gateway over the cable, planned over OCPP.
	gateway := &plan.Plan{
		FormatVersion: plan.FormatVersion,
		CreatedAt:     sampleAt,
		SiteFiles:     []string{"sites/depot.hcl"},
		Stations: []*plan.Station{
			{
				Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP, Firmware: plan.Firmware{Current: "V32R17", Action: plan.FirmwareNone},
				Changes: []plan.Change{{Key: "chg_StationMaxCurrent", Action: plan.ActionUpdate, Before: "32", After: "25"}},
				Errors:  []plan.Problem{},
				LeftForGateway: []plan.GatewayKey{{Key: "HeartbeatInterval", Value: "120"},
					{Key: "MeterValuesSampledData", Value: "Energy.Active.Import.Register,Power.Active.Import"}},
			},
			{
				Name: "cp-02", Serial: "G48230", Port: "ocpp://127.0.0.1:8180/CP02", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP, Channel: "ocpp", Firmware: plan.Firmware{Current: "V32R17", Action: plan.FirmwareNone},
				Changes: []plan.Change{{Key: "HeartbeatInterval", Action: plan.ActionUpdate, Before: "300", After: "120"}},
				Errors:  []plan.Problem{},
			},
			{
				Name: "cp-03", Serial: "G48231", Port: "/dev/ttyUSB2", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
				ObservedAt: sampleAt, Fingerprint: sampleFP, Firmware: plan.Firmware{Current: "V32R17", Action: plan.FirmwareNone},
				Changes: []plan.Change{}, Errors: []plan.Problem{},
				LeftForGateway: []plan.GatewayKey{{Key: "HeartbeatInterval", Value: "120"}},
			},
		},
	}
	return map[string]*plan.Plan{"mixed": mixed, "offline": offline, "empty": empty, "long": long, "gateway": gateway}
}

func assertPlanGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("..", "..", "testdata", "plan", name+".golden"), got)
}

func TestPlanViewsGolden(t *testing.T) {
	formats := map[string]planRenderFunc{"txt": renderPlanText, "json": renderPlanJSON, "md": renderPlanMarkdown}
	for name, p := range samplePlans() {
		for ext, render := range formats {
			t.Run(name+"."+ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := render(&buf, p, planRenderOptions{}); err != nil {
					t.Fatal(err)
				}
				assertPlanGolden(t, name+"."+ext, buf.Bytes())
			})
		}
	}
	// Colour only when told.
	var buf bytes.Buffer
	if err := renderPlanText(&buf, samplePlans()["mixed"], planRenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	assertPlanGolden(t, "mixed.color.txt", buf.Bytes())
	if !bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("Color: true printed no ANSI escapes")
	}
	buf.Reset()
	mustRenderPlan(t, renderPlanText, &buf, samplePlans()["mixed"])
	if bytes.Contains(buf.Bytes(), []byte("\x1b[")) {
		t.Error("Color: false printed ANSI escapes")
	}
}

func TestPlanJSONSchema(t *testing.T) {
	for name, p := range samplePlans() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := renderPlanJSON(&buf, p, planRenderOptions{}); err != nil {
				t.Fatal(err)
			}
			ecctest.ValidatePlanJSON(t, buf.Bytes())
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
	if ecctest.PlanSchema(t).Validate(inst) == nil {
		t.Error("schema accepts a sensitive change with an after value")
	}
}

// mustRenderPlan renders p, failing the test on an error or empty output,
// so that a check of the output (e.g. that no secret appears) cannot pass
// on nothing.
func mustRenderPlan(t testing.TB, r planRenderFunc, buf *bytes.Buffer, p *plan.Plan) {
	t.Helper()
	if err := r(buf, p, planRenderOptions{}); err != nil || buf.Len() == 0 {
		t.Fatalf("render: %v (%d bytes)", err, buf.Len())
	}
}

// A station whose interrupted apply the user chose to finish or roll back
// has work even when no key differs (the rollback writes the journal's
// keys back, saves and reboots): the closing line must not say that there
// are no changes while apply asks to perform them. Nor may it say that a
// station never read matches the site file.
func TestPlanSummaryLineResume(t *testing.T) {
	for _, c := range []struct {
		name                 string
		resume, toCommission bool
		want                 string
	}{
		{"nothing to do", false, false, "No changes. The controller matches the site file."},
		{"interrupted apply to settle", true, false, "Plan: 1 station, 0 changes, 0 firmware upgrades."},
		{"never read, nothing managed", false, true, "No changes to make; 1 station to commission (never read: plan with the controller connected to compare)."},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &plan.Plan{Stations: []*plan.Station{{Name: "cp-01", Serial: "G1", Errors: []plan.Problem{}, Resume: c.resume, ToCommission: c.toCommission}}}
			var md bytes.Buffer
			mustRenderPlan(t, renderPlanMarkdown, &md, p)
			if c.toCommission && !strings.Contains(md.String(), "### `cp-01` (G1): to commission") {
				t.Errorf("markdown lists the station never read as unchanged:\n%s", md.String())
			}
			if got := planSummaryLine(p); got != c.want {
				t.Errorf("summary %q, want %q", got, c.want)
			}
		})
	}
}

// The line after plan -out says that apply refuses the blocked stations
// of a saved plan: "To apply exactly it" alone promised the whole plan.
func TestSavedPlanLine(t *testing.T) {
	for _, c := range []struct {
		blocked int
		want    string
	}{
		{0, "Saved the plan to p.plan. To apply exactly it: ecc apply p.plan"},
		{1, "Saved the plan to p.plan. To apply exactly it: ecc apply p.plan (it refuses the 1 blocked station, until fixed and planned again)"},
		{2, "Saved the plan to p.plan. To apply exactly it: ecc apply p.plan (it refuses the 2 blocked stations, until fixed and planned again)"},
	} {
		if got := savedPlanLine("p.plan", c.blocked); got != c.want {
			t.Errorf("%d blocked: %q, want %q", c.blocked, got, c.want)
		}
	}
}

// TestPlanMarkdownUnchangedFolded: the stations without a change are one
// line under the plan; for a fleet it is folded like every other long
// part (a change to one station of a 10,000-station fleet made a line of
// 10,000 names, 140 KB, in the pull-request comment). A few stay a line.
func TestPlanMarkdownUnchangedFolded(t *testing.T) {
	changed := &plan.Station{Name: "cp-00", Serial: "G0", Fingerprint: "f", Errors: []plan.Problem{},
		Changes: []plan.Change{{Key: "chg_StationMaxCurrent", Action: plan.ActionUpdate, Before: "32", After: "25"}}}
	for _, tc := range []struct {
		unchanged int
		want      []string
		wantNot   []string
	}{
		{1, []string{"\nNo changes: `cp-01` (G1).\n"}, []string{"<details>"}},
		{mdFoldStations, []string{"\nNo changes: `cp-01` (G1), "}, []string{"<details>"}},
		{mdFoldStations + 1, []string{"\n<details><summary>No changes: 6 stations</summary>\n\n`cp-01` (G1), ", "`cp-06` (G6).\n\n</details>\n"}, nil},
	} {
		p := &plan.Plan{FormatVersion: plan.FormatVersion, Stations: []*plan.Station{changed}}
		for i := 1; i <= tc.unchanged; i++ {
			p.Stations = append(p.Stations, &plan.Station{Name: fmt.Sprintf("cp-%02d", i), Serial: fmt.Sprintf("G%d", i), Fingerprint: "f", Errors: []plan.Problem{}})
		}
		var buf bytes.Buffer
		mustRenderPlan(t, renderPlanMarkdown, &buf, p)
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%d unchanged: no %q in\n%s", tc.unchanged, w, buf.String())
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(buf.String(), w) {
				t.Errorf("%d unchanged: %q in\n%s", tc.unchanged, w, buf.String())
			}
		}
	}
}

// TestPlanMarkdownStationNameWithPipe: a station's name is not in a
// table (headings, summaries, the blocked list, the unchanged line), so a
// pipe in it is not escaped: in a code span or an HTML summary the
// backslash showed ("a\|b").
func TestPlanMarkdownStationNameWithPipe(t *testing.T) {
	st := func(name string, fold int) []*plan.Station {
		var out []*plan.Station
		for i := 0; i < fold; i++ {
			out = append(out, &plan.Station{Name: fmt.Sprintf("%s-%d", name, i), Serial: fmt.Sprintf("G%d", i), Fingerprint: "f", Errors: []plan.Problem{},
				Changes: []plan.Change{{Key: "com_OCPPID", Action: plan.ActionUpdate, Before: "a|b", After: "c"}}})
		}
		return out
	}
	for _, tc := range []struct {
		stations []*plan.Station
		want     []string
	}{
		{st("hal|1", 1), []string{"### `hal|1-0` (G0)", "| `com_OCPPID` | `a\\|b` | `c` |"}},
		{st("hal|1", mdFoldStations+1), []string{"<summary>hal|1-0 (G0): 1 change</summary>"}},
	} {
		var buf bytes.Buffer
		mustRenderPlan(t, renderPlanMarkdown, &buf, &plan.Plan{FormatVersion: plan.FormatVersion, Stations: tc.stations})
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("no %q in\n%s", w, buf.String())
			}
		}
		if strings.Contains(buf.String(), `hal\|1`) {
			t.Errorf("an escaped pipe in a station name:\n%s", buf.String())
		}
	}
}

// A station to commission with a firmware pin says so: the plan showed
// nothing of the pin, and its JSON "action": "none".
func TestPlanTextCommissionFirmware(t *testing.T) {
	for _, desired := range []string{"V32R17", ""} {
		p := &plan.Plan{Stations: []*plan.Station{{Name: "cp-01", Serial: "G1", ToCommission: true,
			Firmware: plan.Firmware{Desired: desired, Action: plan.FirmwareNone}}}}
		for _, r := range []planRenderFunc{renderPlanText, renderPlanMarkdown} {
			var buf bytes.Buffer
			mustRenderPlan(t, r, &buf, p)
			if got := strings.Contains(buf.String(), "pinned V32R17"); got != (desired != "") {
				t.Errorf("pin %q: shown %v\n%s", desired, got, buf.String())
			}
		}
	}
}
