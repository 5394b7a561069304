package transport

import (
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
