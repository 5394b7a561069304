package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// fwDevice is a fake controller's firmware side; fwConn is one open port
// to it. A cable drop kills the conn (every call fails); a reconnect opens
// a new conn on the same device, which still holds the received bytes.
type fwDevice struct {
	mu       sync.Mutex
	ocpp     bool // reached over OCPP (Channel)
	model    string
	serial   string
	firmware string
	chunk    int
	window   int
	// received image
	sha          string
	size         int
	version      string
	held         []byte
	begins       []int // offsets returned by fw.begin
	beginErr     error // fw.begin refuses with this
	calls        []string
	commits      int
	booted       string   // firmware after commit; "" = does not come back
	commitE      error    // commit fails with this (a refusal)
	commitUp     bool     // with commitE: the controller booted d.booted and answers
	dropAt       []int    // the transfer loses the link when it reaches these offsets
	lostInCommit bool     // the commit loses the link and finds the controller again
	logLines     []string // the commit's log, as the transport would parse it
}

func newFWDevice() *fwDevice {
	return &fwDevice{model: "EVC5.1", serial: "G48229", firmware: "V32R16", chunk: 512, window: 4}
}

func (d *fwDevice) record(op string) {
	d.mu.Lock()
	d.calls = append(d.calls, op)
	d.mu.Unlock()
}

func (d *fwDevice) callList() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

func (d *fwDevice) open() *fwConn { return &fwConn{d: d} }

var errCable = errors.New("write /dev/ttyUSB0: input/output error")

type fwConn struct {
	d      *fwDevice
	dead   bool
	closed bool
}

func (c *fwConn) check(op string) error {
	c.d.record(op)
	if c.dead || c.closed {
		return errCable
	}
	return nil
}

func (c *fwConn) Hello(ctx context.Context) (transport.Identity, error) {
	if err := c.check("hello"); err != nil {
		return transport.Identity{}, err
	}
	d := c.d
	d.mu.Lock()
	defer d.mu.Unlock()
	return transport.Identity{Model: d.model, Serial: d.serial, Firmware: d.firmware, Proto: 1, MaxLine: 4096, MaxKeys: 8, Window: d.window}, nil
}
func (c *fwConn) Keys(ctx context.Context) ([]transport.KeyAccess, error) {
	return nil, c.check("keys")
}
func (c *fwConn) Get(ctx context.Context, keys []string) ([]transport.Reading, []string, error) {
	return nil, nil, c.check("get")
}
func (c *fwConn) Set(ctx context.Context, values map[string]string) (map[string]transport.Status, error) {
	return nil, c.check("set")
}
func (c *fwConn) WaitSaved(ctx context.Context) error { return c.check("sync") }
func (c *fwConn) Reboot(ctx context.Context) (transport.Identity, error) {
	return transport.Identity{}, c.check("reset")
}

// FirmwareTransfer plays the transport's part: fw.begin at the offset the
// device holds, the data, and at each dropAt offset a lost link reported,
// reconnected and resumed as transport.Client does (its own tests cover
// the reconnecting itself), up to 5 times.
func (c *fwConn) FirmwareTransfer(ctx context.Context, img transport.FirmwareImage, progress func(transport.TransferProgress)) error {
	if err := c.check("fw.begin"); err != nil {
		return err
	}
	d := c.d
	emit := func(p transport.TransferProgress) {
		p.Total = len(img.Data)
		progress(p)
	}
	for lost := 0; ; {
		d.mu.Lock()
		if d.beginErr != nil {
			d.mu.Unlock()
			return d.beginErr
		}
		if !(d.sha == img.SHA256 && d.size == len(img.Data)) {
			d.sha, d.size, d.held = img.SHA256, len(img.Data), nil
		}
		d.version = img.Version
		off := len(d.held)
		d.begins = append(d.begins, off)
		d.mu.Unlock()
		emit(transport.TransferProgress{Event: transport.TransferStarted, Start: off, Done: off})
		err := c.send(img.Data, off, func(done int) {
			emit(transport.TransferProgress{Event: transport.TransferData, Done: done})
		})
		if !errors.Is(err, errCable) {
			return err
		}
		if lost++; lost > 5 {
			return fmt.Errorf("the connection was lost and 5 reconnects did not get the image through: %w", err)
		}
		emit(transport.TransferProgress{Event: transport.TransferLost, Attempt: lost, MaxAttempts: 5, Err: err})
		id, _ := c.Hello(ctx)
		emit(transport.TransferProgress{Event: transport.TransferReconnected, Identity: id})
	}
}

