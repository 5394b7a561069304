package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// Errors of Serve.
var (
	ErrClosed   = errors.New("sim: controller closed")
	ErrLineBusy = errors.New("sim: another connection holds the line")
)

// Controller is one simulated controller: its flash, its working memory,
// its power and its UART. It talks over whatever byte stream Serve is
// given; one stream at a time holds the line.
type Controller struct {
	opts   Options
	keys   []keySpec
	keyIdx map[string]*keySpec

	ctx    context.Context // ends on Close
	cancel context.CancelFunc
	wg     sync.WaitGroup
	out    chan outLine

	traceMu sync.Mutex

	mu         sync.Mutex
	rng        *rand.Rand
	noise      float64
	flash      State
	started    bool
	closed     bool
	powered    bool
	powerGen   uint64 // bumped by every power loss: queued output dies
	powerTimer *time.Timer
	sess       *session // the running boot; nil while unpowered
	cableUntil time.Time
	conn       io.ReadWriter
	ocpp       *ChargePoint // ConnectOCPP's, for the control commands
}

type outLine struct {
	b   []byte // with its terminator, if term
	gen uint64
	// term: b ends with the line ending (noise damages the line before it)
	term bool
}

// request is a decoded frame waiting for the controller.
type request struct {
	id  int64
	obj []byte
}

// session is one boot of the controller: everything a reset or power loss
// forgets.
type session struct {
	ctx     context.Context
	cancel  context.CancelFunc
	ready   bool // READY sent: requests are taken
	closing bool // reset answered: no more requests
	start   time.Time

	work    map[string]string // working memory
	queue   chan request
	waiting int // received, not yet answered

	cacheIDs []int64
	cache    map[int64]string

	saveQ    []pendingSave
	saveSig  chan struct{}
	pending  int       // set requests not yet in flash
	lastSave time.Time // the last SV CFG()

	fw         *fwTransfer
	committing bool

	lastID int64 // the last request id received, for JSONLogNoise
}

type pendingSave struct {
	values map[string]string
	due    time.Time
}

// New makes a controller from opts and its state file (created if
// missing). It is unpowered until Start.
func New(opts Options) (*Controller, error) {
	opts = opts.withDefaults()
	if err := opts.check(); err != nil {
		return nil, err
	}
	st, found, err := loadState(opts.StateFile)
	if err != nil {
		return nil, err
	}
	pick := func(opt, stored, def string) string {
		switch {
		case opt != "":
			return opt
		case stored != "":
			return stored
		}
		return def
	}
	st.Model = pick(opts.Model, st.Model, DefaultModel)
	st.Serial = pick(opts.Serial, st.Serial, DefaultSerial)
	st.Firmware = pick(opts.Firmware, st.Firmware, DefaultFirmware)
	if _, err := parseVersion(st.Firmware); err != nil {
		return nil, fmt.Errorf("sim: firmware: %w", err)
	}
	if st.Model == "" || family(st.Model) == st.Model {
		return nil, fmt.Errorf("sim: model %q: want FAMILY.VARIANT, e.g. EVC5.1", st.Model)
	}
	keys := keySet(st.Serial)
	values := make(map[string]string, len(keys))
	idx := make(map[string]*keySpec, len(keys))
	for i := range keys {
		k := &keys[i]
		idx[k.name] = k
		values[k.name] = k.value
		if v, ok := st.Values[k.name]; ok && found {
			values[k.name] = v
		}
	}
	st.Values = values
	seed := opts.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Controller{
		opts:   opts,
		keys:   keys,
		keyIdx: idx,
		ctx:    ctx,
		cancel: cancel,
		out:    make(chan outLine, 1024),
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		noise:  opts.Noise,
		flash:  st,
	}
	for _, k := range opts.ReadOnly {
		if err := c.setReadOnlyLocked(k, true); err != nil {
			cancel()
			return nil, err
		}
	}
	if err := writeState(opts.StateFile, st); err != nil {
		cancel()
		return nil, err
	}
	c.wg.Add(1)
	go c.writer()
	return c, nil
}

