package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneGC: the fleet commands collect only near the soft limit, the
// others in proportion, and GOGC set in the environment wins.
func TestTuneGC(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	root := newRoot(&globals{})
	for _, tc := range []struct {
		args []string
		env  string // GOGC
		want int
	}{
		{[]string{"plan"}, "", -1},
		{[]string{"validate"}, "", -1},
		{[]string{"apply"}, "", 400},
		{[]string{"gateway"}, "", 400},
		{[]string{"firmware", "inspect"}, "", 400},
		{[]string{"plan"}, "100", 100},
	} {
		cmd, _, err := root.Find(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if tc.env != "" {
			t.Setenv("GOGC", tc.env)
		}
		debug.SetGCPercent(100)
		tuneGC(cmd)
		if got := debug.SetGCPercent(100); got != tc.want {
			t.Errorf("%v with GOGC=%q: GOGC %d, want %d", tc.args, tc.env, got, tc.want)
		}
		if got := debug.SetMemoryLimit(-1); got != 768<<20 {
			t.Errorf("%v: memory limit %d", tc.args, got)
		}
	}
}

// TestTuneGCWithoutLimit: with no soft limit (GOMEMLIMIT=off) a fleet
// command still collects in proportion: collecting only near the limit
// would then never collect, and the heap would hold all it ever
// allocated.
func TestTuneGCWithoutLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64)) // as GOMEMLIMIT=off leaves it
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOMEMLIMIT", "off")
	cmd, _, err := newRoot(&globals{}).Find([]string{"plan"})
	if err != nil {
		t.Fatal(err)
	}
	tuneGC(cmd)
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("plan with GOMEMLIMIT=off: GOGC %d, want 400", got)
	}
}
