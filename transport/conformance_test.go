package transport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// TestConformance runs the client, through the real go.bug.st/serial port
// on a pseudo-terminal, against variants of the simulated controller that
// differ only where controller-protocol.md leaves room: line endings,
// limits from hello, how bytes are split, unknown fields, latency, log
// lines that look like frames, banner length, noise. The host must rely on
// nothing the spec does not promise, so every variant must pass the same
// session: connect, read every editable key, write and save, reboot,
// update the firmware, and a second client after the first within one boot.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	if !sim.PTYSupported {
		t.Skip("needs a pseudo-terminal")
	}
	variants := []struct {
		name string
		opts func(*sim.Options)
	}{
		{"lf-endings-power-on", func(o *sim.Options) {
			o.LineEnding = "\n"
			o.PowerOnDelay = 1200 * time.Millisecond
		}},
		{"window1-maxkeys1", func(o *sim.Options) { o.Window, o.MaxKeys = 1, 1 }},
		{"window8-maxkeys3-chunk128", func(o *sim.Options) { o.Window, o.MaxKeys, o.Chunk = 8, 3, 128 }},
		{"split-extra-reorder-jsonnoise", func(o *sim.Options) {
			o.SplitWrites = 7
			o.ExtraFields = true
			o.Reorder = true
			o.FractionalUptime = true
			o.JSONLogNoise = true
			o.LogNoiseInterval = 15 * time.Millisecond
		}},
		{"slow-replies-saves", func(o *sim.Options) {
			o.ReplyLatency = 45 * time.Millisecond
			o.SetLatency = 450 * time.Millisecond
			o.SaveDelay = 900 * time.Millisecond
			o.MaxKeys = 2
		}},
		{"short-banner", func(o *sim.Options) {
			o.BannerLines = 12
			o.RawBootNoise = true
			o.BannerLineDelay = 22 * time.Millisecond
		}},
		{"long-banner", func(o *sim.Options) {
			o.BannerLines = 30
			o.BannerLineDelay = 22 * time.Millisecond
		}},
		{"noise-split", func(o *sim.Options) {
			o.Noise = 0.02
			o.SplitWrites = 5
			o.LogNoiseInterval = 100 * time.Millisecond
		}},
		{"fast-line", func(o *sim.Options) {
			// A faster line than 115200 baud (the user may choose another
			// rate): requests cost far less than a millisecond each.
			o.NoThrottle = true
			o.Window, o.MaxKeys = 8, 1
			o.MaxLine = 8192
		}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			opts := sim.Options{
				Seed:             11,
				BootDelay:        50 * time.Millisecond,
				BannerLineDelay:  sim.NoDelay,
				SaveDelay:        30 * time.Millisecond,
				ChunkWriteDelay:  sim.NoDelay,
				CommitDuration:   300 * time.Millisecond,
				LogNoiseInterval: sim.NoDelay,
			}
			v.opts(&opts)
			conformanceSession(t, opts)
		})
	}
}

// editableKeys are the dictionary keys a host may read and write.
func editableKeys() []string {
	var keys []string
	for _, d := range model.Dictionary() {
		if model.Classify(d.Name) == model.Editable {
			keys = append(keys, d.Name)
		}
	}
	return keys
}

