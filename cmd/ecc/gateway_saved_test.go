package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGatewayAppliesAnOfflinePlan: the plan a pull request's review saved
// offline (from the committed snapshots, so it names no port) is applied
// to the fleet through the gateway, each station found by its serial, as
// `ecc apply FILE --gateway` finds them; a station the gateway does not
// hold is reported as not reachable, and the others go on. Before,
// --gateway was refused with a saved plan, and without it every station
// failed with "no port given".
func TestGatewayAppliesAnOfflinePlan(t *testing.T) {
	g := startGateway(t)
	cps := stations(t, g, 2, nil)
	dir := t.TempDir()
	site := filepath.Join(dir, "remote.hcl")
	src := "station \"st1\" {\n  serial = \"S1\"\n  settings { chg_StationMaxCurrent = 20 }\n}\n" +
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
