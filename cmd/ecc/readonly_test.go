package main

import (
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

// TestReadOnlyKeyNeverWritten: the real binary, the real serial port on a
// pty, and a controller that reports chg_StationMaxCurrent read-only
// (sim.Options.ReadOnly: RO in keys, "readonly":true in get;
// controller-protocol.md §6: never written). The plan blocks the station
// and names the key (exit 1); apply refuses the station before any set
// (all or nothing: not even its other key); a plan saved while the key
// was writable is refused at apply once the controller reports it
// read-only. Writable again, the key is written: the trace sees sets.
func TestReadOnlyKeyNeverWritten(t *testing.T) {
	const key = "chg_StationMaxCurrent"
	ecctest.Binary(t) // built before the simulator runs
	dir := t.TempDir()
	var trace ecctest.Buffer
	inst := simtest.PTY(t, sim.Options{
		StateFile: filepath.Join(dir, "sim.json"), ReadOnly: []string{key}, Trace: &trace,
		BootDelay: 20 * time.Millisecond, BannerLineDelay: sim.NoDelay, SaveDelay: 30 * time.Millisecond,
		LogNoiseInterval: sim.NoDelay, Seed: 3,
	})
	site := filepath.Join(dir, "site.hcl")
	body := fmt.Sprintf("site \"ro\" {}\n\nstation \"cp-01\" {\n  serial = %q\n  port = %q\n  settings {\n    %s = 13\n    chg_MinChargingCurrent = 8\n  }\n}\n",
		sim.DefaultSerial, inst.Path, key)
	if err := os.WriteFile(site, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	sets := func() int { return strings.Count(trace.String(), `"op":"set"`) }
	unchanged := func(when string) {
		t.Helper()
		if n := sets(); n != 0 {
			t.Fatalf("%s: %d set requests sent", when, n)
		}
		if v := inst.State().Values; v[key] != "32" || v["chg_MinChargingCurrent"] != "6" {
			t.Fatalf("%s: flash %s = %q, chg_MinChargingCurrent = %q", when, key, v[key], v["chg_MinChargingCurrent"])
		}
	}

	out, errOut, code := runBinary(t, nil, "plan", site, "--state-dir", state)
	if code != 1 || !strings.Contains(out, key+" (read-only): the controller reports this key read-only, so ecc never writes it") {
		t.Fatalf("plan: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, nil, "apply", site, "--state-dir", state, "--auto-approve")
	if code != 1 || !strings.Contains(out+errOut, "not applied") || !strings.Contains(out+errOut, key) {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	unchanged("apply")

	// A plan saved while the key was writable, applied once it is not.
	if err := inst.SetReadOnly(key, false); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "ro.plan")
	if out, errOut, code = runBinary(t, nil, "plan", site, "--state-dir", state, "-out", saved); code != 0 {
		t.Fatalf("plan -out: exit %d\n%s%s", code, out, errOut)
	}
	if err := inst.SetReadOnly(key, true); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runBinary(t, nil, "apply", saved, "--state-dir", state)
	if code != 1 || !strings.Contains(out+errOut, "the controller now reports "+key+" read-only; nothing sent") {
		t.Fatalf("apply of the saved plan: exit %d\n%s%s", code, out, errOut)
	}
	unchanged("apply of the saved plan")

	// Writable again: written (the set requests show in the trace).
	if err := inst.SetReadOnly(key, false); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code = runBinary(t, nil, "apply", site, "--state-dir", state, "--auto-approve"); code != 0 || sets() == 0 {
		t.Fatalf("apply once writable: exit %d, %d sets\n%s%s", code, sets(), out, errOut)
	}
	if v := inst.State().Values[key]; v != "13" {
		t.Errorf("flash %s = %q after the apply, want 13", key, v)
	}

	// Read-only again: a restore of the backup that apply took restores
	// the other key and skips this one; an import comments it out.
	if err := inst.SetReadOnly(key, true); err != nil {
		t.Fatal(err)
	}
	backups, _ := filepath.Glob(filepath.Join(state, "backups", sim.DefaultSerial, "*.json"))
	if len(backups) == 0 {
		t.Fatal("no backup")
	}
	from := len(trace.String())
	out, errOut, code = runBinary(t, nil, "restore", "--port", inst.Path, "--backup", backups[len(backups)-1], "--state-dir", state, "--auto-approve")
	if code != 0 || !strings.Contains(out+errOut, "not restored: "+key+": the controller reports it read-only") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	for _, line := range strings.Split(trace.String()[from:], "\n") {
		if strings.Contains(line, `"op":"set"`) && strings.Contains(line, key) {
			t.Fatalf("restore sent %s: %s", key, line)
		}
	}
	if v := inst.State().Values; v[key] != "13" || v["chg_MinChargingCurrent"] != "6" {
		t.Fatalf("flash after the restore: %s = %q, chg_MinChargingCurrent = %q", key, v[key], v["chg_MinChargingCurrent"])
	}
	imported := filepath.Join(dir, "imported.hcl")
	if out, errOut, code = runBinary(t, nil, "import", "--port", inst.Path, "--name", "cp-01"); code != 0 || !strings.Contains(out, "# "+key+" = 13") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	os.WriteFile(imported, []byte(out), 0o644)
	if out, errOut, code = runBinary(t, nil, "plan", imported, "--port", inst.Path, "--state-dir", state, "--detailed-exitcode"); code != 0 {
		t.Fatalf("plan of the imported file: exit %d\n%s%s", code, out, errOut)
	}
}

// TestReadOnlyKeyOverOCPP: the real binaries (`ecc gateway`, `ecc sim
// --ocpp --read-only HeartbeatInterval`): a key of the ocpp block whose
// GetConfiguration entry says readonly blocks the station's plan over
// OCPP, and apply changes nothing (no ChangeConfiguration of either key).
func TestReadOnlyKeyOverOCPP(t *testing.T) {
	g := startGateway(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "sim.json")
	startSimOCPP(t, g, "CB-RO", state, "--throttle=false", "--read-only", "HeartbeatInterval")
	site := filepath.Join(dir, "site.hcl")
	os.WriteFile(site, []byte(`site "remote" {}

station "cp-01" {
  serial = "G48229"
  ocpp {
    HeartbeatInterval        = 120
    MeterValueSampleInterval = 30
  }
}
`), 0o644)
	stateDir := filepath.Join(dir, "state")
	remote := "ocpp://" + g.addr + "/CB-RO"
	out, errOut, code := runBinary(t, g.env(), "plan", site, "--port", remote, "--state-dir", stateDir)
	if code != 1 || !strings.Contains(out, "HeartbeatInterval (read-only): the station reports this key read-only (GetConfiguration)") {
		t.Fatalf("plan over OCPP: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runBinary(t, g.env(), "apply", site, "--port", remote, "--state-dir", stateDir, "--auto-approve")
	if code != 1 || !strings.Contains(out+errOut, "not applied") {
		t.Fatalf("apply over OCPP: exit %d\n%s%s", code, out, errOut)
	}
	time.Sleep(100 * time.Millisecond) // a save would follow an accepted ChangeConfiguration
	if v := readState(t, state); v["HeartbeatInterval"] != "300" || v["MeterValueSampleInterval"] != "60" {
		t.Fatalf("flash HeartbeatInterval = %q, MeterValueSampleInterval = %q", v["HeartbeatInterval"], v["MeterValueSampleInterval"])
	}
}
