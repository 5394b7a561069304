package model

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/internal/golden"
)

// goldenSecret is ECC_AUTH_CP01 during the tests: it must never appear in
// any diagnostic.
const goldenSecret = "ECOTAP-1802500:golden-secret"

// TestInvalidSitesGolden validates every file of testdata/sites (each has
// at least one error) and compares the text diagnostics with NAME.golden.
func TestInvalidSitesGolden(t *testing.T) {
	t.Chdir("..") // paths in diagnostics as a user at the repository root sees them
	t.Setenv("ECC_AUTH_CP01", goldenSecret)
	os.Unsetenv("ECC_TEST_NEVER_SET_VARIABLE")
	files, _ := filepath.Glob("testdata/sites/*.hcl")
	yamls, _ := filepath.Glob("testdata/sites/*.yaml")
	files = append(files, yamls...)
	if len(files) < 30 {
		t.Fatalf("only %d invalid site files", len(files))
	}
	var nHCL, nYAML int
	for _, f := range files {
		if strings.HasSuffix(f, ".hcl") {
			nHCL++
		} else {
			nYAML++
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			diags, got := loadInvalid(t, f)
			js := string(RenderDiagnosticsJSON(diags))
			for _, out := range []string{got, js} {
				if strings.Contains(out, goldenSecret) || strings.Contains(out, "golden-secret") {
					t.Fatalf("the secret appears in the diagnostics:\n%s", out)
				}
			}
			golden.Assert(t, f+".golden", []byte(got))
		})
	}
	if nHCL < 12 || nYAML < 12 {
		t.Errorf("want roughly half HCL, half YAML; got %d and %d", nHCL, nYAML)
	}
}

// loadInvalid loads site files that must not load, and returns the
// diagnostics and their text; every diagnostic must have a position.
func loadInvalid(t *testing.T, paths ...string) (hcl.Diagnostics, string) {
	t.Helper()
	_, src, diags := LoadSites(paths...)
	if !diags.HasErrors() {
		t.Fatalf("%s: no error", strings.Join(paths, " "))
	}
	for _, d := range diags {
		if d.Subject == nil || d.Subject.Start.Line == 0 {
			t.Errorf("diagnostic without a position: %s: %s", d.Summary, d.Detail)
		}
	}
	return diags, RenderDiagnostics(diags, src)
}

// loadExamples loads the example site in both formats.
func loadExamples(t testing.TB) (hclSite, yamlSite *Site) {
	t.Helper()
	t.Setenv("ECC_AUTH_CP01", goldenSecret)
	// One run each: together they declare every station twice.
	var out []*Site
	for _, f := range []string{"../sites/depot.hcl", "../sites/depot.yaml"} {
		sites, src, diags := LoadSites(f)
		if len(diags) > 0 {
			t.Fatalf("examples do not validate:\n%s", RenderDiagnostics(diags, src))
		}
		if len(sites) != 1 {
			t.Fatalf("got %d sites", len(sites))
		}
		out = append(out, sites[0])
	}
	return out[0], out[1]
}

// TestExamplesSameInBothFormats: depot.hcl and depot.yaml decode to the
// same stations, keys and canonical values.
func TestExamplesSameInBothFormats(t *testing.T) {
	h, y := loadExamples(t)
	if h.Name != y.Name || h.Description != y.Description {
		t.Errorf("site: %q %q vs %q %q", h.Name, h.Description, y.Name, y.Description)
	}
	if len(h.Stations) != 5 || len(y.Stations) != 5 {
		t.Fatalf("stations: %d and %d, want 5", len(h.Stations), len(y.Stations))
	}
	for i, hs := range h.Stations {
		ys := y.Stations[i]
		if hs.Name != ys.Name || hs.Serial != ys.Serial || hs.Model != ys.Model || hs.Port != ys.Port || hs.Factory != ys.Factory {
			t.Errorf("station %d: %+v vs %+v", i, hs, ys)
		}
		if (hs.Firmware == nil) != (ys.Firmware == nil) ||
			hs.Firmware != nil && (hs.Firmware.Version != ys.Firmware.Version || hs.Firmware.SHA256 != ys.Firmware.SHA256 ||
				hs.Firmware.File != ys.Firmware.File || hs.Firmware.Size != ys.Firmware.Size) {
			t.Errorf("station %s firmware differs", hs.Name)
		}
		if hs.Name == "cp-01" && len(hs.OCPP) == 0 {
			t.Errorf("the example shows no ocpp block")
		}
		if len(hs.OCPP) != len(ys.OCPP) {
			t.Errorf("station %s: %d ocpp keys vs %d", hs.Name, len(hs.OCPP), len(ys.OCPP))
		}
		for j := range min(len(hs.OCPP), len(ys.OCPP)) {
			a, b := hs.OCPP[j], ys.OCPP[j]
			if a.Key != b.Key || a.Value.Canonical() != b.Value.Canonical() || a.Layer != b.Layer {
				t.Errorf("station %s ocpp %d: %s=%s (%s) vs %s=%s (%s)", hs.Name, j,
					a.Key, a.Value.Display(), a.Layer, b.Key, b.Value.Display(), b.Layer)
			}
		}
		if len(hs.Settings) != len(ys.Settings) {
			t.Errorf("station %s: %d settings vs %d", hs.Name, len(hs.Settings), len(ys.Settings))
			continue
		}
		for j, a := range hs.Settings {
			b := ys.Settings[j]
			if a.Key != b.Key || a.Value.Canonical() != b.Value.Canonical() || a.Layer != b.Layer ||
				(a.Secret == nil) != (b.Secret == nil) {
				t.Errorf("station %s setting %d: %s=%s (%s) vs %s=%s (%s)", hs.Name, j,
					a.Key, a.Value.Display(), a.Layer, b.Key, b.Value.Display(), b.Layer)
			}
		}
	}
}

