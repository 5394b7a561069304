package sim

import (
	"context"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps wake late by a fixed amount, as a
// loaded machine's timers do.
type fakeClock struct {
	t    time.Time
	late time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(_ context.Context, d time.Duration) bool {
	c.t = c.t.Add(d + c.late)
	return true
}

// A pacer must carry 11,520 bytes a second at 115200 baud: not faster, and
// not slower because its own sleeps wake late (a lag up to paceSlack is
// credited to the next piece). A lag beyond paceSlack is idle line time,
// which is not made up for. The rule is checked on a fake clock: the real
// one, on a busy machine, measures the machine rather than the pacer.
func TestPacerRate(t *testing.T) {
	const total = 11520 / 4 // a quarter second of line time
	want := 250 * time.Millisecond
	for _, tc := range []struct {
		name     string
		late     time.Duration // how late each sleep wakes
		min, max time.Duration
	}{
		{"exact timers", 0, want - 3*time.Millisecond, want},
		{"timers late within the slack", paceSlack - 500*time.Microsecond, want - 3*time.Millisecond, want + paceSlack},
		// Each sleep's lag then counts as idle time: the line is slower,
		// by at most the lag per sleep, and never faster.
		{"timers later than the slack", 3 * time.Millisecond, want, 3 * want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Unix(0, 0), late: tc.late}
			p := newPacer(115200, true)
			p.now, p.sleep = clk.now, clk.sleep
			start := clk.t
			for sent := 0; sent < total; sent += 16 {
				if !p.wait(context.Background(), 16) {
					t.Fatal("wait failed")
				}
			}
			if got := clk.t.Sub(start); got < tc.min || got > tc.max {
				t.Fatalf("16-byte pieces of %d bytes took %v with timers %v late; want %v to %v", total, got, tc.late, tc.min, tc.max)
			}
		})
	}
}

// The real clock too: never faster than the line (a slow run only means a
// busy machine, so it is not checked here).
func TestPacerNeverFaster(t *testing.T) {
	const total = 11520 / 8
	p := newPacer(115200, true)
	start := time.Now()
	for sent := 0; sent < total; sent += 16 {
		p.wait(context.Background(), 16)
	}
	if got, want := time.Since(start), 125*time.Millisecond; got < want-paceSlack-time.Millisecond {
		t.Fatalf("%d bytes took %v; the line needs %v", total, got, want)
	}
}
