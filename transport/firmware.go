package transport

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// FirmwareBegin starts (or resumes) a transfer (controller-protocol.md §5,
// fw.begin) and returns the chunk size and the offset to send from.
func (c *Client) FirmwareBegin(ctx context.Context, version string, size int, sha256 string) (chunk, offset int, err error) {
	args := struct {
		Version string `json:"version"`
		Size    int    `json:"size"`
		SHA256  string `json:"sha256"`
	}{version, size, sha256}
	var res struct {
		Chunk  int `json:"chunk"`
		Offset int `json:"offset"`
	}
	if err := c.do(ctx, request{op: "fw.begin", args: args}, &res); err != nil {
		return 0, 0, err
	}
	c.mu.Lock()
	c.fwVersion = version
	c.mu.Unlock()
	return res.Chunk, res.Offset, nil
}

type fwDataArgs struct {
	Offset int    `json:"offset"`
	Data   string `json:"data"`
}

// FirmwareSend sends image[offset:] in fw.data requests of at most chunk
// bytes, pipelined within the window. A request or reply lost to noise is
// resent with its id (its reply, remembered or new, tells the controller's
// expected offset); fw_offset refusals of the requests behind a lost one
// make the transfer go back to the controller's expected offset
// (go-back-N), with fresh ids. progress, if not nil, is called with the
// number of bytes the controller has confirmed.
func (c *Client) FirmwareSend(ctx context.Context, image []byte, offset, chunk int, progress func(done int)) error {
	return c.sendImage(ctx, image, offset, chunk, nil, progress)
}