func conformanceSession(t *testing.T, opts sim.Options) {
	inst := simtest.PTY(t, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	lockDir := t.TempDir()
	open := func() *transport.Client {
		t.Helper()
		c, err := transport.Open(ctx, inst.Path, transport.Options{LockDir: lockDir})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := open()
	defer func() { c.Close() }()

	// Connect, before power-on where the variant has a delay.
	waited := false
	id, err := c.Connect(ctx, 10*time.Second, func() { waited = true })
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if opts.PowerOnDelay > 0 && !waited {
		t.Error("Connect did not wait for the power-on")
	}
	or := func(opt, def int) int {
		if opt > 0 {
			return opt
		}
		return def
	}
	if id.Firmware != sim.DefaultFirmware || id.Serial != sim.DefaultSerial ||
		id.MaxKeys != or(opts.MaxKeys, sim.MaxKeys) ||
		id.Window != or(opts.Window, sim.Window) ||
		id.MaxLine != or(opts.MaxLine, sim.MaxLine) {
		t.Fatalf("hello: %+v", id)
	}

	// Every editable key reads back as the controller holds it.
	keys := editableKeys()
	vals, unknown, err := c.Get(ctx, keys)
	if err != nil || len(vals) != len(keys) || len(unknown) != 0 {
		t.Fatalf("Get: %d of %d values, unknown %v, %v", len(vals), len(keys), unknown, err)
	}
	flash := inst.State().Values
	for _, r := range vals {
		if r.Value != flash[r.Key] {
			t.Errorf("Get %s = %q, controller holds %q", r.Key, r.Value, flash[r.Key])
		}
	}

	// Set more keys than one request carries, wait for the save.
	want := map[string]string{
		"chg_StationMaxCurrent":  "25",
		"chg_MinChargingCurrent": "8",
		"chg_RatedCurrent":       "20,20",
		"grid_Role":              "Station_ctrl",
		"com_ProtCh":             "ETH",
	}
	setAndSave(ctx, t, c, inst, want)

	// Reboot; the values survive it.
	if id, err = c.Reboot(ctx); err != nil || id.Firmware != sim.DefaultFirmware {
		t.Fatalf("Reboot: %+v %v", id, err)
	}
	got, _, err := c.Get(ctx, []string{"chg_StationMaxCurrent", "chg_RatedCurrent"})
	byKey := map[string]string{}
	for _, r := range got {
		byKey[r.Key] = r.Value
	}
	if err != nil || len(got) != 2 || byKey["chg_StationMaxCurrent"] != "25" || byKey["chg_RatedCurrent"] != "20,20" {
		t.Fatalf("Get after reboot: %+v %v", got, err)
	}

	// A small firmware update.
	img := []byte("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n" + strings.Repeat("firmware-bytes.", 300))
	sum := sha256.Sum256(img)
	chunk, off, err := c.FirmwareBegin(ctx, "V32R17", len(img), hex.EncodeToString(sum[:]))
	if err != nil {
		t.Fatalf("FirmwareBegin: %v", err)
	}
	if opts.Chunk > 0 && chunk != opts.Chunk {
		t.Errorf("FirmwareBegin: chunk %d, want %d", chunk, opts.Chunk)
	}
	done := 0
	if err := c.FirmwareSend(ctx, img, off, chunk, func(n int) { done = n }); err != nil || done != len(img) {
		t.Fatalf("FirmwareSend: %v (%d of %d bytes)", err, done, len(img))
	}
	if id, err = c.FirmwareCommit(ctx, nil); err != nil || id.Firmware != "V32R17" {
		t.Fatalf("FirmwareCommit: %+v %v", id, err)
	}
	if st := inst.State(); st.Firmware != "V32R17" || st.Bricked {
		t.Fatalf("controller after the update: firmware %s, bricked %v", st.Firmware, st.Bricked)
	}

	t.Logf("first client: %+v", c.Stats())

	// Two more clients one after the other within this boot, as two short
	// ecc runs would be: the first says hello and reads a burst of keys
	// (fewer requests than the 16 ids the controller remembers); the
	// second's requests must be executed, not answered from the
	// controller's memory of the first one's ids.
	for i, burst := range [][]string{keys[:12], nil} {
		c.Close()
		c = open()
		if id, err := c.Hello(ctx); err != nil || id.Serial != sim.DefaultSerial || id.Firmware != "V32R17" {
			t.Fatalf("client %d: Hello: %+v %v", i+2, id, err)
		}
		if burst != nil {
			if _, _, err := c.Get(ctx, burst); err != nil {
				t.Fatalf("client %d: Get: %v", i+2, err)
			}
		}
	}
	setAndSave(ctx, t, c, inst, map[string]string{"chg_StationMaxCurrent": "21", "chg_MinChargingCurrent": "10"})
}

func setAndSave(ctx context.Context, t *testing.T, c *transport.Client, inst *sim.Instance, want map[string]string) {
	t.Helper()
	st, err := c.Set(ctx, want)
	if err != nil {
		t.Fatalf("Set: %v (%v)", err, st)
	}
	for k := range want {
		if !st[k].Stored() {
			t.Fatalf("Set %s: %s", k, st[k])
		}
	}
	if err := c.WaitSaved(ctx); err != nil {
		t.Fatalf("WaitSaved: %v", err)
	}
	flash := inst.State().Values
	for k, v := range want {
		if flash[k] != v {
			t.Errorf("after WaitSaved the controller's flash has %s = %q, want %q", k, flash[k], v)
		}
	}
}
