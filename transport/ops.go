package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

var _ Controller = (*Client)(nil)

// setIdentity records a hello answer: the window, maxKeys and maxLine
// apply from now on.
func (c *Client) setIdentity(id Identity) Identity {
	if id.Window <= 0 {
		id.Window = 1
	}
	if id.MaxKeys <= 0 {
		id.MaxKeys = 1
	}
	if id.MaxLine <= 0 {
		id.MaxLine = DefaultMaxLine
	}
	c.mu.Lock()
	c.ident, c.haveIdent = id, true
	c.mu.Unlock()
	c.mux.setLimits(id.Window, id.MaxKeys)
	c.maxLine.Store(int64(id.MaxLine))
	return id
}

func parseIdentity(obj []byte) (Identity, error) {
	var id Identity
	if err := json.Unmarshal(obj, &id); err != nil {
		return Identity{}, badReply("hello", obj, err)
	}
	// A success without the identity is no answer to hello (a reply the
	// controller remembered under a reused id, say): nothing, and least of
	// all the window and maxKeys, may be based on it.
	if id.Model == "" || id.Serial == "" || !fwVersionRE.MatchString(id.Firmware) {
		return Identity{}, badReply("hello", obj, errors.New("no model, serial or firmware version"))
	}
	return id, nil
}

var fwVersionRE = regexp.MustCompile(`^V[0-9]+R[0-9]+$`)

// Hello sends one hello (resent with the same id up to Tries times) and
// returns the controller's identity.
func (c *Client) Hello(ctx context.Context) (Identity, error) {
	obj, err := c.doRaw(ctx, request{op: "hello"})
	if err != nil {
		return Identity{}, err
	}
	id, err := parseIdentity(obj)
	if err != nil {
		return Identity{}, err
	}
	return c.setIdentity(id), nil
}

// limits returns maxKeys, saying hello first if no hello was answered yet.
func (c *Client) limits(ctx context.Context) (int, error) {
	if _, have := c.Identity(); have {
		return c.mux.limits(), nil
	}
	id, err := c.Hello(ctx)
	if err != nil {
		return 0, err
	}
	return id.MaxKeys, nil
}

// Connect polls hello with a fresh id about every HelloInterval until the
// controller answers or timeout (0: ConnectTimeout) passes: the guide's
// procedure is to connect first and power the controller on then. If the
// first hello is not answered at once, onWaiting (may be nil) is called
// once, e.g. to tell the user to power the controller on now. A READY line
// triggers a hello at once.
func (c *Client) Connect(ctx context.Context, timeout time.Duration, onWaiting func()) (Identity, error) {
	if timeout <= 0 {
		timeout = c.opts.ConnectTimeout
	}
	deadline := time.Now().Add(timeout)
	id, err := c.pollHello(ctx, deadline, 0, onWaiting, nil)
	// A connection that ends before the controller answered (a serial
	// device server still serving the previous client, an adapter that
	// re-enumerates) is dialled again until the deadline: only hello went
	// out, which a new connection may repeat. The write of hello may see
	// the end before the reader does (ErrClosed, LinkErr still nil).
	for err != nil && (c.LinkErr() != nil || errors.Is(err, ErrClosed)) && !c.isClosed() && c.canReopen() && ctx.Err() == nil && time.Now().Before(deadline) {
		c.opts.Logger.Debug("connection ended before the controller answered; dialling again", "port", c.opts.Name)
		if err = c.reopenBy(ctx, deadline); err == nil {
			id, err = c.pollHello(ctx, deadline, 0, onWaiting, nil)
		}
	}
	if err != nil {
		if errors.Is(err, ErrNoReply) {
			return Identity{}, fmt.Errorf("no controller answered on %s within %s: check the cable, the port and that the controller is powered", c.opts.Name, timeout)
		}
		return Identity{}, err
	}
	return id, nil
}

// reopenBy dials the port again every ReconnectDelay until it opens or
// the deadline passes; it returns the last error.
func (c *Client) reopenBy(ctx context.Context, deadline time.Time) error {
	for {
		if err := sleep(ctx, c.opts.ReconnectDelay); err != nil {
			return err
		}
		err := c.Reopen(ctx)
		if err == nil || !time.Now().Before(deadline) {
			return err
		}
		c.opts.Logger.Debug("dialling again failed", "port", c.opts.Name, "err", err)
	}
}

