package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// TestGatewayWithTheSimulator: `ecc sim --ocpp` (the simulated controller
// as an OCPP charge point) behind the real gateway; plan, then apply a
// firmware upgrade through UpdateFirmware (the image served by the
// gateway) and a key whose change needs a Reset, with the real binary.
func TestGatewayWithTheSimulator(t *testing.T) {
	g := startGateway(t)
	dir := t.TempDir()
	cable, _ := startSimOCPP(t, g, "CB-SIM", filepath.Join(dir, "sim.json"), "--commit-duration", "200ms")

	img := filepath.Join(dir, "V32R17.bin")
	if out, err := exec.Command("go", "run", "../../tools/mkfirmware", "-version", "V32R17", "-models", "ECC-AC,EVC5", "-size", "8192", "-o", img).CombinedOutput(); err != nil {
		t.Fatalf("mkfirmware: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(img)
	sum := sha256.Sum256(data)
	site := filepath.Join(dir, "sim.hcl")
	os.WriteFile(site, []byte(fmt.Sprintf(`site "remote" {}

station "cp-01" {
  serial = "G48229"
  firmware {
    version = "V32R17"
    file    = "V32R17.bin"
    sha256  = "%s"
  }
  settings {
    chg_StationMaxCurrent = 25
    com_OCPPID            = "NLECO1000"
  }
  ocpp {
    HeartbeatInterval = 120
  }
}
`, hex.EncodeToString(sum[:]))), 0o644)

	// Over the cable the ocpp block is never sent: left for the gateway.
	out, errOut, code := runBinary(t, nil, "plan", site, "--port", cable)
	if code != 0 || !strings.Contains(out, "left for the gateway") || strings.Contains(out, "HeartbeatInterval: ") {
		t.Fatalf("plan over the cable (%s): exit %d\n%s%s", cable, code, out, errOut)
	}
	// Over OCPP it is planned like any other key.
	out, errOut, code = runBinary(t, g.env(), "plan", site, "--gateway", g.addr)
	if code != 0 || !strings.Contains(out, "firmware: V32R16 -> V32R17") || !strings.Contains(out, `chg_StationMaxCurrent: "32" -> "25"`) ||
		!strings.Contains(out, "HeartbeatInterval") || strings.Contains(out, "left for the gateway") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "apply", site, "--gateway", g.addr, "--auto-approve")
	if code != 0 || !strings.Contains(out+errOut, "booted V32R17") || !strings.Contains(out+errOut, "Apply complete: 1 station changed") {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "plan", site, "--gateway", g.addr, "--detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan after apply: exit %d (want no changes)\n%s%s", code, out, errOut)
	}
}

// startSimOCPP runs `ecc sim` (serial G48229, state in stateFile) as an
// OCPP charge point CHARGEBOXID of the gateway g, with extra args; it
// returns the simulator's cable address (tcp://) and its control address,
// once the gateway lists the station.
func startSimOCPP(t *testing.T, g *runningGateway, chargeBoxID, stateFile string, args ...string) (cable, control string) {
	t.Helper()
	cmd := exec.Command(ecctest.Binary(t), append([]string{"sim", "--ocpp", "ws://" + g.addr + "/ocpp/" + chargeBoxID, "--serial", "G48229",
		"--state", stateFile, "--listen", "tcp://127.0.0.1:0", "--control", "tcp://127.0.0.1:0", "--log-noise", "0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for (cable == "" || control == "") && sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "sim: listening on "); ok {
			cable = a
		}
		if a, ok := strings.CutPrefix(sc.Text(), "sim: control on tcp://"); ok {
			control = a
		}
	}
	go io.Copy(io.Discard, stdout)
	if cable == "" || control == "" {
		t.Fatal("the simulator did not start")
	}
	waitListed(t, g, "G48229")
	return cable, control
}

// waitListed waits until the gateway lists a station with serial (the
// simulator connects after its boot, and again after every reboot).
func waitListed(t *testing.T, g *runningGateway, serial string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		out, _, _ := runBinary(t, g.env(), "gateway", "stations", "--gateway", g.addr)
		if strings.Contains(out, serial) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the simulator did not connect: %s", out)
		}
	}
}
