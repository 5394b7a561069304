package transport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// A set of more keys than the controller's maxKeys goes out in several
// requests. When the controller restarts after answering the first and
// before its SV CFG(), the values of the first are lost and the later one
// is answered after the banner: Set or WaitSaved must say so. Each reply
// was put in the boot the log showed after the last one, so the first
// counted as of the new boot: WaitSaved found its SV CFG() missing, then
// sync's 0 pending after the restart, and said "saved".
func TestSetRestartBetweenBatches(t *testing.T) {
	inst := simtest.PTY(t, sim.Options{
		NoThrottle: true, BootDelay: 50 * time.Millisecond, BannerLineDelay: sim.NoDelay,
		SaveDelay: time.Second, LogNoiseInterval: -1, MaxKeys: 1, SetLatency: 300 * time.Millisecond,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := transport.Open(ctx, inst.Path, transport.Options{
		LockDir: t.TempDir(), Timeout: 300 * time.Millisecond, SetTimeout: time.Second,
		HelloInterval: 100 * time.Millisecond, SaveTimeout: 1500 * time.Millisecond, SyncInterval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.Connect(ctx, 5*time.Second, nil); err != nil {
		t.Fatal(err)
	}
	// Power lost as the first set's reply arrives: the second request
	// is being handled (SetLatency), its reply comes after the banner.
	sub := cl.Subscribe(transport.SubscribeOptions{Frames: true})
	defer sub.Close()
	go func() {
		for l := range sub.C {
			if l.Frame && strings.Contains(l.Text, `"status"`) {
				inst.PowerCycle()
				return
			}
		}
	}()
	values := map[string]string{"chg_StationMaxCurrent": "20", "grid_Role": "Station_ctrl"}
	_, setErr := cl.Set(ctx, values)
	var waitErr error
	if setErr == nil {
		waitErr = cl.WaitSaved(ctx)
	}
	if errors.Is(setErr, transport.ErrRestartedBeforeSave) || errors.Is(waitErr, transport.ErrRestartedBeforeSave) {
		return
	}
	flash := inst.State().Values
	for k, v := range values {
		if flash[k] != v {
			t.Errorf("%s = %q in flash, want %q; Set: %v, WaitSaved: %v (the loss not reported)", k, flash[k], v, setErr, waitErr)
		}
	}
}