func (c *fwConn) send(image []byte, offset int, progress func(int)) error {
	c.d.record("fw.data")
	d := c.d
	const chunk = 512
	for off := offset; off < len(image); {
		d.mu.Lock()
		if len(d.dropAt) > 0 && off >= d.dropAt[0] {
			d.dropAt = d.dropAt[1:]
			d.mu.Unlock()
			return fmt.Errorf("fw.data: %w", errCable)
		}
		end := min(off+chunk, len(image))
		d.held = append(d.held, image[off:end]...)
		d.mu.Unlock()
		off = end
		progress(off)
	}
	return nil
}

func (c *fwConn) FirmwareCommit(ctx context.Context, progress func(transport.FlashProgress)) (transport.Identity, error) {
	if err := c.check("fw.commit"); err != nil {
		return transport.Identity{}, err
	}
	d := c.d
	d.mu.Lock()
	d.commits++
	lines, booted, cerr, up := d.logLines, d.booted, d.commitE, d.commitUp
	d.mu.Unlock()
	if cerr != nil && up {
		d.mu.Lock()
		d.firmware = booted
		d.mu.Unlock()
		id, _ := c.Hello(ctx)
		return id, cerr
	}
	if cerr != nil {
		return transport.Identity{}, cerr
	}
	sum := sha256.Sum256(d.held)
	if len(d.held) != d.size || hex.EncodeToString(sum[:]) != d.sha {
		return transport.Identity{}, &transport.RemoteError{Op: "fw.commit", Code: transport.CodeFWIncomplete, Message: "incomplete"}
	}
	for _, l := range lines {
		if p, ok := transport.ParseFlashLine(l); ok {
			progress(p)
		}
	}
	if d.lostInCommit {
		progress(transport.FlashProgress{Phase: transport.PhaseReconnect, Percent: -1})
	}
	if booted == "" {
		c.dead = true
		return transport.Identity{}, errors.New("fw.commit: no boot banner within 90 s after the flash log stopped")
	}
	d.mu.Lock()
	d.firmware = booted
	d.held = nil
	d.mu.Unlock()
	progress(transport.FlashProgress{Phase: transport.PhaseBoot, Percent: -1, Version: booted})
	return c.Hello(ctx)
}

func (c *fwConn) FirmwareAbort(ctx context.Context) error { return c.check("fw.abort") }
func (c *fwConn) Channel() model.Channel {
	if c.d.ocpp {
		return model.ChannelOCPP
	}
	return model.ChannelSerial
}
func (c *fwConn) Close() error { c.closed = true; return nil }

// fwOps counts the firmware requests among calls.
func fwOps(calls []string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, "fw.") {
			n++
		}
	}
	return n
}

// eventLog is a Reporter that keeps messages.
type eventLog struct {
	mu  sync.Mutex
	evs []Event
}

func (l *eventLog) Report(e Event) {
	l.mu.Lock()
	l.evs = append(l.evs, e)
	l.mu.Unlock()
}

func (l *eventLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.evs {
		b.WriteString(e.Message)
		b.WriteByte('\n')
	}
	return b.String()
}

func (l *eventLog) count(sub string) int {
	return strings.Count(l.text(), sub)
}

const testHeader = "ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n"

// makeImage writes an image of size bytes with header into dir/name and
// returns its path and sha256.
func makeImage(t testing.TB, dir, name, header string, size int) (string, string) {
	t.Helper()
	data := make([]byte, size)
	copy(data, header)
	for i := len(header); i < size; i++ {
		data[i] = byte(i*7 + i/251)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return p, hex.EncodeToString(sum[:])
}

func upgradePlan(path, sum string) plan.Firmware {
	st, _ := os.Stat(path)
	var size int64
	if st != nil {
		size = st.Size()
	}
	return plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade, File: path, SHA256: sum, Size: size}
}

func testOpts(ev Reporter) FlashOptions {
	return FlashOptions{Reporter: ev, AutoApprove: true}
}

