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

// TestLogApplyTrace: apply at trace level writes what it did into
// --log-file (the connection, through the logger handed to transport) and
// the secret it sent nowhere: not in the log, not on the terminal.
func TestLogApplyTrace(t *testing.T) {
	const secret = "ECOTAP-1802500:Log-Secret-4242"
	dir := t.TempDir()
	inst := simtest.PTY(t, sim.Options{
		StateFile: filepath.Join(dir, "sim.json"), BootDelay: 20 * time.Millisecond,
		BannerLineDelay: sim.NoDelay, SaveDelay: 30 * time.Millisecond, LogNoiseInterval: sim.NoDelay, Seed: 3,
	})
	site := filepath.Join(dir, "site.hcl")
	body := fmt.Sprintf("site \"log\" {}\n\nstation \"cp-01\" {\n  serial = %q\n  settings {\n    chg_StationMaxCurrent = 25\n    com_Options = { useTLS = 1 }\n    authorizationKey = env(\"ECC_LOG_AUTH\")\n  }\n}\n", sim.DefaultSerial)
	if err := os.WriteFile(site, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "ecc.log")
	out, errOut, code := runBinary(t, []string{"ECC_LOG_AUTH=" + secret, "ECC_PORT=" + inst.Path, "ECC_LOG=trace"},
		"apply", site, "-auto-approve", "--state-dir", filepath.Join(dir, "state"), "--log-file", logFile)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if st, err := sim.ReadState(filepath.Join(dir, "sim.json")); err != nil || st.Values["authorizationKey"] != secret {
		t.Fatalf("the secret was not sent: %v", err)
	}
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), "msg=connected port="+inst.Path) || !strings.Contains(string(log), "serial="+sim.DefaultSerial) ||
		!strings.Contains(string(log), "level=TRACE msg=frame") || !strings.Contains(string(log), "authorizationKey") {
		t.Errorf("log:\n%s", log)
	}
	_, password, _ := strings.Cut(secret, ":")
	for name, data := range map[string]string{"log": string(log), "stdout": out, "stderr": errOut} {
		if strings.Contains(data, password) {
			t.Errorf("the secret is in the %s", name)
		}
	}
}
