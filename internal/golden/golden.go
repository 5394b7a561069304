// Package golden compares test output with golden files under testdata/,
// printing a line diff (github.com/sergi/go-diff) when they differ, and
// rewrites them when the test binary runs with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
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
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(want, got)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out strings.Builder
	for _, d := range diffs {
		prefix := "  "
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			prefix = "- "
		case diffmatchpatch.DiffInsert:
			prefix = "+ "
		}
		for _, line := range strings.SplitAfter(d.Text, "\n") {
			if line != "" {
				out.WriteString(prefix + strings.TrimSuffix(line, "\n") + "\n")
			}
		}
	}
	return out.String()
}