// pollHello sends hello with a fresh id at once (after delay), then every
// HelloInterval and at every READY line, until one of them is answered or
// the deadline passes. ready, if not nil, is also polled before each send:
// when it returns false the send is skipped (used during a firmware commit,
// where hello is only sent once the controller shows signs of booting).
func (c *Client) pollHello(ctx context.Context, deadline time.Time, delay time.Duration, onWaiting func(), ready func() bool) (Identity, error) {
	replies := make(chan []byte, 64)
	var polls []*call
	defer func() {
		for _, p := range polls {
			c.finish(p)
		}
	}()
	send := func() error {
		if err := c.dead(); err != nil {
			return err
		}
		p := &call{op: "hello", timeout: c.opts.HelloInterval, reply: replies, kick: make(chan struct{}, 1), poll: true}
		wait, err := c.mux.register(ctx, p, c.dead, c.LinkDone())
		if err != nil {
			return err
		}
		polls = append(polls, p)
		if wait > 0 {
			if err := sleep(ctx, wait); err != nil {
				return err
			}
		}
		p.frame, _ = frameFor(p.id, "hello", nil)
		return c.send(p)
	}
	wake, st := c.watch.wait()
	readies := st.readies
	timer := time.NewTimer(max(delay, 0))
	defer timer.Stop()
	done := c.LinkDone()
	var first time.Time // when the first hello went out
	for {
		if !time.Now().Before(deadline) {
			return Identity{}, fmt.Errorf("hello: %w from the controller on %s", ErrNoReply, c.opts.Name)
		}
		select {
		case obj := <-replies:
			if err := remoteErr("hello", obj); err != nil {
				return Identity{}, err
			}
			id, err := parseIdentity(obj)
			if err != nil {
				return Identity{}, err
			}
			c.awaitQueuedPolls(ctx, polls, replies)
			return c.setIdentity(id), nil
		case <-wake:
			var st logState
			wake, st = c.watch.wait()
			if st.readies == readies {
				continue
			}
			readies = st.readies
		case <-timer.C:
		case <-done:
			err := c.dead()
			return Identity{}, err
		case <-ctx.Done():
			return Identity{}, ctx.Err()
		}
		if ready == nil || ready() {
			// Only a hello unanswered for a whole interval means the
			// controller is off; a stale READY left in the port's buffer
			// also brings us here, and must not make us tell the user to
			// power it on.
			if onWaiting != nil && !first.IsZero() && time.Since(first) >= c.opts.HelloInterval {
				onWaiting()
				onWaiting = nil
			}
			if err := send(); err != nil {
				return Identity{}, err
			}
			if first.IsZero() {
				first = time.Now()
			}
		}
		timer.Reset(min(c.opts.HelloInterval, max(time.Until(deadline), 0)))
	}
}