func setting(st *Station, key string) *Setting {
	for i := range st.Settings {
		if st.Settings[i].Key == key {
			return &st.Settings[i]
		}
	}
	return nil
}

// TestLayering checks factory < defaults < station, partial merges,
// dictionary order, firmware and secrets on the example.
func TestLayering(t *testing.T) {
	for _, s := range []*Site{func() *Site { h, _ := loadExamples(t); return h }(), func() *Site { _, y := loadExamples(t); return y }()} {
		cp1 := s.Stations[0]
		if cp1.Name != "cp-01" || cp1.Serial != "G48229" || cp1.Model != "EVC5.x" || cp1.Site != s {
			t.Fatalf("cp-01: %+v", cp1)
		}
		if cp1.Range.Filename != s.File || cp1.Range.Start.Line == 0 {
			t.Errorf("cp-01 range %v", cp1.Range)
		}
		tests := []struct{ key, canon, layer string }{
			{"chg_KWH1", "EASTR_SDM72D,1,9600,N,1", "factory"},
			{"chg_MinChargingCurrent", "6", "defaults"},
			{"chg_StationMaxCurrent", "25", "station"},
			{"com_Options", "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0", "station"},
			{"chg_Ch1Options", "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=1,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0", "defaults"},
			{"grid_Role", "Station_ctrl", "defaults"},
		}
		for _, tc := range tests {
			got := setting(cp1, tc.key)
			if got == nil {
				t.Errorf("%s: cp-01 has no %s", s.File, tc.key)
				continue
			}
			if got.Value.Canonical() != tc.canon || got.Layer != tc.layer {
				t.Errorf("%s: %s = %q (%s), want %q (%s)", s.File, tc.key, got.Value.Canonical(), got.Layer, tc.canon, tc.layer)
			}
			if tc.layer == "factory" && !strings.HasSuffix(got.Range.Filename, "evc5-ac.json") {
				t.Errorf("%s: factory range %v", tc.key, got.Range)
			}
		}
		auth := setting(cp1, "authorizationKey")
		if auth == nil || auth.Secret == nil || auth.Secret.Kind != "env" || auth.Secret.Name != "ECC_AUTH_CP01" ||
			!auth.Value.Sensitive() || auth.Value.Display() == goldenSecret || auth.Value.Canonical() != goldenSecret {
			t.Errorf("authorizationKey: %+v", auth)
		}
		// Dictionary order.
		rank := map[string]int{}
		for i, k := range Dictionary() {
			rank[k.Name] = i
		}
		if !slices.IsSortedFunc(cp1.Settings, func(a, b Setting) int { return rank[a.Key] - rank[b.Key] }) {
			t.Errorf("settings not in dictionary order")
		}
		// EVC4 stations take their own factory file; cp-05 is a Master.
		cp5 := s.Stations[4]
		if !strings.HasSuffix(cp5.Factory, filepath.Join("factory", "evc4-ac.json")) {
			t.Errorf("cp-05 factory %q", cp5.Factory)
		}
		if g := setting(cp5, "chg_Debug"); g == nil || !strings.Contains(g.Value.Canonical(), "grid=4") || !strings.Contains(g.Value.Canonical(), "ctrl=3") {
			t.Errorf("cp-05 chg_Debug merge: %+v", g)
		}
		if setting(s.Stations[1], "authorizationKey") != nil {
			t.Errorf("cp-02 has an authorizationKey")
		}
		fw := cp1.Firmware
		if fw == nil || fw.Version.String() != "V32R17" || fw.Size != 65536 || len(fw.SHA256) != 64 ||
			!fw.Header.Supports("EVC4.31") || fw != s.Stations[4].Firmware {
			t.Errorf("firmware pin %+v", fw)
		}
	}
}

