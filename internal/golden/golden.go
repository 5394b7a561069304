// Package golden compares test output with golden files under testdata/,
// printing a line diff (internal/textdiff) when they differ, and
// rewrites them when the test binary runs with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/textdiff"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Updating reports whether the test run rewrites golden files.
func Updating() bool { return *update }

// Assert compares got with the file at path (rewriting it under -update).
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("output differs from %s (-want +got; run with -update to accept):\n%s", path, Diff(string(want), string(got)))
	}
}

// Diff is a line diff of want and got: "-" lines only in want, "+" lines
// only in got, unchanged lines indented.
func Diff(want, got string) string {
	var out strings.Builder
	for _, l := range textdiff.Lines(want, got) {
		prefix := "  "
		if l.Op != ' ' {
			prefix = string(l.Op) + " "
		}
		out.WriteString(prefix + strings.TrimSuffix(l.Text, "\n") + "\n")
	}
	return out.String()
}
