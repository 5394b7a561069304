package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestVersion: the stamp of the build (as make build stamps it), through
// the real binary, in every form a user asks for it.
func TestVersion(t *testing.T) {
	want := "ecc " + testVersion + " (commit " + testCommit[:12] + ") " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		out, errOut, code := runBinary(t, nil, args...)
		if code != 0 || out != want {
			t.Errorf("%q: exit %d, %q (want %q) %s", args, code, out, want, errOut)
		}
	}
	out, _, code := runBinary(t, nil, "version", "--format", "json")
	var b buildInfo
	if err := json.Unmarshal([]byte(out), &b); err != nil || code != 0 {
		t.Fatalf("exit %d %v: %s", code, err, out)
	}
	if b.Version != testVersion || b.Commit != testCommit || b.GoVersion != runtime.Version() || b.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("%+v", b)
	}
	// Unstamped (this test binary): "dev", never empty.
	out, _, _ = runECC(t, "version")
	if !strings.HasPrefix(out, "ecc dev ") && !strings.HasPrefix(out, "ecc v") {
		t.Errorf("unstamped: %q", out)
	}
}

// TestConsoleSaysWhatItOpened: before the controller says anything, the
// console names the port and baud (from the environment here) and how to
// stop.
func TestConsoleSaysWhatItOpened(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			// The console subscribes to the log once it has opened the port.
			time.Sleep(300 * time.Millisecond)
			c.Write([]byte("I (1234) boot: hello from the controller\r\n"))
			time.Sleep(300 * time.Millisecond)
			c.Close()
		}
	}()
	port := "tcp://" + ln.Addr().String()
	out, errOut, _ := runBinary(t, []string{"ECC_BAUD=9600", "ECC_PORT=" + port}, "console")
	if want := "ecc console: opened " + port + " at 9600 baud; showing the controller's log (Ctrl-C stops)\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want it to start with %q", errOut, want)
	}
	if !strings.Contains(out, "hello from the controller") {
		t.Errorf("stdout %q", out)
	}
}

// TestLogLevelAndFile: --log-level and ECC_LOG (the flag wins), into
// --log-file; a bad level is refused.
func TestLogLevelAndFile(t *testing.T) {
	site, _ := filepath.Abs("../../sites/depot.hcl")
	for _, tc := range []struct {
		name  string
		env   []string
		flags []string
		debug bool
	}{
		{"default warn", nil, nil, false},
		{"flag", nil, []string{"--log-level", "debug"}, true},
		{"env", []string{"ECC_LOG=debug"}, nil, true},
		{"trace", []string{"ECC_LOG=trace"}, nil, true},
		{"flag wins", []string{"ECC_LOG=debug"}, []string{"-log-level=error"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "ecc.log")
			args := append([]string{"validate", site, "--log-file", logFile}, tc.flags...)
			_, errOut, code := runBinary(t, append(tc.env, "ECC_AUTH_CP01=ECOTAP-1802500:log-secret"), args...)
			if code != 0 || strings.Contains(errOut, "level=") {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			data, _ := os.ReadFile(logFile)
			got := strings.Contains(string(data), `level=DEBUG msg=start command="ecc validate" version="ecc `+testVersion)
			if got != tc.debug {
				t.Errorf("log %q", data)
			}
			if strings.Contains(string(data), "log-secret") {
				t.Error("secret in the log")
			}
		})
	}
	_, errOut, code := runBinary(t, []string{"ECC_LOG=loud"}, "validate", site)
	if code != 1 || !strings.Contains(errOut, `ECC_LOG="loud" (for --log-level): must be warn, error, info, debug or trace`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestColor: ANSI colours follow --no-color, NO_COLOR and CLICOLOR_FORCE
// (output to a pipe is not a terminal: no colour by default).
func TestColor(t *testing.T) {
	site, _ := filepath.Abs("../../sites/depot.hcl")
	for _, tc := range []struct {
		name  string
		env   []string
		flags []string
		color bool
	}{
		{"pipe", nil, nil, false},
		{"forced", []string{"CLICOLOR_FORCE=1"}, nil, true},
		{"force 0", []string{"CLICOLOR_FORCE=0"}, nil, false},
		{"NO_COLOR wins", []string{"CLICOLOR_FORCE=1", "NO_COLOR=1"}, nil, false},
		{"--no-color wins", []string{"CLICOLOR_FORCE=1"}, []string{"--no-color"}, false},
		{"-no-color", []string{"CLICOLOR_FORCE=1"}, []string{"-no-color"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"plan", site, "--offline", "--state-dir", t.TempDir()}, tc.flags...)
			env := append([]string{"NO_COLOR=", "CLICOLOR_FORCE=", "ECC_AUTH_CP01=ECOTAP-1802500:c"}, tc.env...)
			out, errOut, _ := runBinary(t, env, args...)
			if got := strings.Contains(out, "\x1b["); got != tc.color || !strings.Contains(out, "Plan: 5 stations") {
				t.Errorf("colour %v, want %v\n%q\n%s", got, tc.color, out, errOut)
			}
		})
	}
}
