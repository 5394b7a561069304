package words

import "testing"

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 keys"}, {1, "1 key"}, {2, "2 keys"}, {-1, "-1 keys"}, {100000, "100000 keys"}} {
		if got := Plural(tc.n, "key", "keys"); got != tc.want {
			t.Errorf("Plural(%d) = %q, want %q", tc.n, got, tc.want)
		}
		if got := string(AppendPlural([]byte("> "), tc.n, "key", "keys")); got != "> "+tc.want {
			t.Errorf("AppendPlural(%d) = %q", tc.n, got)
		}
	}
}
