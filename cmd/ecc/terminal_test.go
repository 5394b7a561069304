//go:build unix

package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/creack/pty"
)

// TestTerminalAndColor: a pseudo-terminal is a terminal, a pipe or a
// buffer is not; colours follow --no-color, NO_COLOR and CLICOLOR_FORCE.
func TestTerminalAndColor(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skip(err)
	}
	defer ptm.Close()
	defer tty.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	streams := map[string]any{"tty": tty, "pipe": pw, "buffer": &bytes.Buffer{}}
	for name, want := range map[string]bool{"tty": true, "pipe": false, "buffer": false} {
		if got := isTerminal(streams[name]); got != want {
			t.Errorf("isTerminal(%s) = %v", name, got)
		}
	}
	for _, tc := range []struct {
		name, stream      string
		noColor           bool
		noColorEnv, force string
		want              bool
	}{
		{"terminal", "tty", false, "", "", true},
		{"pipe", "pipe", false, "", "", false},
		{"--no-color", "tty", true, "", "", false},
		{"NO_COLOR", "tty", false, "1", "", false},
		{"CLICOLOR_FORCE", "pipe", false, "", "1", true},
		{"CLICOLOR_FORCE=0", "pipe", false, "", "0", false},
		{"NO_COLOR over CLICOLOR_FORCE", "pipe", false, "1", "1", false},
		{"--no-color over CLICOLOR_FORCE", "buffer", true, "", "1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColorEnv)
			t.Setenv("CLICOLOR_FORCE", tc.force)
			w := streams[tc.stream].(interface{ Write([]byte) (int, error) })
			if got := (colorMode{noColor: tc.noColor}).enabled(w); got != tc.want {
				t.Errorf("enabled = %v, want %v", got, tc.want)
			}
		})
	}
}

// Bars fit a terminal mpb cannot measure (Git Bash's mintty): they
// wrapped at 100 columns in its 80-column window.
func TestBarWidth(t *testing.T) {
	var buf bytes.Buffer
	for _, tc := range []struct {
		columns string
		want    int
	}{
		{"", 79},
		{"120", 100},
		{"90", 89},
		{"junk", 79},
		{"10", 79},
	} {
		if got := barWidth(&buf, tc.columns); got != tc.want {
			t.Errorf("barWidth(COLUMNS=%q) = %d, want %d", tc.columns, got, tc.want)
		}
	}
}
