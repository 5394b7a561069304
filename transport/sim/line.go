package sim

import (
	"bytes"
	"context"
	"math/rand/v2"
	"time"
)

// assembler splits a byte stream into lines (controller-protocol.md §1): a
// line ends at '\n', a '\r' before it is dropped, and a line longer than
// maxLine (0: MaxLine) is discarded up to its terminator.
type assembler struct {
	maxLine  int
	buf      []byte
	overlong bool
}

// feed adds bytes and calls line for every complete line (without its
// terminator). The slice passed to line is only valid during the call.
func (a *assembler) feed(p []byte, line func([]byte)) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			a.add(p)
			return
		}
		a.add(p[:i])
		p = p[i+1:]
		if !a.overlong {
			l := a.buf
			if n := len(l); n > 0 && l[n-1] == '\r' {
				l = l[:n-1]
			}
			line(l)
		}
		a.buf = a.buf[:0]
		a.overlong = false
	}
}

func (a *assembler) add(p []byte) {
	if a.overlong {
		return
	}
	// MaxLine excludes the terminator; allow for a '\r' of "\r\n".
	limit := a.maxLine
	if limit <= 0 {
		limit = MaxLine
	}
	if len(a.buf)+len(p) > limit+1 {
		a.buf = a.buf[:0]
		a.overlong = true
		return
	}
	a.buf = append(a.buf, p...)
}

// Ways noise damages a line.
const (
	dmgFlip = iota
	dmgDrop
	dmgInsert
	dmgMerge // the terminator is lost: the line runs into the next one
	dmgKinds
)

// damage applies one random damage to a line's content (no terminator) and
// reports whether its terminator survives.
func damage(rng *rand.Rand, line []byte) (out []byte, keepEnd bool) {
	out = append([]byte(nil), line...)
	kind := rng.IntN(dmgKinds)
	if len(out) == 0 && (kind == dmgFlip || kind == dmgDrop) {
		kind = dmgInsert
	}
	switch kind {
	case dmgFlip:
		i := rng.IntN(len(out))
		out[i] ^= 1 << rng.IntN(8)
	case dmgDrop:
		i := rng.IntN(len(out))
		out = append(out[:i], out[i+1:]...)
	case dmgInsert:
		i := rng.IntN(len(out) + 1)
		out = append(out[:i], append([]byte{byte(rng.IntN(256))}, out[i:]...)...)
	case dmgMerge:
		return out, false
	}
	return out, true
}

// paceSlack is how far a pacer may run behind and still catch up.
const paceSlack = 2 * time.Millisecond

// pacer limits a byte stream to the line rate: 10 bits a byte.
type pacer struct {
	perByte time.Duration // 0: unthrottled
	next    time.Time
	// The clock, replaced in tests so that the pacing rule is checked
	// exactly rather than against a busy machine's timers.
	now   func() time.Time
	sleep func(context.Context, time.Duration) bool
}

func newPacer(baud int, on bool) *pacer {
	p := &pacer{now: time.Now, sleep: sleep}
	if on && baud > 0 {
		p.perByte = time.Duration(float64(time.Second) * 10 / float64(baud))
	}
	return p
}

// wait accounts n bytes and sleeps while the line is still busy with
// earlier ones. It returns false when ctx ends first.
func (p *pacer) wait(ctx context.Context, n int) bool {
	if p.perByte == 0 {
		return ctx.Err() == nil
	}
	now := p.now()
	// The line was idle only if it fell behind by more than a timer's
	// overshoot; a smaller lag is our own sleep waking late, and forgetting
	// it would make the line slower than its baud rate. Over any interval
	// the pace stays within paceSlack of the exact rate.
	if now.Sub(p.next) > paceSlack {
		p.next = now
	}
	p.next = p.next.Add(time.Duration(n) * p.perByte)
	// Sleep only when noticeably ahead, so that small pieces add up.
	if d := p.next.Sub(now); d > 2*time.Millisecond {
		return p.sleep(ctx, d)
	}
	return ctx.Err() == nil
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
