package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
)

// TestSavedPlanSiteNoLongerLoads: apply PLAN whose site file does not load
// now prints the file's diagnostics as every command prints them
// (FILE:LINE:COL: error: ... with the source line), exits 1 before any
// station is reached, and says what to do for the cause: a secret's
// missing environment variable or file is set again and the plan applied
// (it still holds); a file changed since is fixed and planned again.
// Before, the station was refused with HCL's raw "FILE:46,29-49: ..." in
// parentheses and "plan again" whatever the cause. With --format json the
// diagnostics are also one "diagnostics" event on stdout, as validate
// --format json writes them (they were text on stderr only).
func TestSavedPlanSiteNoLongerLoads(t *testing.T) {
	const site = "station \"cp-01\" {\n  serial = \"G48229\"\n  port   = \"/dev/null-ecc-test\"\n  settings {\n    chg_StationMaxCurrent = 20\n    com_Options           = { useTLS = 1 }\n    authorizationKey      = %s\n  }\n}\n"
	for _, c := range []struct {
		name   string
		secret string           // the authorizationKey expression
		change func(dir string) // what changes after the plan
		line   int              // of the first error
		want   []string
		not    []string
	}{
		{"environment variable unset", `env("ECC_TEST_SAVED_AUTH")`,
			func(string) { os.Unsetenv("ECC_TEST_SAVED_AUTH") }, 7,
			[]string{"site.hcl:7:29: error: Missing environment variable: env(\"ECC_TEST_SAVED_AUTH\")", "\n  7 |     authorizationKey      = env(", "set the environment variable or restore the file named above, then apply the plan again", "nothing sent"},
			[]string{"fix it", ",29-"}},
		{"secret file gone", `file("auth.txt")`,
			func(dir string) { os.Remove(filepath.Join(dir, "auth.txt")) }, 7,
			[]string{"site.hcl:7:29: error: Missing file", "restore the file named above", "nothing sent"},
			[]string{"fix it"}},
		{"site file changed", `env("ECC_TEST_SAVED_AUTH")`,
			func(dir string) {
				f, _ := os.OpenFile(filepath.Join(dir, "site.hcl"), os.O_APPEND|os.O_WRONLY, 0)
				f.WriteString("station \"cp-02\" {\n  serial = 7\n")
				f.Close()
			}, 10,
			[]string{"site.hcl:10:", ": error: ", "no longer loads", "fix it and plan again", "nothing sent"},
			[]string{"set the environment variable"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("ECC_TEST_SAVED_AUTH", "ECOTAP-1802500:saved-site")
			if err := os.WriteFile(filepath.Join(dir, "auth.txt"), []byte("ECOTAP-1802500:saved-site"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "site.hcl"), []byte(strings.Replace(site, "%s", c.secret, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			if _, errOut, code := runECC(t, "plan", "site.hcl", "--offline", "-out", "p.plan"); code != 0 {
				t.Fatalf("plan -out: exit %d: %s", code, errOut)
			}
			c.change(dir)
			for _, format := range []string{"text", "json"} {
				out, errOut, code := runECC(t, "apply", "p.plan", "--auto-approve", "--format", format)
				if code != 1 {
					t.Errorf("%s: exit %d, want 1", format, code)
				}
				for _, w := range c.want {
					if !strings.Contains(errOut, w) {
						t.Errorf("%s: stderr lacks %q", format, w)
					}
				}
				for _, n := range append(c.not, "null-ecc-test", "station \"cp-01\"", "saved-site") {
					if strings.Contains(out+errOut, n) {
						t.Errorf("%s: output has %q", format, n)
					}
				}
				if format == "json" {
					checkDiagnosticsEvent(t, out, "site.hcl", c.line)
				}
				if t.Failed() {
					t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
				}
			}
		})
	}
}

// checkDiagnosticsEvent checks that stdout is JSON lines, one of them the
// "diagnostics" event, at level error, with an error in file at line as
// validate --format json writes it.
func checkDiagnosticsEvent(t *testing.T, stdout, file string, line int) {
	t.Helper()
	found := 0
	for l := range strings.Lines(stdout) {
		var e struct {
			Level       string                 `json:"@level"`
			Type        string                 `json:"type"`
			Diagnostics []model.JSONDiagnostic `json:"diagnostics"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Errorf("stdout line %q: %v", l, err)
			continue
		}
		if e.Type != apply.EvDiagnostics {
			continue
		}
		found++
		if e.Level != apply.LevelError || !slices.ContainsFunc(e.Diagnostics, func(d model.JSONDiagnostic) bool {
			return d.Severity == "error" && d.Summary != "" && d.Range != nil && d.Range.Filename == file && d.Range.Start.Line == line
		}) {
			t.Errorf("diagnostics event: %s", l)
		}
	}
	if found != 1 {
		t.Errorf("%d diagnostics events, want 1", found)
	}
}
