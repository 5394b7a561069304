package transport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// LogLine is one line received from the controller: a debug log line, or,
// for subscribers that asked for them, a frame line.
type LogLine struct {
	Time time.Time
	Text string // the line without its terminator
	// Frame is set for a line starting with '@'. Noise is set as well when
	// its CRC or JSON is bad (the line was dropped as noise).
	Frame, Noise bool
}

// SubscribeOptions configure a Subscription.
type SubscribeOptions struct {
	// Buffer is how many lines may wait for the subscriber before further
	// lines are dropped (and counted); 0 means 1024.
	Buffer int
	// Frames delivers frame lines too (Frame set), e.g. for `ecc console
	// --frames`.
	Frames bool
}

// A Subscription receives the lines the client reads from the moment it
// was made. The reader never waits for a subscriber: lines a slow
// subscriber has no room for are dropped and counted. C is closed by Close
// and when the Client is closed.
type Subscription struct {
	C <-chan LogLine

	ch      chan LogLine
	frames  bool
	dropped atomic.Uint64
	hub     *subscribers
	once    sync.Once
}

// subscribers are the Subscriptions of one client: the reader hands every
// line to each, without ever waiting for one.
type subscribers struct {
	mu     sync.RWMutex
	subs   map[*Subscription]struct{}
	closed bool
}

func newSubscribers() *subscribers {
	return &subscribers{subs: make(map[*Subscription]struct{})}
}

// Dropped reports how many lines this subscriber lost for lack of room.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close unsubscribes and closes C. It is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		delete(s.hub.subs, s)
		close(s.ch)
	})
}

// Subscribe starts a subscription to the lines read from the controller.
func (c *Client) Subscribe(opts SubscribeOptions) *Subscription {
	if opts.Buffer <= 0 {
		opts.Buffer = 1024
	}
	ch := make(chan LogLine, opts.Buffer)
	h := c.subs
	s := &Subscription{C: ch, ch: ch, frames: opts.Frames, hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.closeLocked()
		return s
	}
	h.subs[s] = struct{}{}
	return s
}

// Logs subscribes to the debug log lines (no frames) with a generous
// buffer; cancel ends the subscription and closes the channel.
func (c *Client) Logs() (lines <-chan LogLine, cancel func()) {
	s := c.Subscribe(SubscribeOptions{Buffer: 4096})
	return s.C, s.Close
}

func (c *Client) publish(l LogLine) { c.subs.publish(l) }

func (h *subscribers) publish(l LogLine) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs {
		if l.Frame && !s.frames {
			continue
		}
		select {
		case s.ch <- l:
		default:
			s.dropped.Add(1)
		}
	}
}

func (h *subscribers) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for s := range h.subs {
		s.closeLocked()
	}
}

// Log line patterns the client itself follows (controller-protocol.md §3-5).
// Log lines carry no CRC; these are the only places that read them.
var (
	// The banner's version line is the whole line (§3: it "has the form
	// `Firmware V32R16`"): a log line that mentions a version elsewhere
	// ("[ota] Firmware V33R01 offered") is no boot.
	fwLineRE    = regexp.MustCompile(`^\s*Firmware (V[0-9]+R[0-9]+)\s*$`)
	percentRE   = regexp.MustCompile(`([0-9]{1,3})\s*%`)
	eraseWord   = "erase"
	copyWords   = "copy flash"
	readyLine   = "READY"
	savedMarker = "SV CFG()"
)

// bootLine reports whether a log line belongs to a boot banner.
func bootLine(s string) bool {
	return s == readyLine || strings.HasPrefix(s, "ECC bootloader") ||
		strings.HasPrefix(s, "Starting application") || fwLineRE.MatchString(s)
}

// FlashPhase is a step of a firmware commit as the controller's log shows
// it (controller-protocol.md §5).
type FlashPhase string