// TestCheckCrossKeys covers each rule, both locations and the controller's
// current values.
func TestCheckCrossKeys(t *testing.T) {
	val := func(key, s string) Value {
		kd, ok := Lookup(key)
		if !ok {
			t.Fatalf("no key %s", key)
		}
		v, err := kd.Decode(s)
		if err != nil {
			t.Fatalf("%s=%s: %v", key, s, err)
		}
		return v
	}
	at := func(line int) hcl.Range {
		return hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Line: line, Column: 5, Byte: line * 10}, End: hcl.Pos{Line: line, Column: 9, Byte: line*10 + 4}}
	}
	set := func(key, s string, line int) Setting {
		st := Setting{Key: key, Value: val(key, s), Layer: "station"}
		if line > 0 {
			st.Range = at(line)
		} else {
			st.Layer = "controller"
		}
		return st
	}
	tests := []struct {
		name      string
		state     []Setting
		want      string // substring of the detail; "" = no diagnostic
		wantLine  int    // subject line (0: no subject)
		alsoMatch string
	}{
		{"min below rated", []Setting{set("chg_MinChargingCurrent", "6", 1), set("chg_RatedCurrent", "16,16", 2)}, "", 0, ""},
		{"min above channel 2", []Setting{set("chg_MinChargingCurrent", "13", 1), set("chg_RatedCurrent", "16,10", 2)}, "channel 2 is rated 10 A", 1, "s.hcl:2:5"},
		{"min alone", []Setting{set("chg_MinChargingCurrent", "13", 1)}, "", 0, ""},
		{"rated from controller", []Setting{set("chg_MinChargingCurrent", "13", 1), set("chg_RatedCurrent", "10", 0)}, "the controller's current value", 1, ""},
		{"min from controller", []Setting{set("chg_MinChargingCurrent", "13", 0), set("chg_RatedCurrent", "10", 3)}, "channel 1", 3, ""},
		{"auth with useTLS=0", []Setting{set("authorizationKey", "u:p", 1), set("com_Options", "Events=1,useTLS=0", 2)}, "useTLS=0", 1, "s.hcl:2:5"},
		{"auth with usetls=0 any case", []Setting{set("authorizationKey", "u:p", 1), set("com_Options", "UseTLS=0", 2)}, "useTLS=0", 1, ""},
		{"auth with useTLS=1", []Setting{set("authorizationKey", "u:p", 1), set("com_Options", "useTLS=1", 2)}, "", 0, ""},
		{"auth, useTLS absent", []Setting{set("authorizationKey", "u:p", 1), set("com_Options", "Events=1", 2)}, "", 0, ""},
		{"auth, no com_Options", []Setting{set("authorizationKey", "u:p", 1)}, "", 0, ""},
		{"auth, controller useTLS=0", []Setting{set("authorizationKey", "u:p", 4), set("com_Options", "Events=1,useTLS=0", 0)}, "the controller's current value", 4, ""},
		{"master max 0", []Setting{set("grid_Role", "Master", 1), set("grid_InstallationMaxcurrent", "0", 2)}, "Master", 1, ""},
		{"master max 100", []Setting{set("grid_Role", "Master", 1), set("grid_InstallationMaxcurrent", "100", 2)}, "", 0, ""},
		{"slave max 0", []Setting{set("grid_Role", "Slave", 1), set("grid_InstallationMaxcurrent", "0", 2)}, "", 0, ""},
		{"save above max", []Setting{set("grid_InstallationSaveCurrent", "160", 1), set("grid_InstallationMaxcurrent", "100", 2)}, "above grid_InstallationMaxcurrent", 1, ""},
		{"save equal max", []Setting{set("grid_InstallationSaveCurrent", "100", 1), set("grid_InstallationMaxcurrent", "100", 2)}, "", 0, ""},
		{"static complete", []Setting{set("eth_cfg", "type=static,ip=10.0.0.2,netmask=255.255.255.0,gw=10.0.0.1", 1)}, "", 0, ""},
		{"static no gw", []Setting{set("eth_cfg", "type=static,ip=10.0.0.2,netmask=255.255.255.0,gw=0.0.0.0", 1)}, "gw", 1, ""},
		{"static only type", []Setting{set("eth_cfg", "type=static", 1)}, "ip, netmask, gw", 1, ""},
		{"dhcp zeros", []Setting{set("eth_cfg", "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0", 1)}, "", 0, ""},
		{"both from controller", []Setting{set("grid_InstallationSaveCurrent", "160", 0), set("grid_InstallationMaxcurrent", "100", 0)}, "the controller's current value", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			diags := CheckCrossKeys(tc.state)
			if tc.want == "" {
				if len(diags) > 0 {
					t.Fatalf("unexpected: %s: %s", diags[0].Summary, diags[0].Detail)
				}
				return
			}
			if len(diags) != 1 {
				t.Fatalf("got %d diagnostics, want 1: %v", len(diags), diags)
			}
			d := diags[0]
			if d.Severity != hcl.DiagError || !strings.Contains(d.Detail, tc.want) || !strings.Contains(d.Detail, tc.alsoMatch) {
				t.Errorf("detail %q, want %q and %q", d.Detail, tc.want, tc.alsoMatch)
			}
			switch {
			case tc.wantLine == 0 && d.Subject != nil:
				t.Errorf("subject %v, want none", d.Subject)
			case tc.wantLine > 0 && (d.Subject == nil || d.Subject.Start.Line != tc.wantLine):
				t.Errorf("subject %v, want line %d", d.Subject, tc.wantLine)
			}
		})
	}
}

