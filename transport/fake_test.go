package transport

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// fake is a tiny scripted controller for client tests: it follows
// controller-protocol.md closely enough (in-order execution, window,
// remembered replies, SV CFG() lines, banner, firmware transfer) and lets a
// test drop requests, replies and log lines.
type fake struct {
	t      *testing.T
	conn   net.Conn
	window int
	keys   int

	mu        sync.Mutex
	fw        string
	ready     bool
	queued    int
	maxQueued int
	overflows int
	received  []fakeReq // every request received and kept (not dropped)
	remember  map[int64]string
	values    map[string]string
	pending   int // sets not yet saved
	nreq      int // requests received (dropped ones included)
	nrep      int // replies about to be sent
	executed  map[string]int
	ids       []int64 // ids of every request received

	// overflowed lists, for every request dropped as RX OVERFLOW, its id
	// and the id of the request being executed then (0: none).
	overflowed [][2]int64
	handling   int64

	// Hooks, set before use; called with f.mu held.
	dropReq   func(n int, r fakeReq) bool // n counts from 1
	dropReply func(n int, r fakeReq) bool
	dropSave  func(n int) bool // n-th SV CFG() line
	busy      func(r fakeReq) bool
	nsaves    int

	execDelay map[string]time.Duration
	saveDelay time.Duration
	bootDelay time.Duration
	bannerFW  string // if set, the banner's version instead of fw

	// cable: dropAt lists fw.data offsets at which the cable is pulled
	// (the connection closed); cutInCommit pulls it after the commit's
	// erase lines; redials counts Redial calls and redialErr, if set,
	// fails some of them.
	dropAt      []int
	cutInCommit bool
	redials     int
	redialErr   func(n int) error
	begins      []int // offsets fw.begin answered

	// firmware
	fwSize     int
	fwNext     int
	fwVersion  string
	fwData     []byte
	commitLogs int

	exec    chan fakeReq
	writeMu sync.Mutex
	closed  chan struct{}
}

type fakeReq struct {
	ID   int64           `json:"id"`
	Op   string          `json:"op"`
	Keys []string        `json:"keys"`
	Vals json.RawMessage `json:"values"`
	Off  int             `json:"offset"`
	Data string          `json:"data"`
	Ver  string          `json:"version"`
	Size int             `json:"size"`
}

// newFake starts a fake controller (already booted) and a client over a
// net.Pipe with short timeouts.
func newFake(t *testing.T, window, maxKeys int, opts Options) (*fake, *Client) {
	t.Helper()
	host, ctrl := net.Pipe()
	f := startFake(t, ctrl, window, maxKeys)
	c := NewClient(host, testOptions(opts))
	t.Cleanup(func() { c.Close() })
	return f, c
}

// testOptions gives zero options short test timeouts.
func testOptions(opts Options) Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&opts.Timeout, 100*time.Millisecond)
	def(&opts.SetTimeout, 150*time.Millisecond)
	def(&opts.HelloInterval, 50*time.Millisecond)
	def(&opts.SaveTimeout, 200*time.Millisecond)
	def(&opts.SyncInterval, 10*time.Millisecond)
	def(&opts.BusyPause, 10*time.Millisecond)
	def(&opts.RebootTimeout, 3*time.Second)
	def(&opts.CommitTimeout, 5*time.Second)
	if opts.Name == "" {
		opts.Name = "fake0"
	}
	return opts
}

// startFake runs a fake controller on ctrl until the test ends.
func startFake(t *testing.T, ctrl net.Conn, window, maxKeys int) *fake {
	f := &fake{
		t: t, conn: ctrl, window: window, keys: maxKeys,
		fw: "V32R16", ready: true,
		remember:  map[int64]string{},
		executed:  map[string]int{},
		values:    map[string]string{"chg_RatedCurrent": "16,16", "gsm_SigQ": "15", "chg_StationMaxCurrent": "32"},
		execDelay: map[string]time.Duration{},
		saveDelay: 20 * time.Millisecond,
		bootDelay: 20 * time.Millisecond,
		exec:      make(chan fakeReq, 1024),
		closed:    make(chan struct{}),
	}
	go f.readLoop(ctrl)
	go f.executor()
	t.Cleanup(func() {
		f.writeMu.Lock()
		f.conn.Close()
		f.writeMu.Unlock()
		close(f.closed)
	})
	return f
}

// unplug pulls the cable: the connection closes, both sides see it.
func (f *fake) unplug() {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.conn.Close()
}

