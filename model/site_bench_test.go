package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchStations is the size of the generated site files.
const benchStations = 10000

// writeBenchSites writes a site of n stations in both formats into dir,
// with the example's factory file and firmware image, and returns the
// paths.
func writeBenchSites(tb testing.TB, dir string, n int) (hclPath, yamlPath string) {
	tb.Helper()
	for _, p := range []string{"factory/evc5-ac.json", "firmware/V32R17.bin"} {
		b, err := os.ReadFile(filepath.Join("..", "sites", p))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	const sha = "56d10b85e0f96234f0cf5b0ff016de194984f2309b64222f67842e9f292bf6ff"
	var h, y strings.Builder
	fmt.Fprintf(&h, "site \"bench\" {\n  description = \"%d stations\"\n}\n\ndefaults {\n  factory = \"factory/evc5-ac.json\"\n"+
		"  firmware {\n    version = \"V32R17\"\n    file    = \"firmware/V32R17.bin\"\n    sha256  = %q\n  }\n"+
		"  settings {\n    chg_MinChargingCurrent = 6\n    com_Options = { Events = 1, BlockBeforeBoot = 1 }\n  }\n}\n", n, sha)
	fmt.Fprintf(&y, "site: bench\ndescription: %d stations\ndefaults:\n  factory: factory/evc5-ac.json\n"+
		"  firmware: {version: V32R17, file: firmware/V32R17.bin, sha256: %s}\n"+
		"  settings:\n    chg_MinChargingCurrent: 6\n    com_Options: {Events: 1, BlockBeforeBoot: 1}\nstations:\n", n, sha)
	for i := range n {
		name, serial := fmt.Sprintf("cp-%05d", i), fmt.Sprintf("G%06d", 100000+i)
		rated := 16 + i%3*8
		fmt.Fprintf(&h, "\nstation %q {\n  serial = %q\n  model  = \"EVC5.x\"\n  port   = \"/dev/ttyUSB%d\"\n  settings {\n"+
			"    chg_RatedCurrent      = [%d, %d]\n    chg_StationMaxCurrent = %d\n    com_OCPPID            = \"NLECO%05d\"\n"+
			"    com_Endpoint          = \"wss://devices.ecotap.com/registry/ocpp/#SN#\"\n    com_Options           = { useTLS = 1 }\n"+
			"    chg_Ch1Options        = { PlugAndCharge = %d }\n    eth_cfg               = \"type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0\"\n  }\n}\n",
			name, serial, i%8, rated, rated, rated, i, i%2)
		fmt.Fprintf(&y, "  %s:\n    serial: %s\n    model: EVC5.x\n    port: /dev/ttyUSB%d\n    settings:\n"+
			"      chg_RatedCurrent: [%d, %d]\n      chg_StationMaxCurrent: %d\n      com_OCPPID: NLECO%05d\n"+
			"      com_Endpoint: \"wss://devices.ecotap.com/registry/ocpp/#SN#\"\n      com_Options: {useTLS: 1}\n"+
			"      chg_Ch1Options: {PlugAndCharge: %d}\n      eth_cfg: type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0\n",
			name, serial, i%8, rated, rated, rated, i, i%2)
	}
	hclPath, yamlPath = filepath.Join(dir, "bench.hcl"), filepath.Join(dir, "bench.yaml")
	if err := os.WriteFile(hclPath, []byte(h.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(yamlPath, []byte(y.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return hclPath, yamlPath
}

func benchLoad(b *testing.B, path func(h, y string) string) {
	h, y := writeBenchSites(b, b.TempDir(), benchStations)
	p := path(h, y)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		sites, src, diags := LoadSites(p)
		if len(diags) > 0 {
			b.Fatalf("%s", RenderDiagnostics(diags[:min(len(diags), 5)], src))
		}
		if len(sites[0].Stations) != benchStations {
			b.Fatalf("%d stations", len(sites[0].Stations))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/benchStations, "µs/station")
}

// BenchmarkLoadSitesHCL loads a 10,000-station HCL site (goal: under 1 s).
func BenchmarkLoadSitesHCL(b *testing.B) { benchLoad(b, func(h, _ string) string { return h }) }

// BenchmarkLoadSitesYAML loads the same site in YAML.
func BenchmarkLoadSitesYAML(b *testing.B) { benchLoad(b, func(_, y string) string { return y }) }

// TestBenchSitesValid keeps the benchmark's generator honest on a small
// site, and checks both formats agree.
func TestBenchSitesValid(t *testing.T) {
	h, y := writeBenchSites(t, t.TempDir(), 20)
	var sites []*Site
	for _, p := range []string{h, y} { // one run each: same serials
		s, src, diags := LoadSites(p)
		if len(diags) > 0 {
			t.Fatalf("%s", RenderDiagnostics(diags, src))
		}
		sites = append(sites, s...)
	}
	for i, st := range sites[0].Stations {
		o := sites[1].Stations[i]
		if len(st.Settings) != len(o.Settings) {
			t.Fatalf("%s: %d vs %d settings", st.Name, len(st.Settings), len(o.Settings))
		}
		for j := range st.Settings {
			if st.Settings[j].Value.Canonical() != o.Settings[j].Value.Canonical() {
				t.Errorf("%s %s differs", st.Name, st.Settings[j].Key)
			}
		}
	}
}
