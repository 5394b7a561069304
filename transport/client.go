package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure Dial, Open and NewClient. Zero fields take the
// defaults shown.
type Options struct {
	// Baud is the serial line rate (default 115200, 8N1, no flow control).
	Baud int
	// LockDir holds the per-port lock files (default
	// os.TempDir()/ecc-locks).
	LockDir string
	// Name names the port in error messages (Open sets it to the address).
	Name string

	// Timeout is how long a request waits for its reply before it is
	// resent with the same id (default 1 s). SetTimeout is the same for
	// set, which may take up to 500 ms (default 1.5 s).
	Timeout, SetTimeout time.Duration
	// Tries bounds the sends of one request, with the timeouts it spent
	// waiting behind an earlier unanswered one (default 5).
	Tries int
	// BusyPause is the pause before retrying a request refused as busy
	// (default 500 ms).
	BusyPause time.Duration

	// ConnectTimeout bounds Connect's hello polling (default 60 s);
	// HelloInterval is the polling period (default 1 s).
	ConnectTimeout, HelloInterval time.Duration
	// RebootTimeout bounds Reboot from the reset to the hello after READY
	// (default 30 s).
	RebootTimeout time.Duration
	// SaveTimeout is how long after the last stored set's reply WaitSaved
	// waits for the SV CFG() lines before it polls sync (default 2 s);
	// SyncInterval is the polling period (default 100 ms) and SyncTimeout
	// bounds the polling (default 15 s).
	SaveTimeout, SyncInterval, SyncTimeout time.Duration
	// CommitTimeout bounds FirmwareCommit from the request to the hello
	// after the reboot (default 120 s). CommitQuiet is how long the log
	// may stay silent during a commit before hello is tried anyway
	// (default 10 s).
	CommitTimeout, CommitQuiet time.Duration

	// MaxReconnects bounds the reconnects of one FirmwareTransfer
	// (default 5); ReconnectDelay is the pause before each (default 1 s)
	// and ReconnectTimeout how long each polls hello (default 30 s: the
	// user may be plugging the cable back in).
	MaxReconnects                    int
	ReconnectDelay, ReconnectTimeout time.Duration
	// Redial, if set, opens the connection again for Reopen (a client made
	// by Open dials its address again without it).
	Redial func(ctx context.Context) (io.ReadWriteCloser, error)

	// MaxWindow, if positive, caps the number of requests in flight below
	// the controller's window.
	MaxWindow int

	// Logger receives what the client does: requests, resends and
	// reconnects at slog.LevelDebug, every frame on the line at LevelTrace
	// (secrets redacted). nil discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Baud <= 0 {
		o.Baud = 115200
	}
	if o.Name == "" {
		o.Name = "the port"
	}
	def(&o.Timeout, time.Second)
	def(&o.SetTimeout, 1500*time.Millisecond)
	if o.Tries <= 0 {
		o.Tries = 5
	}
	def(&o.BusyPause, 500*time.Millisecond)
	def(&o.ConnectTimeout, 60*time.Second)
	def(&o.HelloInterval, time.Second)
	def(&o.RebootTimeout, 30*time.Second)
	def(&o.SaveTimeout, 2*time.Second)
	def(&o.SyncInterval, 100*time.Millisecond)
	def(&o.SyncTimeout, 15*time.Second)
	def(&o.CommitTimeout, 120*time.Second)
	def(&o.CommitQuiet, 10*time.Second)
	if o.MaxReconnects <= 0 {
		o.MaxReconnects = 5
	}
	def(&o.ReconnectDelay, time.Second)
	def(&o.ReconnectTimeout, 30*time.Second)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// ErrClosed is returned by requests on a client whose port was closed or
// lost; the error wraps it with the cause.
var ErrClosed = errors.New("connection closed")

// errResolved is wait's answer for a request whose reply is no longer
// needed (call.resolved).
var errResolved = errors.New("resolved without its reply")

// ErrNoReply is wrapped by the error of a request that got no reply after
// all its tries.
var ErrNoReply = errors.New("no reply")

// ErrRestartedBeforeSave is WaitSaved's error when the controller
// restarted (its boot banner) before it had written every stored set to
// flash: those values are lost (controller-protocol.md §4).
var ErrRestartedBeforeSave = errors.New("the controller restarted before it saved the values written (power lost, or a reset): they are lost")

