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
