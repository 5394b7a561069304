package words

import (
	"testing"
	"time"
)

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

func TestSome(t *testing.T) {
	for _, c := range []struct {
		items []string
		max   int
		want  string
	}{
		{nil, 3, ""},
		{[]string{"a"}, 3, "a"},
		{[]string{"a", "b", "c"}, 3, "a, b, c"},
		{[]string{"a", "b", "c", "d", "e"}, 3, "a, b, c and 2 more"},
	} {
		if got := Some(c.items, c.max); got != c.want {
			t.Errorf("Some(%q, %d) = %q, want %q", c.items, c.max, got, c.want)
		}
	}
}

func TestOr(t *testing.T) {
	for _, c := range []struct {
		items []string
		want  string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a or b"},
		{[]string{"a", "b", "c"}, "a, b or c"},
	} {
		if got := Or(c.items); got != c.want {
			t.Errorf("Or(%q) = %q, want %q", c.items, got, c.want)
		}
	}
}

func TestAge(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "less than a second"},
		{999 * time.Millisecond, "less than a second"},
		{time.Second, "1 second"},
		{56*time.Second + 900*time.Millisecond, "56 seconds"}, // rounded down, as every unit
		{time.Minute, "1 minute"},
		{59*time.Minute + 59*time.Second, "59 minutes"},
		{47 * time.Hour, "47 hours"},
		{48 * time.Hour, "2 days"},
	} {
		if got := Age(c.d); got != c.want {
			t.Errorf("Age(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ecc", "apply", "sites/depot.hcl", "--port", "/dev/ttyUSB0"}, "ecc apply sites/depot.hcl --port /dev/ttyUSB0"},
		{[]string{"ecc", "show", `C:\Users\Jan de Vries\plan.out`}, `ecc show "C:\Users\Jan de Vries\plan.out"`},
		{[]string{"ecc", "show", `sites\plan.out`}, `ecc show "sites\plan.out"`}, // bash would drop the backslash
		{[]string{"ecc", "show", "my plan"}, `ecc show "my plan"`},
		{[]string{"ecc", "show", "$HOME/plan"}, `ecc show '$HOME/plan'`},
		{[]string{"ecc", "show", "it's $x"}, `ecc show 'it'\''s $x'`},
		{[]string{"ecc", "show", `C:\plans\`}, `ecc show 'C:\plans\'`},
		{[]string{"ecc", "show", ""}, `ecc show ""`},
		{[]string{"ecc", "--port", "tcp://127.0.0.1:4001"}, "ecc --port tcp://127.0.0.1:4001"},
		{[]string{"ecc", "show", "100%.plan"}, `ecc show "100%.plan"`}, // cmd.exe expands %VAR%
		{[]string{"ecc", "show", "@plans"}, `ecc show "@plans"`},       // PowerShell splats @name
	} {
		if got := Command(tc.args...); got != tc.want {
			t.Errorf("Command(%q) = %s, want %s", tc.args, got, tc.want)
		}
	}
}
