package sim

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// fast are options for unit tests: no delays, no throttling, no log noise.
func fast() Options {
	return Options{
		BootDelay:          NoDelay,
		BannerLineDelay:    NoDelay,
		SaveDelay:          NoDelay,
		ChunkWriteDelay:    NoDelay,
		CommitDuration:     50 * time.Millisecond,
		OCPPIDRestartDelay: 10 * time.Second,
		LogNoiseInterval:   NoDelay,
		NoThrottle:         true,
		Seed:               1,
	}
}

// host is a test's end of the line: it sends frames and collects lines.
type host struct {
	t      *testing.T
	c      *Controller
	conn   io.ReadWriteCloser
	lines  chan string
	nextID int64
	saves  int // SV CFG() lines waited for
	mu     sync.Mutex
	all    []string
}

// newController makes a controller; opts.StateFile defaults to a file in
// the test's temp dir.
func newController(t *testing.T, opts Options) *Controller {
	t.Helper()
	if opts.StateFile == "" {
		opts.StateFile = filepath.Join(t.TempDir(), "state.json")
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newHost starts a controller on a pipe; opts.StateFile defaults to a
// file in the test's temp dir.
func newHost(t *testing.T, opts Options) *host {
	t.Helper()
	c := newController(t, opts)
	a, b := net.Pipe()
	if err := c.attach(b); err != nil {
		t.Fatal(err)
	}
	go c.readLoop(b)
	h := &host{t: t, c: c, conn: a, lines: make(chan string, 10000), nextID: 1000}
	go h.read(a)
	t.Cleanup(func() {
		c.Close()
		a.Close()
	})
	c.Start()
	return h
}

func (h *host) read(r io.Reader) {
	br := bufio.NewReader(r)
	for {
		l, err := br.ReadString('\n')
		if l != "" {
			l = strings.TrimSuffix(strings.TrimSuffix(l, "\n"), "\r")
			h.mu.Lock()
			h.all = append(h.all, l)
			h.mu.Unlock()
			h.lines <- l
		}
		if err != nil {
			close(h.lines)
			return
		}
	}
}

// next returns the next line, or fails after d.
func (h *host) next(d time.Duration) (string, bool) {
	select {
	case l, ok := <-h.lines:
		return l, ok
	case <-time.After(d):
		return "", false
	}
}

// waitLine skips lines until pred holds; it returns the lines seen before.
func (h *host) waitLine(what string, d time.Duration, pred func(string) bool) (string, []string) {
	h.t.Helper()
	deadline := time.Now().Add(d)
	var before []string
	for {
		l, ok := h.next(time.Until(deadline))
		if !ok {
			h.t.Fatalf("no %s within %v; saw %q", what, d, before)
		}
		if pred(l) {
			return l, before
		}
		before = append(before, l)
	}
}

func (h *host) waitReady() []string {
	h.t.Helper()
	_, before := h.waitLine("READY", 5*time.Second, func(l string) bool { return l == "READY" })
	return before
}

func (h *host) sendLine(s string) {
	h.t.Helper()
	if _, err := io.WriteString(h.conn, s); err != nil {
		h.t.Fatal(err)
	}
}

// send frames a request with a fresh id and returns the id.
func (h *host) send(op string, args map[string]any) int64 {
	h.t.Helper()
	h.nextID++
	h.sendID(h.nextID, op, args)
	return h.nextID
}

func (h *host) sendID(id int64, op string, args map[string]any) {
	h.t.Helper()
	req := map[string]any{"id": id, "op": op}
	for k, v := range args {
		req[k] = v
	}
	b, err := transport.MarshalFrame(req)
	if err != nil {
		h.t.Fatal(err)
	}
	h.sendLine(string(b))
}

// reply is a decoded reply frame.
type reply struct {
	raw string
	m   map[string]any
}

func (r reply) ok() bool { return r.m["ok"] == true }
func (r reply) code() transport.ErrorCode {
	s, _ := r.m["error"].(string)
	return transport.ErrorCode(s)
}

func (r reply) num(k string) int {
	f, _ := r.m[k].(float64)
	return int(f)
}

// waitReply waits for the reply to id, skipping log lines and failing on
// any other frame.
func (h *host) waitReply(id int64, d time.Duration) reply {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		l, ok := h.next(time.Until(deadline))
		if !ok {
			h.t.Fatalf("no reply to id %d within %v", id, d)
		}
		r, isFrame := decode(l)
		if !isFrame {
			continue
		}
		if got := int64(r.m["id"].(float64)); got != id {
			h.t.Fatalf("got reply to id %d, want %d: %s", got, id, l)
		}
		return r
	}
}

// noReply checks that no frame arrives for d.
func (h *host) noReply(d time.Duration) {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		l, ok := h.next(time.Until(deadline))
		if !ok {
			return
		}
		if _, isFrame := decode(l); isFrame {
			h.t.Fatalf("unexpected frame %s", l)
		}
	}
}

func decode(l string) (reply, bool) {
	if !transport.IsFrame([]byte(l)) {
		return reply{}, false
	}
	obj, ok := transport.DecodeFrame([]byte(l))
	if !ok {
		return reply{}, false
	}
	var m map[string]any
	if err := json.Unmarshal(obj, &m); err != nil {
		return reply{}, false
	}
	return reply{raw: l, m: m}, true
}

// call sends a request and waits for its reply.
func (h *host) call(op string, args map[string]any) reply {
	h.t.Helper()
	return h.waitReply(h.send(op, args), 5*time.Second)
}

func (h *host) get(keys ...string) map[string]any {
	h.t.Helper()
	r := h.call("get", map[string]any{"keys": keys})
	if !r.ok() {
		h.t.Fatalf("get: %s", r.raw)
	}
	out := map[string]any{}
	for _, e := range r.m["configurationKey"].([]any) {
		e := e.(map[string]any)
		out[e["key"].(string)] = e
	}
	return out
}

func (h *host) value(key string) string {
	h.t.Helper()
	e := h.get(key)[key].(map[string]any)
	v, _ := e["value"].(string)
	return v
}

func (h *host) set(values map[string]string) map[string]string {
	h.t.Helper()
	r := h.call("set", map[string]any{"values": values})
	if !r.ok() {
		h.t.Fatalf("set: %s", r.raw)
	}
	out := map[string]string{}
	for k, v := range r.m["status"].(map[string]any) {
		out[k] = v.(string)
	}
	return out
}

// waitSaved waits for the next SV CFG() line, even if waiting for a reply
// has already skipped it.
func (h *host) waitSaved() {
	h.t.Helper()
	h.saves++
	deadline := time.Now().Add(5 * time.Second)
	for h.count("SV CFG()") < h.saves {
		if time.Now().After(deadline) {
			h.t.Fatalf("no SV CFG() #%d within 5s", h.saves)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (h *host) count(sub string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, l := range h.all {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

func must(t *testing.T, cond bool, format string, args ...any) {
	t.Helper()
	if !cond {
		t.Fatalf(format, args...)
	}
}
