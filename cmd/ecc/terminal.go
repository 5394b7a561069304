package main

import (
	"io"
	"os"
	"strconv"

	"github.com/mattn/go-isatty"
)

// Terminal and colour detection: the one place in ecc that decides whether
// a stream is a terminal (prompts, progress bars) and whether to colour it.

// isTerminal reports whether r or w is a terminal a user sits at: a
// console, or a Cygwin/MSYS pseudo-terminal (Git Bash's mintty), which is
// a pipe to Windows but a terminal to its user.
func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// barWidth is how wide a progress bar may be on w: 100 on a console,
// whose width mpb reads and keeps bars within; on a terminal it cannot
// measure (mintty, a pipe to Windows) one less than $COLUMNS when the
// shell exports it, else 79: a line as wide as the window or wider wraps,
// and every redraw then leaves half a bar behind.
func barWidth(w io.Writer, columns string) int {
	if f, ok := w.(interface{ Fd() uintptr }); ok && isatty.IsTerminal(f.Fd()) {
		return 100
	}
	if n, err := strconv.Atoi(columns); err == nil && n > 20 {
		return min(n-1, 100)
	}
	return 79
}

// colorMode is what --no-color and the environment ask for.
type colorMode struct{ noColor bool }

// enabled reports whether to write ANSI colours on w: never with
// --no-color or NO_COLOR (any non-empty value, no-color.org); always with
// CLICOLOR_FORCE (non-empty, not 0); else only on a terminal that shows
// them (on Windows consoles, virtual-terminal processing is enabled here).
func (m colorMode) enabled(w io.Writer) bool {
	if m.noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	if f := os.Getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	if !isTerminal(w) {
		return false
	}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return enableVirtualTerminal(f)
	}
	return true // Cygwin/MSYS terminals interpret ANSI themselves
}
