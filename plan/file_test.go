package plan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIsSavedAndSelect(t *testing.T) {
	dir := t.TempDir()
	p := &Plan{FormatVersion: FormatVersion, Stations: []*Station{{Name: "cp-01"}, {Name: "cp-02"}}}
	planFile := dir + "/plan.json"
	if err := Save(planFile, p); err != nil {
		t.Fatal(err)
	}
	site := dir + "/site.hcl"
	if err := os.WriteFile(site, []byte("site \"x\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !IsSaved(planFile) || IsSaved(site) || IsSaved(dir+"/missing.json") {
		t.Fatalf("IsSaved: plan %v, site %v", IsSaved(planFile), IsSaved(site))
	}
	if err := p.Select("cp-02"); err != nil || len(p.Stations) != 1 || p.Stations[0].Name != "cp-02" {
		t.Fatalf("Select: %v %+v", err, p.Stations)
	}
	if err := p.Select("cp-09"); err == nil || !strings.HasSuffix(err.Error(), `; did you mean "cp-02"?`) {
		t.Fatalf("Select of a missing station: %v", err)
	}
}

// TestSelectSeveral: apply PLAN --station keeps every station named (a
// repeated or comma-separated --station), in the plan's order; an unknown
// name refuses the lot, with its near miss.
func TestSelectSeveral(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  []string
		err   string
	}{
		{nil, []string{"cp-01", "cp-02", "cp-03"}, ""},
		{[]string{"cp-03", "cp-01"}, []string{"cp-01", "cp-03"}, ""},
		{[]string{"cp-02", "cp-02"}, []string{"cp-02"}, ""},
		{[]string{"cp-02", "cp-4"}, nil, `the plan has no station "cp-4"`},
		{[]string{"cp-4", "CP-02", "cp-01"}, nil, `the plan has no station "cp-4" or "CP-02" (did you mean "cp-02"?)`},
	} {
		p := &Plan{Stations: []*Station{{Name: "cp-01"}, {Name: "cp-02"}, {Name: "cp-03"}}}
		err := p.Select(c.names...)
		var got []string
		for _, s := range p.Stations {
			got = append(got, s.Name)
		}
		if c.err != "" && (err == nil || !strings.HasPrefix(err.Error(), c.err)) || c.err == "" && (err != nil || !slices.Equal(got, c.want)) {
			t.Errorf("%q: %v %v, want %v %q", c.names, got, err, c.want, c.err)
		}
	}
}

// A plan in which every station is blocked has nothing apply would do:
// it is not saved (as Terraform writes no plan file on errors). One with
// a station that can be applied is saved; apply refuses the others.
func TestSaveRefusesEveryStationBlocked(t *testing.T) {
	blocked := func(name string) *Station {
		return &Station{Name: name, Errors: []Problem{{Key: "chg_StationMaxCurrent", Message: "bad"}}}
	}
	refused := func(name string) *Station {
		return &Station{Name: name, Errors: []Problem{}, Firmware: Firmware{Action: FirmwareRefused, Reason: "downgrade"}}
	}
	ok := func(name string) *Station {
		return &Station{Name: name, Errors: []Problem{}, Changes: []Change{{Key: "chg_StationMaxCurrent", Action: ActionUpdate, Before: "32", After: "25"}}}
	}
	for _, c := range []struct {
		name     string
		stations []*Station
		saved    bool
	}{
		{"one blocked", []*Station{blocked("cp-01")}, false},
		{"every one blocked or refused", []*Station{blocked("cp-01"), refused("cp-02")}, false},
		{"one of two blocked", []*Station{blocked("cp-01"), ok("cp-02")}, true},
		{"none blocked", []*Station{ok("cp-01")}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := Save(t.TempDir()+"/p.json", &Plan{FormatVersion: FormatVersion, Stations: c.stations})
			if c.saved && err != nil {
				t.Errorf("not saved: %v", err)
			}
			if !c.saved && (err == nil || !strings.Contains(err.Error(), "blocked")) {
				t.Errorf("saved, or not saying why: %v", err)
			}
		})
	}
}