// Stats counts what the client saw on the line.
type Stats struct {
	Lines        uint64 // complete lines kept (log and frames)
	Frames       uint64 // valid frames
	BadFrames    uint64 // lines starting with '@' dropped as noise
	StrayReplies uint64 // valid frames matching no outstanding request
	Overlong     uint64 // lines discarded as longer than maxLine
	InvalidUTF8  uint64 // lines discarded as not valid UTF-8
	Sent         uint64 // request frames written, resends included
	Resends      uint64 // requests resent with the same id
	Timeouts     uint64 // ... of them after their timeout
	// BannerMismatches counts boots whose banner version differed from
	// hello's (line noise on the unchecked log; hello, CRC-checked, wins).
	BannerMismatches uint64
}

// Client speaks the controller protocol (controller-protocol.md) over one
// port. It implements Controller; its methods are safe for concurrent use,
// and concurrent requests are pipelined within the controller's window.
//
// It is made of parts that each own their state and lock: the request
// multiplexer (ids, pending requests, window: mux), the log watcher
// (banner, READY, SV CFG(), erase / copy flash lines as a logState), the
// subscribers to the lines read, and the save tracker (sets not yet in
// flash). The Client itself holds only the connection and the identity.
type Client struct {
	opts Options
	addr string // for Reopen; empty for NewClient

	mux   *mux
	watch *logWatcher
	subs  *subscribers
	saves saveTracker
	stats counters

	wmu  sync.Mutex // serialises writes of whole frames
	port io.ReadWriteCloser

	mu        sync.Mutex // guards the fields below
	link      *link      // the current connection's reader
	closed    bool
	ident     Identity
	haveIdent bool
	fwVersion string // from FirmwareBegin

	maxLine atomic.Int64

	// readOnly are the keys the controller reported read-only in the
	// replies this client received: Set refuses them (Guard).
	readOnly ReadOnlyKeys

	splitterMu sync.Mutex // the reader's, and Stats'
	splitter   LineSplitter
}

// counters are Stats as the parts count them.
type counters struct {
	lines, frames, badFrames, stray, sent, resends, timeouts, bannerMismatches atomic.Uint64
}

// link is one connection's reader; done is closed when it stops, after err
// is set.
type link struct {
	done chan struct{}
	err  error
}

// NewClient starts a client over an open connection to a controller (a
// Port, or an in-memory pipe in tests). Nothing is sent until a method is
// called. Close closes rwc.
func NewClient(rwc io.ReadWriteCloser, opts Options) *Client {
	opts = opts.withDefaults()
	c := &Client{
		opts:  opts,
		mux:   newMux(time.Now(), opts.MaxWindow),
		watch: newLogWatcher(),
		subs:  newSubscribers(),
	}
	c.maxLine.Store(DefaultMaxLine)
	c.startLink(rwc)
	return c
}

// Open dials addr (a serial device such as /dev/ttyUSB0 or COM8,
// tcp://HOST:PORT, or "auto" for the one USB-serial adapter plugged in),
// takes the port's lock and returns a client over it. Nothing is sent yet:
// call Connect or Hello. A client opened with "auto" looks for the adapter
// again when it reopens (the system may rename it after a replug).
func Open(ctx context.Context, addr string, opts Options) (*Client, error) {
	// The name messages give: the adapter "auto" found, COM8 for 8.
	dial, err := resolvePort(ctx, addr)
	if err != nil {
		return nil, err
	}
	if opts.Name == "" {
		opts.Name = dial
	}
	p, err := Dial(ctx, dial, opts)
	if err != nil {
		return nil, err
	}
	c := NewClient(p, opts)
	c.addr = addr
	return c, nil
}

// Port returns the name of the port in messages.
func (c *Client) Port() string { return c.opts.Name }

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	st := Stats{
		Lines: c.stats.lines.Load(), Frames: c.stats.frames.Load(), BadFrames: c.stats.badFrames.Load(),
		StrayReplies: c.stats.stray.Load(), Sent: c.stats.sent.Load(), Resends: c.stats.resends.Load(),
		Timeouts: c.stats.timeouts.Load(), BannerMismatches: c.stats.bannerMismatches.Load(),
	}
	c.splitterMu.Lock()
	st.Overlong, st.InvalidUTF8 = c.splitter.Overlong, c.splitter.Invalid
	c.splitterMu.Unlock()
	return st
}

