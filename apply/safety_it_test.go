package apply_test

// Safety through the real binary against the simulator on a pty, checked
// on the simulator's persisted flash: the user's interrupts, and the
// approved plan as a contract after a firmware upgrade.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
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
	r.cmd = e.command(args...)
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
	code, _ := ecctest.ExitCode(r.cmd.Wait())
	return code
}

func (r *interruptRun) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// TestITInterrupt interrupts an apply at a chosen line of its output
// (once or twice) and checks what the user is told and what the
// controller holds afterwards. The simulator runs at 38400 baud so that
// the backup takes long enough to be interrupted in the middle of it.
func TestITInterrupt(t *testing.T) {
	for _, c := range []struct {
		name       string
		saveDelay  time.Duration
		at         string // interrupt when stderr shows this
		interrupts int
		want       []string
		check      func(e *env, before map[string]string)
	}{{
		// Nothing written yet: the station stops, its journal is removed,
		// nothing changed.
		name: "before the first write", saveDelay: 500 * time.Millisecond,
		at: "backing up every readable key", interrupts: 1,
		want: []string{"Interrupt received", "nothing was changed"},
		check: func(e *env, before map[string]string) {
			time.Sleep(600 * time.Millisecond) // a save the controller would do
			if after := e.flash(); !maps.Equal(before, after) {
				e.t.Errorf("flash changed:\n%v\nwant\n%v", after, before)
			}
			if e.journal() {
				e.t.Error("journal left after a station that wrote nothing")
			}
		},
	}, {
		// Written, waiting for the save: brought to a consistent end.
		name: "after the writes", saveDelay: 500 * time.Millisecond,
		at: "waiting for the controller to save", interrupts: 1,
		want:  []string{"Interrupt received", "finishing this station", "verified"},
		check: func(e *env, _ map[string]string) { e.expectApplied(nil) },
	}, {
		// A second interrupt stops at once and says what is at risk and
		// how to recover; the journal stays for that.
		name: "twice", saveDelay: 3 * time.Second,
		at: "waiting for the controller to save", interrupts: 2,
		want: []string{"Second interrupt", "cp-01", "journal", "--on-interrupted=rollback"},
		check: func(e *env, _ map[string]string) {
			if !e.journal() {
				e.t.Error("no journal after a second interrupt in the middle of an apply")
			}
		},
	}} {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, func(o *sim.Options) { o.Baud, o.SaveDelay = 38400, c.saveDelay })
			e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve", "--baud", "38400")
			before := e.flash()
			r := e.startApply("apply", e.site("site.hcl", goodSettings), "--auto-approve", "--baud", "38400")
			r.await(t, c.at)
			r.interrupt(t)
			if c.interrupts == 2 {
				r.await(t, "Interrupt received")
				r.interrupt(t)
			}
			code := r.wait()
			out := r.text()
			if code != 1 {
				t.Errorf("exit %d, want 1 after an interrupt\n%s", code, out)
			}
			for _, s := range c.want {
				if !strings.Contains(out, s) {
					t.Errorf("stderr lacks %q:\n%s", s, out)
				}
			}
			if c.interrupts == 1 && strings.Contains(out, "no station starts writing") && strings.Contains(out[strings.Index(out, "Interrupt received"):], "cp-01: writing") {
				t.Errorf("a write started after the interrupt:\n%s", out)
			}
			c.check(e, before)
		})
	}
}

