package transport

import (
	"context"
	"time"

	"sync"
)

// call is one request: its id, its frame and its reply.
type call struct {
	id      int64
	op      string
	frame   []byte
	timeout time.Duration
	reply   chan []byte // capacity 1 (shared by polls)
	kick    chan struct{}
	slot    bool // holds a window slot
	poll    bool // a hello poll: never resent, never kicked
	// onReply, if set, sees the reply in the reader before any other
	// request is found lost; resolved, if set, is asked before a resend
	// whether the reply is still needed (see FirmwareSend).
	onReply  func(obj []byte)
	resolved func() bool

	// guarded by mux.mu
	firstSeq, lastSeq uint64
	// liveSeq is the first send that may still be answered: firstSeq,
	// or the resend after p was found lost (the sends before it are gone).
	// It is p's place in the controller's queue (see aheadLocked).
	liveSeq  uint64
	deadline time.Time
	// waited counts the deadlines p let pass waiting behind an earlier
	// request since a reply ahead of it last came (waitBehind).
	waited int
	lost   bool
	done   bool
}

// mux is the request multiplexer: request ids, the requests waiting for
// their replies, the window of requests in flight, and the wire order of
// sends from which dispatch infers lost requests. It owns its state behind
// its own lock; nothing else touches a call's wire fields.
type mux struct {
	maxWindow int // Options.MaxWindow: a cap below the controller's window

	mu        sync.Mutex
	pending   map[int64]*call
	nextAbs   int64     // unix millisecond of the next id (see newIDLocked)
	idClock   time.Time // when nextAbs started: wall and monotonic clock
	seq       uint64    // wire order of sent frames
	inflight  int
	slotFreed chan struct{} // closed and replaced when a slot frees
	window    int
	maxKeys   int
}

func newMux(now time.Time, maxWindow int) *mux {
	return &mux{
		maxWindow: maxWindow,
		pending:   make(map[int64]*call),
		nextAbs:   now.UnixMilli(),
		idClock:   now,
		slotFreed: make(chan struct{}),
		window:    1,
		maxKeys:   1,
	}
}

// firstID is the first request id of a client: unixMilli mod 2147483647,
// never 0 (docs/architecture.md, request ids).
func firstID(now time.Time) int64 {
	id := now.UnixMilli() % 2147483647
	if id <= 0 {
		id = 1
	}
	return id
}

// newIDLocked returns a fresh request id and how long to wait before it
// may be sent; m.mu must be held.
//
// Ids must be unique within one boot of the controller, across clients
// and processes (docs/architecture.md, request ids): each client starts
// at the unix millisecond it was made and counts up by one. That is only
// safe if no client ever sends an id before its millisecond has passed:
// then every id sent so far is below the clock, and a client made later
// starts above all of them. The line time of a request used to enforce
// this (over 2 ms at 115200 baud); on a faster line, with a pipelined
// burst, or with a controller that answers at once, it does not, so the
// wait is explicit (at most one request per millisecond, far above what
// any line carries).
func (m *mux) newIDLocked() (id int64, wait time.Duration) {
	for {
		abs := m.nextAbs
		m.nextAbs++
		if id = abs % 2147483647; id == 0 {
			continue // ids are 1 to 2147483647
		}
		// Sendable once the wall clock is past millisecond abs, measured
		// on the monotonic clock from idClock.
		notBefore := m.idClock.Add(time.Duration(abs+1)*time.Millisecond - time.Duration(m.idClock.UnixNano()))
		return id, time.Until(notBefore)
	}
}

// windowLocked is how many requests may be in flight; m.mu must be held.
func (m *mux) windowLocked() int {
	w := m.window
	if m.maxWindow > 0 && m.maxWindow < w {
		w = m.maxWindow
	}
	return max(w, 1)
}

// currentWindow is how many requests may be in flight now.
func (m *mux) currentWindow() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.windowLocked()
}

// setLimits applies a hello's window and maxKeys, waking requests waiting
// for a slot (the window may have grown).
func (m *mux) setLimits(window, maxKeys int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.window, m.maxKeys = window, maxKeys
	m.wakeSlotsLocked()
}

func (m *mux) wakeSlotsLocked() {
	close(m.slotFreed)
	m.slotFreed = make(chan struct{})
}

// register starts p with a fresh id: a window slot first (waiting for one
// while dead reports nil and done stays open), unless p is a poll, which
// takes none. It returns how long to wait before p may be sent.
func (m *mux) register(ctx context.Context, p *call, dead func() error, done <-chan struct{}) (wait time.Duration, err error) {
	m.mu.Lock()
	for p.slot && m.inflight >= m.windowLocked() {
		freed := m.slotFreed
		m.mu.Unlock()
		select {
		case <-freed:
		case <-done:
			return 0, dead()
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		if err := dead(); err != nil {
			return 0, err
		}
		m.mu.Lock()
	}
	if p.slot {
		m.inflight++
	}
	p.id, wait = m.newIDLocked()
	m.pending[p.id] = p
	m.mu.Unlock()
	return wait, nil
}

// finish unregisters p and frees its window slot.
func (m *mux) finish(p *call) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.finishLocked(p)
}