// flashUpgrade upgrades dev from V32R16 to an image of size bytes, as
// apply does (hello, then Flash), and returns Flash's answer and the
// image's sha256.
func flashUpgrade(t *testing.T, dev *fwDevice, size int, ev Reporter) (transport.Identity, string, error) {
	t.Helper()
	p, sum := makeImage(t, t.TempDir(), "V32R17.bin", testHeader, size)
	c := dev.open()
	cur, _ := c.Hello(context.Background())
	id, err := Flash(context.Background(), c, upgradePlan(p, sum), cur, testOpts(ev))
	return id, sum, err
}

func TestFlashRefusalsSendNothing(t *testing.T) {
	dir := t.TempDir()
	good, goodSum := makeImage(t, dir, "V32R17.bin", testHeader, 8192)
	evc4, evc4Sum := makeImage(t, dir, "evc4-V32R17.bin", "ECCFW/1 version=V32R17 models=EVC4,ECC\n", 8192)
	hdr18, hdr18Sum := makeImage(t, dir, "V32R17-b.bin", "ECCFW/1 version=V32R18 models=EVC5\n", 8192)
	noname, nonameSum := makeImage(t, dir, "latest.bin", testHeader, 8192)
	prefix, prefixSum := makeImage(t, dir, "V32R170.bin", testHeader, 8192)
	junk, junkSum := makeImage(t, dir, "V32R17-junk.bin", "MZ\x90\x00 not an image", 8192)

	id := transport.Identity{Model: "EVC5.1", Serial: "G48229", Firmware: "V32R16"}
	with := func(f func(*plan.Firmware, *transport.Identity)) (plan.Firmware, transport.Identity) {
		fw, cur := upgradePlan(good, goodSum), id
		f(&fw, &cur)
		return fw, cur
	}
	tests := []struct {
		name string
		mod  func(*plan.Firmware, *transport.Identity)
		want string
	}{
		{"downgrade", func(fw *plan.Firmware, cur *transport.Identity) { cur.Firmware = "V33R1" }, "V32R17 is older than the running V33R1: firmware can never be downgraded"},
		{"same version", func(fw *plan.Firmware, cur *transport.Identity) { cur.Firmware = "V32R17" }, "already runs V32R17"},
		{"numeric compare", func(fw *plan.Firmware, cur *transport.Identity) { cur.Firmware = "V32R100" }, "can never be downgraded"},
		{"sha256 differs", func(fw *plan.Firmware, cur *transport.Identity) { fw.SHA256 = strings.Repeat("ab", 32) }, "not the pinned " + strings.Repeat("ab", 32)},
		{"file changed size", func(fw *plan.Firmware, cur *transport.Identity) { fw.Size = 9000 }, "the plan says 9000"},
		{"file missing", func(fw *plan.Firmware, cur *transport.Identity) { fw.File = filepath.Join(dir, "V32R17-gone.bin") }, "no such file"},
		{"header version differs", func(fw *plan.Firmware, cur *transport.Identity) { fw.File, fw.SHA256 = hdr18, hdr18Sum }, "header says version V32R18, the pin says V32R17"},
		{"name lacks version", func(fw *plan.Firmware, cur *transport.Identity) { fw.File, fw.SHA256 = noname, nonameSum }, "latest.bin does not name the version V32R17"},
		{"name has longer version", func(fw *plan.Firmware, cur *transport.Identity) { fw.File, fw.SHA256 = prefix, prefixSum }, "V32R170.bin does not name the version V32R17"},
		{"not an image", func(fw *plan.Firmware, cur *transport.Identity) { fw.File, fw.SHA256 = junk, junkSum }, "not an ECC firmware image"},
		{"family not in header", func(fw *plan.Firmware, cur *transport.Identity) { fw.File, fw.SHA256 = evc4, evc4Sum }, "is for EVC4, ECC; this controller is an EVC5.1 (family EVC5.x)"},
		{"unknown model", func(fw *plan.Firmware, cur *transport.Identity) { cur.Model = "" }, "reports no model"},
		{"locked pin differs", func(fw *plan.Firmware, cur *transport.Identity) { fw.Locked = true }, "locked (project-specific firmware must never be changed)"},
		{"plan refused", func(fw *plan.Firmware, cur *transport.Identity) {
			fw.Action, fw.Reason = plan.FirmwareRefused, "downgrade from V33R1 to V32R17"
		}, "downgrade from V33R1 to V32R17"},
		{"plan says none", func(fw *plan.Firmware, cur *transport.Identity) { fw.Action = plan.FirmwareNone }, "does not call for a firmware upgrade"},
		{"bad running version", func(fw *plan.Firmware, cur *transport.Identity) { cur.Firmware = "v32r16" }, "not a version ecc can compare"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dev := newFWDevice()
			fw, cur := with(tc.mod)
			ev := &eventLog{}
			_, err := Flash(context.Background(), dev.open(), fw, cur, testOpts(ev))
			var refused *RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "nothing sent") {
				t.Errorf("err = %q\nwant it to contain %q", err, tc.want)
			}
			if calls := dev.callList(); len(calls) != 0 {
				t.Errorf("sent %v; a refusal sends nothing", calls)
			}
			if ev.count("cannot be undone") != 0 {
				t.Errorf("warning shown for a refused upgrade")
			}
		})
	}
}

