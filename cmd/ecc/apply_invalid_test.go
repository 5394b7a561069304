//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// TestApplyInvalidFleetSendsNothing: apply of a fleet folder one of whose
// files has an error reports it at FILE:LINE:COL, exits 1 and sends
// nothing, not even to the station of the valid file, whose controller is
// connected.
func TestApplyInvalidFleetSendsNothing(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "sim.json")
	inst := simtest.PTY(t, sim.Options{
		StateFile: state, BootDelay: 20 * time.Millisecond,
		BannerLineDelay: sim.NoDelay, SaveDelay: 30 * time.Millisecond, LogNoiseInterval: sim.NoDelay, Seed: 3,
	})
	fleet := filepath.Join(dir, "fleet")
	if err := os.MkdirAll(fleet, 0o755); err != nil {
		t.Fatal(err)
	}
	good := fmt.Sprintf("station \"cp-01\" {\n  serial = %q\n  settings {\n    chg_StationMaxCurrent = 25\n  }\n}\n", sim.DefaultSerial)
	bad := filepath.Join(fleet, "bad.yaml")
	for name, src := range map[string]string{"good.hcl": good,
		"bad.yaml": "stations:\n  cp-02:\n    serial: G48230\n    settings:\n      chg_StationMaxCurrent: 99\n"} {
		if err := os.WriteFile(filepath.Join(fleet, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runBinary(t, []string{"ECC_PORT=" + inst.Path},
		"apply", fleet, "-auto-approve", "--state-dir", filepath.Join(dir, "state"))
	if code != 1 || !strings.Contains(errOut, bad+":5:30: error: Invalid value for chg_StationMaxCurrent") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if st, err := sim.ReadState(state); err == nil && st.Values["chg_StationMaxCurrent"] == "25" {
		t.Error("the valid file's station was changed: apply sent despite the error")
	}
}
