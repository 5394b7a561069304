package transport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// A controller that restarts (power loss, a reset by hand) after a set
// was stored but before its SV CFG() has lost the value
// (controller-protocol.md §4). WaitSaved must say so: after the restart
// sync reports nothing pending, and taking that for "saved" made apply
// report the save done and then fail its verify with no cause given.
// Through the real serial port on a pseudo-terminal.
func TestWaitSavedRestartBeforeSave(t *testing.T) {
	for _, c := range []struct {
		name    string
		restart bool
		// again: after the restart another set is sent (a rollback's):
		// it is waited for on its own, the lost one forgotten.
		again bool
	}{
		{"saved", false, false},
		{"restarted before the save", true, false},
		{"restarted, then another set", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			inst := simtest.PTY(t, sim.Options{
				NoThrottle: true, BootDelay: 50 * time.Millisecond, BannerLineDelay: sim.NoDelay,
				SaveDelay: 800 * time.Millisecond, LogNoiseInterval: -1,
			})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cl, err := transport.Open(ctx, inst.Path, transport.Options{
				LockDir: t.TempDir(), Timeout: 300 * time.Millisecond, SetTimeout: 300 * time.Millisecond,
				HelloInterval: 100 * time.Millisecond, SaveTimeout: 1500 * time.Millisecond, SyncInterval: 20 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			if _, err := cl.Connect(ctx, 5*time.Second, nil); err != nil {
				t.Fatal(err)
			}
			st, err := cl.Set(ctx, map[string]string{"chg_StationMaxCurrent": "20"})
			if err != nil || !st["chg_StationMaxCurrent"].Stored() {
				t.Fatalf("set: %v %v", st, err)
			}
			if c.restart {
				inst.PowerCycle() // before the save, 800 ms after the reply
			}
			if c.again {
				// Sent while the controller boots: answered after READY.
				if st, err := cl.Set(ctx, map[string]string{"chg_StationMaxCurrent": "32"}); err != nil || !st["chg_StationMaxCurrent"].Stored() {
					t.Fatalf("set after the restart: %v %v", st, err)
				}
				if err := cl.WaitSaved(ctx); err != nil {
					t.Fatalf("WaitSaved of the set after the restart: %v", err)
				}
				if inst.State().Values["chg_StationMaxCurrent"] != "32" {
					t.Errorf("not in flash: %q", inst.State().Values["chg_StationMaxCurrent"])
				}
				return
			}
			err = cl.WaitSaved(ctx)
			if got := errors.Is(err, transport.ErrRestartedBeforeSave); got != c.restart {
				t.Fatalf("WaitSaved: %v; want ErrRestartedBeforeSave %v", err, c.restart)
			}
			if c.restart {
				// The tracker starts afresh: nothing more to wait for.
				if err := cl.WaitSaved(ctx); err != nil {
					t.Errorf("second WaitSaved: %v", err)
				}
			}
		})
	}
}
