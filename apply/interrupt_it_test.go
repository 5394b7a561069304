package apply_test

// The user's interrupts, through the real binary against the simulator on
// a pty, checked on the simulator's persisted flash.

import (
	"bufio"
	"bytes"
	"maps"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// interruptRun is an apply run in the background whose stderr is read
// line by line, so that a test can interrupt it at a chosen moment.
type interruptRun struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string
	done   chan struct{}
}

func (e *env) startApply(args ...string) *interruptRun {
	e.t.Helper()
	r := &interruptRun{lines: make(chan string, 1000), done: make(chan struct{})}
	r.cmd = exec.Command(eccBin, args...)
	r.cmd.Dir = e.dir
	r.cmd.Env = append(os.Environ(), "ECC_IT_AUTH="+itSecret, "NO_COLOR=1")
	pipe, err := r.cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		defer close(r.done)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			r.mu.Lock()
			r.stderr.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
			select {
			case r.lines <- sc.Text():
			default:
			}
		}
	}()
	return r
}

// await waits for a stderr line containing s.
func (r *interruptRun) await(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l := <-r.lines:
			if strings.Contains(l, s) {
				return
			}
		case <-deadline:
			t.Fatalf("no line %q on stderr:\n%s", s, r.text())
		}
	}
}

func (r *interruptRun) interrupt(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
}

// wait returns the exit code once ecc has ended.
func (r *interruptRun) wait() int {
	<-r.done
	err := r.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return 0
}

func (r *interruptRun) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// slow is a simulator at 38400 baud: the backup takes long enough to be
// interrupted in the middle of it.
func slow(o *sim.Options) { o.Baud = 38400; o.SaveDelay = 500 * time.Millisecond }

// Interrupted while backing up (nothing written yet): the station stops,
// its journal is removed, nothing changed, exit 1.
func TestITInterruptBeforeFirstWrite(t *testing.T) {
	e := start(t, slow)
	e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve", "--baud", "38400")
	before := e.flash()
	r := e.startApply("apply", e.site("site.hcl", goodSettings), "--auto-approve", "--baud", "38400")
	r.await(t, "backing up every readable key")
	r.interrupt(t)
	code := r.wait()
	out := r.text()
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	for _, s := range []string{"Interrupt received", "nothing was changed"} {
		if !strings.Contains(out, s) {
			t.Errorf("stderr lacks %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "cp-01: writing") || strings.Contains(out, "rebooting") {
		t.Errorf("wrote after the interrupt:\n%s", out)
	}
	time.Sleep(600 * time.Millisecond) // a save the controller would do
	if after := e.flash(); !maps.Equal(before, after) {
		t.Errorf("flash changed after an interrupt before the first write:\n%v\nwant\n%v", after, before)
	}
	if e.journal() {
		t.Error("journal left after a station that wrote nothing")
	}
}

// Interrupted after the writes (waiting for the save): the station is
// brought to a consistent end, saved and verified, and the output says so.
func TestITInterruptAfterWrites(t *testing.T) {
	e := start(t, slow)
	e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve", "--baud", "38400")
	r := e.startApply("apply", e.site("site.hcl", goodSettings), "--auto-approve", "--baud", "38400")
	r.await(t, "waiting for the controller to save")
	r.interrupt(t)
	code := r.wait()
	out := r.text()
	if code != 1 {
		t.Errorf("exit %d, want 1 after an interrupt\n%s", code, out)
	}
	for _, s := range []string{"Interrupt received", "finishing this station", "verified"} {
		if !strings.Contains(out, s) {
			t.Errorf("stderr lacks %q:\n%s", s, out)
		}
	}
	e.expectApplied(nil)
}

// A second interrupt stops at once and says what is at risk and how to
// recover; the journal stays for that.
func TestITSecondInterrupt(t *testing.T) {
	e := start(t, func(o *sim.Options) { slow(o); o.SaveDelay = 3 * time.Second })
	e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve", "--baud", "38400")
	r := e.startApply("apply", e.site("site.hcl", goodSettings), "--auto-approve", "--baud", "38400")
	r.await(t, "waiting for the controller to save")
	r.interrupt(t)
	r.await(t, "Interrupt received")
	r.interrupt(t)
	code := r.wait()
	out := r.text()
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	for _, s := range []string{"Second interrupt", "cp-01", "journal", "--on-interrupted=rollback"} {
		if !strings.Contains(out, s) {
			t.Errorf("stderr lacks %q:\n%s", s, out)
		}
	}
	if !e.journal() {
		t.Error("no journal after a second interrupt in the middle of an apply")
	}
}
