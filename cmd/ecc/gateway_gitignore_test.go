package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// TestGatewayTokenNotCommitted: `ecc gateway` started in a fleet
// repository writes its control API token into the state directory the
// fleet commits its snapshots from (.ecc by default); the state
// directory's .gitignore must keep the token out of `git add -A`. Before,
// a gateway that made .ecc wrote no .gitignore, and the token (which
// drives every station through the gateway) was committed.
func TestGatewayTokenNotCommitted(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	repo := t.TempDir()
	if out, err := exec.Command(gitBin, "-C", repo, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	gw := exec.Command(ecctest.Binary(t), "gateway", "--listen", "127.0.0.1:0")
	gw.Dir = repo
	gw.Env = append(os.Environ(), "ECC_STATE_DIR=", "ECC_GATEWAY_TOKEN=")
	out, err := gw.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { gw.Process.Signal(os.Interrupt); gw.Wait() })
	var printed string
	for sc := bufio.NewScanner(out); sc.Scan(); {
		printed += sc.Text() + "\n"
		if strings.Contains(sc.Text(), "control API on ") {
			break
		}
	}
	go io.Copy(io.Discard, out)
	token := filepath.Join(repo, ".ecc", "gateway.token")
	if _, err := os.Stat(token); err != nil {
		t.Fatalf("no token written: %v\n%s", err, printed)
	}
	status, err := exec.Command(gitBin, "-C", repo, "status", "--porcelain", "--untracked-files=all").CombinedOutput()
	if err != nil {
		t.Fatalf("git status: %v %s", err, status)
	}
	if strings.Contains(string(status), "gateway.token") {
		t.Errorf("the gateway's token would be committed:\n%s", status)
	}
}

// TestGatewayWarnsUnauthenticated: a gateway without --upstream that
// listens beyond the loopback says that it checks no station's
// credentials; on the loopback it says nothing of it.
func TestGatewayWarnsUnauthenticated(t *testing.T) {
	for _, tc := range []struct {
		listen string
		warn   bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		gw := exec.Command(ecctest.Binary(t), "gateway", "--listen", tc.listen, "--state-dir", t.TempDir())
		gw.Env = append(os.Environ(), "ECC_GATEWAY_TOKEN=")
		var errOut strings.Builder
		gw.Stderr = &errOut
		out, err := gw.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := gw.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() && !strings.Contains(sc.Text(), "control API on ") {
		}
		gw.Process.Signal(os.Interrupt) // what it said at start, then "stopping"
		var printed string
		for sc.Scan() {
			printed += sc.Text() + "\n"
		}
		gw.Wait()
		if got := strings.Contains(printed, "no station's credentials are checked"); got != tc.warn {
			t.Errorf("--listen %s: warning %v, want %v (%q; stderr %q)", tc.listen, got, tc.warn, printed, errOut.String())
		}
	}
}
