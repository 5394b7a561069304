package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport"
)

// TestEnvDefaults: a flag wins over the environment, which wins over the
// default; every connection flag and --state-dir has one.
func TestEnvDefaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cmd, args []string
		env       map[string]string
		flag      string
		want      string
	}{
		{"default", []string{"plan"}, nil, nil, "baud", "115200"},
		{"env", []string{"plan"}, nil, map[string]string{"ECC_BAUD": "9600"}, "baud", "9600"},
		{"flag wins", []string{"plan"}, []string{"--baud", "57600"}, map[string]string{"ECC_BAUD": "9600"}, "baud", "57600"},
		{"port", []string{"apply"}, nil, map[string]string{"ECC_PORT": "/dev/ttyUSB3"}, "port", "/dev/ttyUSB3"},
		{"empty env is unset", []string{"apply"}, nil, map[string]string{"ECC_PORT": ""}, "port", ""},
		{"timeout", []string{"import"}, nil, map[string]string{"ECC_CONNECT_TIMEOUT": "5s"}, "connect-timeout", "5s"},
		{"console port", []string{"console"}, nil, map[string]string{"ECC_PORT": "tcp://h:1"}, "port", "tcp://h:1"},
		{"state dir", []string{"restore"}, nil, map[string]string{"ECC_STATE_DIR": "/s"}, "state-dir", "/s"},
		{"state dir flag", []string{"plan"}, []string{"-state-dir=/f"}, map[string]string{"ECC_STATE_DIR": "/s"}, "state-dir", "/f"},
		// --port and --gateway say the same thing two ways: one given wins
		// over the other's environment (an installer's ECC_PORT=auto had
		// sent `plan --gateway H` to the cable).
		{"gateway flag over ECC_PORT", []string{"plan"}, []string{"--gateway", "h:1"}, map[string]string{"ECC_PORT": "/dev/ttyUSB3"}, "port", ""},
		{"port flag over ECC_GATEWAY", []string{"apply"}, []string{"--port", "/dev/ttyUSB3"}, map[string]string{"ECC_GATEWAY": "h:1"}, "gateway", ""},
		{"both from the environment", []string{"plan"}, nil, map[string]string{"ECC_PORT": "/dev/ttyUSB3", "ECC_GATEWAY": "h:1"}, "port", "/dev/ttyUSB3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			root := newRoot(&globals{})
			cmd, _, err := root.Find(tc.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.ParseFlags(singleDashLong(root, append(slices.Clone(tc.cmd), tc.args...))[len(tc.cmd):]); err != nil {
				t.Fatal(err)
			}
			if err := applyEnv(cmd); err != nil {
				t.Fatal(err)
			}
			if got := cmd.Flags().Lookup(tc.flag).Value.String(); got != tc.want {
				t.Errorf("--%s = %q, want %q", tc.flag, got, tc.want)
			}
		})
	}
}

// TestEnvHelpAndErrors: the help names the variables; a bad value in one
// is an error that names it.
func TestEnvHelpAndErrors(t *testing.T) {
	for _, c := range []string{"plan", "apply", "restore", "import", "console"} {
		out, _, _ := runECC(t, c, "--help")
		for _, env := range []string{"ECC_PORT", "ECC_BAUD", "ECC_CONNECT_TIMEOUT"} {
			if !strings.Contains(out, "(env "+env+")") {
				t.Errorf("ecc %s --help does not name %s", c, env)
			}
		}
	}
	t.Setenv("ECC_BAUD", "fast")
	_, errOut, code := runECC(t, "console", "--port", "tcp://127.0.0.1:1")
	if code != 1 || !strings.Contains(errOut, `ECC_BAUD="fast" (for --baud)`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestConnectTimeoutEnvBinary: ECC_CONNECT_TIMEOUT through the real
// binary, against a port where no controller answers; the flag wins.
func TestConnectTimeoutEnvBinary(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent: no controller behind this port
		}
	}()
	port := "tcp://" + ln.Addr().String()
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{nil, "within 1s"},
		{[]string{"-connect-timeout=2s"}, "within 2s"},
	} {
		_, errOut, code := runBinary(t, []string{"ECC_CONNECT_TIMEOUT=1s", "ECC_PORT=" + port}, append([]string{"import"}, tc.flags...)...)
		if code != 1 || !strings.Contains(errOut, "no controller answered on "+port+" "+tc.want) {
			t.Errorf("%q: exit %d: %s", tc.flags, code, errOut)
		}
	}
}

