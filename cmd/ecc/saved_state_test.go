package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// TestSavedPlanStateDir: a saved plan records the --state-dir it was made
// with (relative, as given), and apply PLAN uses it: the backup, the
// snapshot and the secret's fingerprint go where the plan read, so that
// the plan right after is empty; an offline plan's fingerprint (from that
// directory's snapshot) matches the controller. Before, apply used .ecc
// beside the site file: the next plan showed + authorizationKey, and an
// offline plan was refused as stale. Another --state-dir given with the
// plan is refused, nothing sent; a plan from before the field takes the
// flag as it did.
func TestSavedPlanStateDir(t *testing.T) {
	ecctest.Binary(t) // built before the simulator runs
	dir := t.TempDir()
	var trace ecctest.Buffer
	inst := simtest.PTY(t, sim.Options{
		StateFile: filepath.Join(dir, "sim.json"), Trace: &trace,
		BootDelay: 20 * time.Millisecond, BannerLineDelay: sim.NoDelay, SaveDelay: 30 * time.Millisecond,
		LogNoiseInterval: sim.NoDelay, Seed: 5,
	})
	writeSite := func(current int) {
		t.Helper()
		body := fmt.Sprintf("station \"cp-01\" {\n  serial = %q\n  port = %q\n  settings {\n    chg_StationMaxCurrent = %d\n    com_Options = { useTLS = 1 }\n    authorizationKey = env(\"ECC_AUTH_CP01\")\n  }\n}\n",
			sim.DefaultSerial, inst.Path, current)
		if err := os.WriteFile(filepath.Join(dir, "sec.hcl"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"ECC_AUTH_CP01=ECOTAP-1802500:state-dir", "ECC_STATE_DIR="}
	// Plans are made in dir with relative paths, as a user types them;
	// applied from elsewhere (the test's folder).
	t.Chdir(dir)
	sets := func() int { return strings.Count(trace.String(), `"op":"set"`) }

	writeSite(20)
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--state-dir", "sX", "-out", "d.plan"); code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, out, errOut)
	}
	data, _ := os.ReadFile("d.plan")
	var head struct {
		StateDir *string `json:"state_dir"`
	}
	if err := json.Unmarshal(data, &head); err != nil || head.StateDir == nil || *head.StateDir != "sX" {
		t.Fatalf("state_dir %v (%v), want \"sX\" as given", head.StateDir, err)
	}
	t.Chdir(t.TempDir())
	plan := filepath.Join(dir, "d.plan")
	if out, errOut, code := runBinary(t, env, "show", plan); code != 0 || !strings.Contains(out, "State directory: sX (") {
		t.Errorf("show: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runBinary(t, env, "apply", plan, "--auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".ecc")); err == nil {
		t.Error("apply wrote .ecc beside the site file")
	}
	if b, _ := filepath.Glob(filepath.Join(dir, "sX", "backups", "*", "*.json")); len(b) != 1 {
		t.Errorf("backups in sX: %v", b)
	}
	t.Chdir(dir)
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--state-dir", "sX", "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after apply: exit %d, want 0 (empty)\n%s%s", code, out, errOut)
	}

	// Offline, from sX's snapshot, applied on the cable.
	writeSite(21)
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--offline", "--state-dir", "sX", "-out", "o.plan"); code != 0 {
		t.Fatalf("plan --offline -out: exit %d\n%s%s", code, out, errOut)
	}
	before := sets()
	for _, c := range []struct {
		name, stateDir, want string
	}{
		{"another --state-dir", "sY", "the plan was made with --state-dir sX"},
		{"the default's", ".ecc", "the plan was made with --state-dir sX"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runBinary(t, env, "apply", "o.plan", "--state-dir", c.stateDir, "--auto-approve")
			if code != 1 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "nothing sent") || sets() != before {
				t.Errorf("exit %d, %d sets\n%s%s", code, sets()-before, out, errOut)
			}
		})
	}
	// Not refused as stale: its fingerprint is sX's.
	if out, errOut, code := runBinary(t, env, "apply", "o.plan", "--port", inst.Path, "--auto-approve"); code != 0 {
		t.Fatalf("apply of the offline plan: exit %d\n%s%s", code, out, errOut)
	}
	if got := inst.State().Values["chg_StationMaxCurrent"]; got != "21" {
		t.Errorf("chg_StationMaxCurrent %q, want 21", got)
	}

	// The same directory, named otherwise, is no other; ECC_STATE_DIR is
	// a default, not a request.
	writeSite(22)
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--state-dir", "sX", "-out", "n.plan"); code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runBinary(t, append(env, "ECC_STATE_DIR=elsewhere"), "apply", "n.plan", "--state-dir", filepath.Join(dir, "sX"), "--auto-approve"); code != 0 {
		t.Fatalf("apply with sX as an absolute path: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--state-dir", "sX", "--detailed-exitcode"); code != 0 {
		t.Errorf("plan after apply: exit %d, want 0 (empty)\n%s%s", code, out, errOut)
	}

	// A plan from before the field: --state-dir as it was.
	writeSite(23)
	if out, errOut, code := runBinary(t, env, "plan", "sec.hcl", "--state-dir", "sX", "-out", "old.plan"); code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, out, errOut)
	}
	var p map[string]any
	data, _ = os.ReadFile("old.plan")
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	delete(p, "state_dir")
	data, _ = json.Marshal(p)
	if err := os.WriteFile("old.plan", data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runBinary(t, env, "apply", "old.plan", "--state-dir", "sX", "--auto-approve"); code != 0 {
		t.Fatalf("apply of a plan without state_dir: exit %d\n%s%s", code, out, errOut)
	}
	if b, _ := filepath.Glob(filepath.Join(dir, "sX", "backups", "*", "*.json")); len(b) != 4 {
		t.Errorf("backups in sX: %v", b)
	}
}