// TestSavedStateDir: a saved plan is applied with the state directory it
// was made with (relative to the folder it was made in, as its site files
// are); --state-dir given for another directory is refused, the same one
// named otherwise is not; ECC_STATE_DIR (given, not asked) is not used; a
// plan from before the field takes the flag as it did.
func TestSavedStateDir(t *testing.T) {
	made, elsewhere := t.TempDir(), t.TempDir()
	for _, d := range []string{"sX", "sites/.ecc"} {
		if err := os.MkdirAll(filepath.Join(made, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A folder of the same name where the plan is applied is another
	// record: the one the plan was made with is used.
	if err := os.MkdirAll(filepath.Join(elsewhere, "sX"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The same folder through a link (on Windows and macOS, also in other
	// letter case) is the same record.
	link := filepath.Join(elsewhere, "link-to-sX")
	linkErr := os.Symlink(filepath.Join(made, "sX"), link)
	t.Chdir(elsewhere)
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		name     string
		recorded *string
		given    string
		asked    bool
		want     string // "" with err
		err      string
	}{
		{"recorded, relative", str("sX"), "", false, filepath.Join(made, "sX"), ""},
		{"recorded, environment not used", str("sX"), "other", false, filepath.Join(made, "sX"), ""},
		{"recorded, same one asked", str("sX"), filepath.Join(made, "sX"), true, filepath.Join(made, "sX"), ""},
		{"recorded, same one through a link", str("sX"), link, true, filepath.Join(made, "sX"), ""},
		{"recorded, another asked", str("sX"), "other", true, "", "the plan was made with --state-dir sX"},
		{"recorded, another of the same name", str("sX"), "sX", true, "", "the plan was made with --state-dir sX"},
		{"default, another asked", str(""), "other", true, "", "the plan was made with the default state directory"},
		{"default, its own asked", str(""), filepath.Join(made, "sites/.ecc"), true, "", ""},
		{"default", str(""), "", false, "", ""},
		{"before the field", nil, "other", true, "other", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.given == link && linkErr != nil {
				t.Skip("no symbolic links here:", linkErr)
			}
			p := &Plan{WorkDir: made, StateDir: c.recorded, Stations: []*Station{{Name: "cp-01", SiteFile: "sites/depot.hcl"}}}
			if err := os.MkdirAll(filepath.Join(made, "sites"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(made, "sites", "depot.hcl"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := p.SavedStateDir(c.given, c.asked)
			switch {
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "nothing sent")):
				t.Errorf("err %v, want %q", err, c.err)
			case c.err == "" && (err != nil || got != c.want):
				t.Errorf("%q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestSavedOnWindows: a plan saved on Windows names its site files,
// firmware images and --state-dir with backslashes (as given there:
// sites\depot.hcl, and the paths resolved from a pin). Applied from the
// same folder of a clone on Linux or macOS, they are found, as the site
// files themselves read a Windows-written path; they were looked for
// as one file name ("no such file"), and the state directory of
// sites\depot.hcl was ./.ecc.
func TestSavedOnWindows(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"sites/firmware", "state/fleet"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"sites/depot.hcl", "sites/firmware/V32R17.bin"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, c := range []struct{ workDir, name, want string }{
		{`C:\Users\jan\fleet`, `sites\depot.hcl`, "sites/depot.hcl"},
		{`C:\Users\jan\fleet`, `sites\firmware\V32R17.bin`, "sites/firmware/V32R17.bin"},
		{`C:\Users\jan\fleet`, `.\sites\depot.hcl`, "sites/depot.hcl"},
		{"/home/ci/fleet", "sites/depot.hcl", "sites/depot.hcl"},
	} {
		p := &Plan{WorkDir: c.workDir}
		if got := p.SitePath(c.name); filepath.Clean(got) != filepath.FromSlash(c.want) {
			t.Errorf("SitePath(%q) = %q, want %q", c.name, got, filepath.FromSlash(c.want))
		}
	}
	p := &Plan{WorkDir: `C:\Users\jan\fleet`, StateDir: new(`state\fleet`), Stations: []*Station{{Name: "cp-01", SiteFile: `sites\depot.hcl`}}}
	if got, err := p.SavedStateDir("", false); err != nil || filepath.Clean(got) != filepath.FromSlash("state/fleet") {
		t.Errorf("SavedStateDir = %q, %v; want %q", got, err, filepath.FromSlash("state/fleet"))
	}
}

// TestSavedPlanWithBOM: a saved plan opened for review in a Windows
// editor and saved again starts with a byte order mark; it is still a
// saved plan, as LooksSaved already read it. It was "JSON but not a saved
// plan" to apply and show.
func TestSavedPlanWithBOM(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "plan.json")
	if err := Save(saved, &Plan{FormatVersion: FormatVersion, Stations: []*Station{{Name: "cp-01"}}}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	bom := filepath.Join(dir, "bom.json")
	if err := os.WriteFile(bom, append([]byte("\ufeff"), strings.ReplaceAll(string(data), "\n", "\r\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	if !IsSaved(bom) || !LooksSaved(bom) {
		t.Errorf("IsSaved %v, LooksSaved %v", IsSaved(bom), LooksSaved(bom))
	}
	if p, err := Load(bom); err != nil || len(p.Stations) != 1 || p.Stations[0].Name != "cp-01" {
		t.Errorf("Load = %+v, %v", p, err)
	}
}
