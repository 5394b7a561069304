package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
)

// The stamp of the binary built for the tests (ecctest.Binary), as make
// build stamps a release.
const (
	testVersion = ecctest.Version
	testCommit  = ecctest.Commit
)

func TestMain(m *testing.M) { os.Exit(ecctest.Run(m)) }

// runBinary runs the real ecc with args and env (added to the
// environment) and returns stdout, stderr and the exit code.
func runBinary(t testing.TB, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ecctest.Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	code, err := ecctest.ExitCode(cmd.Run())
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}
