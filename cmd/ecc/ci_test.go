package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// The secrets of the sample fleet: they must never reach the state.
const (
	ciAuthSecret = "cp01:Tr1cky-S3cret"
	ciAPNPass    = "ApnPa55w0rd"
)

const ciSite = `site "depot" {}

station "cp-01" {
  serial = "G48229"
  model  = "EVC5.x"
  settings {
    chg_StationMaxCurrent = 25
    com_Options           = { useTLS = 1 }
    authorizationKey      = env("ECC_AUTH_CP01")
    gsm_APN               = { name = "m2m.example", user = "fleet", password = env("ECC_APN_PW") }
  }
}
`

// TestReviewInCI runs the CI kit's steps (docs/ci/ecc-review.sh alone, and
// the steps of the GitHub workflow and the GitLab job, with the real
// binary) on a sample fleet repository in a temporary git repository:
// an installer applies on site (against the simulator) and commits the
// state; then pull requests are reviewed with no secret in the
// environment. It also checks the state an apply writes: no secret, no
// password, no sha256 fingerprint (an old one is read, then rewritten),
// and that restore uses plan's state directory.
func TestReviewInCI(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the simulator's pseudo-terminal and the bash script are Unix")
	}
	for _, tool := range []string{"bash", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	bin := ecctest.Binary(t)
	repo := t.TempDir()
	state := filepath.Join(repo, "fleet", ".ecc")
	noSecrets := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + repo,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	withSecrets := append(append([]string{}, noSecrets...), "ECC_AUTH_CP01="+ciAuthSecret, "ECC_APN_PW="+ciAPNPass)
	run := func(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		code, err := ecctest.ExitCode(cmd.Run())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out.String(), code
	}
	must := func(t *testing.T, env []string, name string, args ...string) string {
		t.Helper()
		out, code := run(t, repo, env, name, args...)
		if code != 0 {
			t.Fatalf("%s %s: exit %d\n%s", name, strings.Join(args, " "), code, out)
		}
		return out
	}
	write := func(t *testing.T, rel, content string) {
		t.Helper()
		p := filepath.Join(repo, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	must(t, noSecrets, "git", "init", "-q", "-b", "main")
	write(t, "fleet/depot.hcl", ciSite)

	// A state directory of an earlier ecc: a salt and a sha256 fingerprint
	// of the authorizationKey it wrote.
	salt := []byte("0123456789abcdef0123456789abcdef")
	sum := sha256.Sum256(append(append([]byte{}, salt...), ciAuthSecret...))
	write(t, "fleet/.ecc/salt", string(salt))
	write(t, "fleet/.ecc/snapshots/G48229.json", `{"serial": "G48229", "model": "EVC5.1", "firmware": "V32R16",
  "observed_at": "2026-01-01T00:00:00Z", "values": {}, "hashes": {"authorizationKey": "sha256:`+hex.EncodeToString(sum[:])+`"}}`)

	// On site: the installer applies with the secrets at hand.
	tty := filepath.Join(t.TempDir(), "tty")
	sim := exec.Command(bin, "sim", "--link", tty, "--state", filepath.Join(t.TempDir(), "controller.json"),
		"--model", "EVC5.1", "--serial", "G48229", "--firmware", "V32R16")
	var simLog bytes.Buffer
	sim.Stdout, sim.Stderr = &simLog, &simLog
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Process.Kill(); sim.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(tty); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	out := must(t, withSecrets, bin, "apply", "fleet/depot.hcl", "--port", tty, "--auto-approve")
	if strings.Contains(out, "authorizationKey") {
		t.Errorf("apply wrote authorizationKey again although the old fingerprint matches:\n%s", out)
	}
	checkState(t, state, true)

	// The installer commits what .ecc/.gitignore lets through: snapshots.
	must(t, noSecrets, "git", "add", "-A")
	staged := must(t, noSecrets, "git", "diff", "--cached", "--name-only")
	for _, f := range strings.Fields(staged) {
		if strings.HasPrefix(f, "fleet/.ecc/") && f != "fleet/.ecc/.gitignore" && !strings.HasPrefix(f, "fleet/.ecc/snapshots/") {
			t.Errorf("%s would be committed", f)
		}
	}
	if !strings.Contains(staged, "fleet/.ecc/snapshots/G48229.json") {
		t.Fatalf("the snapshot is not committed:\n%s", staged)
	}
	must(t, noSecrets, "git", "commit", "-q", "-m", "cp-01 applied on site")

	// Pull requests, reviewed as CI does: a fresh clone, no secret.
	type pr struct {
		name, file, content string
		code                int
		want, wantOut       []string
		wantText            []string // wantOut with text diagnostics (the GitLab job)
	}
	for _, tc := range []pr{
		{"value changed", "fleet/depot.hcl", strings.Replace(ciSite, "chg_StationMaxCurrent = 25", "chg_StationMaxCurrent = 20", 1), 0,
			[]string{"<!-- ecc-plan -->", "`chg_StationMaxCurrent` | `25` | `20`", "*(known at apply)*"}, nil, nil},
		{"station added", "fleet/depot.hcl", ciSite + `
station "cp-02" {
  serial = "G48230"
  settings { chg_StationMaxCurrent = 16 }
}
`, 0, []string{"to commission", "`chg_StationMaxCurrent` |  | `16`"}, nil, nil},
		{"no site change, no secret", "README.md", "the fleet\n", 0,
			[]string{"0 changes", "2 values known at apply", "`authorizationKey` |  | *(known at apply)*"}, nil, nil},
		{"invalid file", "fleet/depot.hcl", strings.Replace(ciSite, "chg_StationMaxCurrent = 25", "chg_StationMaxCurent = 25", 1), 1,
			nil, []string{"::error file=fleet/depot.hcl,line=7,col=5"}, []string{"fleet/depot.hcl:7:5: error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, noSecrets, "git", "checkout", "-q", "-B", "pr", "main")
			write(t, tc.file, tc.content)
			must(t, noSecrets, "git", "add", "-A")
			must(t, noSecrets, "git", "commit", "-q", "-m", tc.name)
			for kit, run := range ciKits {
				t.Run(kit, func(t *testing.T) {
					clone := t.TempDir()
					must(t, noSecrets, "git", "clone", "-q", "-b", "pr", repo, clone)
					out, code := run(t, clone, "fleet/", noSecrets)
					if code != tc.code {
						t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
					}
					plan, _ := os.ReadFile(filepath.Join(clone, "review", "plan.md"))
					for _, w := range tc.want {
						if !strings.Contains(string(plan), w) {
							t.Errorf("no %q in the plan:\n%s", w, plan)
						}
					}
					wantOut := tc.wantOut
					if kit == "gitlab" {
						wantOut = tc.wantText
					}
					for _, w := range wantOut {
						if !strings.Contains(out, w) {
							t.Errorf("no %q in the output:\n%s", w, out)
						}
					}
					if tc.code == 0 {
						status, _ := os.ReadFile(filepath.Join(clone, "review", "status.md"))
						if !strings.Contains(string(status), "| cp-01 | G48229 |") {
							t.Errorf("status:\n%s", status)
						}
					}
				})
			}
		})
	}

	// restore shares the site's state directory (the backup's), from any
	// working directory.
	backups, _ := filepath.Glob(filepath.Join(state, "backups", "G48229", "*.json"))
	if len(backups) != 1 {
		t.Fatalf("backups after apply: %v", backups)
	}
	must(t, withSecrets, bin, "restore", "--port", tty, "--backup", backups[0], "--auto-approve")
	if _, err := os.Stat(filepath.Join(repo, ".ecc")); err == nil {
		t.Error("restore made a state directory of its own in the working directory")
	}
	if after, _ := filepath.Glob(filepath.Join(state, "backups", "G48229", "*.json")); len(after) < 2 {
		t.Errorf("restore took no backup in the site's state directory: %v", after)
	}
	checkState(t, state, false) // the restored values have no password
}

// checkState fails on a secret, a password or a sha256 fingerprint in any
// file of the state directory but the legacy salt; with fingerprints, the
// snapshot holds argon2id ones for both secrets of the sample site.
func checkState(t *testing.T, dir string, fingerprints bool) {
	t.Helper()
	n := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || filepath.Base(p) == "salt" {
			return err
		}
		data, _ := os.ReadFile(p)
		for _, bad := range []string{ciAuthSecret, "Tr1cky", ciAPNPass, "sha256:"} {
			if strings.Contains(string(data), bad) {
				t.Errorf("%s holds %q:\n%s", p, bad, data)
			}
		}
		n++
		return nil
	})
	if !fingerprints {
		return
	}
	var snap struct{ Hashes map[string]string }
	data, _ := os.ReadFile(filepath.Join(dir, "snapshots", "G48229.json"))
	if err := json.Unmarshal(data, &snap); err != nil || !strings.HasPrefix(snap.Hashes["authorizationKey"], "$argon2id$") ||
		!strings.HasPrefix(snap.Hashes["gsm_APN"], "$argon2id$") {
		t.Errorf("snapshot fingerprints: %v %v", snap.Hashes, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitignore")); err != nil {
		t.Error("no .gitignore in the state directory")
	}
}
