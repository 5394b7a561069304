package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestImportRefusesBadName: import prints a site file that must validate
// as it is, so a --name a site file refuses is refused, by the site
// file's own rule, before the port is opened (the port here does not
// exist: its error would come first otherwise).
func TestImportRefusesBadName(t *testing.T) {
	port := filepath.Join(t.TempDir(), "no-such-port")
	for _, tc := range []struct{ name, want string }{
		{" sp ", `The station name " sp " begins or ends with a space.`},
		{"", "A station name must not be empty."},
		{"a\nb", "holds a control character"},
		{"cp-01", "cannot reach the controller"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runECC(t, "import", "--port", port, "--name", tc.name)
			if code != 1 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errOut, tc.want)
			}
		})
	}
}

// TestImportNameNotWithGateway: --name names the one station of --port;
// with --gateway, whose stations are named each after its own serial, it
// was silently ignored.
func TestImportNameNotWithGateway(t *testing.T) {
	for _, env := range []bool{false, true} {
		args := []string{"import", "--name", "cp-01"}
		if env {
			t.Setenv("ECC_GATEWAY", "127.0.0.1:1")
		} else {
			args = append(args, "--gateway", "127.0.0.1:1")
		}
		out, errOut, code := runECC(t, args...)
		if code != 1 || out != "" || !strings.Contains(errOut, "--name names the one station of --port") {
			t.Errorf("ECC_GATEWAY %v: exit %d, stdout %q, stderr %q", env, code, out, errOut)
		}
	}
}

// Both ECC_PORT and ECC_GATEWAY from the environment: the port wins, as
// for plan and apply (import took the gateway).
func TestImportPortWinsInEnvironment(t *testing.T) {
	port := filepath.Join(t.TempDir(), "no-such-port")
	t.Setenv("ECC_PORT", port)
	t.Setenv("ECC_GATEWAY", "127.0.0.1:1")
	_, errOut, code := runECC(t, "import", "--name", "cp-01")
	if code != 1 || !strings.Contains(errOut, "no-such-port") {
		t.Errorf("exit %d, stderr %q: want the port tried", code, errOut)
	}
}
