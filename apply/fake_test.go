package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

// fake is an in-memory controller: working memory, flash (written by
// WaitSaved), reboot (working := flash), with per-key set statuses.
type fake struct {
	mu      sync.Mutex
	id      transport.Identity
	access  map[string]string
	order   []string
	working map[string]string
	flash   map[string]string
	// status forces a set status for a key ("key") or one value ("key=value").
	status map[string]transport.Status
	// afterReboot overrides a key's value after a reboot (verify mismatch).
	afterReboot map[string]string
	// onSet runs before a set is executed (e.g. to check the journal).
	onSet func(values map[string]string)
	// setErrAt fails the n-th set call (1-based) after executing it;
	// lostReply: with no statuses, as the transport does when the reply
	// is lost.
	setErrAt  int
	lostReply bool
	// restartBeforeSave: the next WaitSaved finds the controller
	// restarted before its save (the working values are lost).
	restartBeforeSave bool
	// rebootErrAt fails the n-th reboot (1-based): the controller did
	// not come back with its hello.
	rebootErrAt int
	reboots     int
	calls       []string
	sets        []map[string]string
	closed      bool
}

func newFake(serial string) *fake {
	f := &fake{
		id:      transport.Identity{Model: "EVC5.1", Serial: serial, Firmware: "V32R16", Proto: 1, MaxLine: 4096, MaxKeys: 8, Window: 4},
		access:  map[string]string{},
		working: map[string]string{},
		status:  map[string]transport.Status{},
	}
	for _, kd := range model.Dictionary() {
		f.add(kd.Name, string(kd.Access), kd.Example)
	}
	f.working["chg_StationMaxCurrent"] = "32"
	f.add("HeartbeatInterval", "RW", "300")
	f.add("hw_WiringLimit", "RW", "32")
	f.add("hw_BoardRev", "RO", "C2")
	f.flash = maps.Clone(f.working)
	return f
}

func (f *fake) add(k, access, v string) {
	f.access[k] = access
	f.order = append(f.order, k)
	f.working[k] = v
}

func (f *fake) call(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

func (f *fake) Hello(ctx context.Context) (transport.Identity, error) {
	f.call("hello")
	return f.id, nil
}

func (f *fake) Keys(ctx context.Context) ([]transport.KeyAccess, error) {
	f.call("keys")
	var out []transport.KeyAccess
	for _, k := range f.order {
		out = append(out, transport.KeyAccess{Key: k, Access: f.access[k]})
	}
	return out, nil
}

func (f *fake) Get(ctx context.Context, keys []string) ([]transport.Reading, []string, error) {
	f.call("get")
	f.mu.Lock()
	defer f.mu.Unlock()
	var rs []transport.Reading
	var unknown []string
	for _, k := range keys {
		a, ok := f.access[k]
		switch {
		case !ok:
			unknown = append(unknown, k)
		case a == "WO":
			rs = append(rs, transport.Reading{Key: k, WriteOnly: true})
		default:
			rs = append(rs, transport.Reading{Key: k, ReadOnly: a == "RO", Value: f.working[k]})
		}
	}
	return rs, unknown, nil
}

func (f *fake) Set(ctx context.Context, values map[string]string) (map[string]transport.Status, error) {
	keys := slices.Sorted(maps.Keys(values))
	f.call("set:" + strings.Join(keys, ","))
	for _, k := range keys {
		if !model.Classify(k).Writable() {
			return nil, errors.New("fake transport: refused non-writable key " + k)
		}
	}
	if f.onSet != nil {
		f.onSet(values)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets = append(f.sets, maps.Clone(values))
	out := map[string]transport.Status{}
	for _, k := range keys {
		st := transport.Accepted
		if s, ok := f.status[k+"="+values[k]]; ok {
			st = s
		} else if s, ok := f.status[k]; ok {
			st = s
		} else if _, ok := f.access[k]; !ok {
			st = transport.NotSupported
		} else if kd, ok := model.Lookup(k); ok && kd.Reboot {
			st = transport.RebootRequired
		}
		out[k] = st
		if st.Stored() {
			f.working[k] = values[k]
		}
	}
	if f.setErrAt == len(f.sets) {
		if f.lostReply {
			out = nil
		}
		return out, errors.New("fake: cable pulled")
	}
	return out, nil
}

func (f *fake) WaitSaved(ctx context.Context) error {
	f.call("saved")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.restartBeforeSave {
		f.restartBeforeSave = false
		f.working = maps.Clone(f.flash)
		return fmt.Errorf("fake: %w", transport.ErrRestartedBeforeSave)
	}
	f.flash = maps.Clone(f.working)
	return nil
}

func (f *fake) Reboot(ctx context.Context) (transport.Identity, error) {
	f.call("reboot")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reboots++; f.reboots == f.rebootErrAt {
		return transport.Identity{}, errors.New("fake: no hello after the reboot")
	}
	f.working = maps.Clone(f.flash)
	for k, v := range f.afterReboot {
		f.working[k] = v
	}
	return f.id, nil
}

func (f *fake) FirmwareTransfer(ctx context.Context, img transport.FirmwareImage, progress func(transport.TransferProgress)) error {
	return errors.New("fake: no firmware")
}
func (f *fake) FirmwareCommit(ctx context.Context, progress func(transport.FlashProgress)) (transport.Identity, error) {
	return f.id, errors.New("fake: no firmware")
}
func (f *fake) FirmwareAbort(ctx context.Context) error { return nil }
func (f *fake) Channel() model.Channel                  { return model.ChannelSerial }
func (f *fake) Close() error {
	f.call("close")
	return nil
}

func (f *fake) flashValue(k string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.flash[k]
}

func (f *fake) sent() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if strings.HasPrefix(c, "set:") || c == "reboot" {
			return true
		}
	}
	return false
}

// textLines prints one line per event as the text view does ("station:
// message (elapsed)"), for assertions on what a person would read.
type textLines struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *textLines) Report(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	line := e.Message
	switch {
	case e.Type == EvSummary:
	case e.Done:
		line = fmt.Sprintf("%s: %s (%.1f s)", e.Station, e.Message, e.Elapsed.Seconds())
	default:
		line = e.Station + ": " + e.Message
	}
	switch e.Level {
	case LevelError:
		line = "error: " + line
	case LevelWarn:
		line = "warning: " + line
	}
	fmt.Fprintln(r.w, line)
}

// jsonLines writes every event with all its fields as one JSON line.
type jsonLines struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *jsonLines) Report(e Event) {
	data, _ := json.Marshal(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Write(append(data, '\n'))
}
