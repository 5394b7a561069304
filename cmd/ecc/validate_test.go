package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// runECC runs a fresh command tree with args, as main does, and returns
// stdout, stderr and the exit code.
func runECC(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestValidate(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderr     string
		jsonValid  *bool
		jsonErrors int
	}{
		{"example hcl", []string{"validate", "../../sites/depot.hcl"}, 0, "../../sites/depot.hcl: valid, 5 stations\n", "", nil, 0},
		{"example yaml", []string{"validate", "../../sites/depot.yaml"}, 0, "../../sites/depot.yaml: valid, 5 stations\n", "", nil, 0},
		{"secret in clear", []string{"validate", "../../testdata/secrets/in-clear.hcl"}, 0, "../../testdata/secrets/in-clear.hcl: valid, 1 station (1 warning above)\n", "warning: Secret written in clear", nil, 0},
		{"same stations twice", []string{"validate", "../../sites/depot.hcl", "../../sites/depot.yaml"}, 1,
			"", `../../sites/depot.yaml:27:13: error: Duplicate serial: Serial "G48229" of station "cp-01" is also used by station "cp-01" at ../../sites/depot.hcl:36:12`, nil, 0},
		{"invalid", []string{"validate", "../../sites/depot.hcl", "../../testdata/sites/range-int.hcl"}, 1,
			"", "../../testdata/sites/range-int.hcl:6:35: error: Invalid value for chg_MinChargingCurrent", nil, 0},
		{"missing file", []string{"validate", "nope.hcl"}, 1, "", "nope.hcl:1:1: error: Cannot read site file", nil, 0},
		{"json valid", []string{"validate", "--format", "json", "../../sites/depot.yaml"}, 0, `"valid": true`, "", ptr(true), 0},
		{"json invalid", []string{"validate", "--format=json", "../../testdata/sites/range-int.hcl"}, 1, `"filename": "../../testdata/sites/range-int.hcl"`, "", ptr(false), 3},
		{"bad format", []string{"validate", "--format", "xml", "../../sites/depot.yaml"}, 1, "", "", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runECC(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stdout %q (want %q)\nstderr %q (want %q)", out, tc.stdout, errOut, tc.stderr)
			}
			if strings.Contains(out+errOut, "cmd-secret") {
				t.Error("secret in output")
			}
			if tc.jsonValid != nil {
				var v struct {
					Valid       bool  `json:"valid"`
					ErrorCount  int   `json:"error_count"`
					Diagnostics []any `json:"diagnostics"`
				}
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatalf("%v: %s", err, out)
				}
				if v.Valid != *tc.jsonValid || v.ErrorCount != tc.jsonErrors || len(v.Diagnostics) != tc.jsonErrors {
					t.Errorf("json %+v", v)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestValidateWarningsCounted: the per-file line counts the warnings shown
// above and, apart, those folded into "N more ... not shown" (more than 3
// alike): "(6 warnings above)" stood under 3 shown.
func TestValidateWarningsCounted(t *testing.T) {
	clear := func(n int) string { // n stations, each with a secret in clear
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "station \"s%d\" {\n  serial = \"S%d\"\n  settings {\n    authorizationKey = \"ECOTAP-1:x%d\"\n    com_Options = { useTLS = 1 }\n  }\n}\n", i, i, i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name  string
		files []string // site files' contents, a.hcl, b.hcl...
		want  string
	}{
		{"under the fold", []string{clear(2)}, "a.hcl: valid, 2 stations (2 warnings above)\n"},
		{"folded", []string{clear(6)}, "a.hcl: valid, 6 stations (3 warnings above, 3 more warnings not shown)\n"},
		{"folded in the second file", []string{clear(3), strings.NewReplacer("\"S", "\"T", "\"s", "\"t").Replace(clear(4))},
			"a.hcl: valid, 3 stations (3 warnings above)\nb.hcl: valid, 4 stations (4 more warnings not shown)\nValid: 2 site files, 7 stations.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			args := []string{"validate"}
			for i, body := range tc.files {
				name := string(rune('a'+i)) + ".hcl"
				if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, name)
			}
			out, errOut, code := runECC(t, args...)
			if code != 0 || out != tc.want {
				t.Errorf("exit %d, stdout %q, want %q\n%s", code, out, tc.want, errOut)
			}
		})
	}
}

// TestValidateGitHubBinary: --format github through the real binary: one
// ::error line per diagnostic on stdout, nothing on stderr, exit 1, with
// the runner's escaping of a file name (',' ':' '%'); a valid file prints
// nothing and exits 0. (Messages with newlines: model's unit test.)
func TestValidateGitHubBinary(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "depot,north:50%.hcl")
	if err := os.WriteFile(bad, []byte("station \"cp-01\" {\n  serial = \"G1\"\n  settings {\n    chg_StationMaxCurrent = 99\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, nil, "validate", "--format", "github", bad)
	esc := strings.NewReplacer("%", "%25", ",", "%2C", ":", "%3A").Replace(bad)
	if code != 1 || errOut != "" || !strings.HasPrefix(out, "::error file="+esc+",line=4,col=29,") ||
		strings.Count(out, "\n") != 1 || !strings.Contains(out, "::Invalid value for chg_StationMaxCurrent") {
		t.Errorf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	out, errOut, code = runBinary(t, nil, "validate", "--format", "github", "--no-secrets", "../../sites/depot.hcl")
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("valid: exit %d %q %q", code, out, errOut)
	}
}

// TestPlanJSONOfInvalidSiteFiles: `plan --format json` of site files that
// do not validate still prints a plan document (no stations, the
// diagnostics), valid against the schema, and exits 1 having read
// nothing: a pipeline reading the JSON got nothing at all. A plan with
// warnings carries them beside its stations.
func TestPlanJSONOfInvalidSiteFiles(t *testing.T) {
	stdout, stderr, code := runECC(t, "plan", "--offline", "--format", "json", "../../testdata/sites/range-int.hcl")
	if code != 1 || !strings.Contains(stderr, "range-int.hcl:6:35: error:") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	ecctest.ValidatePlanJSON(t, []byte(stdout))
	var p struct {
		Stations    []any `json:"stations"`
		Diagnostics []struct {
			Severity, Summary string
			Range             struct{ Filename string }
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if p.Stations == nil || len(p.Stations) != 0 || len(p.Diagnostics) == 0 || p.Diagnostics[0].Severity != "error" ||
		!strings.HasSuffix(p.Diagnostics[0].Range.Filename, "range-int.hcl") {
		t.Fatalf("plan of invalid files: %s", stdout)
	}

	dir := t.TempDir()
	stdout, _, code = runECC(t, "plan", "--offline", "--format", "json", "--state-dir", dir, "../../testdata/secrets/in-clear.hcl")
	if code != 0 || !strings.Contains(stdout, `"severity": "warning"`) || !strings.Contains(stdout, "Secret written in clear") {
		t.Fatalf("exit %d, warnings not in the plan:\n%s", code, stdout)
	}
	ecctest.ValidatePlanJSON(t, []byte(stdout))
}
