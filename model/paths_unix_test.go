//go:build unix

package model

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNamedPipeNotOpened: a named pipe among site files, or named by
// file(), is reported and the other files are still checked. Opening a
// FIFO waits for a writer: it hung validate, plan and fmt for good.
func TestNamedPipeNotOpened(t *testing.T) {
	dir := t.TempDir()
	j := func(f string) string { return filepath.Join(dir, f) }
	if err := os.WriteFile(j("good.hcl"), []byte("station \"a\" {\n  serial = \"G1\"\n  settings {\n    com_Options      = { useTLS = 1 }\n    authorizationKey = file(\"key.txt\")\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"pipe.hcl", "key.txt"} {
		if err := syscall.Mkfifo(j(f), 0o644); err != nil {
			t.Skip("no named pipes here:", err)
		}
	}
	for _, tc := range []struct {
		name string
		run  func() string
	}{
		{"load", func() string {
			_, srcs, diags := LoadSites(dir)
			return RenderDiagnostics(diags, srcs)
		}},
		{"format", func() string {
			_, srcs, diags := FormatFiles([]string{dir}, true, false)
			return RenderDiagnostics(diags, srcs)
		}},
	} {
		done := make(chan string, 1)
		go func() { done <- tc.run() }()
		select {
		case got := <-done:
			if !strings.Contains(got, "pipe.hcl:1:1: error: Cannot read site file: not a regular file.") {
				t.Errorf("%s: the pipe is not reported:\n%s", tc.name, got)
			}
			if tc.name == "load" && !strings.Contains(got, "key.txt: not a regular file") {
				t.Errorf("%s: file() of a pipe is not reported:\n%s", tc.name, got)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still waiting on a named pipe after 10 s", tc.name)
		}
	}
}