// TestCheckCrossKeysSecret: a secret value never appears in a message.
func TestCheckCrossKeysSecret(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", goldenSecret)
	src := []byte("site \"s\" {}\nstation \"a\" {\n serial = \"G1\"\n settings {\n  authorizationKey = env(\"ECC_AUTH_CP01\")\n  com_Options = { useTLS = 0 }\n  chg_MinChargingCurrent = 20\n  chg_RatedCurrent = [16, 16]\n }\n}\n")
	_, srcs, diags := LoadSiteBytes("s.hcl", src)
	if len(diags) != 2 {
		t.Fatalf("want 2 diagnostics, got %d:\n%s", len(diags), RenderDiagnostics(diags, srcs))
	}
	out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags))
	if strings.Contains(out, "golden-secret") {
		t.Fatalf("secret leaked:\n%s", out)
	}
}

func TestLoadFactory(t *testing.T) {
	settings, src, diags := LoadFactory("../sites/factory/evc5-ac.json")
	if len(diags) > 0 {
		t.Fatalf("%s", RenderDiagnostics(diags, src))
	}
	if len(settings) != 23 {
		t.Errorf("%d settings, want 23", len(settings))
	}
	for _, s := range settings {
		if s.Layer != "factory" || s.Range.Filename != "../sites/factory/evc5-ac.json" || s.Range.Start.Line < 2 {
			t.Errorf("%s: layer %q range %v", s.Key, s.Layer, s.Range)
		}
	}
	if s := settings[0]; s.Key != "chg_Debug" {
		t.Errorf("first key %s, want chg_Debug (dictionary order)", s.Key)
	}

	dir := t.TempDir()
	tests := []struct {
		name, json, want string
		line             int
	}{
		{"number and string", `{"chg_MinChargingCurrent": 6, "chg_RatedCurrent": "16, 16"}`, "", 0},
		{"forbidden", "{\n\"chg_MinChargingCurrent\": 6,\n\"chg_Calibration\": \"1\"}", "forbidden", 3},
		{"read-only", `{"gsm_SigQ": 15}`, "read-only", 1},
		{"backend", `{"HeartbeatInterval": 300}`, "backend-only", 1},
		{"bad value", "{\n  \"grid_Role\": \"master\"}", "Master", 2},
		{"nested", `{"chg_RatedCurrent": [16, 16]}`, "must be a string", 1},
		{"bool", `{"chg_MinChargingCurrent": true}`, "must be a string", 1},
		{"not an object", `[1, 2]`, "object", 1},
		{"syntax", `{"chg_MinChargingCurrent": }`, "", -1},
		{"duplicate", "{\"grid_Role\": \"Master\",\n\"grid_Role\": \"Slave\"}", "already set", 2},
		// Saved by a Windows editor as "UTF-8 with BOM": read as site files are.
		{"byte order mark", "\ufeff{\"chg_MinChargingCurrent\": 6, \"chg_RatedCurrent\": \"16, 16\"}", "", 0},
		{"byte order mark and a bad value", "\ufeff{\n  \"grid_Role\": \"master\"}", "Master", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(p, []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			settings, _, diags := LoadFactory(p)
			if tc.line == 0 {
				if diags.HasErrors() {
					t.Fatalf("unexpected: %v", diags)
				}
				if len(settings) != 2 || settings[1].Value.Canonical() != "16,16" {
					t.Errorf("settings %+v", settings)
				}
				return
			}
			if !diags.HasErrors() {
				t.Fatal("no error")
			}
			d := diags[0]
			if !strings.Contains(d.Summary+" "+d.Detail, tc.want) {
				t.Errorf("%s: %s, want %q", d.Summary, d.Detail, tc.want)
			}
			if tc.line > 0 && (d.Subject == nil || d.Subject.Filename != p || d.Subject.Start.Line != tc.line) {
				t.Errorf("subject %v, want %s line %d", d.Subject, p, tc.line)
			}
		})
	}
	if _, _, diags := LoadFactory(filepath.Join(dir, "missing.json")); !diags.HasErrors() {
		t.Error("missing factory file: no error")
	}
}

