package bom

import "testing"

func TestTrim(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\ufeff{}", "{}"},
		{"{}", "{}"},
		{"\ufeff\ufeff{}", "\ufeff{}"}, // one mark: a second is content
		{"a\ufeff", "a\ufeff"},         // only at the start
		{"\xef\xbb", "\xef\xbb"},       // not a whole mark
		{"", ""},
	} {
		if got := string(Trim([]byte(tc.in))); got != tc.want {
			t.Errorf("Trim(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := TrimString(tc.in); got != tc.want {
			t.Errorf("TrimString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