func TestFlashNotConfirmedSendsNothing(t *testing.T) {
	dir := t.TempDir()
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 4096)
	dev := newFWDevice()
	ev := &eventLog{}
	var prompts []string
	opts := testOpts(ev)
	opts.AutoApprove = false
	opts.Confirm = func(s string) bool { prompts = append(prompts, s); return false }
	cur, _ := dev.open().Hello(context.Background())
	dev.calls = nil
	_, err := Flash(context.Background(), dev.open(), upgradePlan(p, sum), cur, opts)
	if err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Fatalf("err = %v", err)
	}
	if len(dev.callList()) != 0 {
		t.Errorf("sent %v", dev.callList())
	}
	if len(prompts) != 1 || !strings.Contains(prompts[0], "V32R17") || !strings.Contains(prompts[0], "G48229") {
		t.Errorf("prompts = %q", prompts)
	}
	if ev.count("cannot be undone") != 1 {
		t.Errorf("the warning must be shown once before asking:\n%s", ev.text())
	}
}

func TestFirmwareWarningFollowsTheGuide(t *testing.T) {
	for _, s := range []string{"flashes the controller's chip memory", "rewrites itself", "cannot be undone", "never be downgraded",
		"power or the data cable", "brick", "Project-specific firmware", "never be upgraded", "Ecotap/Legrand"} {
		if !strings.Contains(FirmwareWarning, s) {
			t.Errorf("warning lacks %q", s)
		}
	}
}

func TestFlashUpgrade(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "V32R17"
	dev.logLines = []string{"FW: erase 0%", "FW: erase 25%", "FW: erase 50%", "FW: erase 100%", "FW: copy flash 0%", "FW: copy flash 60%", "FW: copy flash 100%"}
	ev := &eventLog{}
	id, sum, err := flashUpgrade(t, dev, 20000, ev)
	if err != nil {
		t.Fatal(err)
	}
	if id.Firmware != "V32R17" {
		t.Errorf("identity %+v", id)
	}
	if dev.version != "V32R17" || dev.sha != sum || dev.size != 20000 {
		t.Errorf("fw.begin got %s %d %s", dev.version, dev.size, dev.sha)
	}
	if dev.commits != 1 {
		t.Errorf("%d commits", dev.commits)
	}
	calls := dev.callList()
	if last := calls[len(calls)-1]; last != "hello" || calls[len(calls)-2] != "fw.commit" {
		t.Errorf("calls %v", calls)
	}
	if slicesIndex(calls, "fw.abort") >= 0 || slicesIndex(calls, "reset") >= 0 {
		t.Errorf("calls %v", calls)
	}
	out := ev.text()
	for _, s := range []string{
		"Do not remove power or the cable until the controller has booted V32R17",
		"transfer 50%", "transfer 90%", "controller: erase 0%", "controller: erase 50%",
		"controller: copy flash 0%", "controller: copy flash 100%", "controller boot banner: firmware V32R17",
		"the controller booted V32R17",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("events lack %q:\n%s", s, out)
		}
	}
	if ev.count("cannot be undone") != 1 || strings.Contains(out, "resuming") {
		t.Errorf("events:\n%s", out)
	}
}

