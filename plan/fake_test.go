package plan

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/hashicorp/hcl/v2"
)

// t0 is the tests' "now": when plans are made and controllers read.
var t0 = time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC)

// fakeController answers hello and get from a map; anything else fails
// the test (a plan must never write).
type fakeController struct {
	t        testing.TB
	id       transport.Identity
	values   map[string]string // readable keys
	wo       []string          // write-only keys it has
	ro       []string          // keys it reports read-only
	mu       sync.Mutex
	hellos   int
	gets     int
	gotKeys  []string
	closed   bool
	failHelo error
	channel  model.Channel // zero: the service cable
}

func newFake(t testing.TB, values map[string]string) *fakeController {
	v := maps.Clone(baseValues)
	maps.Copy(v, values)
	return &fakeController{
		t:      t,
		id:     transport.Identity{Model: "EVC5.1", Serial: "G48229", Firmware: "V32R16", Proto: 1, MaxLine: 4096, MaxKeys: 8, Window: 4},
		values: v,
		wo:     []string{"authorizationKey"},
	}
}

// baseValues is a controller with the dictionary's examples and TLS on.
var baseValues = func() map[string]string {
	m := map[string]string{}
	for _, k := range model.Dictionary() {
		if k.Class == model.Editable {
			m[k.Name] = k.Example
		}
	}
	m["com_Options"] = "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0"
	return m
}()

func (f *fakeController) Hello(ctx context.Context) (transport.Identity, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hellos++
	if f.failHelo != nil {
		return transport.Identity{}, f.failHelo
	}
	return f.id, nil
}

func (f *fakeController) Get(ctx context.Context, keys []string) ([]transport.Reading, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	f.gotKeys = append(f.gotKeys, keys...)
	var rs []transport.Reading
	var unknown []string
	for _, k := range keys {
		if v, ok := f.values[k]; ok {
			rs = append(rs, transport.Reading{Key: k, Value: v, ReadOnly: slices.Contains(f.ro, k)})
		} else if slices.Contains(f.wo, k) {
			rs = append(rs, transport.Reading{Key: k, WriteOnly: true})
		} else {
			unknown = append(unknown, k)
		}
	}
	return rs, unknown, nil
}

func (f *fakeController) fail(op string) error {
	f.t.Errorf("plan called %s", op)
	return errors.New("not allowed in a plan")
}

func (f *fakeController) Keys(context.Context) ([]transport.KeyAccess, error) {
	return nil, f.fail("keys")
}
func (f *fakeController) Set(context.Context, map[string]string) (map[string]transport.Status, error) {
	return nil, f.fail("set")
}
func (f *fakeController) WaitSaved(context.Context) error { return f.fail("WaitSaved") }
func (f *fakeController) Reboot(context.Context) (transport.Identity, error) {
	return transport.Identity{}, f.fail("reboot")
}
func (f *fakeController) FirmwareTransfer(context.Context, transport.FirmwareImage, func(transport.TransferProgress)) error {
	return f.fail("fw.begin")
}
func (f *fakeController) FirmwareCommit(context.Context, func(transport.FlashProgress)) (transport.Identity, error) {
	return transport.Identity{}, f.fail("fw.commit")
}
func (f *fakeController) FirmwareAbort(context.Context) error { return f.fail("fw.abort") }
func (f *fakeController) Channel() model.Channel {
	if f.channel == 0 {
		return model.ChannelSerial
	}
	return f.channel
}
func (f *fakeController) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return nil
}

// observe reads a fake controller.
func observe(t testing.TB, f *fakeController) *Observation {
	t.Helper()
	o, err := Observe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	o.At = t0
	return o
}

// setting builds a station setting from controller text, as a site file
// would after FromNode; a secret gets an env reference.
func setting(t testing.TB, key, text string) model.Setting {
	t.Helper()
	kd, ok := model.Lookup(key)
	if !ok {
		return model.Setting{Key: key, Value: rawValue(text), Layer: "station", Range: rng(1)}
	}
	v, err := kd.Decode(text)
	if err != nil {
		t.Fatalf("%s = %q: %v", key, text, err)
	}
	s := model.Setting{Key: key, Value: v, Layer: "station", Range: rng(len(key))}
	if v.Sensitive() {
		s.Secret = &model.SecretRef{Kind: "env", Name: "ECC_" + strings.ToUpper(key)}
	}
	return s
}

// rawValue is a value of a key outside the dictionary.
type rawValue string

func (r rawValue) Canonical() string { return string(r) }
func (r rawValue) Display() string   { return string(r) }
func (r rawValue) Sensitive() bool   { return false }

// rng gives each setting a distinct position in a fake site file.
func rng(line int) hcl.Range {
	return hcl.Range{Filename: "sites/depot.hcl", Start: hcl.Pos{Line: line, Column: 5, Byte: line * 40},
		End: hcl.Pos{Line: line, Column: 20, Byte: line*40 + 15}}
}

// station builds a desired state of serial G48229.
func station(settings ...model.Setting) *model.Station {
	site := &model.Site{Name: "depot", File: "sites/depot.hcl"}
	s := &model.Station{Name: "cp-01", Serial: "G48229", Model: "EVC5.x", Port: "/dev/ttyUSB0", Settings: settings, Site: site}
	site.Stations = []*model.Station{s}
	return s
}

func testState(t testing.TB) *record.State {
	t.Helper()
	st, err := record.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

var _ = time.Now
