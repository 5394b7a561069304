package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSavedPlanSiteNoLongerLoads: apply PLAN whose site file does not load
// now prints the file's diagnostics as every command prints them
// (FILE:LINE:COL: error: ... with the source line), exits 1 before any
// station is reached, and says what to do for the cause: a secret's
// missing environment variable or file is set again and the plan applied
// (it still holds); a file changed since is fixed and planned again.
// Before, the station was refused with HCL's raw "FILE:46,29-49: ..." in
// parentheses and "plan again" whatever the cause.
func TestSavedPlanSiteNoLongerLoads(t *testing.T) {
	const site = "station \"cp-01\" {\n  serial = \"G48229\"\n  port   = \"/dev/null-ecc-test\"\n  settings {\n    chg_StationMaxCurrent = 20\n    com_Options           = { useTLS = 1 }\n    authorizationKey      = %s\n  }\n}\n"
	for _, c := range []struct {
		name   string
		secret string           // the authorizationKey expression
		change func(dir string) // what changes after the plan
		want   []string
		not    []string
	}{
		{"environment variable unset", `env("ECC_TEST_SAVED_AUTH")`,
			func(string) { os.Unsetenv("ECC_TEST_SAVED_AUTH") },
			[]string{"site.hcl:7:29: error: Missing environment variable: env(\"ECC_TEST_SAVED_AUTH\")", "\n  7 |     authorizationKey      = env(", "set the environment variable or restore the file named above, then apply the plan again", "nothing sent"},
			[]string{"fix it", ",29-"}},
		{"secret file gone", `file("auth.txt")`,
			func(dir string) { os.Remove(filepath.Join(dir, "auth.txt")) },
			[]string{"site.hcl:7:29: error: Missing file", "restore the file named above", "nothing sent"},
			[]string{"fix it"}},
		{"site file changed", `env("ECC_TEST_SAVED_AUTH")`,
			func(dir string) {
				f, _ := os.OpenFile(filepath.Join(dir, "site.hcl"), os.O_APPEND|os.O_WRONLY, 0)
				f.WriteString("station \"cp-02\" {\n  serial = 7\n")
				f.Close()
			},
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
			out, errOut, code := runECC(t, "apply", "p.plan", "--auto-approve")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q", w)
				}
			}
			for _, n := range append(c.not, "null-ecc-test", "station \"cp-01\"", "saved-site") {
				if strings.Contains(out+errOut, n) {
					t.Errorf("output has %q", n)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", out, errOut)
			}
		})
	}
}