func slicesIndex(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func TestFlashResumesAfterCableDrop(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "V32R17"
	dev.dropAt = []int{12000, 20000}
	ev := &eventLog{}
	id, _, err := flashUpgrade(t, dev, 30000, ev)
	if err != nil {
		t.Fatal(err)
	}
	if id.Firmware != "V32R17" || fmt.Sprint(dev.begins) != "[0 12288 20480]" || dev.held != nil {
		t.Errorf("id %+v, begins %v", id, dev.begins)
	}
	out := ev.text()
	for _, s := range []string{"resuming at 12288 bytes (40% already", "resuming at 20480 bytes", "connection lost during the transfer", "reconnecting, attempt 1 of 5", "attempt 2 of 5", "reconnected to G48229", "transfer 90%"} {
		if !strings.Contains(out, s) {
			t.Errorf("events lack %q:\n%s", s, out)
		}
	}
}

func TestFlashTransferFailsNothingCommitted(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "V32R17"
	dev.dropAt = []int{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}
	_, _, err := flashUpgrade(t, dev, 10000, Discard)
	if err == nil || !strings.Contains(err.Error(), "5 reconnects") || !strings.Contains(err.Error(), "nothing committed: the controller still runs V32R16") {
		t.Fatalf("err = %v", err)
	}
	if dev.commits != 0 || slicesIndex(dev.callList(), "fw.commit") >= 0 {
		t.Errorf("%d commits", dev.commits)
	}
}

func TestFlashStopsOnRemoteRefusalDuringTransfer(t *testing.T) {
	dev := newFWDevice()
	dev.beginErr = &transport.RemoteError{Op: "fw.begin", Code: transport.CodeFWSize, Message: "size 10000: too large"}
	_, _, err := flashUpgrade(t, dev, 10000, Discard)
	if err == nil || !strings.Contains(err.Error(), string(transport.CodeFWSize)) || !strings.Contains(err.Error(), "still runs V32R16") {
		t.Fatalf("err = %v", err)
	}
	if slicesIndex(dev.callList(), "fw.commit") >= 0 {
		t.Errorf("calls %v", dev.callList())
	}
}

func TestFlashBrickedAfterCommit(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "" // never comes back
	dev.logLines = []string{"FW: erase 0%", "FW: erase 25%"}
	ev := &eventLog{}
	_, _, err := flashUpgrade(t, dev, 4096, ev)
	var brick *BrickedError
	if !errors.As(err, &brick) {
		t.Fatalf("err = %v, want BrickedError", err)
	}
	for _, s := range []string{"did not come back after the firmware commit", "may be bricked", "contact Ecotap", "G48229"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q: %v", s, err)
		}
	}
	calls := dev.callList()
	if calls[len(calls)-1] != "fw.commit" || dev.commits != 1 {
		t.Errorf("after fw.commit ecc sent more: %v", calls)
	}
	if !strings.Contains(ev.text(), "Do not remove power or the cable until the controller has booted V32R17") {
		t.Errorf("events:\n%s", ev.text())
	}
}

// Over OCPP a station not heard from after UpdateFirmware may be still
// installing or offline: the error says so and sends nobody to the cable
// first, and nothing speaks of a cable while it flashes.
func TestFlashRemoteStationNotBackIsNotTheCableAdvice(t *testing.T) {
	dev := newFWDevice()
	dev.ocpp = true
	dev.booted = "" // never comes back
	ev := &eventLog{}
	_, _, err := flashUpgrade(t, dev, 4096, ev)
	var brick *BrickedError
	if !errors.As(err, &brick) || !brick.Remote {
		t.Fatalf("err = %v, want a remote BrickedError", err)
	}
	for _, s := range []string{"did not come back over OCPP", "may still be installing", "ecc gateway stations", "G48229"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q: %v", s, err)
		}
	}
	if strings.Contains(err.Error()+ev.text(), "the cable interrupted") || strings.Contains(ev.text(), "power or the cable") {
		t.Errorf("cable advice over OCPP:\n%v\n%s", err, ev.text())
	}
}