// Identity returns the identity from the last hello answered, if any.
func (c *Client) Identity() (Identity, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ident, c.haveIdent
}

// LinkDone returns a channel closed when the current connection's reader
// stops (the port was closed or lost); LinkErr then says why.
func (c *Client) LinkDone() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.link.done
}

// isClosed reports whether Close was called.
func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// dead is deadLocked for callers not holding c.mu.
func (c *Client) dead() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.deadLocked()
}

// LinkErr returns why the current connection stopped, or nil.
func (c *Client) LinkErr() error {
	c.mu.Lock()
	l := c.link
	c.mu.Unlock()
	select {
	case <-l.done:
		return l.err
	default:
		return nil
	}
}

func (c *Client) startLink(rwc io.ReadWriteCloser) {
	l := &link{done: make(chan struct{})}
	c.wmu.Lock()
	c.port = rwc
	c.wmu.Unlock()
	c.mu.Lock()
	c.link = l
	c.mu.Unlock()
	go c.readLoop(rwc, l)
}

func (c *Client) readLoop(r io.Reader, l *link) {
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.splitterMu.Lock()
			c.splitter.MaxLine = int(c.maxLine.Load())
			c.splitter.Feed(buf[:n], c.handleLine)
			c.splitterMu.Unlock()
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			c.mu.Lock()
			closed := c.closed
			c.mu.Unlock()
			if closed {
				l.err = fmt.Errorf("%s: %w", c.opts.Name, ErrClosed)
			} else {
				l.err = fmt.Errorf("%s: %w: %v", c.opts.Name, ErrClosed, err)
			}
			close(l.done)
			return
		}
	}
}

// handleLine sorts one complete line into a reply or a log line.
func (c *Client) handleLine(line []byte) {
	now := time.Now()
	if IsFrame(line) {
		obj, ok := DecodeFrame(line)
		c.stats.lines.Add(1)
		if ok {
			c.stats.frames.Add(1)
		} else {
			c.stats.badFrames.Add(1)
		}
		c.publish(LogLine{Time: now, Text: string(line), Frame: true, Noise: !ok})
		c.traceFrame(fromController, line)
		if ok {
			c.dispatch(bytes.Clone(obj), now)
		}
		return
	}
	text := string(line)
	c.stats.lines.Add(1)
	before, after := c.watch.observe(text, now)
	c.logEvents(before, after)
	c.publish(LogLine{Time: now, Text: text})
}

// dispatch hands a valid frame to the request it answers (mux.dispatch
// says how the order of replies tells which requests were lost).
func (c *Client) dispatch(obj []byte, now time.Time) {
	var head struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal(obj, &head) != nil || !c.mux.dispatch(head.ID, obj, now) {
		c.stats.stray.Add(1)
	}
}

func (c *Client) finish(p *call) { c.mux.finish(p) }

// request is what a caller asks: the op and its arguments (a JSON object,
// or nil).
type request struct {
	op      string
	args    any
	timeout time.Duration
	setup   func(*call) // sets call hooks before the first send
}

// frameFor builds the frame {"id":N,"op":"NAME",...args}.
func frameFor(id int64, op string, args any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	b.WriteString(strconv.FormatInt(id, 10))
	b.WriteString(`,"op":`)
	opJSON, _ := json.Marshal(op)
	b.Write(opJSON)
	if args != nil {
		a, err := json.Marshal(args)
		if err != nil {
			return nil, err
		}
		if len(a) < 2 || a[0] != '{' {
			return nil, fmt.Errorf("%s: arguments are not a JSON object", op)
		}
		if len(a) > 2 {
			b.WriteByte(',')
			b.Write(a[1 : len(a)-1])
		}
	}
	b.WriteByte('}')
	return EncodeFrame(b.Bytes()), nil
}