// awaitQueuedPolls waits for the replies to the hellos sent after the one
// answered (a READY left in the port's buffer from before sends one more
// at once): the controller has them queued, and requests pipelined
// meanwhile would overflow its window. Their replies follow at once; one
// that does not within a quarter of HelloInterval was dropped (a window
// of one drops the second hello).
func (c *Client) awaitQueuedPolls(ctx context.Context, polls []*call, replies <-chan []byte) {
	giveUp := time.Now().Add(c.opts.HelloInterval / 4)
	for {
		n, due := c.mux.queuedAfter(polls)
		if n == 0 {
			return
		}
		if due.After(giveUp) {
			due = giveUp
		}
		t := time.NewTimer(time.Until(due))
		select {
		case <-replies:
			t.Stop()
		case <-t.C:
			return
		case <-c.LinkDone():
			t.Stop()
			return
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// Keys lists every key the controller has.
func (c *Client) Keys(ctx context.Context) ([]KeyAccess, error) {
	var res struct {
		Keys []KeyAccess `json:"keys"`
	}
	if err := c.do(ctx, request{op: "keys"}, &res); err != nil {
		return nil, err
	}
	c.readOnly.NoteAccess(res.Keys)
	return res.Keys, nil
}

// batchResult is one batch's reply or error.
type batchResult struct {
	obj []byte
	err error
}

// run sends one request per batch, in order, each as soon as the window
// allows, and returns every batch's reply (or error) in order.
func (c *Client) run(ctx context.Context, reqs []request) []batchResult {
	out := make([]batchResult, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		p, err := c.start(ctx, r)
		if err != nil {
			for j := i; j < len(reqs); j++ {
				out[j].err = err
			}
			break
		}
		wg.Go(func() { out[i].obj, out[i].err = c.complete(ctx, r, p) })
	}
	wg.Wait()
	return out
}

// Get reads keys in batches of maxKeys, pipelined within the window.
func (c *Client) Get(ctx context.Context, keys []string) ([]Reading, []string, error) {
	if len(keys) == 0 {
		return nil, nil, nil
	}
	mk, err := c.limits(ctx)
	if err != nil {
		return nil, nil, err
	}
	var reqs []request
	for i := 0; i < len(keys); i += mk {
		reqs = append(reqs, request{op: "get", args: struct {
			Keys []string `json:"keys"`
		}{keys[i:min(i+mk, len(keys))]}})
	}
	var values []Reading
	var unknown []string
	for _, r := range c.run(ctx, reqs) {
		if r.err != nil {
			return nil, nil, r.err
		}
		var res struct {
			ConfigurationKey []Reading `json:"configurationKey"`
			UnknownKey       []string  `json:"unknownKey"`
		}
		if err := json.Unmarshal(r.obj, &res); err != nil {
			return nil, nil, badReply("get", r.obj, err)
		}
		values = append(values, res.ConfigurationKey...)
		unknown = append(unknown, res.UnknownKey...)
	}
	c.readOnly.NoteReadings(values)
	return values, unknown, nil
}

// WriteRefusedError is Set's refusal of keys outside the classes its
// channel may write (controller-protocol.md §6, model.Class.WritableOn),
// or that the controller reported read-only. Nothing was sent.
type WriteRefusedError struct {
	Channel model.Channel
	Keys    []string
	Classes []model.Class
	// Reported marks, by index of Keys, a key refused because the
	// controller reported it read-only (its Class is then
	// model.ReadOnly, whatever the dictionary's).
	Reported []bool
}

func (e *WriteRefusedError) Error() string {
	parts := make([]string, len(e.Keys))
	for i, k := range e.Keys {
		reason := e.Classes[i].Reason()
		if i < len(e.Reported) && e.Reported[i] {
			reason = reportedReadOnlyReason
		}
		parts[i] = fmt.Sprintf("%s is %s (%s)", k, e.Classes[i], reason)
	}
	return "refusing to write over " + e.Channel.String() + ", nothing sent: " + strings.Join(parts, "; ")
}

// reportedReadOnlyReason is why a key the controller reported read-only
// is refused.
const reportedReadOnlyReason = "the controller reports it read-only; it is never written"

// Guard refuses, before anything is sent, every key whose class may not be
// written over ch, and every key ro holds (the keys the controller
// reported read-only; nil: none). Every Controller's Set calls it first:
// the transport is the last line of the write rule, whatever plan and
// apply checked before.
func Guard(ch model.Channel, values map[string]string, ro *ReadOnlyKeys) error {
	e := WriteRefusedError{Channel: ch}
	for _, k := range sortedKeys(values) {
		cl, reported := model.Classify(k), false
		switch {
		case !cl.WritableOn(ch):
		case ro.Has(k):
			cl, reported = model.ReadOnly, true
		default:
			continue
		}
		e.Keys = append(e.Keys, k)
		e.Classes = append(e.Classes, cl)
		e.Reported = append(e.Reported, reported)
	}
	if len(e.Keys) > 0 {
		return &e
	}
	return nil
}

// ReadOnlyKeys are the keys a controller reported read-only
// (controller-protocol.md §4: "access":"RO" in a keys reply,
// "readonly":true in a get reply or GetConfiguration), as it last
// reported each: never written (§6), whatever the dictionary says of them.
// A Controller notes every reply it receives, so that its Set refuses them
// (Guard) on every path that leads to a write. The zero value holds none;
// its methods are safe for concurrent use, and a nil one holds none.
type ReadOnlyKeys struct {
	mu   sync.Mutex
	keys map[string]bool
}

// NoteReadings records the access of every key of a get reply.
func (r *ReadOnlyKeys) NoteReadings(rs []Reading) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rd := range rs {
		r.noteLocked(rd.Key, rd.ReadOnly)
	}
}

// NoteAccess records the access of every key of a keys reply.
func (r *ReadOnlyKeys) NoteAccess(ks []KeyAccess) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range ks {
		r.noteLocked(k.Key, k.Access == string(model.RO))
	}
}

// noteLocked records one key's access; r.mu is held. The last report
// wins: a firmware upgrade may make a key writable again.
func (r *ReadOnlyKeys) noteLocked(key string, ro bool) {
	switch {
	case ro && r.keys == nil:
		r.keys = map[string]bool{key: true}
	case ro:
		r.keys[key] = true
	default:
		delete(r.keys, key)
	}
}

// Has reports whether the controller last reported key read-only.
func (r *ReadOnlyKeys) Has(key string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[key]
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type setArgs struct {
	Values map[string]string `json:"values"`
}

// setBatches splits values into batches of at most maxKeys keys whose
// frames fit maxLine.
func (c *Client) setBatches(values map[string]string, mk int) ([]map[string]string, error) {
	maxLine := int(c.maxLine.Load())
	keys := sortedKeys(values)
	var out []map[string]string
	var split func(keys []string) error
	split = func(keys []string) error {
		b := make(map[string]string, len(keys))
		for _, k := range keys {
			b[k] = values[k]
		}
		f, err := frameFor(2147483647, "set", setArgs{b})
		if err != nil {
			return err
		}
		if len(f)-1 <= maxLine {
			out = append(out, b)
			return nil
		}
		if len(keys) == 1 {
			return fmt.Errorf("set: the value of %s is too long for one request (maxLine %d)", keys[0], maxLine)
		}
		if err := split(keys[:len(keys)/2]); err != nil {
			return err
		}
		return split(keys[len(keys)/2:])
	}
	for i := 0; i < len(keys); i += mk {
		if err := split(keys[i:min(i+mk, len(keys))]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Channel is model.ChannelSerial: the service cable, serial or tcp://.
func (c *Client) Channel() model.Channel { return model.ChannelSerial }

// Set writes values in batches of maxKeys, pipelined within the window,
// and returns every key's status. It refuses, before sending anything, a
// key outside the editable and write-only classes, or one the controller
// reported read-only to this client (*WriteRefusedError). Every set that
// stored a value is tracked until WaitSaved.
func (c *Client) Set(ctx context.Context, values map[string]string) (map[string]Status, error) {
	if err := Guard(c.Channel(), values, &c.readOnly); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return map[string]Status{}, nil
	}
	mk, err := c.limits(ctx)
	if err != nil {
		return nil, err
	}
	batches, err := c.setBatches(values, mk)
	if err != nil {
		return nil, err
	}
	// replyLog[i] is the log as batch i's reply came, taken in the reader
	// before any later line: the boot of the controller that answered it.
	// The log after the last reply would put every batch in the last boot.
	replyLog := make([]*logState, len(batches))
	reqs := make([]request, len(batches))
	for i, b := range batches {
		reqs[i] = request{op: "set", args: setArgs{b}, timeout: c.opts.SetTimeout,
			setup: func(p *call) {
				p.onReply = func([]byte) { st := c.logNow(); replyLog[i] = &st }
			}}
	}
	_, st := c.watch.wait()
	c.saves.begin(st)
	// lost: a batch stored a value and a later one was answered after a
	// restart, which lost it before its SV CFG() (controller-protocol.md
	// §4); WaitSaved waits for the sets of the current boot only.
	var lost bool
	var storedBoot *uint64

	statuses := make(map[string]Status, len(values))
	var firstErr error
	for i, r := range c.run(ctx, reqs) {
		if r.err != nil {
			var re *RemoteError
			if !errors.As(r.err, &re) {
				// No reply: the values may or may not be stored.
				c.saves.unknown(c.logNow())
			}
			if firstErr == nil {
				firstErr = r.err
			}
			continue
		}
		at := c.logNow() // a reply the reader did not hand over (none seen)
		if replyLog[i] != nil {
			at = *replyLog[i]
		}
		if storedBoot != nil && *storedBoot != at.boots {
			lost = true
		}
		var res struct {
			Status map[string]Status `json:"status"`
		}
		if err := json.Unmarshal(r.obj, &res); err != nil {
			c.saves.unknown(at)
			if firstErr == nil {
				firstErr = badReply("set", r.obj, err)
			}
			continue
		}
		stored := false
		var missing []string
		for k := range batches[i] {
			s, ok := res.Status[k]
			if !ok {
				missing = append(missing, k)
				continue
			}
			statuses[k] = s
			stored = stored || s.Stored()
		}
		if stored {
			c.saves.stored(time.Now(), at)
			if storedBoot == nil || *storedBoot != at.boots {
				b := at.boots
				storedBoot = &b
			}
		}
		if len(missing) > 0 {
			c.saves.unknown(at)
		}
		if len(missing) > 0 && firstErr == nil {
			sort.Strings(missing)
			firstErr = fmt.Errorf("set: the controller on %s reported no status for %s", c.opts.Name, strings.Join(missing, ", "))
		}
	}
	if firstErr == nil && lost {
		firstErr = fmt.Errorf("set: %s: %w (the keys of the sets answered before the restart)", c.opts.Name, ErrRestartedBeforeSave)
	}
	if firstErr != nil {
		return statuses, firstErr
	}
	return statuses, nil
}

// Sync asks how many sets are not yet written to flash.
func (c *Client) Sync(ctx context.Context) (int, error) {
	var res struct {
		Pending int `json:"pending"`
	}
	if err := c.do(ctx, request{op: "sync"}, &res); err != nil {
		return 0, err
	}
	return res.Pending, nil
}

// pollSync polls sync until nothing is pending.
func (c *Client) pollSync(ctx context.Context) error {
	deadline := time.Now().Add(c.opts.SyncTimeout)
	for {
		n, err := c.Sync(ctx)
		if err != nil {
			return fmt.Errorf("waiting for the controller on %s to save: %w", c.opts.Name, err)
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the controller on %s still has %d set(s) not written to flash after %s", c.opts.Name, n, c.opts.SyncTimeout)
		}
		if err := sleep(ctx, c.opts.SyncInterval); err != nil {
			return err
		}
	}
}

// WaitSaved blocks until every set that stored a value (and returned
// before WaitSaved was called) has been written to flash: one SV CFG()
// line per such set, counted from the first of them; if they do not all
// come within SaveTimeout of the last reply (noise can destroy a line, and
// a set without reply may or may not have stored), it polls sync until
// nothing is pending.
func (c *Client) WaitSaved(ctx context.Context) error {
	c.saves.waitMu.Lock()
	defer c.saves.waitMu.Unlock()
	need, base, uncertain, last := c.saves.outstanding()
	if need == 0 && !uncertain {
		return nil
	}
	if !uncertain {
		deadline := last.Add(c.opts.SaveTimeout)
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		done := c.LinkDone()
	wait:
		for {
			wake, st := c.watch.wait()
			if st.saves-base >= uint64(need) {
				c.saves.saved(need, base)
				return nil
			}
			if c.saves.restarted(st) {
				return c.lostToRestart(ctx, st)
			}
			select {
			case <-wake:
			case <-timer.C:
				break wait
			case <-done:
				err := c.dead()
				return err
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if err := c.pollSync(ctx); err != nil {
		return err
	}
	_, st := c.watch.wait()
	// After a restart sync reports nothing pending: the values were lost,
	// not saved.
	if c.saves.restarted(st) {
		return c.lostToRestart(ctx, st)
	}
	c.saves.synced(need, st.saves)
	return nil
}

// logNow is what the log has shown so far.
func (c *Client) logNow() logState {
	_, st := c.watch.wait()
	return st
}

// lostToRestart is WaitSaved's answer when the controller restarted
// before its save: it waits until the controller is back (READY, hello)
// so that what the caller sends next (the previous values, to be sure)
// reaches a controller that listens, and says the values were lost.
func (c *Client) lostToRestart(ctx context.Context, since logState) error {
	if _, err := c.afterBoot(ctx, "restart", since, time.Now().Add(c.opts.RebootTimeout), nil); err != nil {
		return fmt.Errorf("%s: %w; %v", c.opts.Name, ErrRestartedBeforeSave, err)
	}
	return fmt.Errorf("%s: %w", c.opts.Name, ErrRestartedBeforeSave)
}

// bootSeen reports whether the log shows a reboot since st.
func bootSeen(now, since logState) bool { return now.boots != since.boots }

// Reboot resets the controller and returns its identity after the reboot.
// It first waits until every stored set is in flash (WaitSaved, then one
// sync). The reset is resent with its id only while no boot banner has
// appeared (its reply may be lost to noise); then it waits for the banner's
// READY and says hello; the identity's firmware must equal the banner's.
func (c *Client) Reboot(ctx context.Context) (Identity, error) {
	if err := c.WaitSaved(ctx); err != nil {
		return Identity{}, fmt.Errorf("before reset: %w", err)
	}
	if c.saves.needsSync() {
		if err := c.pollSync(ctx); err != nil {
			return Identity{}, fmt.Errorf("before reset: %w", err)
		}
		c.saves.markSynced()
	}
	deadline := time.Now().Add(c.opts.RebootTimeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	_, since := c.watch.wait()
	if err := c.resetOnce(ctx, since); err != nil {
		return Identity{}, err
	}
	return c.afterBoot(ctx, "reset", since, deadline, nil)
}

// resetOnce sends reset and waits for its reply or a boot banner.
func (c *Client) resetOnce(ctx context.Context, since logState) error {
	p, err := c.start(ctx, request{op: "reset"})
	if err != nil {
		return err
	}
	obj, sent, err := c.waitOrSign(ctx, p, c.opts.Tries, func(st logState) bool { return bootSeen(st, since) })
	switch {
	case errors.Is(err, errSettled):
		return nil
	case errors.Is(err, ErrNoReply):
		return fmt.Errorf("reset: %w and no reboot from the controller on %s after %d tries", ErrNoReply, c.opts.Name, sent)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return fmt.Errorf("reset: %w", err)
	case err != nil:
		return err
	}
	return remoteErr("reset", obj)
}

// afterBoot waits for the READY of a boot that started after since, says
// hello and checks the firmware version against the banner's. If READY is
// lost to noise, hello polling finds the controller anyway.
func (c *Client) afterBoot(ctx context.Context, what string, since logState, deadline time.Time, ready func() bool) (Identity, error) {
	// Hello is polled at every READY and, as a fallback for a lost READY,
	// every HelloInterval from a little after the reset.
	id, err := c.pollHello(ctx, deadline, 2*c.opts.HelloInterval, nil, ready)
	if err != nil {
		if errors.Is(err, ErrNoReply) || errors.Is(err, context.DeadlineExceeded) {
			_, st := c.watch.wait()
			seen := "no boot banner"
			if bootSeen(st, since) {
				seen = "a boot banner but no answer to hello"
			}
			return Identity{}, fmt.Errorf("%s: the controller on %s did not come back (%s) within the timeout", what, c.opts.Name, seen)
		}
		return Identity{}, fmt.Errorf("%s: %w", what, err)
	}
	_, st := c.watch.wait()
	if st.readies != since.readies && st.readyFW != "" && st.readyFW != id.Firmware {
		// Log lines carry no CRC: one damaged byte turns "Firmware V32R17"
		// into "Firmware V32R7". Hello is CRC-checked and comes from the
		// same boot, so it is the version; the difference is only counted.
		c.stats.bannerMismatches.Add(1)
	}
	return id, nil
}