// Flash phases, in the order a commit goes through them.
const (
	PhaseErase FlashPhase = "erase"      // a log line containing "erase"
	PhaseCopy  FlashPhase = "copy flash" // a log line containing "copy flash"
	PhaseBoot  FlashPhase = "boot"       // the banner's "Firmware VxxRyy" line
	// PhaseReconnect: the link was lost during the commit; the client
	// reopens the port to look for the controller.
	PhaseReconnect FlashPhase = "reconnect"
)

// FlashProgress is one step of a firmware commit, parsed from the
// controller's log once, here, so that no caller reads a log line.
type FlashProgress struct {
	Phase FlashPhase
	// Percent is the progress the line gives (0 to 100), or -1 when it
	// gives none.
	Percent int
	// Version is the firmware version the boot banner names (PhaseBoot).
	Version string
}

// String is the step in words: "erase 25%", "copy flash", "boot V32R17".
func (p FlashProgress) String() string {
	switch {
	case p.Phase == PhaseBoot:
		return strings.TrimSpace(string(p.Phase) + " " + p.Version)
	case p.Percent >= 0:
		return fmt.Sprintf("%s %d%%", p.Phase, p.Percent)
	}
	return string(p.Phase)
}

// ParseFlashLine reads one log line as commit progress: an "erase" or
// "copy flash" line (case-insensitive; the protocol promises the words, not
// their case) with an optional "NN%", or a banner's "Firmware VxxRyy"
// line. ok is false for any other line.
func ParseFlashLine(line string) (p FlashProgress, ok bool) {
	l := strings.ToLower(line)
	switch {
	case strings.Contains(l, copyWords):
		p.Phase = PhaseCopy
	case strings.Contains(l, eraseWord):
		p.Phase = PhaseErase
	default:
		if m := fwLineRE.FindStringSubmatch(line); m != nil {
			return FlashProgress{Phase: PhaseBoot, Percent: -1, Version: m[1]}, true
		}
		return FlashProgress{}, false
	}
	p.Percent = -1
	if m := percentRE.FindStringSubmatch(l); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n <= 100 {
			p.Percent = n
		}
	}
	return p, true
}

// flashLine reports whether a log line is erase / copy flash progress.
func flashLine(s string) bool {
	p, ok := ParseFlashLine(s)
	return ok && p.Phase != PhaseBoot
}

// logWatcher follows the controller's log for the client: it turns boot
// banner, READY, SV CFG() and erase / copy flash lines into a logState,
// and wakes every waiter when that changes.
type logWatcher struct {
	mu    sync.Mutex
	state logState
	event chan struct{} // closed and replaced when the state changes
}

func newLogWatcher() *logWatcher { return &logWatcher{event: make(chan struct{})} }

// observe takes one log line; it returns the state before and after.
func (w *logWatcher) observe(s string, now time.Time) (before, after logState) {
	w.mu.Lock()
	defer w.mu.Unlock()
	before = w.state
	if w.state.observe(s, now) {
		close(w.event)
		w.event = make(chan struct{})
	}
	return before, w.state
}

// wait returns a channel closed at the next change of the state, with the
// state now.
func (w *logWatcher) wait() (<-chan struct{}, logState) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.event, w.state
}

// logState is what the client learns from the log (logWatcher).
type logState struct {
	saves   uint64 // SV CFG() markers seen
	readies uint64 // READY lines seen
	boots   uint64 // banner lines seen (READY included)
	flashes uint64 // erase / copy flash lines seen
	fw      string // version of the last banner Firmware line
	readyFW string // fw of the banner that ended with the last READY
	last    time.Time
}

// observe updates the log state from one log line. It reports whether
// waiters should be woken.
func (st *logState) observe(s string, now time.Time) bool {
	st.last = now
	wake := false
	if n := strings.Count(s, savedMarker); n > 0 {
		st.saves += uint64(n)
		wake = true
	}
	if bootLine(s) {
		st.boots++
		wake = true
		if m := fwLineRE.FindStringSubmatch(s); m != nil {
			st.fw = m[1]
		}
		if s == readyLine {
			st.readies++
			st.readyFW = st.fw
			st.fw = ""
		}
	}
	if flashLine(s) {
		st.flashes++
		wake = true
	}
	return wake
}
