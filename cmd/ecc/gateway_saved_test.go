package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

// TestGatewayAppliesAnOfflinePlan: the plan a pull request's review saved
// offline (from the committed snapshots) is applied to the fleet through
// the gateway, each station found by its serial, as `ecc apply FILE
// --gateway` finds them, whether its site file names no port or the
// cable's the installer used; a station the gateway does not hold is
// reported as not reachable, and the others go on. Before, --gateway was
// refused with a saved plan, and without it every station failed with "no
// port given"; then it was refused for a plan whose site file gave ports
// (the README's own sites/depot.hcl).
func TestGatewayAppliesAnOfflinePlan(t *testing.T) {
	g := startGateway(t)
	cps := stations(t, g, 2, nil)
	dir := t.TempDir()
	site := filepath.Join(dir, "remote.hcl")
	src := "station \"st1\" {\n  serial = \"S1\"\n  port   = \"/dev/ttyUSB-ecc-test\"\n  settings { chg_StationMaxCurrent = 20 }\n}\n" +
		"station \"st2\" {\n  serial = \"S2\"\n  settings { chg_StationMaxCurrent = 21 }\n}\n" +
		"station \"gone\" {\n  serial = \"S99\"\n  settings { chg_StationMaxCurrent = 22 }\n}\n"
	if err := os.WriteFile(site, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// On site (or any machine with the token): a plan over the gateway
	// leaves the snapshots the review plans from.
	if out, errOut, code := runBinary(t, g.env(), "plan", site, "--gateway", g.addr); code != 1 || !strings.Contains(out, "not reachable") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
	// The review: offline, saved.
	saved := filepath.Join(dir, "reviewed.plan")
	if out, errOut, code := runBinary(t, nil, "plan", site, "--offline", "-out", saved); code != 0 {
		t.Fatalf("plan --offline -out: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runBinary(t, g.env(), "apply", saved, "--gateway", g.addr, "--auto-approve")
	if code != 1 || !strings.Contains(out+errOut, "not reachable: serial S99 is not connected to the gateway") {
		t.Fatalf("apply: exit %d, want 1 for the station not connected\n%s%s", code, out, errOut)
	}
	for i, want := range []string{"20", "21"} {
		if got := cps[i].Get("chg_StationMaxCurrent"); got != want {
			t.Errorf("S%d: chg_StationMaxCurrent %q, want %q\n%s%s", i+1, got, want, out, errOut)
		}
	}
}

// TestSavedPlanGatewayFromEnv: ECC_GATEWAY in the environment with a saved
// plan whose stations hold their ports is no request: the plan is applied
// on its ports (here: refused as stale, its controller gone), not refused
// for --gateway, which the user never gave.
func TestSavedPlanGatewayFromEnv(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "p.plan")
	src := `{"format_version": "1", "ecc_version": "` + readBuildInfo().Version + `", "stations": [{"name": "cp-01", "serial": "G1", "port": "/dev/null-ecc-test", "model": "EVC5.1",
  "observed_at": "2026-01-01T00:00:00Z", "observed_fingerprint": "f", "firmware": {"current": "V32R16", "action": "none"},
  "changes": [{"key": "chg_StationMaxCurrent", "action": "update", "before": "32", "after": "25", "reboot_required": false}], "errors": []}]}`
	if err := os.WriteFile(saved, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECC_GATEWAY", "127.0.0.1:1")
	_, errOut, code := runECC(t, "apply", saved, "--auto-approve")
	if code != 1 || strings.Contains(errOut, "--gateway") || !strings.Contains(errOut, "null-ecc-test") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

// TestRestoreGatewaySharedSerial: restore --gateway finds the station by
// its backup's serial; when two connections report that serial it is
// restored on the later one, and the plan shown says so and names the
// other, as plan --gateway does. It chose silently, and a restore could
// write to a box nobody looked at.
func TestRestoreGatewaySharedSerial(t *testing.T) {
	g := startGateway(t)
	old := stations(t, g, 1, nil)[0]  // CB1, serial S1
	time.Sleep(20 * time.Millisecond) // connected later, to the second
	cp := ocpptest.New("ws://"+g.addr+"/ocpp/", "CB-NEW", "S1", "V32R17")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cp.Connect(ctx, true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Close)
	dir := t.TempDir()
	backup := filepath.Join(dir, "backups", "S1", "20261201T000000Z.json")
	if err := os.MkdirAll(filepath.Dir(backup), 0o755); err != nil {
		t.Fatal(err)
	}
	b := `{"serial":"S1","model":"EVC5.1","firmware":"V32R17","taken_at":"2026-12-01T00:00:00Z","values":{"chg_StationMaxCurrent":"25"}}`
	if err := os.WriteFile(backup, []byte(b), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runBinary(t, g.env(), "restore", "--gateway", g.addr, "--backup", backup, "--auto-approve", "--state-dir", dir)
	if code != 0 || cp.Get("chg_StationMaxCurrent") != "25" || old.Get("chg_StationMaxCurrent") != "32" {
		t.Fatalf("restore: exit %d, new %s, old %s\n%s%s", code, cp.Get("chg_StationMaxCurrent"), old.Get("chg_StationMaxCurrent"), out, errOut)
	}
	if !strings.Contains(out+errOut, "also reported by ocpp://"+g.addr+"/CB1") {
		t.Errorf("no warning naming the other connection:\n%s%s", out, errOut)
	}
}

// TestSavedPlanGatewayTokenInPlanStateDir: a saved plan is applied with
// the state directory it was made with, and the gateway's token is looked
// for there too, as plan found it (it was looked for in apply's own
// --state-dir, ECC_STATE_DIR or ./.ecc: "no gateway token"); an explicit
// $ECC_GATEWAY_TOKEN or --gateway-token-file still wins over it.
func TestSavedPlanGatewayTokenInPlanStateDir(t *testing.T) {
	g := startGateway(t)
	cp := stations(t, g, 1, nil)[0]
	dir := t.TempDir()
	site := filepath.Join(dir, "one.hcl")
	if err := os.WriteFile(site, []byte("station \"st1\" {\n  serial = \"S1\"\n  settings {\n    chg_StationMaxCurrent = 20\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale.token")
	if err := os.WriteFile(stale, []byte("stale\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noToken := []string{transport.GatewayTokenEnv + "=", "ECC_STATE_DIR="}
	saved := filepath.Join(dir, "p.plan")
	if out, errOut, code := runBinary(t, noToken, "plan", site, "--gateway", g.addr, "--state-dir", g.stateDir, "-out", saved); code != 0 {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		ok   bool
	}{
		// Refused by the gateway: nothing written, so the plan still holds.
		{"$ECC_GATEWAY_TOKEN wins", []string{transport.GatewayTokenEnv + "=stale", "ECC_STATE_DIR="}, nil, false},
		{"--gateway-token-file wins", noToken, []string{"--gateway-token-file", stale}, false},
		// ECC_STATE_DIR is not the plan's: its token is still found.
		{"the plan's state directory", []string{transport.GatewayTokenEnv + "=", "ECC_STATE_DIR=" + t.TempDir()}, nil, true},
	} {
		out, errOut, code := runBinary(t, tc.env, append([]string{"apply", saved, "--auto-approve"}, tc.args...)...)
		if got := cp.Get("chg_StationMaxCurrent"); (code == 0) != tc.ok || (got == "20") != tc.ok {
			t.Fatalf("%s: exit %d, chg_StationMaxCurrent %s\n%s%s", tc.name, code, got, out, errOut)
		}
		if !tc.ok && !strings.Contains(errOut, "wrong bearer token") {
			t.Errorf("%s: the token given was not the one sent:\n%s", tc.name, errOut)
		}
	}
}
