package transport

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A request found lost (a request sent after it was answered first) is
// resent at once, not after its timeout: for plain requests, for reset
// and for fw.commit alike, since they wait in the one resend loop.
func TestLostRequestResentPromptly(t *testing.T) {
	const timeout = 10 * time.Second // far longer than the test may take
	for _, op := range []string{"reset", "fw.commit", "get"} {
		t.Run(op, func(t *testing.T) {
			f, c := newFake(t, 4, 8, Options{Timeout: timeout, SetTimeout: timeout, RebootTimeout: 3 * timeout, CommitTimeout: 3 * timeout})
			if _, err := c.Hello(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			if op == "fw.commit" {
				if err := c.FirmwareTransfer(testCtx(t), fwImage(64), nil); err != nil {
					t.Fatal(err)
				}
			}
			var dropped atomic.Bool
			f.mu.Lock()
			f.dropReq = func(n int, r fakeReq) bool { return r.Op == op && dropped.CompareAndSwap(false, true) }
			f.mu.Unlock()
			// Once the first request is on its way (and lost), a hello
			// overtakes it; its reply tells the client the first was lost.
			go func() {
				for !dropped.Load() {
					time.Sleep(time.Millisecond)
				}
				c.Hello(testCtx(t))
			}()
			start := time.Now()
			var err error
			switch op {
			case "reset":
				_, err = c.Reboot(testCtx(t))
			case "fw.commit":
				_, err = c.FirmwareCommit(testCtx(t), nil)
			case "get":
				_, _, err = c.Get(testCtx(t), []string{"chg_RatedCurrent"})
			}
			if err != nil {
				t.Fatal(err)
			}
			st := c.Stats()
			if st.Timeouts != 0 || st.Resends != 1 || time.Since(start) >= timeout {
				t.Errorf("%s: %d timeouts, %d resends after %v: want the lost request resent at once", op, st.Timeouts, st.Resends, time.Since(start))
			}
			if _, exec, _, _ := f.snapshot(); exec[op] != 1 {
				t.Errorf("%s executed %d times", op, exec[op])
			}
		})
	}
}

// A slow controller (window 4, every set executed in longer than
// SetTimeout) with a full window of pipelined sets: only the oldest
// request resends on timeout. The ones behind it cannot be answered
// before it (replies come in order), so they wait instead of resending
// into a full window. The one frame a full window may still drop is a
// copy of the request the controller is executing: its first send is
// answered anyway.
func TestSlowControllerOnlyOldestResends(t *testing.T) {
	const timeout, exec = 60 * time.Millisecond, 100 * time.Millisecond
	f, c := newFake(t, 4, 1, Options{SetTimeout: timeout})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.execDelay["set"] = exec
	f.mu.Unlock()
	values := map[string]string{"chg_RatedCurrent": "20,20", "chg_StationMaxCurrent": "25", "com_ProtCh": "ETH", "grid_Role": "Station_ctrl"}
	if _, err := c.Set(testCtx(t), values); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.executed["set"] != 4 || f.maxQueued != 4 {
		t.Fatalf("%d sets executed, %d held at most: want 4 pipelined", f.executed["set"], f.maxQueued)
	}
	for _, o := range f.overflowed {
		if o[0] != o[1] {
			t.Errorf("request %d arrived while the controller held its window (executing %d): RX OVERFLOW", o[0], o[1])
		}
	}
}

// When every request and reply is lost, a full window gives up within the
// Tries bound, as one request would, and only the oldest request resends:
// the ones behind it count their timeouts as tries without sending.
func TestSilentLineFullWindowGivesUpWithinTries(t *testing.T) {
	const timeout, tries = 40 * time.Millisecond, 3
	f, c := newFake(t, 4, 1, Options{Timeout: timeout, Tries: tries})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropReq = func(int, fakeReq) bool { return true }
	f.mu.Unlock()
	sent := c.Stats().Sent
	start := time.Now()
	_, _, err := c.Get(testCtx(t), []string{"chg_RatedCurrent", "gsm_SigQ", "chg_StationMaxCurrent", "x"})
	took := time.Since(start)
	if !errors.Is(err, ErrNoReply) {
		t.Fatalf("err %v, want no reply", err)
	}
	// Tries timeouts, with room for a slow machine, far below the
	// (tries + 3*(tries-1)) timeouts of resending one request at a time.
	if took > 2*tries*timeout {
		t.Errorf("gave up after %v, want about %v", took, tries*timeout)
	}
	if n := c.Stats().Sent - sent; n != 4+tries-1 {
		t.Errorf("%d frames sent, want the 4 requests and %d resends of the oldest", n, tries-1)
	}
}