// redial is Options.Redial for a client of f: a new connection to the
// same controller, which keeps what it holds (a transfer, a boot).
func (f *fake) redial(ctx context.Context) (io.ReadWriteCloser, error) {
	f.mu.Lock()
	f.redials++
	n, fail := f.redials, f.redialErr
	f.mu.Unlock()
	if fail != nil {
		if err := fail(n); err != nil {
			return nil, err
		}
	}
	host, ctrl := net.Pipe()
	f.writeMu.Lock()
	f.conn.Close()
	f.conn = ctrl
	f.writeMu.Unlock()
	go f.readLoop(ctrl)
	return host, nil
}

// newFakeRedial is newFake with a client that can reopen its connection.
func newFakeRedial(t *testing.T, window, maxKeys int, opts Options) (*fake, *Client) {
	t.Helper()
	host, ctrl := net.Pipe()
	f := startFake(t, ctrl, window, maxKeys)
	opts.Redial = f.redial
	c := NewClient(host, testOptions(opts))
	t.Cleanup(func() { c.Close() })
	return f, c
}

func (f *fake) writeLine(s string) {
	f.writeMu.Lock()
	defer f.writeMu.Unlock()
	f.conn.Write([]byte(s + "\r\n"))
}

func (f *fake) log(s string) { f.writeLine(s) }

func (f *fake) readLoop(conn net.Conn) {
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return
		}
		line = []byte(strings.TrimRight(string(line), "\r\n"))
		obj, ok := DecodeFrame(line)
		if !ok {
			continue
		}
		var r fakeReq
		if json.Unmarshal(obj, &r) != nil {
			continue
		}
		f.mu.Lock()
		if !f.ready {
			f.mu.Unlock()
			continue
		}
		f.nreq++
		f.ids = append(f.ids, r.ID)
		if f.dropReq != nil && f.dropReq(f.nreq, r) {
			f.mu.Unlock()
			continue
		}
		if f.queued >= f.window {
			f.overflows++
			f.overflowed = append(f.overflowed, [2]int64{r.ID, f.handling})
			f.mu.Unlock()
			f.log("RX OVERFLOW")
			continue
		}
		f.queued++
		f.maxQueued = max(f.maxQueued, f.queued)
		f.received = append(f.received, r)
		f.mu.Unlock()
		f.exec <- r
	}
}

func (f *fake) executor() {
	for {
		var r fakeReq
		select {
		case r = <-f.exec:
		case <-f.closed:
			return
		}
		f.mu.Lock()
		d := f.execDelay[r.Op]
		f.handling = r.ID
		f.mu.Unlock()
		if d > 0 {
			time.Sleep(d)
		}
		f.mu.Lock()
		reply, ok := f.remember[r.ID]
		var after func()
		if !ok {
			var res map[string]any
			res, after = f.handle(r)
			res["id"] = r.ID
			if _, set := res["ok"]; !set {
				res["ok"] = true
			}
			b, _ := json.Marshal(res)
			reply = strings.TrimSuffix(string(EncodeFrame(b)), "\n")
			f.remember[r.ID] = reply
		}
		f.queued--
		f.handling = 0
		f.nrep++
		drop := f.dropReply != nil && f.dropReply(f.nrep, r)
		f.mu.Unlock()
		if !drop {
			f.writeLine(reply)
		}
		if after != nil {
			after()
		}
	}
}

func fail(code ErrorCode, msg string) map[string]any {
	return map[string]any{"ok": false, "error": code, "message": msg}
}

