// Package textdiff computes line differences (for golden-file tests) and
// renders them as unified diffs (diff -u, for `ecc fmt -diff`).
package textdiff

import (
	"fmt"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// context is the number of unchanged lines shown around a change.
const context = 3

// Line is one line of a line diff: Op is ' ' (in both), '-' (only in
// the first text) or '+' (only in the second); Text keeps its newline.
type Line struct {
	Op   byte
	Text string
}

// Lines is the line diff of a and b.
func Lines(a, b string) []Line {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var all []Line
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				all = append(all, Line{op, l})
			}
		}
	}
	return all
}

// Unified is the unified diff from a to b with headers naming them, or ""
// when they are equal.
func Unified(aName, bName, a, b string) string {
	if a == b {
		return ""
	}
	all := Lines(a, b)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	for i := 0; i < len(all); {
		if all[i].Op == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change that is closer than 2*context to the next.
		start := max(i-context, 0)
		end := i
		for j := i; j < len(all); j++ {
			if all[j].Op != ' ' {
				end = j + 1
			} else if j-end >= 2*context {
				break
			}
		}
		end = min(end+context, len(all))
		aStart, bStart := 1, 1
		for _, l := range all[:start] {
			if l.Op != '+' {
				aStart++
			}
			if l.Op != '-' {
				bStart++
			}
		}
		aLen, bLen := 0, 0
		for _, l := range all[start:end] {
			if l.Op != '+' {
				aLen++
			}
			if l.Op != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
		for _, l := range all[start:end] {
			out.WriteByte(l.Op)
			out.WriteString(l.Text)
			if !strings.HasSuffix(l.Text, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}