func (m *mux) finishLocked(p *call) {
	if p.done {
		return
	}
	p.done = true
	delete(m.pending, p.id)
	if p.slot {
		m.inflight--
		m.wakeSlotsLocked()
	}
}

// finishAll unregisters every request (the connection they went out on is
// gone).
func (m *mux) finishAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, q := range m.pending {
		m.finishLocked(q)
	}
}

// sent records that p's frame goes on the line (again) now: its place in
// the wire order and a fresh deadline. It reports whether it is a resend.
func (m *mux) sent(p *call) (resend bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	resend = p.firstSeq != 0
	if !resend {
		p.firstSeq = m.seq
	}
	// After a timeout the first send may still be in the controller's
	// queue; after a loss only this one is.
	if !resend || p.lost {
		// A new place in the queue, behind other requests: its waits
		// behind the old ones are over.
		p.liveSeq, p.waited = m.seq, 0
	}
	p.lastSeq = m.seq
	p.deadline = time.Now().Add(p.timeout)
	p.lost = false
	return resend
}

// due reports how long p may still wait for its reply and whether it was
// found lost.
func (m *mux) due(p *call) (left time.Duration, lost bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return time.Until(p.deadline), p.lost
}

// waitBehind is asked when p's deadline has passed and p was not found
// lost. Replies come in order, so while an earlier request is pending
// (aheadLocked) p cannot be answered before it: the controller is slow, or
// that one was lost and resends on its own timeout. A resend of p would
// only take a place in the controller's window (RX OVERFLOW with a full
// one), so p does not resend: its deadline is pushed back by its timeout
// and the wait counted, at most budget times since a reply ahead of p
// last came (dispatch resets the count). behind reports that p waits;
// waited is the count, a try of p's: on a silent line p gives up with the
// request ahead of it, not Tries timeouts after it.
func (m *mux) waitBehind(p *call, budget int) (behind bool, waited int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if now.Before(p.deadline) {
		return true, p.waited // pushed back meanwhile by dispatch
	}
	if p.lost || p.waited >= budget || !m.aheadLocked(p) {
		return false, p.waited
	}
	p.waited++
	p.deadline = now.Add(p.timeout)
	return true, p.waited
}

// aheadLocked reports whether a request whose reply comes before p's is
// pending: one sent, not found lost, whose live send went out before p's.
// Hello polls are never resent, so they hold no request back. m.mu must
// be held.
func (m *mux) aheadLocked(p *call) bool {
	for _, q := range m.pending {
		if q != p && !q.poll && q.lastSeq != 0 && !q.lost && q.liveSeq < p.liveSeq {
			return true
		}
	}
	return false
}

// dispatch hands a reply to the request it answers, or reports it stray.
// Replies come in the order the controller received the requests, so every
// request last sent before the answered one was first sent, and still
// unanswered, was lost (the request or its reply): it is marked and kicked
// to be resent at once rather than after its timeout. Requests sent after
// it are waiting in the controller's queue behind it: their deadlines are
// counted from now, and their waits behind it (waitBehind) start over.
func (m *mux) dispatch(id int64, obj []byte, now time.Time) (ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := m.pending[id]
	if p == nil {
		return false
	}
	m.finishLocked(p)
	if p.onReply != nil {
		p.onReply(obj)
	}
	for _, q := range m.pending {
		if q.poll || q.lastSeq == 0 {
			continue
		}
		if q.lastSeq < p.firstSeq {
			q.lost = true
			select {
			case q.kick <- struct{}{}:
			default:
			}
		} else {
			q.waited = 0
			if d := now.Add(q.timeout); d.After(q.deadline) {
				q.deadline = d
			}
		}
	}
	select {
	case p.reply <- obj:
	default:
	}
	return true
}

// queuedAfter looks at hello polls, in the order sent: those sent after
// the last one answered and not answered yet are waiting in the
// controller's queue (replies come in order), and take places of its
// window. It returns how many there are and when the last of them is due.
func (m *mux) queuedAfter(polls []*call) (n int, due time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range polls {
		switch {
		case p.done:
			n, due = 0, time.Time{}
		case p.lastSeq != 0 && time.Now().Before(p.deadline):
			n++
			if p.deadline.After(due) {
				due = p.deadline
			}
		}
	}
	return n, due
}

// limits returns maxKeys.
func (m *mux) limits() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.maxKeys
}
