package main

import (
	"bytes"
	"fmt"
	"testing"
)

// The table aligns by display width, as a terminal shows it: a CJK
// character takes two columns; the text after the last tab is free.
func TestTableAlignsByDisplayWidth(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"ascii", "NAME\tSTATE\tNOTE\ncp-01\tok\tfine\n", "NAME   STATE  NOTE\ncp-01  ok     fine\n"},
		{"cjk", "NAME\tSTATE\n充电站-01\tok\ncp-01\tdrifting\n", "NAME       STATE\n充电站-01  ok\ncp-01      drifting\n"},
		{"accents", "é\tx\nabc\ty\n", "é    x\nabc  y\n"},
		{"no trailing newline", "a\tb", "a  b"},
		{"ragged", "a\tb\tc\nlonger\n", "a  b  c\nlonger\n"}, // "longer" is no cell of a column
	} {
		var out bytes.Buffer
		tw := newTable(&out)
		fmt.Fprint(tw, tc.in)
		if err := tw.Flush(); err != nil || out.String() != tc.want {
			t.Errorf("%s: got\n%q\nwant\n%q (%v)", tc.name, out.String(), tc.want, err)
		}
	}
}
