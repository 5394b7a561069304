package apply

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
)

func writeSite(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const siteHCL = `site "depot" {}

station "cp-01" {
  serial = "G1"
  port   = "p1"
  settings {
    chg_StationMaxCurrent = 25
    com_Options           = { useTLS = 1 }
    authorizationKey      = env("ECC_TEST_AUTH")
  }
}
`

// A saved plan's secret is resolved from the site file again and checked
// against the planned hash; a changed secret refuses the station.
func TestSavedPlanSecrets(t *testing.T) {
	t.Setenv("ECC_TEST_AUTH", authSecret)
	r := newRig(t)
	dir := t.TempDir()
	site := writeSite(t, dir, "depot.hcl", siteHCL)
	f := r.fake("p1", "G1")
	sites, _, diags := model.LoadSites(site)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	o, err := plan.Observe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	st := plan.ComputeStation(sites[0].Stations[0], o, r.state)
	if st.Blocked() || len(st.Changes) != 3 {
		t.Fatalf("plan: %+v", st)
	}
	p := &plan.Plan{FormatVersion: plan.FormatVersion, Stations: []*plan.Station{st}}
	path := filepath.Join(dir, "plan.json")
	if err := plan.Save(path, p); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), authSecret) {
		t.Fatal("saved plan holds the secret")
	}
	stateFor := func(string) (*record.State, error) { return r.state, nil }

	// Unchanged secret: resolved, and applied.
	lp, err := plan.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := JobsFromSaved(lp, stateFor, "")
	if err != nil || jobs[0].Refused != nil {
		t.Fatalf("jobs: %v %v", err, jobs[0].Refused)
	}
	f.calls = nil
	res := Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Changed || f.flashValue("authorizationKey") != authSecret {
		t.Fatalf("apply of a saved plan: %+v\n%s", res[0], r.out.String())
	}
	r.scan(authSecret)

	// Changed secret: refused before connecting.
	t.Setenv("ECC_TEST_AUTH", authSecret+"-new")
	lp, _ = plan.Load(path)
	jobs, _ = JobsFromSaved(lp, stateFor, "")
	f.calls = nil
	res = Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Failed || !strings.Contains(res[0].Err.Error(), "secret of authorizationKey changed") || len(f.calls) != 0 {
		t.Fatalf("changed secret: %+v, calls %v", res[0], f.calls)
	}

	// Stale: the controller changed since the plan (it was applied above).
	t.Setenv("ECC_TEST_AUTH", authSecret)
	lp, _ = plan.Load(path)
	jobs, _ = JobsFromSaved(lp, stateFor, "")
	f.calls = nil
	res = Run(context.Background(), jobs, r.opts())
	if res[0].Outcome != Failed || !strings.Contains(res[0].Err.Error(), "stale") || f.sent() {
		t.Fatalf("stale saved plan: %+v, calls %v", res[0], f.calls)
	}
}

// What import prints, saved as printed, validates and plans as no change
// against the controller it read; it is formatted as ecc fmt formats.
func TestImportRoundTrip(t *testing.T) {
	in := importInput()
	in.Values["gsm_APN"] = "m2mservices,,"
	for _, tc := range []struct {
		file   string
		render func(ImportInput) string
	}{
		{"site.hcl", renderHCL},
		{"site.yaml", renderYAML},
	} {
		t.Run(tc.file, func(t *testing.T) {
			// Saved exactly as printed: a complete site file.
			path := writeSite(t, t.TempDir(), tc.file, tc.render(in))
			sites, _, diags := model.LoadSites(path)
			if diags.HasErrors() {
				data, _ := os.ReadFile(path)
				t.Fatalf("%v\n%s", diags, data)
			}
			o := &plan.Observation{Identity: identity(in), Values: in.Values, WriteOnly: in.WriteOnly}
			st := plan.ComputeStation(sites[0].Stations[0], o, nil)
			if st.Blocked() || st.HasChanges() {
				t.Fatalf("imported block plans changes: %+v %+v", st.Changes, st.Errors)
			}
			if n := len(sites[0].Stations[0].Settings); n < 20 {
				t.Errorf("only %d settings imported", n)
			}
			src := []byte(tc.render(in))
			if f, diags := model.FormatSite(path, src); diags.HasErrors() || string(f) != string(src) {
				t.Errorf("not formatted:\n%s", f)
			}
		})
	}
}