// TestGatewayStateDirEnvBinary: ECC_STATE_DIR is where `ecc gateway`
// writes its token and where a client on the same machine, with the same
// environment, finds it (no --gateway-token-file, no ECC_GATEWAY_TOKEN).
func TestGatewayStateDirEnvBinary(t *testing.T) {
	state := t.TempDir()
	env := []string{"ECC_STATE_DIR=" + state, transport.GatewayTokenEnv + "="}
	gw := exec.Command(ecctest.Binary(t), "gateway", "--listen", "127.0.0.1:0")
	gw.Env = append(os.Environ(), env...)
	gw.Dir = t.TempDir() // no ./.ecc to fall back on
	out, err := gw.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Process.Signal(os.Interrupt); gw.Wait() })
	var addr, printed string
	for sc := bufio.NewScanner(out); addr == "" && sc.Scan(); {
		printed += sc.Text() + "\n"
		_, addr, _ = strings.Cut(sc.Text(), "control API on ")
	}
	go io.Copy(io.Discard, out)
	if addr == "" || !strings.Contains(printed, "token written to "+filepath.Join(state, transport.GatewayTokenFile)) {
		t.Fatalf("gateway: %q", printed)
	}
	stations, errOut, code := runBinary(t, env, "gateway", "stations", "--gateway", addr)
	if code != 0 {
		t.Errorf("gateway stations: exit %d: %s%s", code, stations, errOut)
	}
	// The same folder given as the gateway was given it, --state-dir (its
	// --gateway-token-file help names it; "unknown flag" before).
	stations, errOut, code = runBinary(t, []string{"ECC_STATE_DIR=", transport.GatewayTokenEnv + "="},
		"gateway", "stations", "--gateway", addr, "--state-dir", state)
	if code != 0 {
		t.Errorf("gateway stations --state-dir: exit %d: %s%s", code, stations, errOut)
	}
}

// TestConnFlagsAboveZero: a baud rate, a connect timeout or a parallelism
// of zero or below is refused before anything is opened, on the command
// line and in the environment; further down, zero silently meant the
// default.
func TestConnFlagsAboveZero(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"baud 0", []string{"--baud", "0"}, nil, `invalid argument "0" for "--baud" flag`},
		{"baud negative", []string{"--baud=-9600"}, nil, `invalid argument "-9600" for "--baud" flag`},
		{"baud from the environment", nil, map[string]string{"ECC_BAUD": "0"}, `ECC_BAUD="0" (for --baud)`},
		{"timeout 0", []string{"--connect-timeout", "0s"}, nil, `invalid argument "0s" for "--connect-timeout" flag`},
		{"timeout negative", []string{"--connect-timeout=-5s"}, nil, `invalid argument "-5s" for "--connect-timeout" flag`},
		{"timeout from the environment", nil, map[string]string{"ECC_CONNECT_TIMEOUT": "0"}, `ECC_CONNECT_TIMEOUT="0" (for --connect-timeout)`},
		{"parallelism 0", []string{"plan", "x.hcl", "--parallelism", "0"}, nil, `invalid argument "0" for "--parallelism" flag`},
		{"parallelism negative", []string{"apply", "x.hcl", "--parallelism=-2"}, nil, `invalid argument "-2" for "--parallelism" flag`},
	} {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := append([]string{"console", "--port", "tcp://127.0.0.1:1"}, c.args...)
			if len(c.args) > 0 && (c.args[0] == "plan" || c.args[0] == "apply") {
				args = c.args
			}
			_, errOut, code := runECC(t, args...)
			if code != 1 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "above 0") {
				t.Errorf("exit %d, stderr %q; want exit 1 and %q", code, errOut, c.want)
			}
		})
	}
}

// TestOfflineIgnoresConnectionEnv: an installer's shell that sets
// ECC_PORT=auto (as the README suggests) or ECC_GATEWAY still plans
// --offline: a default from the environment is not a request to read a
// controller. Before, --offline refused it with "drop --port", a flag the
// user never gave. The flags themselves stay refused with --offline.
func TestOfflineIgnoresConnectionEnv(t *testing.T) {
	site := filepath.Join(t.TempDir(), "depot.hcl")
	if err := os.WriteFile(site, []byte("station \"cp-01\" {\n  serial = \"G48229\"\n  settings { chg_StationMaxCurrent = 20 }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		code int
		want string
	}{
		{"ECC_PORT", []string{"ECC_PORT=auto"}, nil, 0, "to commission"},
		{"ECC_GATEWAY", []string{"ECC_GATEWAY=127.0.0.1:1"}, nil, 0, "to commission"},
		{"--port", nil, []string{"--port", "/dev/ttyUSB0"}, 1, "drop --port, or --offline"},
		{"--gateway", nil, []string{"--gateway", "127.0.0.1:1"}, 1, "drop --gateway, or --offline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := append([]string{"ECC_PORT=", "ECC_GATEWAY="}, tc.env...)
			out, errOut, code := runBinary(t, env, append([]string{"plan", site, "--offline"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d, want %d and %q:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}
