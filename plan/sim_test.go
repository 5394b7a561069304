package plan

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

// lineCounter counts the bytes of frames on the simulated line, from the
// simulator's trace ("> " host to controller, "< " controller to host;
// terminators stripped: the host ends lines with \n, the controller with
// \r\n).
type lineCounter struct {
	mu                 sync.Mutex
	hostOut, ctrlOut   int
	hostFrames, frames int
}

func (l *lineCounter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range bytes.Split(bytes.TrimSuffix(p, []byte("\n")), []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("> ")):
			l.hostOut += len(line) - 2 + 1
			l.hostFrames++
		case bytes.HasPrefix(line, []byte("< @")):
			l.ctrlOut += len(line) - 2 + 2
			l.frames++
		}
	}
	return len(p), nil
}

func (l *lineCounter) reset() (host, ctrl int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	host, ctrl = l.hostOut, l.ctrlOut
	l.hostOut, l.ctrlOut, l.hostFrames, l.frames = 0, 0, 0, 0
	return host, ctrl
}

// startSim runs a simulated controller on a pseudo-terminal.
func startSim(t testing.TB, opts sim.Options) *sim.Instance {
	t.Helper()
	opts.LogNoiseInterval = -1
	return simtest.PTY(t, opts)
}

// connectReal is what cmd's Connect does: open the port (the real
// go.bug.st/serial port on the pty), poll hello until answered.
func connectReal(lockDir string) func(ctx context.Context, port string) (transport.Controller, error) {
	return func(ctx context.Context, port string) (transport.Controller, error) {
		c, err := transport.Open(ctx, port, transport.Options{LockDir: lockDir})
		if err != nil {
			return nil, err
		}
		id, err := c.Connect(ctx, 20*time.Second, nil)
		if err != nil {
			c.Close()
			return nil, err
		}
		return Answered(c, id), nil
	}
}

func simSite(dir string, t testing.TB) *model.Site {
	return fleet(dir, 1, func(int) []model.Setting {
		return []model.Setting{
			setting(t, "chg_RatedCurrent", "16, 16"),
			setting(t, "chg_StationMaxCurrent", "25"),
			setting(t, "com_Options", "useTLS=1"),
			setting(t, "authorizationKey", "user:Sup3rS3cret"),
		}
	})
}

func TestPlanAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("simulator: boots in about a second")
	}
	dir := t.TempDir()
	site := simSite(dir, t)
	var trace lineCounter
	inst := startSim(t, sim.Options{Serial: "G10000", Trace: &trace})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	opts := Options{Port: inst.Path, Connect: connectReal(t.TempDir())}
	p, err := Build(ctx, []*model.Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Stations[0]
	if s.Name != "cp-01" || s.Model != sim.DefaultModel || s.Firmware.Current != sim.DefaultFirmware || s.Blocked() {
		t.Fatalf("station %+v", s)
	}
	keys := map[string]Change{}
	for _, c := range s.Changes {
		keys[c.Key] = c
	}
	if len(keys) != 3 || keys["chg_StationMaxCurrent"].After != "25" || keys["authorizationKey"].Action != ActionSet ||
		!strings.Contains(keys["com_Options"].After, "useTLS=1") {
		t.Errorf("changes %+v", s.Changes)
	}
	// One hello (Connect's) and the gets: nothing else went on the line.
	trace.mu.Lock()
	hostFrames := trace.hostFrames
	trace.mu.Unlock()
	if want := 1 + (len(ReadKeys())+sim.MaxKeys-1)/sim.MaxKeys; hostFrames > want+2 { // +2: hellos polled during boot
		t.Errorf("%d frames sent, want about %d", hostFrames, want)
	}

	// Offline, from the snapshot just taken: the same plan.
	off, err := Build(ctx, []*model.Site{site}, Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	o := off.Stations[0]
	if !o.FromSnapshot || o.Fingerprint != s.Fingerprint || len(o.Changes) != len(s.Changes) || o.Blocked() {
		t.Errorf("offline %+v", o)
	}
	for i := range o.Changes {
		if o.Changes[i].Key != s.Changes[i].Key || o.Changes[i].After != s.Changes[i].After {
			t.Errorf("offline change %+v, live %+v", o.Changes[i], s.Changes[i])
		}
	}
	// The snapshot is the one just taken ("just now": within a minute).
	if o.ObservedAt.IsZero() || off.CreatedAt.Sub(o.ObservedAt) >= time.Minute {
		t.Errorf("offline plan of %v from a snapshot taken %v", off.CreatedAt, o.ObservedAt)
	}
	if _, err := filepath.Glob(filepath.Join(dir, ".ecc", "snapshots", "G10000.json")); err != nil {
		t.Error(err)
	}
}

// leastPlan is the least protocol work of planning the station snap
// records against the simulator (its limits, snap's values): the bytes
// both ways, and their wire time in seconds at 115200 baud (11,520 B/s).
func leastPlan(snap *record.Snapshot) (n int, seconds float64) {
	o := FromSnapshot(snap)
	o.Identity = transport.Identity{Model: snap.Model, Serial: snap.Serial, Firmware: snap.Firmware, Proto: 1,
		MaxLine: sim.MaxLine, MaxKeys: sim.MaxKeys, Window: sim.Window, Uptime: 12345}
	host, ctrl := leastPlanBytes(o)
	return host + ctrl, float64(host+ctrl) / 11520
}

// leastPlanBytes is the least protocol work of a plan, both ways: one
// hello and its reply, then gets of ReadKeys in batches of maxKeys and
// their replies, framed as controller-protocol.md §2 says (host lines end
// in \n, the controller's in \r\n). o supplies the values the replies
// carry.
func leastPlanBytes(o *Observation) (host, ctrl int) {
	id := int64(1_700_000_000) // ten digits, as a real client's ids
	frame := func(v any) int {
		b, _ := transport.MarshalFrame(v)
		return len(bytes.TrimRight(b, "\r\n"))
	}
	host += frame(map[string]any{"id": id, "op": "hello"}) + 1
	hello := map[string]any{"id": id, "ok": true, "model": o.Identity.Model, "serial": o.Identity.Serial,
		"fw": o.Identity.Firmware, "proto": 1, "maxLine": o.Identity.MaxLine, "maxKeys": o.Identity.MaxKeys,
		"window": o.Identity.Window, "uptime": o.Identity.Uptime}
	ctrl += frame(hello) + 2
	keys := ReadKeys()
	maxKeys := max(o.Identity.MaxKeys, 1)
	for len(keys) > 0 {
		n := min(maxKeys, len(keys))
		batch := keys[:n]
		keys = keys[n:]
		id++
		host += frame(map[string]any{"id": id, "op": "get", "keys": batch}) + 1
		type reading struct {
			Key       string  `json:"key"`
			ReadOnly  bool    `json:"readonly"`
			WriteOnly bool    `json:"writeonly,omitempty"`
			Value     *string `json:"value,omitempty"`
		}
		var rs []reading
		for _, k := range batch {
			if v, ok := o.Values[k]; ok {
				rs = append(rs, reading{Key: k, Value: &v})
			} else {
				rs = append(rs, reading{Key: k, WriteOnly: true})
			}
		}
		ctrl += frame(map[string]any{"id": id, "ok": true, "configurationKey": rs, "unknownKey": []string{}}) + 2
	}
	return host, ctrl
}

// BenchmarkPlanSimulator115200 is one station's plan (`ecc plan --port`:
// open, hello, gets, compare, snapshot) against the simulator throttled
// to 115200 baud, compared with the wire-time bound of the least protocol
// work (hello + pipelined gets of ReadKeys, bytes both ways / 11,520 B/s).
func BenchmarkPlanSimulator115200(b *testing.B) {
	dir := b.TempDir()
	site := simSite(dir, b)
	var trace lineCounter
	inst := startSim(b, sim.Options{Serial: "G10000", Trace: &trace, Baud: 115200})
	ctx := context.Background()
	lockDir := b.TempDir()
	opts := Options{Port: inst.Path, Connect: connectReal(lockDir)}
	// Boot once, outside the measurement.
	if _, err := Build(ctx, []*model.Site{site}, opts); err != nil {
		b.Fatal(err)
	}
	st, _ := StateFor(site.File, Options{})
	snap, _ := st.LoadSnapshot("G10000")
	least, bound := leastPlan(snap)

	trace.reset()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(ctx, []*model.Site{site}, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	host, ctrl := trace.reset()
	perPlan := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perPlan*1000, "ms/plan")
	b.ReportMetric(bound*1000, "bound-ms")
	b.ReportMetric(perPlan/bound, "x-bound")
	b.ReportMetric(float64(host+ctrl)/float64(b.N), "wire-B/plan")
	b.ReportMetric(float64(least), "least-B")
	b.ReportMetric(float64(host+ctrl)/float64(b.N)/float64(least), "x-bytes")
}
