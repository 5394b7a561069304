package transport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// TestAgainstSimulator runs the client through the real go.bug.st/serial
// port on a pseudo-terminal (tcp:// where there is none) against the
// simulated controller, clean and with line noise: connect before power
// on, read every key, write and save, reboot, flash a firmware image.
func TestAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	for _, noise := range []float64{0, 0.05, 0.15} {
		t.Run(fmt.Sprintf("noise=%v", noise), func(t *testing.T) { simSession(t, noise) })
	}
}

func simSession(t *testing.T, noise float64) {
	opts := sim.Options{
		Noise: noise, Seed: 7, NoThrottle: true,
		PowerOnDelay: 300 * time.Millisecond, BootDelay: 50 * time.Millisecond,
		BannerLineDelay: sim.NoDelay, SaveDelay: 30 * time.Millisecond,
		ChunkWriteDelay: sim.NoDelay, CommitDuration: 200 * time.Millisecond,
		LogNoiseInterval: 50 * time.Millisecond,
	}
	var inst *sim.Instance
	var err error
	if runtime.GOOS == "windows" {
		inst, err = sim.StartTCP("127.0.0.1:0", opts)
	} else {
		inst, err = sim.StartPTY(opts)
	}
	if err != nil {
		t.Skipf("no simulator port: %v", err)
	}
	defer inst.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := transport.Open(ctx, inst.Path, transport.Options{
		LockDir: t.TempDir(), Timeout: 200 * time.Millisecond, SetTimeout: 300 * time.Millisecond,
		HelloInterval: 100 * time.Millisecond, SaveTimeout: 300 * time.Millisecond, SyncInterval: 20 * time.Millisecond,
		// 12, not 8: at 15% noise per line and direction a try is lost
		// about 30% of the time (request, reply, or a merged line), and
		// the seeded noise replays the same streak in some runs: one
		// fw.data needed 9 tries (every loss traced to a single damaged
		// line; nothing systematic). The spec only asks for a bound.
		Tries: 12,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	waited := false
	id, err := c.Connect(ctx, 5*time.Second, func() { waited = true })
	if err != nil || !waited || id.Firmware != sim.DefaultFirmware {
		t.Fatalf("Connect: %+v, waited %v, %v", id, waited, err)
	}
	keys, err := c.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Key
	}
	vals, unknown, err := c.Get(ctx, names)
	if err != nil || len(vals) != len(names) || len(unknown) != 0 {
		t.Fatalf("Get: %d values, %d unknown, %v", len(vals), len(unknown), err)
	}
	for round := range 3 {
		want := map[string]string{"chg_StationMaxCurrent": fmt.Sprint(20 + round), "grid_Role": "Station_ctrl", "com_ProtCh": "ETH"}
		st, err := c.Set(ctx, want)
		if err != nil || st["chg_StationMaxCurrent"] != transport.Accepted {
			t.Fatalf("Set: %v %v", st, err)
		}
		if err := c.WaitSaved(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if id, err = c.Reboot(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, err := c.Get(ctx, []string{"chg_StationMaxCurrent"})
	if err != nil || len(got) != 1 || got[0].Value != "22" {
		t.Fatalf("after reboot: %+v %v", got, err)
	}

	img := []byte("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n" + strings.Repeat("firmware-bytes-", 1000))
	sum := sha256.Sum256(img)
	chunk, off, err := c.FirmwareBegin(ctx, "V32R17", len(img), hex.EncodeToString(sum[:]))
	if err != nil {
		t.Fatal(err)
	}
	last := 0
	if err := c.FirmwareSend(ctx, img, off, chunk, func(n int) { last = n }); err != nil || last != len(img) {
		t.Fatalf("FirmwareSend: %v (progress %d of %d)", err, last, len(img))
	}
	var flashLines int
	id, err = c.FirmwareCommit(ctx, func(p transport.FlashProgress) {
		if p.Phase != transport.PhaseBoot {
			flashLines++
		}
	})
	if err != nil || id.Firmware != "V32R17" {
		t.Fatalf("FirmwareCommit: %+v %v", id, err)
	}
	if noise == 0 && flashLines == 0 {
		t.Fatal("no erase / copy flash progress")
	}
	t.Logf("stats %+v", c.Stats())
}

// TestOpenAuto opens "auto" through the real serial port: the one
// USB-serial adapter the (stubbed) listing shows is the simulator's pty.
func TestOpenAuto(t *testing.T) {
	inst := simtest.PTY(t, sim.Options{NoThrottle: true, BootDelay: time.Millisecond, BannerLineDelay: sim.NoDelay})
	defer transport.SetPortLister(func() ([]transport.PortInfo, error) {
		return []transport.PortInfo{{Name: "/dev/ttyS0"}, {Name: inst.Path, USB: true, VID: "1A86", PID: "7523"}}, nil
	})()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := transport.Open(ctx, transport.PortAuto, transport.Options{LockDir: t.TempDir(), HelloInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Port() != inst.Path {
		t.Errorf("port %q, want %q", c.Port(), inst.Path)
	}
	if id, err := c.Connect(ctx, 0, nil); err != nil || id.Serial == "" {
		t.Fatalf("connect: %+v %v", id, err)
	}

	defer transport.SetPortLister(func() ([]transport.PortInfo, error) { return nil, nil })()
	var ae *transport.AutoPortError
	if _, err := transport.Open(ctx, transport.PortAuto, transport.Options{LockDir: t.TempDir()}); !errors.As(err, &ae) {
		t.Errorf("no adapter: err = %v", err)
	}
}

// TestSetRefusesReportedReadOnly: through the real serial port on a pty,
// a key the controller reports read-only (sim.Options.ReadOnly: RO in the
// keys reply, readonly in get) is refused by Set before any frame once a
// reply said so (controller-protocol.md §6); once a reply says it is
// writable again (Controller.SetReadOnly), it is written.
func TestSetRefusesReportedReadOnly(t *testing.T) {
	const key = "chg_StationMaxCurrent"
	var trace ecctest.Buffer
	inst := simtest.PTY(t, sim.Options{ReadOnly: []string{key}, Trace: &trace, NoThrottle: true,
		BootDelay: sim.NoDelay, BannerLineDelay: sim.NoDelay, SaveDelay: sim.NoDelay, LogNoiseInterval: sim.NoDelay})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := transport.Open(ctx, inst.Path, transport.Options{LockDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Connect(ctx, 10*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	sets := func() int { return strings.Count(trace.String(), `"op":"set"`) }
	refused := func(how string) {
		t.Helper()
		var we *transport.WriteRefusedError
		_, err := c.Set(ctx, map[string]string{key: "13", "chg_MinChargingCurrent": "8"})
		if !errors.As(err, &we) || len(we.Keys) != 1 || we.Keys[0] != key || !we.Reported[0] ||
			!strings.Contains(err.Error(), key+" is read-only (the controller reports it read-only") {
			t.Fatalf("%s: Set = %v", how, err)
		}
		if n := sets(); n != 0 {
			t.Fatalf("%s: %d set frames sent", how, n)
		}
	}

	ks, err := c.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ks {
		if k.Key == key && k.Access != "RO" {
			t.Fatalf("keys reports %s %s", key, k.Access)
		}
	}
	refused("after keys")
	rs, _, err := c.Get(ctx, []string{key})
	if err != nil || len(rs) != 1 || !rs[0].ReadOnly {
		t.Fatalf("get %+v %v", rs, err)
	}
	refused("after get")

	if err := inst.SetReadOnly(key, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Get(ctx, []string{key}); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Set(ctx, map[string]string{key: "13"}); err != nil || st[key] != transport.Accepted {
		t.Fatalf("writable again: %v %v", st, err)
	}
	if n := sets(); n != 1 {
		t.Fatalf("%d set frames in the trace, want the one just written", n)
	}
	if err := inst.SetReadOnly("authorizationKey", true); err == nil {
		t.Error("a write-only key made read-only (its value would show)")
	}
}
