package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// Integration tests: the simulator on a real pseudo-terminal, the real
// go.bug.st/serial port through transport.Open.

// simRig is a simulated controller on a pty and a client on it.
type simRig struct {
	inst  *sim.Instance
	c     *transport.Client
	state string
	cur   transport.Identity
	trace *lineCounter
}

// lineCounter counts the bytes on the line from the simulator's trace
// ("> " received, "< " sent, terminators stripped) and keeps the lines.
type lineCounter struct {
	mu         sync.Mutex
	on         atomic.Bool
	keep       bool
	lines      []string
	toCtl, frm int64
}

func (l *lineCounter) Write(p []byte) (int, error) {
	line := strings.TrimSuffix(string(p), "\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keep {
		l.lines = append(l.lines, line)
	}
	if l.on.Load() {
		switch {
		case strings.HasPrefix(line, "> "):
			l.toCtl += int64(len(line) - 2 + 1) // host ends lines with \n
		case strings.HasPrefix(line, "< "):
			l.frm += int64(len(line) - 2 + 2) // controller ends lines with \r\n
		}
	}
	return len(p), nil
}

func (l *lineCounter) reset() (int64, int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, b := l.toCtl, l.frm
	l.toCtl, l.frm = 0, 0
	return a, b
}

func (l *lineCounter) received(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.HasPrefix(s, "> ") && strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

// fastSim is a simulator for tests: real pty and serial port, short delays.
func fastSim(dir string) sim.Options {
	return sim.Options{
		StateFile:        filepath.Join(dir, "state.json"),
		BootDelay:        20 * time.Millisecond,
		BannerLineDelay:  sim.NoDelay,
		SaveDelay:        sim.NoDelay,
		ChunkWriteDelay:  sim.NoDelay,
		CommitDuration:   400 * time.Millisecond,
		LogNoiseInterval: sim.NoDelay,
		NoThrottle:       true,
		Seed:             1,
	}
}

func clientOpts() transport.Options {
	return transport.Options{
		Timeout: 300 * time.Millisecond, Tries: 3, ConnectTimeout: 10 * time.Second,
		HelloInterval: 100 * time.Millisecond, CommitTimeout: 10 * time.Second, CommitQuiet: time.Second,
	}
}

func startSim(t testing.TB, so sim.Options) *simRig {
	return startSimWith(t, so, clientOpts())
}

func startSimWith(t testing.TB, so sim.Options, co transport.Options) *simRig {
	t.Helper()
	tr := &lineCounter{keep: true}
	so.Trace = tr
	inst := simtest.PTY(t, so)
	co.LockDir = t.TempDir()
	ctx := context.Background()
	c, err := transport.Open(ctx, inst.Path, co)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cur, err := c.Connect(ctx, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &simRig{inst: inst, c: c, state: so.StateFile, cur: cur, trace: tr}
}

func TestFlashSimUpgrade(t *testing.T) {
	dir := t.TempDir()
	r := startSim(t, fastSim(dir))
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 20000)
	ev := &eventLog{}
	id, err := Flash(context.Background(), r.c, upgradePlan(p, sum), r.cur, testOpts(ev))
	if err != nil {
		t.Fatalf("%v\nevents:\n%s", err, ev.text())
	}
	if id.Firmware != "V32R17" {
		t.Errorf("identity %+v", id)
	}
	st, err := sim.ReadState(r.state)
	if err != nil {
		t.Fatal(err)
	}
	if st.Firmware != "V32R17" || st.Bricked {
		t.Errorf("persisted state %+v", st)
	}
	if r.trace.received(`"op":"fw.commit"`) != 1 {
		t.Errorf("fw.commit sent %d times", r.trace.received(`"op":"fw.commit"`))
	}
	out := ev.text()
	for _, s := range []string{"controller: ", "erase", "copy flash", "booted V32R17"} {
		if !strings.Contains(out, s) {
			t.Errorf("events lack %q:\n%s", s, out)
		}
	}
}

func TestFlashSimRefusalSendsNothing(t *testing.T) {
	dir := t.TempDir()
	so := fastSim(dir)
	so.Firmware = "V32R18"
	r := startSim(t, so)
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 4096)
	before := sim.State{}
	if st, err := sim.ReadState(r.state); err == nil {
		before = st
	}
	_, err := Flash(context.Background(), r.c, upgradePlan(p, sum), r.cur, testOpts(Discard))
	var refused *RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "never be downgraded") {
		t.Fatalf("err = %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if n := r.trace.received(`"op":"fw.`); n != 0 {
		t.Errorf("%d firmware requests reached the controller", n)
	}
	st := r.inst.State()
	if st.Firmware != "V32R18" || st.Bricked || st.Flashing || before.Firmware != "" && before.Firmware != st.Firmware {
		t.Errorf("state %+v", st)
	}
}

func TestFlashSimCablePullResumes(t *testing.T) {
	dir := t.TempDir()
	so := fastSim(dir)
	so.ChunkWriteDelay = 2 * time.Millisecond
	co := clientOpts()
	co.ReconnectDelay, co.ReconnectTimeout = 100*time.Millisecond, 5*time.Second
	r := startSimWith(t, so, co)
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 64<<10)
	var pulled atomic.Bool
	ev := &eventLog{}
	hook := reporterFunc(func(e Event) {
		ev.Report(e)
		if strings.HasPrefix(e.Message, "transfer 40%") && pulled.CompareAndSwap(false, true) {
			r.inst.CablePull(1500 * time.Millisecond)
		}
	})
	opts := testOpts(hook)
	id, err := Flash(context.Background(), r.c, upgradePlan(p, sum), r.cur, opts)
	if err != nil {
		t.Fatalf("%v\nevents:\n%s", err, ev.text())
	}
	if !pulled.Load() || id.Firmware != "V32R17" || r.inst.State().Firmware != "V32R17" {
		t.Fatalf("pulled %v, id %+v", pulled.Load(), id)
	}
	out := ev.text()
	if !strings.Contains(out, "connection lost during the transfer") || !strings.Contains(out, "resuming at ") || strings.Contains(out, "resuming at 0 ") {
		t.Errorf("events:\n%s", out)
	}
}

func TestFlashSimPowerLostDuringCommit(t *testing.T) {
	dir := t.TempDir()
	so := fastSim(dir)
	so.CommitDuration = time.Second
	co := clientOpts()
	co.ReconnectTimeout = time.Second
	r := startSimWith(t, so, co)
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 8192)
	var cut atomic.Bool
	ev := &eventLog{}
	hook := reporterFunc(func(e Event) {
		ev.Report(e)
		if strings.Contains(e.Message, "erase") && strings.HasPrefix(e.Message, "controller:") && cut.CompareAndSwap(false, true) {
			r.inst.PowerOff()
			go func() { time.Sleep(200 * time.Millisecond); r.inst.PowerOn() }()
		}
	})
	opts := testOpts(hook)
	opts.CommitTimeout = 3 * time.Second
	_, err := Flash(context.Background(), r.c, upgradePlan(p, sum), r.cur, opts)
	var brick *BrickedError
	if !errors.As(err, &brick) {
		t.Fatalf("err = %v, want BrickedError\nevents:\n%s", err, ev.text())
	}
	if !strings.Contains(err.Error(), "may be bricked") || !strings.Contains(err.Error(), "contact Ecotap") {
		t.Errorf("err = %v", err)
	}
	if n := r.trace.received(`"op":"fw.commit"`); n != 1 {
		t.Errorf("fw.commit sent %d times", n)
	}
	if n := r.trace.received(`"op":"reset"`) + r.trace.received(`"op":"fw.abort"`); n != 0 {
		t.Errorf("reset/abort sent after the commit")
	}
	st, _ := sim.ReadState(r.state)
	if !st.Bricked {
		t.Errorf("sim state %+v", st)
	}
}

// The user's first interrupt during the transfer, through the real serial
// port: no fw.data after the ones in flight, fw.abort, never fw.commit; the
// controller still runs V32R16 and holds no transfer to commit.
func TestFlashSimInterruptStopsBeforeCommit(t *testing.T) {
	dir := t.TempDir()
	so := fastSim(dir)
	so.ChunkWriteDelay = 5 * time.Millisecond // 128 chunks: the transfer takes over 0.6 s
	r := startSim(t, so)
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 64<<10)
	stop := make(chan struct{})
	var once sync.Once
	var dataAtStop int
	ev := &eventLog{}
	opts := testOpts(reporterFunc(func(e Event) {
		ev.Report(e)
		if strings.HasPrefix(e.Message, "transfer 20%") {
			once.Do(func() {
				dataAtStop = r.trace.received(`"op":"fw.data"`)
				close(stop)
			})
		}
	}))
	opts.Interrupt = stop
	_, err := Flash(context.Background(), r.c, upgradePlan(p, sum), r.cur, opts)
	var stopped *StoppedError
	if !errors.As(err, &stopped) || stopped.AbortErr != nil {
		t.Fatalf("err = %v, want a StoppedError with the transfer dropped\nevents:\n%s", err, ev.text())
	}
	time.Sleep(100 * time.Millisecond) // anything still on its way
	if n := r.trace.received(`"op":"fw.commit"`); n != 0 {
		t.Errorf("fw.commit sent %d times after the interrupt", n)
	}
	if n := r.trace.received(`"op":"fw.abort"`); n != 1 {
		t.Errorf("fw.abort sent %d times", n) // a resend: it found no room in the controller's window
	}
	// At most the window in flight (and a resend or two) after the
	// interrupt, far from the 128 chunks of the image.
	if n := r.trace.received(`"op":"fw.data"`); dataAtStop == 0 || n > dataAtStop+2*r.cur.Window+2 || n >= 128 {
		t.Errorf("%d fw.data requests, %d of them before the interrupt", n, dataAtStop)
	}
	if st := r.inst.State(); st.Firmware != "V32R16" || st.Bricked || st.Flashing {
		t.Errorf("state %+v", st)
	}
	// The transfer was dropped: a commit now finds no image.
	if _, err := r.c.FirmwareCommit(context.Background(), nil); err == nil {
		t.Error("the controller still held the interrupted transfer")
	}
	if id, err := r.c.Hello(context.Background()); err != nil || id.Firmware != "V32R16" {
		t.Errorf("hello after the interrupt: %+v, %v", id, err)
	}
}

type reporterFunc func(Event)

func (f reporterFunc) Report(e Event) { f(e) }

// BenchmarkFirmwareTransfer measures Flash's transfer step (fw.begin and
// the pipelined fw.data stream, with progress) of a 64 KiB image against
// the simulator on a pty at 115200 baud with 25 ms chunk writes, as a
// ratio of the wire-time bound of every byte on the line (requests and
// replies, both ways) at 11,520 B/s. x-wire-host-to-ctl is the ratio to
// the busier direction alone.
func BenchmarkFirmwareTransfer(b *testing.B) {
	dir := b.TempDir()
	so := fastSim(dir)
	so.NoThrottle = false
	so.Baud = 115200
	so.ChunkWriteDelay = 25 * time.Millisecond
	// The client's defaults (1 s before a resend): a window of 4 fw.data
	// frames alone takes about 260 ms of line time.
	r := startSimWith(b, so, transport.Options{})
	r.trace.mu.Lock()
	r.trace.keep = false
	r.trace.mu.Unlock()
	ctx := context.Background()
	p, _ := makeImage(b, dir, "V32R17.bin", testHeader, 64<<10)
	image, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	var toCtl, frm int64
	st0 := r.c.Stats()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		image[len(image)-1] = byte(i) // a fresh sha256: no resume
		if err := os.WriteFile(p, image, 0o644); err != nil {
			b.Fatal(err)
		}
		s := sha256.Sum256(image)
		f := &flash{opts: testOpts(Discard), c: r.c, fw: upgradePlan(p, hex.EncodeToString(s[:])), cur: r.cur}
		f.defaults()
		if f.img, err = CheckFirmware(f.fw, f.cur, f.c.Channel()); err != nil {
			b.Fatal(err)
		}
		r.trace.reset()
		r.trace.on.Store(true)
		b.StartTimer()
		start := time.Now()
		if err := f.transfer(ctx); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		r.trace.on.Store(false)
		a, c := r.trace.reset()
		toCtl += a
		frm += c
		if err := r.c.FirmwareAbort(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(total.Seconds()/(float64(toCtl+frm)/11520), "x-wire")
	b.ReportMetric(total.Seconds()/(float64(toCtl)/11520), "x-wire-host-to-ctl")
	b.ReportMetric(total.Seconds()/n, "s/transfer")
	b.ReportMetric(float64(toCtl+frm)/n, "linebytes/transfer")
	b.ReportMetric(float64(r.c.Stats().Resends-st0.Resends)/n, "resends/transfer")
}