// The approved plan is a contract, through the binary: the upgrade resets
// chg_MinChargingCurrent, the re-plan wants to write it back, which was
// never approved; with --auto-approve it is left pending and ecc exits 1.
func TestITReplanAfterUpgradeKeepsToApproved(t *testing.T) {
	e := start(t, func(o *sim.Options) {
		o.CommitDuration = 200 * time.Millisecond
		o.ChunkWriteDelay = sim.NoDelay
		o.UpgradeResets = map[string]string{"chg_MinChargingCurrent": "10"}
	})
	e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve")
	site := e.upgradeSite("upgrade.hcl", 4000, `    chg_StationMaxCurrent  = 25
    chg_MinChargingCurrent = 6`)
	r := e.ecc("apply", site, "--auto-approve")
	if r.code != 1 {
		t.Errorf("exit %d, want 1 with a change left pending\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "left pending: chg_MinChargingCurrent") {
		t.Errorf("stderr does not report the pending change:\n%s", r.stderr)
	}
	st, err := sim.ReadState(e.state)
	if err != nil {
		t.Fatal(err)
	}
	if st.Firmware != "V32R17" || st.Values["chg_StationMaxCurrent"] != "25" {
		t.Errorf("the approved upgrade and change were not applied: firmware %s, chg_StationMaxCurrent %s", st.Firmware, st.Values["chg_StationMaxCurrent"])
	}
	if got := st.Values["chg_MinChargingCurrent"]; got != "10" {
		t.Errorf("an unapproved change was written: chg_MinChargingCurrent = %s", got)
	}
}

// upgradeSite writes a V32R17 image of about size bytes and a site file
// that pins it for cp-01 and sets settings.
func (e *env) upgradeSite(name string, size int, settings string) string {
	e.t.Helper()
	image := append([]byte("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n"), bytes.Repeat([]byte{0x5a}, size)...)
	if err := os.WriteFile(filepath.Join(e.dir, "V32R17.bin"), image, 0o644); err != nil {
		e.t.Fatal(err)
	}
	sum := sha256.Sum256(image)
	site := filepath.Join(e.dir, name)
	body := fmt.Sprintf(`site "it" {}

station "cp-01" {
  serial = %q
  port   = %q
  firmware {
    version = "V32R17"
    file    = "V32R17.bin"
    sha256  = %q
  }
  settings {
%s
  }
}
`, sim.DefaultSerial, e.inst.Path, hex.EncodeToString(sum[:]), settings)
	if err := os.WriteFile(site, []byte(body), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return site
}

// frameLog keeps the requests the simulated controller received.
type frameLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *frameLog) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("> ")) {
		l.mu.Lock()
		l.lines = append(l.lines, string(p))
		l.mu.Unlock()
	}
	return len(p), nil
}

// count is how many requests named op the controller received.
func (l *frameLog) count(op string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, `"op":"`+op+`"`) {
			n++
		}
	}
	return n
}

// Ctrl-C during the firmware transfer, through the binary: the transfer
// stops and is dropped (fw.abort), fw.commit is never sent, nothing is
// written, and the controller still runs V32R16 with its configuration.
func TestITInterruptDuringFirmwareTransfer(t *testing.T) {
	frames := &frameLog{}
	e := start(t, func(o *sim.Options) {
		o.ChunkWriteDelay = 20 * time.Millisecond // 128 chunks: over 2.5 s
		o.CommitDuration = 200 * time.Millisecond
		o.Trace = frames
	})
	e.ecc("apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve")
	before, sets := e.flash(), frames.count("set")
	r := e.startApply("apply", e.upgradeSite("upgrade.hcl", 64<<10, "    chg_MinChargingCurrent = 8"), "--auto-approve")
	r.await(t, "transfer 10%")
	r.interrupt(t)
	code := r.wait()
	out := r.text()
	if code != 1 {
		t.Errorf("exit %d, want 1 after an interrupt\n%s", code, out)
	}
	time.Sleep(300 * time.Millisecond) // a commit would be under way by now
	if n := frames.count("fw.commit"); n != 0 {
		t.Errorf("fw.commit sent %d times after the interrupt\n%s", n, out)
	}
	if n := frames.count("fw.abort"); n != 1 {
		t.Errorf("fw.abort sent %d times", n)
	}
	if n := frames.count("fw.data"); n >= 128 {
		t.Errorf("the whole image was sent after the interrupt (%d fw.data)", n)
	}
	if n := frames.count("set"); n != sets {
		t.Errorf("%d sets: a configuration write after the interrupt", n-sets)
	}
	st, err := sim.ReadState(e.state)
	if err != nil {
		t.Fatal(err)
	}
	if st.Firmware != "V32R16" || st.Bricked || st.Flashing || !maps.Equal(st.Values, before) {
		t.Errorf("controller after the interrupt: firmware %s, bricked %v, values changed %v", st.Firmware, st.Bricked, !maps.Equal(st.Values, before))
	}
	if id := e.inst.State(); id.Firmware != "V32R16" {
		t.Errorf("the simulated controller runs %s", id.Firmware)
	}
	for _, s := range []string{"Interrupt received", "the upgrade was not started", "still runs V32R16", "nothing was changed", "cancelled"} {
		if !strings.Contains(out, s) {
			t.Errorf("stderr lacks %q:\n%s", s, out)
		}
	}
	for _, s := range []string{"committing", "erase", "copy flash", "interrupted after the firmware upgrade"} {
		if strings.Contains(out, s) {
			t.Errorf("stderr has %q:\n%s", s, out)
		}
	}
	if e.journal() {
		t.Error("journal left after a station that changed nothing")
	}
}