// start waits for a window slot, registers a new request with a fresh id
// and sends it.
func (c *Client) start(ctx context.Context, r request) (*call, error) {
	if r.timeout <= 0 {
		r.timeout = c.opts.Timeout
	}
	if err := c.dead(); err != nil {
		return nil, err
	}
	p := &call{op: r.op, timeout: r.timeout, reply: make(chan []byte, 1), kick: make(chan struct{}, 1), slot: true}
	if r.setup != nil {
		r.setup(p)
	}
	wait, err := c.mux.register(ctx, p, c.dead, c.LinkDone())
	if err != nil {
		return nil, err
	}
	frame, err := frameFor(p.id, r.op, r.args)
	if err == nil {
		if ml := int(c.maxLine.Load()); len(frame)-1 > ml {
			err = fmt.Errorf("%s: the request is %d bytes, longer than the controller's maxLine %d", r.op, len(frame)-1, ml)
		}
	}
	if err == nil && wait > 0 {
		err = sleep(ctx, wait)
	}
	if err != nil {
		c.finish(p)
		return nil, err
	}
	p.frame = frame
	c.opts.Logger.Debug("request", "op", r.op, "id", p.id, "port", c.opts.Name)
	if err := c.send(p); err != nil {
		c.finish(p)
		return nil, err
	}
	return p, nil
}

// deadLocked returns the error of a closed client or lost link.
func (c *Client) deadLocked() error {
	if c.closed {
		return fmt.Errorf("%s: %w", c.opts.Name, ErrClosed)
	}
	select {
	case <-c.link.done:
		return c.link.err
	default:
		return nil
	}
}

// send writes p's frame (again) and restarts its deadline. The write lock
// is held from the wire order's count to the write, so that the order the
// multiplexer records is the order on the line.
func (c *Client) send(p *call) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.mux.sent(p) {
		c.stats.resends.Add(1)
	}
	c.stats.sent.Add(1)
	port := c.port
	c.traceFrame(toController, p.frame)
	if _, err := port.Write(p.frame); err != nil {
		return fmt.Errorf("%s: writing %s: %w: %v", c.opts.Name, p.op, ErrClosed, err)
	}
	return nil
}

// errSettled is waitOrSign's answer when the log settled the request
// before its reply came.
var errSettled = errors.New("settled by the log")

// waitOrSign waits for p's reply, resending it with the same id at once
// when it is found lost (a later request was answered first: dispatch),
// or when its deadline passes (pushed back while the requests before it
// are answered) and no earlier request is still pending: only the oldest
// resends on timeout, the ones behind it wait (mux.waitBehind) rather than
// overflow a slow controller's window. It gives up after tries sends and
// waits behind in all (the waits count from the last reply ahead of p), so
// on a silent line the requests behind the oldest give up with it.
// settled, if not nil, is asked at every change of the log state whether
// a sign in the log (a boot banner, the erase of a commit) makes the
// reply unneeded: then it returns errSettled. It is the one resend loop of
// the client: every request waits in it. sent is how many times the
// request went out.
func (c *Client) waitOrSign(ctx context.Context, p *call, tries int, settled func(logState) bool) (obj []byte, sent int, err error) {
	defer c.finish(p)
	sent = 1
	timer := time.NewTimer(p.timeout)
	defer timer.Stop()
	done := c.LinkDone()
	for {
		var wake <-chan struct{} // nil: never, when nothing in the log settles p
		if settled != nil {
			var st logState
			wake, st = c.watch.wait()
			if settled(st) {
				return nil, sent, errSettled
			}
		}
		left, lost := c.mux.due(p)
		if lost || left <= 0 {
			// A reply that came in meanwhile wins.
			select {
			case obj := <-p.reply:
				return obj, sent, nil
			default:
			}
			if p.resolved != nil && p.resolved() {
				return nil, sent, errResolved
			}
			var waited int
			if !lost {
				var behind bool
				if behind, waited = c.mux.waitBehind(p, tries-sent); behind {
					c.opts.Logger.Debug("no resend: waiting behind an earlier request", "op", p.op, "id", p.id, "waited", waited, "port", c.opts.Name)
					continue
				}
				c.stats.timeouts.Add(1)
			}
			if sent+waited >= tries {
				if waited > 0 {
					return nil, sent, fmt.Errorf("%s: %w from the controller on %s after %d tries (%d sent, %d timeouts waiting behind an earlier request)", p.op, ErrNoReply, c.opts.Name, sent+waited, sent, waited)
				}
				return nil, sent, fmt.Errorf("%s: %w from the controller on %s after %d tries", p.op, ErrNoReply, c.opts.Name, sent)
			}
			c.opts.Logger.Debug("resend", "op", p.op, "id", p.id, "lost", lost, "try", sent+1, "port", c.opts.Name)
			if err := c.send(p); err != nil {
				return nil, sent, err
			}
			sent++
			continue
		}
		timer.Reset(left)
		select {
		case obj := <-p.reply:
			return obj, sent, nil
		case <-p.kick:
		case <-wake:
		case <-timer.C:
		case <-done:
			select {
			case obj := <-p.reply:
				return obj, sent, nil
			default:
			}
			err := c.dead()
			return nil, sent, fmt.Errorf("%s: %w", p.op, err)
		case <-ctx.Done():
			return nil, sent, ctx.Err()
		}
	}
}

