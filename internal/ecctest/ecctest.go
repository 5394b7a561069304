// Package ecctest holds the test helpers that several packages share: the
// real ecc binary for the tests that run it as a user does (cmd/ecc,
// apply, plan), built once per test binary and stamped as `make build`
// stamps a release; its exit codes; a buffer several goroutines write;
// a device under two names and a count of calls in flight;
// the plan's JSON schema (docs/plan.schema.json) to check plans against.
package ecctest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The stamp given to the binary built for the tests.
const (
	Version = "v0.0.0-test"
	Commit  = "0123456789abcdef0123456789abcdef01234567"
)

var (
	once     sync.Once
	dir, bin string
	buildErr error
)

// Binary builds ecc once (later calls wait for the first build and share
// it) and returns its path; a failed build fails every test that asks.
func Binary(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, buildErr = os.MkdirTemp("", "ecc-test")
		if buildErr != nil {
			return
		}
		bin = filepath.Join(dir, "ecc")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		// The package path, not a relative one: the tests of any
		// package in the module build the same binary.
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version="+Version+" -X main.commit="+Commit,
			"-o", bin, "github.com/ecotap-tools/ecc/cmd/ecc").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("building ecc: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// Run runs the tests and removes the binary they built: a package's
// TestMain is `os.Exit(ecctest.Run(m))`.
func Run(m *testing.M) int {
	// What the tests leave in the temporary folder (the lock files of the
	// ports they open, in transport's default os.TempDir()/ecc-locks: one
	// per simulator's TCP port, hundreds a run) goes with the run.
	if tmp, err := os.MkdirTemp("", "ecc-test-"); err == nil {
		for _, v := range []string{"TMPDIR", "TMP", "TEMP"} {
			os.Setenv(v, tmp)
		}
		defer os.RemoveAll(tmp)
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	return code
}

// ExitCode is the exit code of a command that ran (0 when err is nil; -1
// when a signal ended it), or err when the command did not run.
func ExitCode(err error) (int, error) {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee):
		return ee.ExitCode(), nil
	}
	return -1, err
}
