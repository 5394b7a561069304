package model

import (
	"slices"
	"testing"
)

func ocppOf(t *testing.T, name, src string) [][]string {
	t.Helper()
	site, srcs, diags := LoadSiteBytes(name, []byte(src))
	if diags.HasErrors() {
		t.Fatalf("%s: %s", name, RenderDiagnostics(diags, srcs))
	}
	var out [][]string
	for _, st := range site.Stations {
		var kv []string
		for _, s := range st.OCPP {
			kv = append(kv, s.Layer+":"+s.Key+"="+s.Value.Canonical())
		}
		out = append(out, kv)
	}
	return out
}

// TestOCPPBlockHCLEqualsYAML: the same ocpp blocks in both formats, lists
// and comma strings alike, layered defaults < station in the
// specification's order.
func TestOCPPBlockHCLEqualsYAML(t *testing.T) {
	hcl := ocppOf(t, "s.hcl", `
site "s" {}
defaults {
  ocpp {
    MeterValuesSampledData = ["Energy.Active.Import.Register", "Power.Active.Import"]
    HeartbeatInterval      = 300
    LocalPreAuthorize      = true
  }
}
station "a" {
  serial = "G1"
  ocpp {
    HeartbeatInterval      = "120"
    ConnectorPhaseRotation = "0.RST, 1.RST"
  }
}
station "b" {
  serial = "G2"
}
`)
	yaml := ocppOf(t, "s.yaml", `
site: s
defaults:
  ocpp:
    MeterValuesSampledData: "Energy.Active.Import.Register,Power.Active.Import"
    HeartbeatInterval: 300
    LocalPreAuthorize: "True"
stations:
  a:
    serial: G1
    ocpp:
      HeartbeatInterval: 120
      ConnectorPhaseRotation: [0.RST, 1.RST]
  b:
    serial: G2
`)
	want := [][]string{
		{"station:ConnectorPhaseRotation=0.RST,1.RST", "station:HeartbeatInterval=120", "defaults:LocalPreAuthorize=true",
			"defaults:MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import"},
		{"defaults:HeartbeatInterval=300", "defaults:LocalPreAuthorize=true",
			"defaults:MeterValuesSampledData=Energy.Active.Import.Register,Power.Active.Import"},
	}
	for name, got := range map[string][][]string{"HCL": hcl, "YAML": yaml} {
		if len(got) != len(want) || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}

// TestOCPPBlockNotInSettings: the ocpp block's keys never reach settings,
// and a duplicated block is refused like settings.
func TestOCPPBlockNotInSettings(t *testing.T) {
	site, _, diags := LoadSiteBytes("s.hcl", []byte(`
site "s" {}
station "a" {
  serial = "G1"
  settings { chg_StationMaxCurrent = 25 }
  ocpp { HeartbeatInterval = 60 }
}`))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	st := site.Stations[0]
	if len(st.Settings) != 1 || st.Settings[0].Key != "chg_StationMaxCurrent" || len(st.OCPP) != 1 {
		t.Errorf("settings %v, ocpp %v", st.Settings, st.OCPP)
	}
	_, _, diags = LoadSiteBytes("s.hcl", []byte(`
site "s" {}
station "a" {
  serial = "G1"
  ocpp { HeartbeatInterval = 60 }
  ocpp { HeartbeatInterval = 70 }
}`))
	if !diags.HasErrors() {
		t.Error("a second ocpp block is accepted")
	}
}
