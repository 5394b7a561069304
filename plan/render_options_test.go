package plan

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestOptionChanges(t *testing.T) {
	cases := []struct {
		name   string
		change Change
		want   []optionChange
		ok     bool
	}{
		{"one option", Change{Action: ActionUpdate, Before: "Events=1,useTLS=0", After: "Events=1,useTLS=1"},
			[]optionChange{{"useTLS", "0", "1"}}, true},
		{"option added and removed", Change{Action: ActionUpdate, Before: "a=1,b=2", After: "a=1,c=3"},
			[]optionChange{{"c", "", "3"}, {"b", "2", ""}}, true},
		{"eth_cfg", Change{Action: ActionUpdate, Before: "type=dhcp,ip=0.0.0.0", After: "type=static,ip=10.0.0.5"},
			[]optionChange{{"type", "dhcp", "static"}, {"ip", "0.0.0.0", "10.0.0.5"}}, true},
		{"plain list", Change{Action: ActionUpdate, Before: "16,16", After: "16,10"}, nil, false},
		{"meter", Change{Action: ActionUpdate, Before: "EASTR_SDM72D,3,9600,N,1", After: "none"}, nil, false},
		{"sensitive", Change{Action: ActionUpdate, Sensitive: true}, nil, false},
		{"write-only set", Change{Action: ActionSet, After: "a=1"}, nil, false},
		{"empty before", Change{Action: ActionUpdate, Before: "", After: "a=1"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := optionChanges(c.change)
			if ok != c.ok || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("optionChanges = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

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