func TestFlashCommitLostCableButControllerBooted(t *testing.T) {
	// The cable drops during the flash; the transport finds the controller
	// again (transport.TestFirmwareCommitLooksAgainAfterLostCable) and the
	// user is told.
	dev := newFWDevice()
	dev.booted = "V32R17"
	dev.lostInCommit = true
	ev := &eventLog{}
	id, _, err := flashUpgrade(t, dev, 4096, ev)
	if err != nil || id.Firmware != "V32R17" {
		t.Fatalf("id %+v err %v", id, err)
	}
	if !strings.Contains(ev.text(), "lost the controller while it flashed; reconnecting to look for it. Do not remove power") {
		t.Errorf("events:\n%s", ev.text())
	}
	if n := fwOps(dev.callList()); n != 3 { // begin, data, one commit
		t.Errorf("calls %v", dev.callList())
	}
}

func TestFlashCommitRefusedIsNotABrick(t *testing.T) {
	dev := newFWDevice()
	dev.commitE = &transport.RemoteError{Op: "fw.commit", Code: transport.CodeFWChecksum, Message: "sha256 of the received image differs"}
	_, _, err := flashUpgrade(t, dev, 4096, Discard)
	var brick *BrickedError
	if err == nil || errors.As(err, &brick) || !strings.Contains(err.Error(), string(transport.CodeFWChecksum)) || !strings.Contains(err.Error(), "still runs V32R16") {
		t.Fatalf("err = %v", err)
	}
}

// Over OCPP the gateway judges the boot itself: a station that came back
// with another version is an error that comes with its identity. It is
// not a brick; the message says what it runs.
func TestFlashCommitErrorAfterBootIsNotABrick(t *testing.T) {
	for _, tc := range []struct{ booted, want string }{
		{"V32R16", "booted V32R16 again, not V32R17"},
		{"V32R18", "booted V32R18, not the pinned V32R17"},
	} {
		dir := t.TempDir()
		p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 4096)
		dev := newFWDevice()
		dev.booted = tc.booted
		dev.commitE = errors.New("gateway: firmware update: station booted with " + tc.booted + ", not V32R17")
		dev.commitUp = true
		c := dev.open()
		cur, _ := c.Hello(context.Background())
		_, err := Flash(context.Background(), c, upgradePlan(p, sum), cur, testOpts(Discard))
		var brick *BrickedError
		if err == nil || errors.As(err, &brick) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("booted %s: err = %v", tc.booted, err)
		}
	}
}

func TestFlashWrongVersionAfterBoot(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "V32R16"
	_, _, err := flashUpgrade(t, dev, 4096, Discard)
	if err == nil || !strings.Contains(err.Error(), "booted V32R16 again, not V32R17") {
		t.Fatalf("err = %v", err)
	}
}

func TestFlashCancelDoesNotInterruptCommit(t *testing.T) {
	dir := t.TempDir()
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 4096)
	dev := newFWDevice()
	dev.booted = "V32R17"
	ctx, cancel := context.WithCancel(context.Background())
	c := &slowCommit{fwConn: dev.open(), cancel: cancel}
	cur, _ := c.Hello(ctx)
	ev := &eventLog{}
	id, err := Flash(ctx, c, upgradePlan(p, sum), cur, testOpts(ev))
	if err != nil || id.Firmware != "V32R17" {
		t.Fatalf("id %+v err %v", id, err)
	}
	if !strings.Contains(ev.text(), "keeps waiting until it has booted V32R17") {
		t.Errorf("events:\n%s", ev.text())
	}
}

// slowCommit cancels the caller's context during the commit and checks
// that the commit's own context stays alive.
type slowCommit struct {
	*fwConn
	cancel func()
}

func (s *slowCommit) FirmwareCommit(ctx context.Context, progress func(transport.FlashProgress)) (transport.Identity, error) {
	s.cancel()
	time.Sleep(20 * time.Millisecond)
	if ctx.Err() != nil {
		return transport.Identity{}, ctx.Err()
	}
	return s.fwConn.FirmwareCommit(ctx, progress)
}