// Imported over OCPP, the station's OCPP standard keys make an ocpp block
// (read-only ones left out, booleans and lists typed) that plans as no
// change over OCPP and over the cable too (held), where it is left for
// the gateway only when not read.
func TestImportOCPPRoundTrip(t *testing.T) {
	in := importInput()
	in.Values["gsm_APN"] = "m2mservices,,"
	for k, v := range map[string]string{"HeartbeatInterval": "300", "LocalPreAuthorize": "False",
		"MeterValuesSampledData": "Energy.Active.Import.Register,Current.Import,Voltage",
		"ConnectorPhaseRotation": "0.RST,1.RST,2.RST", "NumberOfConnectors": "2", "GetConfigurationMaxKeys": "8"} {
		in.Values[k] = v
	}
	for _, tc := range []struct {
		file   string
		render func(ImportInput) string
		want   []string
	}{
		{"site.hcl", renderHCL, []string{"ocpp {", "LocalPreAuthorize", "= false", `["Energy.Active.Import.Register", "Current.Import", "Voltage"]`}},
		{"site.yaml", renderYAML, []string{"ocpp:", "LocalPreAuthorize: false"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out := tc.render(in)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "NumberOfConnectors") || strings.Contains(out, "GetConfigurationMaxKeys") {
				t.Errorf("read-only OCPP keys imported:\n%s", out)
			}
			path := writeSite(t, t.TempDir(), tc.file, out)
			sites, _, diags := model.LoadSites(path)
			if diags.HasErrors() {
				t.Fatalf("%v\n%s", diags, out)
			}
			s := sites[0].Stations[0]
			if len(s.OCPP) != 4 {
				t.Fatalf("ocpp block of %d keys: %+v", len(s.OCPP), s.OCPP)
			}
			o := &plan.Observation{Identity: identity(in), Values: in.Values, WriteOnly: in.WriteOnly, Channel: model.ChannelOCPP}
			if st := plan.ComputeStation(s, o, nil); st.Blocked() || st.HasChanges() {
				t.Fatalf("over OCPP the imported block plans changes: %+v %+v", st.Changes, st.Errors)
			}
			// Over the cable: the block the station holds is not left for
			// the gateway; one the cable did not read (a snapshot of an
			// earlier ecc) is, whole.
			o.Channel = model.ChannelSerial
			if st := plan.ComputeStation(s, o, nil); st.Blocked() || st.HasChanges() || len(st.LeftForGateway) != 0 {
				t.Fatalf("over the cable: %+v %+v %+v", st.Changes, st.Errors, st.LeftForGateway)
			}
			o.Values = maps.Clone(o.Values)
			for _, set := range s.OCPP {
				delete(o.Values, set.Key)
			}
			if st := plan.ComputeStation(s, o, nil); st.Blocked() || st.HasChanges() || len(st.LeftForGateway) != 4 {
				t.Fatalf("over the cable, the block not read: %+v %+v %+v", st.Changes, st.Errors, st.LeftForGateway)
			}
		})
	}
}

// A saved plan is a file anyone can edit: a value outside the dictionary
// (out of range, not in the enumeration, an unknown option) is refused
// before anything is sent, as the site file's validation would have.
func TestSavedPlanEditedValueRefused(t *testing.T) {
	for _, c := range []struct {
		key, after string
	}{
		{"chg_StationMaxCurrent", "99"},
		{"grid_Role", "master"},
		{"com_Options", "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0,Bogus=1"},
		{"com_OCPPID", "has spaces, and commas"},
	} {
		t.Run(c.key, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			st := r.station("cp-01", "p1", upd(c.key, f.working[c.key], c.after))
			job := r.job(st)
			job.Saved = true
			res := Run(context.Background(), []*Job{job}, r.opts())
			if res[0].Outcome != Failed || !res[0].Intact || !strings.Contains(res[0].Err.Error(), "refused before anything was sent") {
				t.Errorf("%s = %q: %+v", c.key, c.after, res[0])
			}
			if f.sent() {
				t.Errorf("%s = %q sent: %v", c.key, c.after, f.calls)
			}
		})
	}
}

// A saved plan names its site files as they were given, relative to the
// folder ecc was run in. Applied from another folder (cd elsewhere, or
// the plan written with -out /tmp/p.plan), they are found where the plan
// was made; the plan was refused: "the site file no longer loads".
func TestSavedPlanFromAnotherFolder(t *testing.T) {
	t.Setenv("ECC_TEST_AUTH", authSecret)
	r := newRig(t)
	dir, elsewhere := t.TempDir(), t.TempDir()
	writeSite(t, dir, "depot.hcl", siteHCL)
	f := r.fake("p1", "G1")
	t.Chdir(dir)
	sites, _, diags := model.LoadSites("depot.hcl") // as given on the command line
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	o, err := plan.Observe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	st := plan.ComputeStation(sites[0].Stations[0], o, r.state)
	p := &plan.Plan{FormatVersion: plan.FormatVersion, SiteFiles: []string{"depot.hcl"}, Stations: []*plan.Station{st}}
	path := filepath.Join(elsewhere, "p.plan")
	if err := plan.Save(path, p); err != nil {
		t.Fatal(err)
	}

	t.Chdir(elsewhere)
	lp, err := plan.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	stateFor := func(site string) (*record.State, error) { states = append(states, site); return r.state, nil }
	jobs, err := JobsFromSaved(lp, stateFor, "")
	if err != nil || jobs[0].Refused != nil || jobs[0].Desired == nil {
		t.Fatalf("jobs: %v, refused %v", err, jobs[0].Refused)
	}
	if want := filepath.Join(dir, "depot.hcl"); len(states) != 1 || states[0] != want {
		t.Errorf("state looked up beside %v, want %s", states, want)
	}
}