// handle executes one request; f.mu is held. after runs once the reply is
// written.
func (f *fake) handle(r fakeReq) (map[string]any, func()) {
	f.executed[r.Op]++
	if f.busy != nil && f.busy(r) {
		return fail(CodeBusy, "try again"), nil
	}
	switch r.Op {
	case "hello":
		return map[string]any{"model": "EVC5.1", "serial": "G48229", "fw": f.fw, "proto": 1,
			"maxLine": 4096, "maxKeys": f.keys, "window": f.window, "uptime": 0}, nil
	case "keys":
		var ks []map[string]string
		for k := range f.values {
			ks = append(ks, map[string]string{"key": k, "access": "RW"})
		}
		return map[string]any{"keys": ks}, nil
	case "get":
		if len(r.Keys) == 0 || len(r.Keys) > f.keys {
			f.t.Errorf("get with %d keys (maxKeys %d)", len(r.Keys), f.keys)
			return fail(CodeBadRequest, "too many keys"), nil
		}
		var conf []map[string]any
		unknown := []string{}
		for _, k := range r.Keys {
			if v, ok := f.values[k]; ok {
				conf = append(conf, map[string]any{"key": k, "readonly": k == "gsm_SigQ", "value": v})
			} else {
				unknown = append(unknown, k)
			}
		}
		return map[string]any{"configurationKey": conf, "unknownKey": unknown}, nil
	case "set":
		var vals map[string]string
		json.Unmarshal(r.Vals, &vals)
		if len(vals) == 0 || len(vals) > f.keys {
			f.t.Errorf("set with %d keys (maxKeys %d)", len(vals), f.keys)
			return fail(CodeBadRequest, "too many keys"), nil
		}
		st := map[string]string{}
		stored := false
		for k, v := range vals {
			if v == "bad" {
				st[k] = "Rejected"
				continue
			}
			st[k] = "Accepted"
			f.values[k] = v
			stored = true
		}
		if !stored {
			return map[string]any{"status": st}, nil
		}
		f.pending++
		return map[string]any{"status": st}, func() {
			go func() {
				time.Sleep(f.saveDelay)
				f.mu.Lock()
				f.pending--
				f.nsaves++
				drop := f.dropSave != nil && f.dropSave(f.nsaves)
				f.mu.Unlock()
				if !drop {
					f.log(time.Now().Format("15:04:05") + " CFG: SV CFG()")
				}
			}()
		}
	case "sync":
		return map[string]any{"pending": f.pending}, nil
	case "reset":
		if f.pending > 0 {
			f.t.Errorf("reset with %d set(s) not saved", f.pending)
		}
		f.ready = false
		return map[string]any{}, func() { go f.boot() }
	case "fw.begin":
		if r.Size <= 0 {
			return fail(CodeFWSize, "bad size"), nil
		}
		if f.fwSize != r.Size || f.fwVersion != r.Ver {
			f.fwSize, f.fwVersion, f.fwNext, f.fwData = r.Size, r.Ver, 0, nil
		}
		f.begins = append(f.begins, f.fwNext)
		return map[string]any{"chunk": 16, "offset": f.fwNext}, nil
	case "fw.data":
		if r.Off != f.fwNext {
			return map[string]any{"ok": false, "error": CodeFWOffset, "message": fmt.Sprintf("expected %d", f.fwNext), "expected": f.fwNext}, nil
		}
		data, _ := base64.StdEncoding.DecodeString(r.Data)
		if len(data) == 0 || len(data) > 16 {
			f.t.Errorf("fw.data with %d bytes", len(data))
		}
		f.fwData = append(f.fwData, data...)
		f.fwNext += len(data)
		if len(f.dropAt) > 0 && f.fwNext >= f.dropAt[0] {
			f.dropAt = f.dropAt[1:]
			return map[string]any{"next": f.fwNext}, f.unplug
		}
		return map[string]any{"next": f.fwNext}, nil
	case "fw.commit":
		if f.fwSize == 0 || f.fwNext != f.fwSize {
			return fail(CodeFWIncomplete, "no complete image"), nil
		}
		f.ready = false
		return map[string]any{}, func() {
			go func() {
				for i := 0; i <= 2; i++ {
					f.log(fmt.Sprintf("erase %d%%", i*50))
				}
				f.mu.Lock()
				cut := f.cutInCommit
				f.mu.Unlock()
				if cut {
					f.unplug()
				}
				for i := 0; i <= 2; i++ {
					f.log(fmt.Sprintf("copy flash %d%%", i*50))
				}
				f.mu.Lock()
				f.fw, f.fwSize, f.fwNext, f.fwData = f.fwVersion, 0, 0, nil
				f.mu.Unlock()
				f.boot()
			}()
		}
	case "fw.abort":
		f.fwSize, f.fwNext, f.fwData = 0, 0, nil
		return map[string]any{}, nil
	}
	return fail(CodeUnknownOp, "no such op "+r.Op), nil
}

// boot sends noise and a banner, then READY; the reply memory is cleared.
func (f *fake) boot() {
	time.Sleep(f.bootDelay)
	f.mu.Lock()
	fw := f.fw
	if f.bannerFW != "" {
		fw = f.bannerFW
	}
	f.remember = map[int64]string{}
	f.mu.Unlock()
	f.writeMu.Lock()
	f.conn.Write([]byte("\xe7a^\xf3_0\xe4\x9bH.\xca"))
	f.writeMu.Unlock()
	for _, l := range []string{"", "ECC bootloader 2.1", "Starting application", "Model EVC5.1", "Firmware " + fw,
		`{"boot":"debug json-like line, not a frame"}`} {
		f.log(l)
	}
	f.mu.Lock()
	f.ready = true
	f.mu.Unlock()
	f.log("READY")
}

func (f *fake) ops() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.received {
		out = append(out, r.Op)
	}
	return out
}