// A factory file's secrets (JSON has no env()) get a warning each, and are
// never quoted: not beside an error on their line, nor on a line of their
// own that is in error, nor in a file that does not parse.
func TestFactorySecretsNeverQuoted(t *testing.T) {
	dir := t.TempDir()
	for i, tc := range []struct {
		json     string
		warnings int
	}{
		{`{"chg_MinChargingCurrent": 99, "authorizationKey": "user:ZZFAC1", "gsm_APN": "m2m,bob,ZZFAC2"}`, 2},
		{"{\n  \"chg_MinChargingCurrent\": 6,\n  \"gsm_APN\": \"m2m,bob,ZZFAC3,extra\"\n}", 0},
		{"{\n  \"authorizationKey\": \"user:ZZFAC4\",\n  \"chg_MinChargingCurrent\": \n}", 0},
	} {
		p := filepath.Join(dir, fmt.Sprint(i, ".json"))
		if err := os.WriteFile(p, []byte(tc.json), 0o644); err != nil {
			t.Fatal(err)
		}
		_, srcs, diags := LoadFactory(p)
		if !diags.HasErrors() {
			t.Errorf("%d: no error", i)
		}
		warnings := 0
		for _, d := range diags {
			if d.Severity == hcl.DiagWarning && d.Summary == "Secret written in clear" {
				warnings++
			}
		}
		if warnings != tc.warnings {
			t.Errorf("%d: %d warnings, want %d", i, warnings, tc.warnings)
		}
		if out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags)); strings.Contains(out, "ZZFAC") {
			t.Errorf("%d: a secret shows:\n%s", i, out)
		}
	}
}

// TestSecretFileBOM: a secret file saved as "UTF-8 with BOM" (Notepad)
// gives the value without the byte order mark, in both formats; one
// elsewhere in the value is refused, never sent.
func TestSecretFileBOM(t *testing.T) {
	srcs := map[string]string{
		"a.hcl":  "site \"s\" {}\nstation \"a\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n    authorizationKey = file(\"key.txt\")\n  }\n}\n",
		"a.yaml": "site: s\nstations:\n  a:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 1}\n      authorizationKey: !file key.txt\n",
	}
	tests := []struct {
		name, key string
		want      string // canonical value, or "" for an error
	}{
		{"BOM and CRLF", "\ufeffops:BomSecret\r\n", "ops:BomSecret"},
		{"BOM without a newline", "\ufeffops:BomSecret", "ops:BomSecret"},
		{"BOM inside", "ops:Bom\ufeffSecret\n", ""},
		{"zero-width space", "ops:BomSecret\u200b\n", ""},
	}
	for _, tc := range tests {
		for file, src := range srcs {
			t.Run(tc.name+" "+file, func(t *testing.T) {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "key.txt"), []byte(tc.key), 0o600); err != nil {
					t.Fatal(err)
				}
				site, srcs, diags := LoadSiteBytes(filepath.Join(dir, file), []byte(src))
				out := RenderDiagnostics(diags, srcs)
				if strings.Contains(out, "BomSecret") {
					t.Errorf("the secret shows:\n%s", out)
				}
				if tc.want == "" {
					if !strings.Contains(out, "authorizationKey must not contain invisible characters") {
						t.Errorf("not refused:\n%s", out)
					}
					return
				}
				if diags.HasErrors() {
					t.Fatal(out)
				}
				if got := setting(site.Stations[0], "authorizationKey").Value.Canonical(); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
	}
}

// TestEmptySiteFiles: a file that declares nothing is valid with 0
// stations and warns "Empty site file", in both formats alike.
func TestEmptySiteFiles(t *testing.T) {
	tests := []struct{ file, src string }{
		{"a.hcl", ""},
		{"a.hcl", "# stations to come\n"},
		{"a.hcl", "\ufeff\n\n"},
		{"a.yaml", ""},
		{"a.yaml", "# stations to come\n"},
		{"a.yaml", "---\n"},
		{"a.yml", "--- # stations to come\n...\n"},
	}
	for _, tc := range tests {
		t.Run(tc.file+" "+strconv.Quote(tc.src), func(t *testing.T) {
			site, srcs, diags := LoadSiteBytes(filepath.Join(t.TempDir(), tc.file), []byte(tc.src))
			if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Summary != "Empty site file" || diags[0].Subject == nil {
				t.Fatalf("want one warning Empty site file, got:\n%s", RenderDiagnostics(diags, srcs))
			}
			if site == nil || len(site.Stations) != 0 {
				t.Errorf("site %+v, want one of 0 stations", site)
			}
		})
	}
}

// TestYAMLBadCharacterAt: a character yaml.v3's reader refuses is
// reported where it is (yaml.v3 names no line: it was 1:1), in a site file
// as in fmt.
func TestYAMLBadCharacterAt(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
	}{
		{"Latin-1 in a value", "site: s\n\ndescription: caf\xe9 bar\n", 3, 17},
		{"after a multibyte character", "site: s\ndescription: \u00e9\u00e9\xff\n", 2, 16},
		{"cut at the end", "site: s\n# caf\xc3", 2, 6},
		{"control character", "site: s\ndescription: x\n\x01stations: {}\n", 3, 1},
		{"surrogate", "site: s\n\xed\xa0\x80\n", 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, srcs, diags := LoadSiteBytes("a.yaml", []byte(tc.src))
			_, fdiags := FormatSite("a.yaml", []byte(tc.src))
			for _, ds := range []hcl.Diagnostics{diags, fdiags} {
				if len(ds) != 1 || ds[0].Subject == nil {
					t.Fatalf("want one error, got:\n%s", RenderDiagnostics(ds, srcs))
				}
				if s := ds[0].Subject.Start; s.Line != tc.line || s.Column != tc.col {
					t.Errorf("at %d:%d, want %d:%d: %s", s.Line, s.Column, tc.line, tc.col, ds[0].Detail)
				}
			}
		})
	}
}