// TestSavedPlanFirmwareFromAnotherFolder: the firmware image a saved plan
// pins is named, as its site files are, relative to the folder the plan
// was made in: applied from another folder, it is found there. It was
// looked for in the current folder, and the upgrade refused ("image file:
// stat sites/firmware/V32R17.bin: no such file or directory").
func TestSavedPlanFirmwareFromAnotherFolder(t *testing.T) {
	made, elsewhere := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(made, "firmware"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(made, "firmware", "V32R17.bin"), []byte("image"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(elsewhere)
	for _, c := range []struct{ name, file, want string }{
		{"relative, in the plan's folder", "firmware/V32R17.bin", filepath.Join(made, "firmware", "V32R17.bin")},
		{"absolute", filepath.Join(made, "firmware", "V32R17.bin"), filepath.Join(made, "firmware", "V32R17.bin")},
		{"not in the plan's folder", "firmware/V32R18.bin", "firmware/V32R18.bin"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &plan.Station{Name: "cp-01", Serial: "G1", Port: "p1",
				Firmware: plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade, File: c.file}}
			p := &plan.Plan{FormatVersion: plan.FormatVersion, WorkDir: made, Stations: []*plan.Station{st}}
			stateFor := func(string) (*record.State, error) { return record.Open(t.TempDir()) }
			if _, err := JobsFromSaved(p, stateFor, ""); err != nil {
				t.Fatal(err)
			}
			if st.Firmware.File != c.want {
				t.Errorf("image %s, want %s", st.Firmware.File, c.want)
			}
		})
	}
}

// A name=value list the site file manages in part keeps the options the
// controller has and the site file does not name, such as an option a
// newer firmware added and the dictionary does not know. Only what the
// plan changes is checked against the dictionary: the controller's own
// options are written back as it reported them.
func TestValidateChecksOnlyTheChangedOptions(t *testing.T) {
	const before = "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0,newOpt=0"
	for _, c := range []struct {
		after string
		ok    bool
	}{
		{"Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0,newOpt=0", true},
		{"Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=7,comMaster=0,newOpt=0", false},
		{"Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0,newOpt=0,Bogus=1", false},
	} {
		st := &plan.Station{Name: "cp-01", Serial: "G1", Changes: []plan.Change{upd("com_Options", before, c.after)}}
		if err := Validate(st); (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok %v", c.after, err, c.ok)
		}
	}
}

// TestLocateSavedSharedSerial: an offline plan's station found through
// --gateway by a serial that two connections report is applied on the
// later one, with the warning plan --gateway gives naming the other; it
// was chosen silently, and an apply could configure a box nobody looked
// at.
func TestLocateSavedSharedSerial(t *testing.T) {
	for _, c := range []struct {
		name     string
		ports    []string
		port     string
		warnings int
	}{
		{"one connection", []string{"ocpp://gw:8180/CB-1"}, "ocpp://gw:8180/CB-1", 0},
		{"two connections", []string{"ocpp://gw:8180/CB-NEW", "ocpp://gw:8180/CB-OLD"}, "ocpp://gw:8180/CB-NEW", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &plan.Station{Name: "cp-01", Serial: "G1"}
			p := &plan.Plan{FormatVersion: plan.FormatVersion, Stations: []*plan.Station{st}}
			locate := func(context.Context, string) (map[string][]string, error) {
				return map[string][]string{"G1": c.ports}, nil
			}
			if _, err := locateSaved(context.Background(), p, plan.Options{Gateway: "gw:8180", Locate: locate}); err != nil {
				t.Fatal(err)
			}
			if st.Port != c.port || len(st.Warnings) != c.warnings {
				t.Fatalf("port %s, warnings %q", st.Port, st.Warnings)
			}
			if c.warnings > 0 && (!strings.Contains(st.Warnings[0], "ocpp://gw:8180/CB-OLD") || !strings.Contains(st.Warnings[0], "G1")) {
				t.Errorf("warning %q", st.Warnings[0])
			}
		})
	}
}