// The user's first interrupt stops the upgrade before its commit, even
// when the transfer runs to its end (this fake ignores ctx): the transfer
// is dropped (fw.abort) and the controller keeps its firmware. A commit
// already started when the interrupt comes is waited for.
func TestFlashInterrupt(t *testing.T) {
	for _, c := range []struct {
		name    string
		at      string // close the interrupt at an event with this prefix
		commits int
	}{
		{"during the transfer", "transfer 40%", 0},
		{"after the transfer", "transfer done", 0},
		{"during the commit", "committing", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 64<<10)
			dev := newFWDevice()
			dev.booted = "V32R17"
			conn := dev.open()
			cur, _ := conn.Hello(context.Background())
			stop := make(chan struct{})
			var once sync.Once
			ev := &eventLog{}
			opts := testOpts(reporterFunc(func(e Event) {
				ev.Report(e)
				if strings.HasPrefix(e.Message, c.at) {
					once.Do(func() { close(stop) })
				}
			}))
			opts.Interrupt = stop
			id, err := Flash(context.Background(), conn, upgradePlan(p, sum), cur, opts)
			if dev.commits != c.commits {
				t.Fatalf("%d commits, want %d; err %v\nevents:\n%s", dev.commits, c.commits, err, ev.text())
			}
			if c.commits == 1 {
				if err != nil || id.Firmware != "V32R17" {
					t.Errorf("a commit under way was not waited for: id %+v, err %v", id, err)
				}
				return
			}
			var stopped *StoppedError
			if !errors.As(err, &stopped) || stopped.AbortErr != nil || !strings.Contains(err.Error(), "still runs V32R16") {
				t.Fatalf("err = %v, want a StoppedError naming V32R16", err)
			}
			calls := dev.callList()
			if calls[len(calls)-1] != "fw.abort" {
				t.Errorf("the transfer was not dropped: calls %v", calls)
			}
			if dev.firmware != "V32R16" || !strings.Contains(ev.text(), "dropped (fw.abort), no commit") {
				t.Errorf("firmware %s\nevents:\n%s", dev.firmware, ev.text())
			}
		})
	}
}

func TestFirmwareFlasherHook(t *testing.T) {
	if _, ok := DefaultFlasher.(*FirmwareFlasher); !ok {
		t.Fatalf("DefaultFlasher is %T", DefaultFlasher)
	}
	dir := t.TempDir()
	p, sum := makeImage(t, dir, "V32R17.bin", testHeader, 4096)
	dev := newFWDevice()
	dev.booted = "V32R17"
	fl := &FirmwareFlasher{Options: FlashOptions{AutoApprove: true}}
	ev := &eventLog{}
	id, err := fl.Flash(context.Background(), dev.open(), upgradePlan(p, sum), stationReporter{ev, "cp-01"})
	if err != nil || id.Firmware != "V32R17" {
		t.Fatalf("id %+v err %v", id, err)
	}
	if calls := dev.callList(); calls[0] != "hello" {
		t.Errorf("calls %v", calls)
	}
	for _, e := range ev.evs {
		if e.Station != "cp-01" || e.Type != EvFirmware {
			t.Errorf("event %+v", e)
		}
	}
}

// Every progress event is typed: bars need no message parsing.
func TestFlashProgressTyped(t *testing.T) {
	dev := newFWDevice()
	dev.booted = "V32R17"
	dev.logLines = []string{"FW: erase 0%", "FW: erase 100%", "FW: copy flash 0%", "FW: copy flash 100%"}
	var mu sync.Mutex
	var got []Progress
	rec := reporterFunc(func(e Event) {
		if e.Progress != nil {
			mu.Lock()
			got = append(got, *e.Progress)
			mu.Unlock()
		}
	})
	if _, _, err := flashUpgrade(t, dev, 20000, rec); err != nil {
		t.Fatal(err)
	}
	phases := map[string]bool{}
	last := -1
	for _, pr := range got {
		phases[pr.Phase] = true
		if pr.Phase == PhaseTransfer {
			if pr.Total != 20000 || pr.Done < last || pr.Done > pr.Total {
				t.Errorf("transfer progress %+v after %d", pr, last)
			}
			last = pr.Done
		}
	}
	if last != 20000 {
		t.Errorf("transfer ended at %d bytes", last)
	}
	for _, ph := range []string{PhaseTransfer, "erase", "copy flash", "boot"} {
		if !phases[ph] {
			t.Errorf("no progress of phase %q in %+v", ph, got)
		}
	}
}

