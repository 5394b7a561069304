package golden

import "testing"

func TestDiff(t *testing.T) {
	cases := []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", "  a\n  b\n"},
		{"a\nb\nc\n", "a\nB\nc\n", "  a\n- b\n+ B\n  c\n"},
		{"a\n", "a\nb\n", "  a\n+ b\n"},
		{"a\nb\n", "b\n", "- a\n  b\n"},
	}
	for _, c := range cases {
		if got := Diff(c.want, c.got); got != c.diff {
			t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", c.want, c.got, got, c.diff)
		}
	}
}
