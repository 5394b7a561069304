package main

import (
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/transport"
)

// TestCompleteValues: --station from the files given, --port from the
// ports present, through cobra's __complete.
func TestCompleteValues(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "../../sites/depot.hcl", "--station", ""}, "cp-01 cp-02 cp-03 cp-04 cp-05"},
		{[]string{"apply", "../../sites/depot.yaml", "--station", "cp-0"}, "cp-01 cp-02 cp-03 cp-04 cp-05"},
		{[]string{"plan", "../../sites/depot.hcl", "--station", "x"}, ""},
		{[]string{"plan", "nope.hcl", "--station", ""}, ""},
		// --station is a list: completed after a comma.
		{[]string{"plan", "../../sites/depot.hcl", "--station", "cp-01,cp-0"}, "cp-01,cp-01 cp-01,cp-02 cp-01,cp-03 cp-01,cp-04 cp-01,cp-05"},
		{[]string{"console", "--port", "tcp:"}, ""},
		// explain: the keys a site file may name, OCPP's too, by prefix.
		{[]string{"explain", "Heart"}, "HeartbeatInterval"},
		{[]string{"explain", "chg_ka"}, ""},
		{[]string{"explain", "gsm_"}, "gsm_APN gsm_Oper gsm_Options gsm_SigQ"},
		{[]string{"explain", "gsm_APN", ""}, ""},
	} {
		out, _, _ := runECC(t, append([]string{"__complete"}, tc.args...)...)
		if got := strings.Join(completions(out), " "); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestPortAuto: --port auto (or ECC_PORT=auto) becomes the one USB-serial
// adapter plugged in, said on stderr, before anything is opened; its
// completion offers auto and the ports present.
func TestPortAuto(t *testing.T) {
	fake := []transport.PortInfo{
		{Name: "/dev/ttyS0"},
		{Name: "/dev/ttyFAKE0", USB: true, VID: "0403", PID: "6001", Product: "FT232R"},
	}
	defer func(l func() ([]transport.PortInfo, error)) { listPorts = l }(listPorts)
	listPorts = func() ([]transport.PortInfo, error) { return fake, nil }
	for _, env := range []string{"", "auto"} {
		t.Setenv("ECC_PORT", env)
		args := []string{"console", "--connect-timeout", "1s"}
		if env == "" {
			args = append(args, "--port", "auto")
		}
		_, errOut, code := runECC(t, args...)
		if code != 1 || !strings.HasPrefix(errOut, "--port auto: /dev/ttyFAKE0 (FTDI)\n") || !strings.Contains(errOut, "/dev/ttyFAKE0") {
			t.Errorf("ECC_PORT=%q: exit %d: %s", env, code, errOut)
		}
	}
	out, _, _ := runECC(t, "__complete", "plan", "x.hcl", "--port", "")
	if got := strings.Join(completions(out), " "); got != "auto /dev/ttyS0 /dev/ttyFAKE0" {
		t.Errorf("completion %q", got)
	}
}

// TestPortAutoNone: on a machine with no USB-serial adapter, --port auto
// is an error that says so, through the real binary.
func TestPortAutoNone(t *testing.T) {
	ports, _ := transport.ListPorts()
	if _, err := transport.PickAutoPort(ports); err == nil {
		t.Skip("a USB-serial adapter is plugged in")
	}
	for _, args := range [][]string{{"console"}, {"import"}, {"plan", "../../sites/fleet/north.hcl"}, {"restore", "--factory", "../../sites/factory/evc5-ac.json"}} {
		_, errOut, code := runBinary(t, []string{"ECC_PORT=auto"}, args...)
		if code != 1 || !strings.HasPrefix(errOut, "ecc: --port auto: no USB-serial adapter (FTDI, CP210x, CH340, PL2303) is plugged in") {
			t.Errorf("%s: exit %d: %s", args, code, errOut)
		}
	}
}