// Start powers the controller on, after Options.PowerOnDelay. It is a
// no-op after the first call.
func (c *Controller) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || c.closed {
		return
	}
	c.started = true
	if d := c.opts.PowerOnDelay; d > 0 {
		c.logf("unpowered for %v", d)
		c.powerTimer = time.AfterFunc(d, c.PowerOn)
		return
	}
	c.powerOnLocked()
}

// PowerOn connects the supply: the controller boots.
func (c *Controller) PowerOn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powerOnLocked()
}

// PowerOff cuts the supply: working memory, unsaved values and a transfer
// in progress are lost; during a commit's erase or copy flash the
// controller is bricked.
func (c *Controller) PowerOff() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powerOffLocked()
}

// PowerCycle is PowerOff then PowerOn.
func (c *Controller) PowerCycle() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.powerOffLocked()
	c.powerOnLocked()
}

// CablePull disconnects the service cable for d: bytes in both directions
// are lost; the controller keeps running.
func (c *Controller) CablePull(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cableUntil = time.Now().Add(d)
	c.logf("cable pulled for %v", d)
}

// SetNoise changes Options.Noise.
func (c *Controller) SetNoise(p float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.noise = min(max(p, 0), 1)
	c.logf("noise %g", c.noise)
}

// State returns what the controller holds in flash (the state file's
// content).
func (c *Controller) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.flash.clone()
}

// Status is a snapshot of the controller's condition, for control
// interfaces and tests.
type Status struct {
	Powered    bool `json:"powered"`
	Ready      bool `json:"ready"`
	Bricked    bool `json:"bricked"`
	Committing bool `json:"committing"`
	Pending    int  `json:"pending"`
	CablePull  bool `json:"cablePulled"`
	Connected  bool `json:"connected"`
}

// Status reports the controller's condition now.
func (c *Controller) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Status{
		Powered:   c.powered,
		Bricked:   c.flash.Bricked,
		CablePull: time.Now().Before(c.cableUntil),
		Connected: c.conn != nil,
	}
	if s := c.sess; s != nil {
		st.Ready = s.ready && !s.closing
		st.Committing = s.committing
		st.Pending = s.pending
	}
	return st
}

// Close cuts the power for good (bricking a controller in the middle of
// a commit, as a real power loss would), ends Serve and every goroutine.
func (c *Controller) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.powerOffLocked()
	c.closed = true
	if c.powerTimer != nil {
		c.powerTimer.Stop()
	}
	conn := c.conn
	c.mu.Unlock()
	c.cancel()
	if cl, ok := conn.(io.Closer); ok {
		cl.Close()
	}
	c.wg.Wait()
	return nil
}

// Serve makes rw the controller's line until rw fails or the controller
// is closed (which closes rw if it is an io.Closer). A second concurrent
// Serve returns ErrLineBusy at once.
func (c *Controller) Serve(rw io.ReadWriter) error {
	if err := c.attach(rw); err != nil {
		return err
	}
	defer c.detach(rw)
	return c.readLoop(rw)
}

func (c *Controller) attach(rw io.ReadWriter) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.conn != nil:
		return ErrLineBusy
	}
	c.conn = rw
	return nil
}

func (c *Controller) detach(rw io.ReadWriter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == rw {
		c.conn = nil
	}
}