// TestDecodeDetails covers decoding paths the golden files do not.
func TestDecodeDetails(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", goldenSecret)
	t.Setenv("ECC_TEST_OCPPID", "NLECO42")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "key.txt"), []byte("user:from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, src string
		want            map[string]string // key -> canonical
		secret          string            // key expected to carry a SecretRef
		err             string            // substring of the first error
	}{
		{"hcl functions", "a.hcl", `site "s" {}
station "a" {
  serial = "G1"
  settings {
    com_OCPPID = upper("nleco1")
    com_Endpoint = format("ws.evc.net:%d/#SN#", 80)
    chg_RatedCurrent = join(",", ["16", "16"])
    com_ProtType = "OCPP1.6J"
  }
}`, map[string]string{"com_OCPPID": "NLECO1", "com_Endpoint": "ws.evc.net:80/#SN#", "chg_RatedCurrent": "16,16"}, "", ""},
		{"hcl file secret", "a.hcl", `site "s" {}
station "a" {
  serial = "G1"
  settings {
    com_Options = { useTLS = 1 }
    authorizationKey = file("key.txt")
  }
}`, map[string]string{"authorizationKey": "user:from-file"}, "authorizationKey", ""},
		{"hcl quoted option name", "a.hcl", `site "s" {}
station "a" {
  serial = "G1"
  settings {
    gsm_Options = { "3G4G" = 0, noSmsChk = true }
  }
}`, map[string]string{"gsm_Options": "noSmsChk=1,3G4G=0"}, "", ""},
		{"hcl env in OCPPID", "a.hcl", `site "s" {}
station "a" {
  serial = "G1"
  settings { com_OCPPID = env("ECC_TEST_OCPPID") }
}`, map[string]string{"com_OCPPID": "NLECO42"}, "com_OCPPID", ""},
		{"hcl secret in serial", "a.hcl", `site "s" {}
station "a" { serial = env("ECC_TEST_OCPPID") }`, nil, "", "written literally"},
		{"hcl function error on secret", "a.hcl", `site "s" {}
station "a" {
  serial = "G1"
  settings { chg_MinChargingCurrent = format("%d", env("ECC_AUTH_CP01")) }
}`, nil, "", "not shown"},
		{"hcl two site blocks", "a.hcl", "site \"s\" {}\nsite \"t\" {}\n", nil, "", "already at"},
		{"hcl labels", "a.hcl", "site {}\n", nil, "", "label"},
		{"hcl settings block inside", "a.hcl", "site \"s\" {}\nstation \"a\" {\n serial = \"G1\"\n settings {\n  com_Options {\n  }\n }\n}\n", nil, "", "com_Options = {"},
		{"yaml file secret", "a.yaml", "site: s\nstations:\n  a:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 1}\n      authorizationKey: !file key.txt\n",
			map[string]string{"authorizationKey": "user:from-file"}, "authorizationKey", ""},
		{"yaml numbers and bools", "a.yml", "site: s\nstations:\n  a:\n    serial: 48229\n    settings:\n      gsm_Options: {noSmsChk: true}\n      chg_RatedCurrent: [16, 32]\n      gsm_Oper: 20408\n",
			map[string]string{"gsm_Options": "noSmsChk=1", "chg_RatedCurrent": "16,32", "gsm_Oper": "20408"}, "", ""},
		{"yaml alias", "a.yaml", "site: s\ndefaults:\n  settings: &x\n    chg_MinChargingCurrent: 6\nstations:\n  a:\n    serial: G1\n    settings: *x\n", nil, "", "Aliases"},
		{"yaml two documents", "a.yaml", "site: s\n---\nsite: t\n", nil, "", "one YAML document"},
		{"yaml not a map", "a.yaml", "- a\n- b\n", nil, "", "mapping"},
		{"yaml unknown tag", "a.yaml", "site: s\nstations:\n  a:\n    serial: G1\n    settings:\n      com_OCPPID: !vault x\n", nil, "", "!vault"},
		{"unknown extension", "a.toml", "", nil, "", "HCL (.hcl) or YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(dir, tc.file)
			site, src, diags := LoadSiteBytes(name, []byte(tc.src))
			if tc.err != "" {
				if !diags.HasErrors() {
					t.Fatal("no error")
				}
				out := RenderDiagnostics(diags, src)
				if !strings.Contains(out, tc.err) {
					t.Errorf("errors lack %q:\n%s", tc.err, out)
				}
				if strings.Contains(out, "golden-secret") {
					t.Errorf("secret leaked:\n%s", out)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("%s", RenderDiagnostics(diags, src))
			}
			st := site.Stations[0]
			for k, v := range tc.want {
				s := setting(st, k)
				if s == nil || s.Value.Canonical() != v {
					t.Errorf("%s = %+v, want %q", k, s, v)
				}
			}
			if tc.secret != "" {
				s := setting(st, tc.secret)
				if s == nil || s.Secret == nil || !s.Value.Sensitive() {
					t.Errorf("%s is not marked secret: %+v", tc.secret, s)
				}
			}
		})
	}
}

