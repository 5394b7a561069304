package transport

import (
	"regexp"
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
	c       *Client
	once    sync.Once
}

// Dropped reports how many lines this subscriber lost for lack of room.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close unsubscribes and closes C. It is safe to call more than once.
func (s *Subscription) Close() {
	s.c.subMu.Lock()
	defer s.c.subMu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		delete(s.c.subs, s)
		close(s.ch)
	})
}

// Subscribe starts a subscription to the lines read from the controller.
func (c *Client) Subscribe(opts SubscribeOptions) *Subscription {
	if opts.Buffer <= 0 {
		opts.Buffer = 1024
	}
	ch := make(chan LogLine, opts.Buffer)
	s := &Subscription{C: ch, ch: ch, frames: opts.Frames, c: c}
	c.subMu.Lock()
	defer c.subMu.Unlock()
	if c.subsClosed {
		s.closeLocked()
		return s
	}
	c.subs[s] = struct{}{}
	return s
}

// Logs subscribes to the debug log lines (no frames) with a generous
// buffer; cancel ends the subscription and closes the channel.
func (c *Client) Logs() (lines <-chan LogLine, cancel func()) {
	s := c.Subscribe(SubscribeOptions{Buffer: 4096})
	return s.C, s.Close
}

// OnLog calls f, on a goroutine of its own, for every debug log line from
// now on until the returned function is called (which does not wait for f).
func (c *Client) OnLog(f func(LogLine)) (stop func()) {
	s := c.Subscribe(SubscribeOptions{Buffer: 4096})
	go func() {
		for l := range s.C {
			f(l)
		}
	}()
	return s.Close
}

func (c *Client) publish(l LogLine) {
	c.subMu.RLock()
	defer c.subMu.RUnlock()
	for s := range c.subs {
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

func (c *Client) closeSubs() {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	c.subsClosed = true
	for s := range c.subs {
		s.closeLocked()
	}
}

// Log line patterns the client itself follows (controller-protocol.md §3-5).
var fwLineRE = regexp.MustCompile(`Firmware (V[0-9]+R[0-9]+)`)

const (
	savedMarker = "SV CFG()"
	readyLine   = "READY"
)

// bootLine reports whether a log line belongs to a boot banner.
func bootLine(s string) bool {
	return s == readyLine || strings.HasPrefix(s, "ECC bootloader") ||
		strings.HasPrefix(s, "Starting application") || fwLineRE.MatchString(s)
}

// flashLine reports whether a log line is progress of a firmware commit.
func flashLine(s string) bool {
	return strings.Contains(s, "erase") || strings.Contains(s, "copy flash")
}

// logState is what the client learns from the log; guarded by Client.mu.
type logState struct {
	saves   uint64 // SV CFG() markers seen
	readies uint64 // READY lines seen
	boots   uint64 // banner lines seen (READY included)
	flashes uint64 // erase / copy flash lines seen
	fw      string // version of the last banner Firmware line
	readyFW string // fw of the banner that ended with the last READY
	last    time.Time
}

// observe updates the log state from one log line; c.mu must be held.
// It reports whether waiters should be woken.
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
