package plan

import (
	"os"
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