// readLoop is the controller's UART receiver.
func (c *Controller) readLoop(r io.Reader) error {
	pace := newPacer(c.opts.Baud, !c.opts.NoThrottle)
	asm := assembler{maxLine: c.opts.MaxLine}
	var carry []byte // a line whose terminator noise destroyed
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		// Bytes reach the controller as the line carries them: in small
		// pieces, each after its line time.
		for p := buf[:n]; len(p) > 0; {
			piece := p[:min(len(p), 16)]
			p = p[len(piece):]
			if !pace.wait(c.ctx, len(piece)) {
				return nil
			}
			c.mu.Lock()
			pulled := time.Now().Before(c.cableUntil)
			c.mu.Unlock()
			if !pulled {
				asm.feed(piece, func(line []byte) {
					c.mu.Lock()
					hit := c.noise > 0 && c.rng.Float64() < c.noise
					var keep = true
					if hit {
						line, keep = damage(c.rng, line)
					}
					c.mu.Unlock()
					if len(carry) > 0 {
						line = append(carry, line...)
						carry = nil
					}
					if !keep {
						carry = append([]byte(nil), line...)
						return
					}
					if len(line) <= c.opts.MaxLine {
						c.receive(line)
					}
				})
			}
		}
		if err != nil {
			if c.ctx.Err() != nil || errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// writer is the controller's UART transmitter: it paces queued lines to
// the line rate, damages some, and writes them to the attached stream (in
// random pieces with Options.SplitWrites).
func (c *Controller) writer() {
	defer c.wg.Done()
	pace := newPacer(c.opts.Baud, !c.opts.NoThrottle)
	for {
		var l outLine
		select {
		case <-c.ctx.Done():
			return
		case l = <-c.out:
		}
		c.mu.Lock()
		if l.gen != c.powerGen {
			c.mu.Unlock()
			continue
		}
		conn := c.conn
		pulled := time.Now().Before(c.cableUntil)
		b := c.onWireLocked(l)
		if c.opts.SplitWrites > 0 && c.rng.IntN(4) == 0 {
			// Several lines in one write, as a UART driver's buffer
			// would hand them over.
		merge:
			for range c.rng.IntN(4) + 1 {
				select {
				case more := <-c.out:
					if more.gen == c.powerGen {
						b = append(b, c.onWireLocked(more)...)
					}
				default:
					break merge
				}
			}
		}
		c.mu.Unlock()
		// Each piece reaches the host once the line has carried it.
		for len(b) > 0 {
			n, pause := 64, time.Duration(0)
			if sw := c.opts.SplitWrites; sw > 0 {
				c.mu.Lock()
				n = c.rng.IntN(sw) + 1
				if c.rng.IntN(4) == 0 {
					pause = time.Duration(c.rng.IntN(1500)) * time.Microsecond
				}
				c.mu.Unlock()
			}
			piece := b[:min(len(b), n)]
			b = b[len(piece):]
			if !pace.wait(c.ctx, len(piece)) || !sleep(c.ctx, pause) {
				return
			}
			if conn != nil && !pulled {
				if _, err := conn.Write(piece); err != nil {
					c.logf("write: %v", err)
					conn = nil
				}
			}
		}
	}
}

// onWireLocked is a queued line as it goes on the wire: damaged by noise
// (a lost terminator merges it with the next line), and traced.
func (c *Controller) onWireLocked(l outLine) []byte {
	b := l.b
	if c.noise > 0 && c.rng.Float64() < c.noise {
		end := c.opts.LineEnding
		if !l.term || !bytes.HasSuffix(b, []byte(end)) {
			end = ""
		}
		body, keep := damage(c.rng, b[:len(b)-len(end)])
		if keep {
			body = append(body, end...)
		}
		b = body
	}
	c.trace("< ", b)
	return b
}

func (c *Controller) trace(dir string, b []byte) {
	if c.opts.Trace == nil {
		return
	}
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	c.traceMu.Lock()
	defer c.traceMu.Unlock()
	line := make([]byte, 0, len(b)+3)
	line = append(line, dir...)
	line = append(line, b...)
	line = append(line, '\n')
	c.opts.Trace.Write(line)
}

func (c *Controller) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// emitLocked queues one line for the UART; Options.LineEnding is added. A
// full queue drops the line, as a UART without a listener would lose it.
func (c *Controller) emitLocked(line string) {
	c.emitRawLocked(append([]byte(line), c.opts.LineEnding...), true)
}

// emitRawLocked queues bytes for the UART; term says whether they end with
// the line ending.
func (c *Controller) emitRawLocked(b []byte, term bool) {
	select {
	case c.out <- outLine{b: b, gen: c.powerGen, term: term}:
	default:
		c.logf("output queue full: line dropped")
	}
}

func clock() string { return time.Now().Format("15:04:05") }

func (c *Controller) powerOnLocked() {
	if c.closed || c.powered {
		return
	}
	c.powered = true
	c.logf("power on")
	c.bootLocked()
}

func (c *Controller) powerOffLocked() {
	if !c.powered {
		return
	}
	c.powered = false
	c.powerGen++
	if s := c.sess; s != nil {
		if s.committing {
			c.flash.Bricked = true
			c.flash.Flashing = false
			c.persistLocked()
			c.logf("power lost during firmware commit: controller bricked")
		}
		s.cancel()
		c.sess = nil
	}
	c.logf("power off")
}

// bootLocked starts a new boot session: a reset, a restart or a power-on.
func (c *Controller) bootLocked() {
	if old := c.sess; old != nil {
		old.cancel()
	}
	ctx, cancel := context.WithCancel(c.ctx)
	s := &session{
		ctx:     ctx,
		cancel:  cancel,
		work:    maps.Clone(c.flash.Values),
		queue:   make(chan request, c.opts.Window),
		cache:   make(map[int64]string),
		saveSig: make(chan struct{}, 1),
	}
	c.sess = s
	c.wg.Add(4)
	go c.boot(s)
	go c.executor(s)
	go c.saver(s)
	go c.logNoise(s)
}

// current reports whether s is still the running boot; c.mu held.
func (c *Controller) current(s *session) bool { return c.sess == s && c.powered }

func (c *Controller) persistLocked() {
	if err := writeState(c.opts.StateFile, c.flash); err != nil {
		c.logf("state file: %v", err)
	}
}

// boot sends the line noise and the banner, then takes requests.
func (c *Controller) boot(s *session) {
	defer c.wg.Done()
	if !sleep(s.ctx, c.opts.BootDelay) {
		return
	}
	c.mu.Lock()
	if !c.current(s) {
		c.mu.Unlock()
		return
	}
	if n := c.rng.IntN(65); n > 0 {
		junk := make([]byte, n, n+2)
		for i := range junk {
			junk[i] = byte(c.rng.IntN(256))
		}
		if c.opts.RawBootNoise {
			c.emitRawLocked(junk, false)
		} else {
			c.emitRawLocked(append(junk, c.opts.LineEnding...), true)
		}
	}
	if c.flash.Bricked {
		c.mu.Unlock()
		c.logf("bricked: the controller does not start")
		return
	}
	banner := c.bannerLocked(s)
	c.mu.Unlock()
	for i, line := range banner {
		if i > 0 && !sleep(s.ctx, c.opts.BannerLineDelay) {
			return
		}
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		c.emitLocked(line)
		if i == len(banner)-1 {
			s.ready = true
			s.start = time.Now()
		}
		c.mu.Unlock()
	}
}

// receive takes one line from the wire.
func (c *Controller) receive(line []byte) {
	c.trace("> ", line)
	if !transport.IsFrame(line) {
		return
	}
	obj, ok := transport.DecodeFrame(line)
	if !ok {
		return // line noise
	}
	id, ok := requestID(obj)
	if !ok {
		return // nothing to address a reply to
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sess
	if !c.powered || s == nil || !s.ready || s.closing {
		return
	}
	s.lastID = id
	if s.waiting >= c.opts.Window {
		c.emitLocked("RX OVERFLOW")
		return
	}
	s.waiting++
	s.queue <- request{id: id, obj: append([]byte(nil), obj...)}
}

// executor handles a boot's requests one at a time, in order.
func (c *Controller) executor(s *session) {
	defer c.wg.Done()
	for {
		var r request
		select {
		case <-s.ctx.Done():
			return
		case r = <-s.queue:
		}
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		if rep, ok := s.cache[r.id]; ok {
			s.waiting--
			c.emitLocked(rep)
			c.mu.Unlock()
			continue
		}
		c.mu.Unlock()
		if !sleep(s.ctx, c.latency(r)) {
			return
		}
		rep, after := c.execute(s, r)
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		s.waiting--
		if len(s.cacheIDs) == ReplyCache {
			delete(s.cache, s.cacheIDs[0])
			s.cacheIDs = s.cacheIDs[1:]
		}
		if c.opts.ExtraFields {
			rep = c.decorateLocked(rep)
		}
		s.cacheIDs = append(s.cacheIDs, r.id)
		s.cache[r.id] = rep
		c.emitLocked(rep)
		if after != nil {
			after()
		}
		c.mu.Unlock()
	}
}

// saver writes each set's values to flash, in order, SaveDelay after the
// set was answered, and logs SV CFG().
func (c *Controller) saver(s *session) {
	defer c.wg.Done()
	for {
		c.mu.Lock()
		if len(s.saveQ) == 0 {
			c.mu.Unlock()
			select {
			case <-s.ctx.Done():
				return
			case <-s.saveSig:
			}
			continue
		}
		p := s.saveQ[0]
		s.saveQ = s.saveQ[1:]
		c.mu.Unlock()
		// Flash writes take SaveDelay each, one after the other.
		due := p.due
		if next := s.lastSave.Add(c.opts.SaveDelay); next.After(due) {
			due = next
		}
		if !sleep(s.ctx, time.Until(due)) {
			return
		}
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		newID := false
		for k, v := range p.values {
			if k == "com_OCPPID" && c.flash.Values[k] != v {
				newID = true
			}
			c.flash.Values[k] = v
		}
		c.persistLocked()
		s.lastSave = time.Now()
		s.pending--
		c.emitLocked(clock() + " CFG: SV CFG()")
		if newID {
			d := c.opts.OCPPIDRestartDelay
			c.emitLocked(fmt.Sprintf("%s OCPP: ID changed, restart in %d s", clock(), int(d.Seconds())))
			c.wg.Add(1)
			go c.restartAfter(s, d)
		}
		c.mu.Unlock()
	}
}

// queueSaveLocked schedules the flash write of one set's stored values.
func (c *Controller) queueSaveLocked(s *session, values map[string]string) {
	s.pending++
	s.saveQ = append(s.saveQ, pendingSave{values: values, due: time.Now().Add(c.opts.SaveDelay)})
	select {
	case s.saveSig <- struct{}{}:
	default:
	}
}

// restartAfter restarts the controller by itself (a changed com_OCPPID).
func (c *Controller) restartAfter(s *session, d time.Duration) {
	defer c.wg.Done()
	if !sleep(s.ctx, d) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.current(s) || s.committing || c.closed {
		return
	}
	c.emitLocked(clock() + " SYS: restart (OCPP ID changed)")
	c.bootLocked()
}

// logNoise sends the unsolicited log lines a running controller writes.
func (c *Controller) logNoise(s *session) {
	defer c.wg.Done()
	mean := c.opts.LogNoiseInterval
	if mean < 0 {
		return
	}
	for {
		c.mu.Lock()
		d := time.Duration(c.rng.ExpFloat64() * float64(mean))
		c.mu.Unlock()
		if !sleep(s.ctx, d) {
			return
		}
		c.mu.Lock()
		if !c.current(s) {
			c.mu.Unlock()
			return
		}
		if s.ready && !s.closing {
			c.emitLocked(c.noiseLineLocked(s))
		}
		c.mu.Unlock()
	}
}

// lookup finds a key the controller has.
func (c *Controller) lookup(name string) *keySpec { return c.keyIdx[name] }