func TestDescribeFirmware(t *testing.T) {
	data := append([]byte(testHeader), make([]byte, 100)...)
	sum := sha256.Sum256(data)
	hexsum := hex.EncodeToString(sum[:])
	info := DescribeFirmware("firmware/V32R17.bin", data)
	if !info.OK() || info.Version != "V32R17" || fmt.Sprint(info.Models) != "[EVC4 EVC5 ECC]" || info.Size != int64(len(data)) || info.SHA256 != hexsum || !info.NameMatches {
		t.Fatalf("%+v", info)
	}
	if p := info.Pin(); p.File != "firmware/V32R17.bin" || p.Version != "V32R17" || p.SHA256 != hexsum {
		t.Errorf("pin %+v", p)
	}
	bad := DescribeFirmware("latest.bin", data)
	if bad.OK() || bad.NameMatches || !strings.Contains(strings.Join(bad.Problems, ";"), "does not contain the header's version V32R17") {
		t.Errorf("%+v", bad)
	}
	junk := DescribeFirmware("V32R17.bin", []byte("hello"))
	if junk.OK() || junk.HeaderError == "" || junk.Version != "" {
		t.Errorf("%+v", junk)
	}
}

// TestInspectForSite: with a site file, the pin's file is relative to the
// site file's folder (sites/depot.hcl pins firmware/V32R17.bin).
func TestInspectForSite(t *testing.T) {
	for _, tc := range []struct{ image, site, want string }{
		{"../sites/firmware/V32R17.bin", "../sites/depot.hcl", "firmware/V32R17.bin"},
		{"../sites/firmware/V32R17.bin", "../sites/fleet/north.hcl", "../firmware/V32R17.bin"},
		{"../sites/firmware/V32R17.bin", "", "../sites/firmware/V32R17.bin"},
		{"../sites/firmware/V32R17.bin", "../sites/fleet", "../firmware/V32R17.bin"}, // a folder of site files
		{"../sites/firmware/V32R17.bin", "../sites/fleet/", "../firmware/V32R17.bin"},
		{"../sites/firmware/V32R17.bin", "../sites/new.hcl", "firmware/V32R17.bin"}, // a site file yet to write
	} {
		info, err := InspectFirmware(tc.image, tc.site)
		if err != nil {
			t.Fatal(err)
		}
		if info.PinFile != tc.want || info.SiteFile != tc.site {
			t.Errorf("%s for %q: pin file %q, want %q", tc.image, tc.site, info.PinFile, tc.want)
		}
	}
}

func TestInspectTestdata(t *testing.T) {
	info, err := InspectFirmware("../testdata/firmware/V32R17.bin", "")
	if err != nil {
		t.Fatal(err)
	}
	if !info.OK() || info.Version != "V32R17" {
		t.Errorf("%+v", info)
	}
	data, _ := os.ReadFile("../testdata/firmware/V32R17.bin")
	sum := sha256.Sum256(data)
	if info.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("sha256")
	}
}

// TestFirmwareRefusedLeavesNoJournal: an upgrade the flasher refuses
// before sending anything (the image missing, as when a saved plan is
// applied where its file is not) leaves the station as it was and no
// journal: the next plan had shown "an apply of this station was
// interrupted" and blocked the station. A flash that failed once sending
// keeps its journal.
func TestFirmwareRefusedLeavesNoJournal(t *testing.T) {
	for _, c := range []struct {
		name    string
		err     error
		journal bool
	}{
		{"refused before sending", refuse("image file: stat V32R17.bin: no such file or directory"), false},
		{"failed while sending", errors.New("transfer: no reply"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			f := r.fake("p1", "G1")
			st := r.station("cp-01", "p1", upd("chg_StationMaxCurrent", "32", "25"))
			st.Firmware = plan.Firmware{Current: "V32R16", Desired: "V32R17", Action: plan.FirmwareUpgrade}
			job := r.job(st)
			job.Desired = RestoreStation("cp-01", "G1", "", nil)
			opts := r.opts()
			opts.Flasher = FlasherFunc(func(context.Context, transport.Controller, plan.Firmware, Reporter) (transport.Identity, error) {
				return transport.Identity{}, c.err
			})
			res := Run(context.Background(), []*Job{job}, opts)
			if res[0].Outcome != Failed || res[0].Intact == c.journal {
				t.Errorf("result %+v, want failed, intact %v", res[0], !c.journal)
			}
			if got := r.journalExists("G1"); got != c.journal {
				t.Errorf("journal left: %v, want %v\n%s", got, c.journal, r.out.String())
			}
			if f.sent() {
				t.Errorf("sent: %v", f.calls)
			}
		})
	}
}
