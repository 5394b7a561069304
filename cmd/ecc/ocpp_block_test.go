package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// TestOCPPBlockEndToEnd: the real binaries (`ecc gateway`, `ecc sim
// --ocpp --ocpp-reject`) and a site file with an ocpp block. Over the
// cable the block is left for the gateway and nothing is blocked; over
// OCPP a key the station rejects rolls back the one written before it;
// without the fault the block applies and verifies.
func TestOCPPBlockEndToEnd(t *testing.T) {
	g := startGateway(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "sim.json")
	port, control := startSimOCPP(t, g, "CB-1", state, "--throttle=false", "--ocpp-reject", "MeterValueSampleInterval")
	site := filepath.Join(dir, "site.hcl")
	os.WriteFile(site, []byte(`site "remote" {}

station "cp-01" {
  serial = "G48229"
  settings {
    chg_StationMaxCurrent = 25
  }
  ocpp {
    HeartbeatInterval        = 120
    MeterValueSampleInterval = 30
  }
}
`), 0o644)
	stateDir := filepath.Join(dir, "state")

	// Over the cable: the cable's key applies, the block waits.
	out, errOut, code := runBinary(t, nil, "plan", site, "--port", port, "--state-dir", stateDir)
	if code != 0 || !strings.Contains(out, "left for the gateway") || !strings.Contains(out, `chg_StationMaxCurrent: "32" -> "25"`) ||
		strings.Contains(out, "HeartbeatInterval: ") {
		t.Fatalf("plan over the cable: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, nil, "apply", site, "--port", port, "--state-dir", stateDir, "--auto-approve")
	if code != 0 || !strings.Contains(out+errOut, "Apply complete: 1 station changed") {
		t.Fatalf("apply over the cable: exit %d\n%s%s", code, out, errOut)
	}
	if v := readState(t, state)["HeartbeatInterval"]; v != "300" {
		t.Fatalf("the cable wrote HeartbeatInterval = %q", v)
	}

	// Over OCPP: the station rejects one key; the other is rolled back.
	// The cable's reboot dropped the station's OCPP connection too.
	waitListed(t, g, "G48229")
	remote := "ocpp://" + g.addr + "/CB-1"
	out, errOut, code = runBinary(t, g.env(), "apply", site, "--port", remote, "--state-dir", stateDir, "--auto-approve")
	if code == 0 || !strings.Contains(out+errOut, "MeterValueSampleInterval") {
		t.Fatalf("apply with a rejected key: exit %d\n%s%s", code, out, errOut)
	}
	for deadline := time.Now().Add(10 * time.Second); readState(t, state)["HeartbeatInterval"] != "300"; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("HeartbeatInterval not rolled back: %q\n%s%s", readState(t, state)["HeartbeatInterval"], out, errOut)
		}
	}

	// The fault lifted (control command): the block applies and verifies.
	conn, err := net.Dial("tcp", control)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(conn, "ocpp-accept MeterValueSampleInterval")
	if ans, _ := bufio.NewReader(conn).ReadString('\n'); !strings.HasPrefix(ans, "ok") {
		t.Fatalf("control: %q", ans)
	}
	conn.Close()
	out, errOut, code = runBinary(t, g.env(), "apply", site, "--port", remote, "--state-dir", stateDir, "--auto-approve")
	if code != 0 || !strings.Contains(out+errOut, "verified 2 keys") {
		t.Fatalf("apply over OCPP: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "plan", site, "--port", remote, "--state-dir", stateDir, "--detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan over OCPP after apply: exit %d (want no changes)\n%s%s", code, out, errOut)
	}
}

func readState(t *testing.T, path string) map[string]string {
	t.Helper()
	st, err := sim.ReadState(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Values
}