// replyHead is what every reply has.
type replyHead struct {
	OK       bool      `json:"ok"`
	Error    ErrorCode `json:"error"`
	Message  string    `json:"message"`
	Expected int       `json:"expected"`
}

// remoteErr returns the *RemoteError of an ok=false reply, or nil.
func remoteErr(op string, obj []byte) error {
	var h replyHead
	if err := json.Unmarshal(obj, &h); err != nil {
		return badReply(op, obj, err)
	}
	if h.OK {
		return nil
	}
	code := h.Error
	if code == "" {
		code = CodeUnknown
	}
	return &RemoteError{Op: op, Code: code, Message: h.Message, Expected: h.Expected}
}

// do sends one request and decodes its successful result into out (may be
// nil).
func (c *Client) do(ctx context.Context, r request, out any) error {
	obj, err := c.doRaw(ctx, r)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(obj, out); err != nil {
			return badReply(r.op, obj, err)
		}
	}
	return nil
}

// doRaw sends one request and returns its successful reply.
func (c *Client) doRaw(ctx context.Context, r request) ([]byte, error) {
	p, err := c.start(ctx, r)
	if err != nil {
		return nil, err
	}
	return c.complete(ctx, r, p)
}

// complete waits for the reply to a started request. A busy refusal is
// retried after BusyPause with a fresh id (the controller remembers the
// busy reply under the old one), at most Tries times; any other refusal is
// a *RemoteError.
func (c *Client) complete(ctx context.Context, r request, p *call) ([]byte, error) {
	for attempt := 1; ; attempt++ {
		obj, _, err := c.waitOrSign(ctx, p, c.opts.Tries, nil)
		if err != nil {
			return nil, err
		}
		if err := remoteErr(r.op, obj); err != nil {
			var re *RemoteError
			if errors.As(err, &re) && re.Code == CodeBusy && attempt < c.opts.Tries {
				c.opts.Logger.Debug("busy, retrying with a fresh id", "op", r.op, "attempt", attempt+1, "port", c.opts.Name)
				if err := sleep(ctx, c.opts.BusyPause); err != nil {
					return nil, err
				}
				if p, err = c.start(ctx, r); err != nil {
					return nil, err
				}
				continue
			}
			c.opts.Logger.Debug("refused", "op", r.op, "err", err, "port", c.opts.Name)
			return nil, err
		}
		return obj, nil
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close closes the port (releasing its lock) and ends every subscription.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.wmu.Lock()
	port := c.port
	c.wmu.Unlock()
	err := port.Close()
	c.subs.close()
	return err
}

// Reopen closes the port and dials the same address again (after a cable
// drop, say), keeping the request ids going up. Requests in flight fail.
// Only a client made by Open, or given Options.Redial, can reopen.
func (c *Client) Reopen(ctx context.Context) error {
	if !c.canReopen() {
		return errors.New("this connection cannot be reopened")
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return fmt.Errorf("%s: %w", c.opts.Name, ErrClosed)
	}
	done := c.link.done
	c.mu.Unlock()
	c.wmu.Lock()
	old := c.port
	c.wmu.Unlock()
	old.Close()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	var p io.ReadWriteCloser
	var err error
	if c.opts.Redial != nil {
		p, err = c.opts.Redial(ctx)
	} else {
		p, err = Dial(ctx, c.addr, c.opts)
	}
	if err != nil {
		return err
	}
	c.mux.finishAll()
	c.splitterMu.Lock()
	c.splitter.Reset()
	c.splitterMu.Unlock()
	c.startLink(p)
	c.opts.Logger.Debug("port reopened", "port", c.opts.Name)
	return nil
}

// badReply reports a reply that is a valid frame but not the shape its op
// promises. It never quotes the reply: a get reply can hold gsm_APN's
// password, and errors reach the terminal.
func badReply(op string, obj []byte, err error) error {
	return fmt.Errorf("%s: the controller's reply (%d bytes) is not what the protocol promises: %v", op, len(obj), err)
}