// sendImage is FirmwareSend; once stop (may be nil) reports true it sends
// no more requests, waits for the ones in flight and returns
// ErrTransferStopped, unless the controller then holds the whole image.
func (c *Client) sendImage(ctx context.Context, image []byte, offset, chunk int, stop func() bool, progress func(done int)) error {
	if stop == nil {
		stop = func() bool { return false }
	}
	if chunk <= 0 {
		return fmt.Errorf("fw.data: chunk size %d", chunk)
	}
	if offset < 0 || offset > len(image) {
		return fmt.Errorf("fw.data: offset %d outside the %d-byte image", offset, len(image))
	}
	// Keep every frame within maxLine: ~70 bytes of frame around the data.
	if fit := (int(c.maxLine.Load()) - 80) / 4 * 3; fit > 0 && chunk > fit {
		chunk = fit
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type flight struct {
		end int
		res chan batchResult
	}
	var (
		q        []*flight
		expected = offset // the controller's expected offset: it never goes down
		next     = offset
		rewind   bool
		firstErr error
		// Shared with the reader (onReply) and the waiters (resolved):
		// the highest expected offset any reply revealed, and whether a
		// fw_offset refusal came since the last restart.
		ctrlExp   atomic.Int64
		rewinding atomic.Bool
	)
	ctrlExp.Store(int64(offset))
	onReply := func(obj []byte) {
		var h struct {
			OK       bool      `json:"ok"`
			Error    ErrorCode `json:"error"`
			Expected int64     `json:"expected"`
			Next     int64     `json:"next"`
		}
		if json.Unmarshal(obj, &h) != nil {
			return
		}
		n := h.Next
		if !h.OK {
			if h.Error != CodeFWOffset {
				return
			}
			n = h.Expected
			rewinding.Store(true)
		}
		for {
			cur := ctrlExp.Load()
			if n <= cur || n > int64(len(image)) || ctrlExp.CompareAndSwap(cur, n) {
				return
			}
		}
	}
	confirm := func(n int) {
		if n > expected && n <= len(image) {
			expected = n
			if progress != nil {
				progress(expected)
			}
		}
	}
	for {
		if len(q) == 0 {
			confirm(int(ctrlExp.Load()))
			if firstErr != nil {
				return firstErr
			}
			if expected >= len(image) {
				return nil
			}
			if stop() {
				return ErrTransferStopped
			}
			next, rewind = expected, false
			rewinding.Store(false)
		}
		// Once a fw_offset refusal has shown the transfer must go back,
		// chunks after it would only be refused too: they waste the line,
		// and one damaged by noise can take the resend the transfer waits
		// for down with it (a lost terminator merges the two lines).
		for firstErr == nil && !rewind && !rewinding.Load() && next < len(image) && len(q) < c.mux.currentWindow() && !stop() {
			off, end := next, min(next+chunk, len(image))
			r := request{
				op:   "fw.data",
				args: fwDataArgs{off, base64.StdEncoding.EncodeToString(image[off:end])},
				setup: func(p *call) {
					p.onReply = onReply
					// A chunk whose request or reply was lost needs no
					// resend when a later reply shows the controller has
					// it, or when the transfer goes back anyway.
					p.resolved = func() bool {
						e := int(ctrlExp.Load())
						return e >= end || rewinding.Load() && off != e
					}
				},
			}
			p, err := c.start(ctx, r)
			if err != nil {
				firstErr = err
				break
			}
			f := &flight{end: end, res: make(chan batchResult, 1)}
			go func() {
				obj, err := c.complete(ctx, r, p)
				f.res <- batchResult{obj, err}
			}()
			q = append(q, f)
			next = end
		}
		if len(q) == 0 {
			continue
		}
		f := q[0]
		r := <-f.res
		q = q[1:]
		if r.err != nil {
			var re *RemoteError
			switch {
			case errors.Is(r.err, errResolved):
				confirm(int(ctrlExp.Load()))
				if expected < f.end {
					rewind = true
				}
			case errors.As(r.err, &re) && re.Code == CodeFWOffset:
				if re.Expected < 0 || re.Expected > len(image) {
					if firstErr == nil {
						firstErr = fmt.Errorf("fw.data: the controller on %s expects offset %d of a %d-byte image", c.opts.Name, re.Expected, len(image))
						cancel()
					}
					continue
				}
				confirm(re.Expected)
				rewind = true
			default:
				if firstErr == nil {
					firstErr = r.err
					cancel()
				}
			}
			continue
		}
		var res struct {
			Next int `json:"next"`
		}
		if err := json.Unmarshal(r.obj, &res); err != nil {
			if firstErr == nil {
				firstErr = badReply("fw.data", r.obj, err)
				cancel()
			}
			continue
		}
		confirm(res.Next)
	}
}

// FirmwareCommit sends fw.commit and follows what comes next: the erase /
// copy flash log and the reboot banner (each step passed to progress, which
// may be nil, as a FlashProgress, one call at a time), and hello. The
// outcome is judged by the log, the banner and hello, not by the reply
// alone: the request is resent (same id) only while neither a reply nor
// any sign of the commit has come, and never once erase / copy flash or a
// banner was seen. If the link is lost meanwhile (the cable pulled while
// the controller flashes) and the client can reopen its port, it reports
// PhaseReconnect, reopens and polls hello (which cannot disturb a flashing
// controller: one that has not booted ignores it) until the deadline. It
// returns the identity of the controller after the reboot; the caller
// checks its firmware version.
func (c *Client) FirmwareCommit(ctx context.Context, progress func(FlashProgress)) (Identity, error) {
	deadline := time.Now().Add(c.opts.CommitTimeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()

	var progMu sync.Mutex
	report := func(p FlashProgress) {
		if progress != nil {
			progMu.Lock()
			defer progMu.Unlock()
			progress(p)
		}
	}
	sub := c.Subscribe(SubscribeOptions{Buffer: 8192})
	fwd := make(chan struct{})
	go func() {
		defer close(fwd)
		for l := range sub.C {
			if p, ok := ParseFlashLine(l.Text); ok {
				report(p)
			}
		}
	}()
	defer func() {
		sub.Close()
		<-fwd
	}()

	id, err := c.commitOnce(ctx, deadline)
	if err != nil && errors.Is(err, ErrClosed) && c.canReopen() && !c.isClosed() {
		report(FlashProgress{Phase: PhaseReconnect, Percent: -1})
		c.opts.Logger.Warn("link lost during the firmware commit; reopening to look for the controller", "port", c.opts.Name, "err", err)
		id, err = c.lookAgain(ctx, deadline, err)
	}
	return id, err
}

// commitOnce sends fw.commit and waits for the reboot and hello.
func (c *Client) commitOnce(ctx context.Context, deadline time.Time) (Identity, error) {
	_, since := c.watch.wait()
	p, err := c.start(ctx, request{op: "fw.commit"})
	if err != nil {
		return Identity{}, err
	}
	refusal, err := c.commitWait(ctx, p, since)
	if err != nil {
		return Identity{}, err
	}
	// Hello only once the controller shows signs of booting, or the log has
	// been quiet for CommitQuiet: during erase / copy flash it must not be
	// disturbed.
	waitStart := time.Now()
	ready := func() bool {
		_, st := c.watch.wait()
		last := st.last
		if last.Before(waitStart) {
			last = waitStart
		}
		return bootSeen(st, since) || time.Since(last) > c.opts.CommitQuiet || refusal != nil
	}
	id, err := c.afterBoot(ctx, "fw.commit", since, deadline, ready)
	if err != nil {
		return Identity{}, err
	}
	if refusal != nil {
		c.mu.Lock()
		want := c.fwVersion
		c.mu.Unlock()
		if want == "" || id.Firmware != want {
			return id, refusal
		}
	}
	return id, nil
}

// lookAgain reopens the port after the link was lost during a commit
// (retrying every ReconnectDelay while the port is missing) and polls
// hello until deadline.
func (c *Client) lookAgain(ctx context.Context, deadline time.Time, cause error) (Identity, error) {
	// When the deadline ends the retries, the port's own last error (the
	// adapter is gone) says more than "context deadline exceeded".
	var portErr error
	why := func(err error) error {
		if errors.Is(err, context.DeadlineExceeded) && portErr != nil {
			return portErr
		}
		return err
	}
	for {
		err := c.Reopen(ctx)
		if err == nil {
			break
		}
		err = why(err)
		portErr = err
		if ctx.Err() != nil || time.Until(deadline) <= c.opts.ReconnectDelay {
			return Identity{}, fmt.Errorf("%v; then reopening: %w", cause, err)
		}
		if err := sleep(ctx, c.opts.ReconnectDelay); err != nil {
			return Identity{}, fmt.Errorf("%v; then reopening: %w", cause, why(err))
		}
	}
	id, err := c.Connect(ctx, time.Until(deadline), nil)
	if err != nil {
		return Identity{}, fmt.Errorf("%v; then: %w", cause, err)
	}
	return id, nil
}

// commitWait waits for the commit's reply or for the log to show it was
// carried out (erase / copy flash, or a boot banner). It returns a non-nil
// refusal when a resend was refused with fw_incomplete: the answer of a
// rebooted controller, or a real refusal; hello tells which.
func (c *Client) commitWait(ctx context.Context, p *call, since logState) (refusal *RemoteError, err error) {
	obj, sent, err := c.waitOrSign(ctx, p, c.opts.Tries, func(st logState) bool {
		return st.flashes != since.flashes || bootSeen(st, since)
	})
	switch {
	case errors.Is(err, errSettled), errors.Is(err, ErrNoReply):
		// Carried out, or nothing at all: let hello tell whether it
		// happened.
		return nil, nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, fmt.Errorf("fw.commit: %w", err)
	case err != nil:
		return nil, err
	}
	err = remoteErr("fw.commit", obj)
	var re *RemoteError
	if errors.As(err, &re) && re.Code == CodeFWIncomplete && sent > 1 {
		return re, nil
	}
	return nil, err
}

// FirmwareAbort drops a transfer in progress.
func (c *Client) FirmwareAbort(ctx context.Context) error {
	return c.do(ctx, request{op: "fw.abort"}, nil)
}