func TestRenderDiagnostics(t *testing.T) {
	src := Sources{"a.hcl": []byte("x = 1\n\tkey = \"välue\"\n")}
	r := hcl.Range{Filename: "a.hcl", Start: hcl.Pos{Line: 2, Column: 8, Byte: 13}, End: hcl.Pos{Line: 2, Column: 15, Byte: 21}}
	diags := hcl.Diagnostics{
		{Severity: hcl.DiagError, Summary: "Invalid value for key", Detail: "key: must be short.", Subject: &r},
		{Severity: hcl.DiagWarning, Summary: "Something", Detail: "Else."},
		{Severity: hcl.DiagError, Summary: "Cannot read site file", Detail: "no such file.", Subject: &hcl.Range{Filename: "b.hcl"}},
	}
	got := RenderDiagnostics(diags, src)
	want := "a.hcl:2:8: error: Invalid value for key: must be short.\n" +
		"  2 | \tkey = \"välue\"\n" +
		"    | \t      ^~~~~~~\n" +
		"warning: Something: Else.\n" +
		"b.hcl: error: Cannot read site file: no such file.\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var js struct {
		FormatVersion string `json:"format_version"`
		Valid         bool   `json:"valid"`
		ErrorCount    int    `json:"error_count"`
		WarningCount  int    `json:"warning_count"`
		Diagnostics   []struct {
			Severity, Summary, Detail string
			Range                     *struct {
				Filename   string
				Start, End struct{ Line, Column, Byte int }
			}
		}
	}
	if err := json.Unmarshal(RenderDiagnosticsJSON(diags), &js); err != nil {
		t.Fatal(err)
	}
	if js.FormatVersion != "1.0" || js.Valid || js.ErrorCount != 2 || js.WarningCount != 1 || len(js.Diagnostics) != 3 ||
		js.Diagnostics[0].Range == nil || js.Diagnostics[0].Range.Start.Byte != 13 || js.Diagnostics[0].Range.End.Column != 15 ||
		js.Diagnostics[1].Range != nil || js.Diagnostics[1].Severity != "warning" {
		t.Errorf("json: %+v", js)
	}
	var empty map[string]any
	if err := json.Unmarshal(RenderDiagnosticsJSON(nil), &empty); err != nil || empty["valid"] != true || len(empty["diagnostics"].([]any)) != 0 {
		t.Errorf("empty json: %v %v", empty, err)
	}
}

