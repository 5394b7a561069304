package sim

import (
	"context"
	"testing"
	"time"
)

// A pacer must carry 11,520 bytes a second at 115200 baud: not faster, and
// not slower because its own sleeps wake late.
func TestPacerRate(t *testing.T) {
	p := newPacer(115200, true)
	const total = 11520 / 4 // a quarter second of line time
	start := time.Now()
	for sent := 0; sent < total; sent += 16 {
		if !p.wait(context.Background(), 16) {
			t.Fatal("wait failed")
		}
	}
	got := time.Since(start)
	want := 250 * time.Millisecond
	if got < want-paceSlack-time.Millisecond || got > want+10*time.Millisecond {
		t.Fatalf("16-byte pieces of %d bytes took %v; the line needs %v", total, got, want)
	}
}
