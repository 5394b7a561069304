package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedPlanVersion: a saved plan records the ecc that made it
// (ecc_version, as Terraform's plan records terraform_version), and apply
// refuses a plan saved by another ecc, or by one from before the field,
// before anything is sent: the dictionary, the value meanings and the
// rules the plan was computed with may differ. Before, any plan of the
// same format_version was applied.
func TestSavedPlanVersion(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "depot.hcl")
	if err := os.WriteFile(site, []byte("station \"cp-01\" {\n  serial = \"G48229\"\n  port = \"/dev/null-ecc-test\"\n  settings { chg_StationMaxCurrent = 20 }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "plan.out")
	if _, errOut, code := runECC(t, "plan", site, "--offline", "-out", saved); code != 0 {
		t.Fatalf("plan -out: exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	this := readBuildInfo().Version
	if p["ecc_version"] != this {
		t.Fatalf("ecc_version %v, want %q", p["ecc_version"], this)
	}
	for _, tc := range []struct {
		name    string
		version any // nil: the field removed
		want    string
	}{
		{"another version", "v0.9.0", "saved by ecc v0.9.0; this is ecc " + this},
		{"before the field", nil, "saved by an earlier ecc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.version == nil {
				delete(p, "ecc_version")
			} else {
				p["ecc_version"] = tc.version
			}
			b, _ := json.Marshal(p)
			path := filepath.Join(t.TempDir(), "plan.out")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, errOut, code := runECC(t, "apply", path, "--auto-approve")
			if code != 1 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "plan again") {
				t.Errorf("apply: exit %d, want 1 and %q:\n%s", code, tc.want, errOut)
			}
			if strings.Contains(errOut, "null-ecc-test") {
				t.Errorf("apply went as far as the port:\n%s", errOut)
			}
		})
	}
}
