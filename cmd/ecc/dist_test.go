package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDist runs `make dist` for this machine's platform only (make test
// stays fast; the release builds all five) and checks the archive: the
// files, the SHA256SUMS line, and the version stamped into the binary.
func TestDist(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds a release archive with make, tar and sha256sum")
	}
	for _, tool := range []string{"make", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	dist := t.TempDir()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	make := exec.Command("make", "-s", "dist", "DIST="+dist, "DIST_PLATFORMS="+platform, "VERSION=v9.8.7-test")
	make.Dir = "../.."
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	name := "ecc_v9.8.7-test_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dist, name+".tar.gz")
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command("sha256sum", "-c", "SHA256SUMS")
	check.Dir = dist
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(sums), name+".tar.gz") {
		t.Fatalf("SHA256SUMS %q: %v %s", sums, err, out)
	}
	if out, err := exec.Command("tar", "-xzf", archive, "-C", dist).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	for _, f := range []string{"ecc", "LICENSE", "README.md", "CHANGELOG.md", "docs/cli/man/ecc.1", "docs/cli/markdown/ecc.md"} {
		if _, err := os.Stat(filepath.Join(dist, name, f)); err != nil {
			t.Error(err)
		}
	}
	out, err := exec.Command(filepath.Join(dist, name, "ecc"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "ecc v9.8.7-test ") {
		t.Errorf("ecc version: %q %v", out, err)
	}
}
