package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ecotap-tools/ecc/internal/fleetgen"
)

// ghCommentLimit is the most characters GitHub takes in a comment's body
// ("Body is too long (maximum is 65536 characters)").
const ghCommentLimit = 65536

// TestReviewCommentBody: what the kit posts as the plan comment, in each
// of its forms. A plan of a large fleet (400 stations with a change each:
// 100 KB of markdown) is cut to what a comment holds, at a station's
// boundary, with every fold closed and a pointer to the whole plan, kept
// as review/plan-full.md; before, the comment step failed and the pull
// request kept the previous push's comment. A change whose files do not
// validate replaces the plan comment by one that says so, instead of
// leaving the previous push's plan standing as if it were current.
func TestReviewCommentBody(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the kit's script is bash")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	for _, tc := range []struct {
		name   string
		fleet  func(t *testing.T, dir string)
		code   int
		want   []string
		full   bool // review/plan-full.md holds the whole plan
		sliced bool
		env    []string
	}{
		{"large fleet", func(t *testing.T, dir string) {
			if _, err := fleetgen.Write(dir, fleetgen.Spec{Files: 4, Stations: 100, Form: fleetgen.YAML, Snapshots: true}); err != nil {
				t.Fatal(err)
			}
		}, 0, []string{"**Plan: 400 stations, 400 changes", "more than a comment holds", "review/plan-full.md in the job's artifacts"}, true, true,
			[]string{"ECC_SUMMARY_LIMIT=20000"}},
		{"small fleet", func(t *testing.T, dir string) {
			if _, err := fleetgen.Write(dir, fleetgen.Spec{Files: 1, Stations: 3, Form: fleetgen.HCL, Snapshots: true}); err != nil {
				t.Fatal(err)
			}
		}, 0, []string{"**Plan: 3 stations, 3 changes", "cp-000002"}, false, false, nil},
		{"invalid file", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "bad.hcl"), []byte("station \"a\" {\n  serial = \"G1\"\n  settings { chg_StationMaxCurent = 1 }\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, 1, []string{"do not validate"}, false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for kit, run := range ciKits {
				t.Run(kit, func(t *testing.T) {
					repo := t.TempDir()
					sites := filepath.Join(repo, "sites")
					if err := os.MkdirAll(sites, 0o755); err != nil {
						t.Fatal(err)
					}
					tc.fleet(t, sites)
					out, code := run(t, repo, "sites/", append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + repo}, tc.env...))
					if code != tc.code {
						t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
					}
					data, err := os.ReadFile(filepath.Join(repo, "review", "plan.md"))
					if err != nil {
						t.Fatalf("no comment body: %v\n%s", err, out)
					}
					body := string(data)
					if n := utf8.RuneCountInString(body); n > ghCommentLimit {
						t.Errorf("the comment body is %d characters, more than GitHub takes (%d)", n, ghCommentLimit)
					}
					if !strings.HasPrefix(body, "<!-- ecc-plan -->\n") {
						t.Errorf("no marker on the first line:\n%.200s", body)
					}
					for _, w := range tc.want {
						if !strings.Contains(body, w) {
							t.Errorf("no %q in the comment:\n%.300s\n...\n%s", w, body, body[max(0, len(body)-300):])
						}
					}
					if o, c := strings.Count(body, "<details>"), strings.Count(body, "</details>"); o != c {
						t.Errorf("%d folds opened, %d closed", o, c)
					}
					full, err := os.ReadFile(filepath.Join(repo, "review", "plan-full.md"))
					if tc.full != (err == nil) {
						t.Errorf("plan-full.md: %v, want it %v", err, tc.full)
					}
					if tc.sliced && (len(full) <= len(body) || !strings.HasPrefix(string(full), strings.SplitAfter(body, "</details>\n")[0])) {
						t.Errorf("the comment is not the whole plan's beginning")
					}
					// The status, the job summary: cut to ECC_SUMMARY_LIMIT
					// (GitHub takes 1 MiB) with its closing count kept.
					if tc.code != 0 {
						return
					}
					status, _ := os.ReadFile(filepath.Join(repo, "review", "status.md"))
					_, errFull := os.ReadFile(filepath.Join(repo, "review", "status-full.md"))
					if tc.sliced {
						if len(status) > 20000 || errFull != nil || !strings.Contains(string(status), "the whole status is review/status-full.md") ||
							!strings.HasSuffix(string(status), "\n400 stations: 400 drifting, 0 to commission, 0 blocked.\n") {
							t.Errorf("status of %d bytes (%v), ending:\n%s", len(status), errFull, status[max(0, len(status)-400):])
						}
					} else if errFull == nil || strings.Contains(string(status), "not shown here") {
						t.Errorf("a short status was cut:\n%s", status)
					}
				})
			}
		})
	}
}
