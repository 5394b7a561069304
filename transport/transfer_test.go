package transport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// transferLog keeps a transfer's progress events as text.
type transferLog struct {
	mu  sync.Mutex
	evs []string
}

func (l *transferLog) add(p TransferProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch p.Event {
	case TransferStarted:
		l.evs = append(l.evs, fmt.Sprintf("start %d/%d", p.Start, p.Total))
	case TransferLost:
		l.evs = append(l.evs, fmt.Sprintf("lost %d of %d", p.Attempt, p.MaxAttempts))
	case TransferReconnected:
		l.evs = append(l.evs, "reconnected "+p.Identity.Serial)
	}
}

func (l *transferLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.evs, ", ")
}

// flashSteps keeps a commit's FlashProgress as text.
type flashSteps struct {
	mu    sync.Mutex
	steps []string
}

func (f *flashSteps) add(p FlashProgress) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.steps = append(f.steps, p.String())
}

func (f *flashSteps) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprint(f.steps)
}

func fwImage(n int) FirmwareImage {
	data := testImage(n)
	sum := sha256.Sum256(data)
	return FirmwareImage{Version: "V32R17", Data: data, SHA256: hex.EncodeToString(sum[:])}
}

func TestFirmwareTransferResumesAfterCableDrop(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropAt = []int{200, 400}
	f.mu.Unlock()
	img := fwImage(600)
	var log transferLog
	if err := c.FirmwareTransfer(testCtx(t), img, log.add); err != nil {
		t.Fatalf("%v (events %s)", err, &log)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !bytes.Equal(f.fwData, img.Data) || f.redials != 2 {
		t.Fatalf("controller holds %d of %d bytes after %d redials", len(f.fwData), len(img.Data), f.redials)
	}
	// fw.begin resumed where the controller stood each time.
	if len(f.begins) != 3 || f.begins[0] != 0 || f.begins[1] < 200 || f.begins[2] < 400 {
		t.Errorf("fw.begin offsets %v", f.begins)
	}
	want := fmt.Sprintf("start 0/600, lost 1 of 5, reconnected G48229, start %d/600, lost 2 of 5, reconnected G48229, start %d/600", f.begins[1], f.begins[2])
	if log.String() != want {
		t.Errorf("events %s\nwant   %s", &log, want)
	}
	if f.executed["fw.commit"] != 0 {
		t.Errorf("a transfer committed")
	}
}

func TestFirmwareTransferGivesUpAfterBoundedReconnects(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond, ReconnectTimeout: 200 * time.Millisecond})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropAt = []int{16, 16, 16, 16, 16, 16, 16, 16}
	f.redialErr = func(n int) error {
		if n%2 == 0 {
			return errors.New("open /dev/ttyUSB0: no such file or directory")
		}
		return nil
	}
	f.mu.Unlock()
	var log transferLog
	err := c.FirmwareTransfer(testCtx(t), fwImage(600), log.add)
	if err == nil || !strings.Contains(err.Error(), "5 reconnects") || !strings.Contains(err.Error(), "run again to resume") {
		t.Fatalf("err = %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.redials != 5 || f.executed["fw.commit"] != 0 {
		t.Errorf("%d redials, %d commits (events %s)", f.redials, f.executed["fw.commit"], &log)
	}
}

