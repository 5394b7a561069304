package sim

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A pacer must carry 11,520 bytes a second at 115200 baud: not faster, and
// not slower because its own sleeps wake late. The machine running the
// tests may be busy: a run that came out slow is tried again (a pacer
// that never catches up is slow every time), one that came out fast fails.
func TestPacerRate(t *testing.T) {
	const total = 11520 / 4 // a quarter second of line time
	want := 250 * time.Millisecond
	var got time.Duration
	for range 5 {
		p := newPacer(115200, true)
		start := time.Now()
		for sent := 0; sent < total; sent += 16 {
			if !p.wait(context.Background(), 16) {
				t.Fatal("wait failed")
			}
		}
		got = time.Since(start)
		if got < want-paceSlack-time.Millisecond {
			t.Fatalf("16-byte pieces of %d bytes took %v; the line needs %v", total, got, want)
		}
		if got <= want+10*time.Millisecond {
			return
		}
	}
	// The pacer forgets a lag over paceSlack as idle time (by design): on
	// a machine whose timers wake that late it cannot keep the rate, and
	// the test says so instead of failing.
	if late := timerLateness(20); late > paceSlack/2 {
		t.Skipf("16-byte pieces of %d bytes took %v; timers wake %v late on this busy machine (the pacer keeps its rate within %v only)", total, got, late, paceSlack)
	}
	t.Fatalf("16-byte pieces of %d bytes took %v (5 runs); the line needs %v", total, got, want)
}

// timerLateness is the median delay with which n 1-ms sleeps wake.
func timerLateness(n int) time.Duration {
	lates := make([]time.Duration, n)
	for i := range lates {
		start := time.Now()
		sleep(context.Background(), time.Millisecond)
		lates[i] = time.Since(start) - time.Millisecond
	}
	slices.Sort(lates)
	return lates[n/2]
}
