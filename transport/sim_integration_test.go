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