func TestFirmwareTransferStopsOnRefusal(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
	img := fwImage(600)
	img.Data = nil // size 0: fw_size
	err := c.FirmwareTransfer(testCtx(t), img, nil)
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeFWSize {
		t.Fatalf("err = %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.redials != 0 {
		t.Errorf("reconnected %d times after a refusal", f.redials)
	}
}

func TestFirmwareTransferStopsOnAnotherController(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropAt = []int{200}
	f.redialErr = func(int) error {
		f.fw = "V32R18" // another firmware answers after the reconnect
		return nil
	}
	f.mu.Unlock()
	err := c.FirmwareTransfer(testCtx(t), fwImage(600), nil)
	if err == nil || !strings.Contains(err.Error(), "runs V32R18 instead of V32R16; stopped") {
		t.Fatalf("err = %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.redials != 1 {
		t.Errorf("%d redials", f.redials)
	}
}

func TestFirmwareTransferWithoutRedialStops(t *testing.T) {
	f, c := newFake(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
	f.mu.Lock()
	f.dropAt = []int{200}
	f.mu.Unlock()
	err := c.FirmwareTransfer(testCtx(t), fwImage(600), nil)
	if err == nil || !strings.Contains(err.Error(), "cannot be reopened") || !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v", err)
	}
}

// A closed Stop ends the transfer at the next chunk: the requests in flight
// are answered (none left in the controller's window, so a request after
// it finds room: no overflow), nothing more is sent, nothing committed.
func TestFirmwareTransferStop(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{})
	f.mu.Lock()
	f.execDelay = map[string]time.Duration{"fw.data": 2 * time.Millisecond}
	f.mu.Unlock()
	img := fwImage(1600) // 100 chunks of 16 bytes
	stop := make(chan struct{})
	img.Stop = stop
	var once sync.Once
	err := c.FirmwareTransfer(testCtx(t), img, func(p TransferProgress) {
		if p.Done >= 320 {
			once.Do(func() { close(stop) })
		}
	})
	if !errors.Is(err, ErrTransferStopped) {
		t.Fatalf("err = %v", err)
	}
	if err := c.FirmwareAbort(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.executed["fw.data"]; n < 20 || n > 20+4 {
		t.Errorf("%d fw.data requests: want the 20 before Stop and at most the window after", n)
	}
	if f.overflows != 0 || c.Stats().StrayReplies != 0 || c.Stats().Resends != 0 {
		t.Errorf("overflows %d, stray replies %d, resends %d", f.overflows, c.Stats().StrayReplies, c.Stats().Resends)
	}
	if f.executed["fw.abort"] != 1 || f.executed["fw.commit"] != 0 {
		t.Errorf("executed %v", f.executed)
	}
}

// Stop during the wait for a lost link ends the wait at once.
func TestFirmwareTransferStopWhileReconnecting(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Minute})
	if _, err := c.Hello(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.dropAt = []int{200}
	f.mu.Unlock()
	img := fwImage(600)
	stop := make(chan struct{})
	img.Stop = stop
	start := time.Now()
	err := c.FirmwareTransfer(testCtx(t), img, func(p TransferProgress) {
		if p.Event == TransferLost {
			close(stop)
		}
	})
	if !errors.Is(err, ErrTransferStopped) || time.Since(start) > 10*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.redials != 0 || f.executed["fw.commit"] != 0 {
		t.Errorf("%d redials, executed %v", f.redials, f.executed)
	}
}

func TestFirmwareCommitLooksAgainAfterLostCable(t *testing.T) {
	f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond})
	if err := c.FirmwareTransfer(testCtx(t), fwImage(100), nil); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.cutInCommit = true
	f.mu.Unlock()
	var steps flashSteps
	id, err := c.FirmwareCommit(testCtx(t), steps.add)
	if err != nil || id.Firmware != "V32R17" {
		t.Fatalf("id %+v err %v (steps %s)", id, err, &steps)
	}
	if !strings.Contains(steps.String(), "reconnect") {
		t.Errorf("steps %s", &steps)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	// After the commit only hello went out: no resend of the commit, no
	// reset, no abort.
	if f.executed["fw.commit"] != 1 || f.executed["reset"] != 0 || f.executed["fw.abort"] != 0 || f.redials != 1 {
		t.Errorf("executed %v after %d redials", f.executed, f.redials)
	}
}

// TestFirmwareCommitLostCable: the cable is pulled during a commit and the
// port does not come back before the deadline. The error says why the port
// would not open, also when the last attempt ended at the deadline itself
// (not only that the time ran out), and fw.commit was sent once.
func TestFirmwareCommitLostCable(t *testing.T) {
	const timeout = 400 * time.Millisecond
	gone := errors.New("open /dev/ttyUSB0: no such file or directory")
	for _, tc := range []struct {
		name      string
		redialErr func(n int) error
	}{
		{"port missing until the deadline", func(int) error { return gone }},
		{"last dial ends at the deadline", func(n int) error {
			if n == 1 {
				return gone
			}
			time.Sleep(timeout) // a dial that gives up at the deadline
			return context.DeadlineExceeded
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFakeRedial(t, 4, 8, Options{ReconnectDelay: time.Millisecond, CommitTimeout: timeout})
			if err := c.FirmwareTransfer(testCtx(t), fwImage(100), nil); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			f.cutInCommit = true
			f.redialErr = tc.redialErr
			f.mu.Unlock()
			_, err := c.FirmwareCommit(testCtx(t), nil)
			if err == nil || !strings.Contains(err.Error(), "no such file") {
				t.Fatalf("err = %v", err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.executed["fw.commit"] != 1 || f.redials < 2 {
				t.Errorf("executed %v after %d redials", f.executed, f.redials)
			}
		})
	}
}