// TestYAMLRanges checks line, column and byte offsets of YAML elements,
// non-ASCII text included.
func TestYAMLRanges(t *testing.T) {
	src := "site: s\ndescription: \"Dépôt\"\nstations:\n  é1:\n    serial: G1\n    settings:\n      com_Options: {Events: 1, useTLS: 2}\n"
	_, _, diags := LoadSiteBytes("r.yaml", []byte(src))
	if len(diags) != 1 {
		t.Fatalf("%v", diags)
	}
	r := diags[0].Subject
	// "useTLS: 2": the value 2 at line 7, column 40.
	wantByte := strings.Index(src, "useTLS: 2") + len("useTLS: ")
	if r.Start.Line != 7 || r.Start.Column != 40 || r.Start.Byte != wantByte || r.End.Byte != wantByte+1 {
		t.Errorf("range %+v, want 7:40 byte %d", r, wantByte)
	}
	d := &yamlDecoder{file: "x", src: []byte(src), lines: []int{0}}
	for i, b := range d.src {
		if b == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	p := d.pos(4, 3) // "é1" after two spaces
	if p.Byte != strings.Index(src, "é1") || d.posAt(p.Byte+len("é1")).Column != 5 {
		t.Errorf("pos %+v", p)
	}
}

// A plain scalar's range is its text as written, when its value is not:
// over two lines (folded into one), substituted (the value then says
// nothing of where it ends, and the scan stopped at a '#' within a word,
// or at the closing brace of ${max}). A secret's rest was left out of
// the range starred.
func TestYAMLPlainRanges(t *testing.T) {
	const head = "substitutions:\n  max: 99\nstations:\n  cp:\n    serial: G1\n    settings:\n"
	for _, tc := range []struct{ value, written string }{
		{"com_OCPPID: first\n        second", "first\n        second"},
		{"com_OCPPID: a#b$${ c", "a#b$${ c"},
		{"chg_StationMaxCurrent: ${max}", "${max}"},
	} {
		src := head + "      " + tc.value + "\n"
		_, _, diags := LoadSiteBytes("r.yaml", []byte(src))
		if len(diags) != 1 || diags[0].Subject == nil {
			t.Fatalf("%q: %v", tc.value, diags)
		}
		r := diags[0].Subject
		if got := src[r.Start.Byte:r.End.Byte]; got != tc.written {
			t.Errorf("%q: range %q, want %q", tc.value, got, tc.written)
		}
	}
}

// TestOverlayAsLayer: a station's settings laid over a ranked base come
// out as layering both does.
func TestOverlayAsLayer(t *testing.T) {
	var keys []string
	for _, k := range Dictionary() {
		if k.Class.Writable() {
			keys = append(keys, k.Name)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(layer string) []Setting {
		var out []Setting
		for _, i := range rng.Perm(len(keys))[:rng.IntN(len(keys))] {
			out = append(out, Setting{Key: keys[i], Layer: layer, Unknown: true})
		}
		return out
	}
	for range 300 {
		base, own := pick("defaults"), pick("station")
		want := layerSettings(base, own)
		got := overlaySettings(ranked(layerSettings(base)), own)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("base %v own %v:\ngot  %v\nwant %v", base, own, got, want)
		}
	}
}

// A YAML syntax error is at the token that breaks the file (goccy's
// position), not at the line of the block around it (yaml.v3's): a key
// mis-indented on line 5 was reported at line 2, column 1.
func TestYAMLSyntaxErrorAt(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"site: t\nstations:\n  cp-01:\n    serial: G48229\n   model: EVC5.x\n", "s.yaml:5:4: error: Invalid YAML: value is not allowed in this context (is this line indented as the lines of its block?)."},
		{"stations: {cp: {serial: G1}\n", "s.yaml:1:11: error: Invalid YAML"},
		{"stations:\n\tcp: {}\n", "s.yaml:2:1: error: Invalid YAML: found character '\\t' that cannot start any token (YAML indents with spaces, not tabs)."},
		{"site: x\n---\nstations: [\n", "s.yaml:3:11: error: Invalid YAML"},
	} {
		_, src, diags := LoadSiteBytes("s.yaml", []byte(tc.src))
		if got := RenderDiagnostics(diags, src); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q:\n got %s\nwant %s...", tc.src, got, tc.want)
		}
	}
}

// TestRenderAfterBOM: the byte order mark a Windows editor writes is not
// quoted as a character of line 1, so the marker stays under its text
// (it printed an invisible U+FEFF, and the marker one column right).
func TestRenderAfterBOM(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"bom.hcl", "\ufeffstation \"\" {\n  serial = \"G2\"\n}\n", "  1 | station \"\" {\n    |         ^~\n"},
		{"bom.yaml", "\ufeffstations:\n  \"\":\n    serial: G2\n", "  2 |   \"\":\n    |   ^~\n"},
		// On line 1 of YAML too: the decoder's line 1 starts after the mark.
		{"line1.yaml", "\ufeffstation:\n  a: {serial: G1}\n", "  1 | station:\n    | ^~~~~~~\n"},
	} {
		name, want := tc.name, tc.want
		_, srcs, diags := LoadSiteBytes(name, []byte(tc.src))
		if got := RenderDiagnostics(diags, srcs); !strings.Contains(got, want) {
			t.Errorf("%s: got\n%s\nwant it to hold\n%s", name, got, want)
		}
	}
}
