package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// Errors of ecc's calls to a station.
var (
	errTimeout      = errors.New("station did not answer")
	errNotConnected = errors.New("station not connected")
	errDisconnected = errors.New("station disconnected during the call")
	errNotSent      = errors.New("station disconnected before the call was sent")
)

// callError is a station's CALLERROR to one of ecc's calls, or a result
// that breaks the action's schema or cannot be read at all.
type callError struct {
	Action      string
	Code        ocpp.ErrorCode
	Description string
	// Refused: the station's own CALLERROR, a definite answer that it did
	// not carry out the call (OCPP-J); an answer ecc could not read says
	// nothing of what the station did.
	Refused bool
}

func (e *callError) Error() string {
	return fmt.Sprintf("station answered %s with %s: %s", e.Action, e.Code, e.Description)
}

// upstreamError is the backend refusing or failing the relay's handshake.
type upstreamError struct {
	status int
	err    error
}

func (e *upstreamError) Error() string {
	if e.status != 0 {
		return fmt.Sprintf("backend answered the handshake with HTTP %d", e.status)
	}
	return "backend: " + e.err.Error()
}

// upstreamMaxMessage bounds a backend frame; the backend is trusted more
// than a station (it may send long local lists), not unboundedly.
const upstreamMaxMessage = 4 << 20

// dialUpstream opens UPSTREAM + rawID (the CHARGEBOXID as the station's
// URL spells it, escapes kept) with the subprotocol and the station's own
// Authorization header, which is passed on and never kept.
func (g *Gateway) dialUpstream(ctx context.Context, rawID, authorization string) (*websocket.Conn, error) {
	h := http.Header{}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.CallTimeout)
	defer cancel()
	c, resp, err := g.opts.DialUpstream(ctx, g.opts.Upstream+rawID, &websocket.DialOptions{Subprotocols: []string{ocpp.Subprotocol}, HTTPHeader: h})
	if err != nil {
		ue := &upstreamError{err: err}
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			ue.status = resp.StatusCode
		}
		return nil, ue
	}
	if c.Subprotocol() != ocpp.Subprotocol {
		c.Close(websocket.StatusPolicyViolation, "subprotocol ocpp1.6 required")
		return nil, &upstreamError{err: errors.New("backend did not accept subprotocol ocpp1.6")}
	}
	c.SetReadLimit(upstreamMaxMessage)
	return c, nil
}

// session is one WebSocket connection of a station, with its upstream
// connection when relaying.
//
// OCPP-J allows one CALL in flight per direction. The backend's calls and
// ecc's share the central-system-to-station direction, so ecc waits until
// the backend's call in flight is answered, and a backend call arriving
// while ecc's is in flight is held (not dropped, not reordered) until
// ecc's is answered.
type session struct {
	g    *Gateway
	st   *station
	ws   *websocket.Conn
	up   *websocket.Conn
	host string // scheme://host the station connected to

	ctx    context.Context
	cancel context.CancelFunc
	slot   chan struct{} // one ecc call at a time

	wmu sync.Mutex // orders the frames written to the station (toStation)

	mu      sync.Mutex
	pending map[string]chan answer // ecc's calls in flight, by id
	backend map[string]bool        // backend calls relayed, not answered yet
	ours    bool                   // an ecc call is in flight
	held    [][]byte               // backend calls held behind it
	drained chan struct{}          // closed when backend empties
	// boot is the station's BootNotification being answered (relayed to
	// the backend, until its answer is relayed back): one CALL in flight
	// per direction, so one at a time.
	boot   ocpp.BootNotificationReq
	bootID string
}

// startBoot notes the station's BootNotification f, being answered.
func (s *session) startBoot(b ocpp.BootNotificationReq, id string) {
	s.mu.Lock()
	s.boot, s.bootID = b, id
	s.mu.Unlock()
	s.st.booting(s)
}

// endBoot forgets the BootNotification id once answered, and returns it
// (false if id is not the one in flight).
func (s *session) endBoot(id string) (ocpp.BootNotificationReq, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bootID == "" || s.bootID != id {
		return ocpp.BootNotificationReq{}, false
	}
	s.bootID = ""
	return s.boot, true
}

func newSession(g *Gateway, st *station, ws, up *websocket.Conn, host string) *session {
	ctx, cancel := context.WithCancel(context.Background())
	return &session{
		g: g, st: st, ws: ws, up: up, host: host, ctx: ctx, cancel: cancel,
		slot:    make(chan struct{}, 1),
		pending: map[string]chan answer{},
		backend: map[string]bool{},
		drained: make(chan struct{}),
	}
}

// close ends the session with a close frame of code and reason. The
// context is cancelled after the closing handshake: cancelled first, it
// made the read loop's Reader drop the connection at once, and the
// station sometimes saw the connection end without the close frame.
func (s *session) close(code websocket.StatusCode, reason string) {
	s.ws.Close(code, reason)
	s.cancel()
	if s.up != nil {
		s.up.Close(websocket.StatusGoingAway, "station disconnected")
	}
}

// run reads the station (and the backend) until either side goes away.
func (s *session) run() {
	defer s.close(websocket.StatusNormalClosure, "")
	if s.up != nil {
		go func() {
			defer s.cancel()
			s.readUpstream()
		}()
	}
	for {
		typ, r, err := s.ws.Reader(s.ctx)
		if err != nil {
			return
		}
		b, err := io.ReadAll(io.LimitReader(r, s.g.opts.MaxMessage+1))
		if err != nil {
			return
		}
		if int64(len(b)) > s.g.opts.MaxMessage {
			if _, err := io.Copy(io.Discard, r); err != nil {
				return
			}
			s.oversized(b)
			continue
		}
		s.trace(fromStation, b)
		s.fromStation(typ, b)
	}
}

// oversized answers a frame larger than MaxMessage: a CALL gets a
// CALLERROR naming the limit (the uniqueId read from its start); the
// connection is kept, as OCPP-J keeps it for any malformed message.
func (s *session) oversized(prefix []byte) {
	s.g.opts.Log.Warn("station sent an oversized frame", "station", s.st.id, "limit", s.g.opts.MaxMessage)
	id := ocpp.PeekID(prefix)
	if id == "" || s.deliverMalformed(id, "oversized answer") || ocpp.LooksLikeAnswer(prefix) {
		return
	}
	s.reply(ocpp.EncodeError(id, ocpp.FormationViolation, fmt.Sprintf("message longer than %d bytes", s.g.opts.MaxMessage)))
}

// deliverMalformed fails ecc's call id, if it is one, with a malformed
// answer.
func (s *session) deliverMalformed(id, why string) bool {
	s.mu.Lock()
	ch, ok := s.pending[id]
	if ok {
		delete(s.pending, id)
	}
	s.mu.Unlock()
	if ok {
		ch <- answer{malformed: why}
	}
	return ok
}

// answer is what came back for one of ecc's calls: the station's result
// or CALLERROR, or why its answer could not be read.
type answer struct {
	f         ocpp.Frame
	malformed string
}

func (s *session) fromStation(typ websocket.MessageType, b []byte) {
	f, err := ocpp.Parse(b)
	if err != nil {
		var fe *ocpp.FrameError
		errors.As(err, &fe)
		if s.deliverMalformed(fe.ID, "malformed answer: "+fe.Msg) || ocpp.IsOwnID(fe.ID) && ocpp.LooksLikeAnswer(b) {
			return // ecc's, even late: never the backend's
		}
		if s.up != nil {
			s.relay(s.up, typ, b) // the backend judges the station's frames itself
			return
		}
		s.g.opts.Log.Warn("station sent a malformed frame", "station", s.st.id, "code", fe.Code, "why", fe.Msg)
		if !ocpp.LooksLikeAnswer(b) { // OCPP-J never answers an answer
			s.reply(ocpp.EncodeError(fe.ID, fe.Code, fe.Msg))
		}
		return
	}
	switch f.Type {
	case ocpp.Call:
		s.st.observe(f)
		if boot, ok := bootOf(f); ok {
			s.startBoot(boot, f.ID)
		}
		if s.up != nil {
			s.relay(s.up, typ, b)
			return
		}
		// A boot counts as its Accepted goes to the station: ecc's calls
		// it lets go follow that answer on the wire, never overtake it.
		ans := s.answer(f)
		var before func()
		if boot, isBoot := s.endBoot(f.ID); isBoot {
			before = func() { s.st.booted(s, boot, ocpp.RegistrationAccepted) }
		}
		s.toStation(websocket.MessageText, ans, before)
	default:
		s.mu.Lock()
		ch, ours := s.pending[f.ID]
		backend := s.backend[f.ID]
		if ours {
			delete(s.pending, f.ID)
		} else if backend {
			delete(s.backend, f.ID)
			if len(s.backend) == 0 {
				close(s.drained)
				s.drained = make(chan struct{})
			}
		}
		s.mu.Unlock()
		switch {
		case ours:
			ch <- answer{f: f} // ecc's result never goes upstream
		case !backend && ocpp.IsOwnID(f.ID):
			// A late answer to one of ecc's calls that gave up (timed out,
			// or the run was interrupted): still ecc's, never the backend's.
			s.g.opts.Log.Warn("late answer to an abandoned call", "station", s.st.id, "id", f.ID)
		case s.up != nil:
			s.relay(s.up, typ, b)
		default:
			s.g.opts.Log.Warn("station answered an unknown call", "station", s.st.id)
		}
	}
}

// readUpstream relays the backend's frames to the station unchanged,
// holding its calls while one of ecc's is in flight.
func (s *session) readUpstream() {
	for {
		typ, b, err := s.up.Read(s.ctx)
		if err != nil {
			if s.ctx.Err() == nil {
				s.g.opts.Log.Warn("backend connection lost", "station", s.st.id, "code", websocket.CloseStatus(err))
			}
			// The backend's close frame reaches the station as the backend
			// sent it (e.g. a 1008 for a station it deregistered), as if
			// the station were connected directly.
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				s.close(ce.Code, ce.Reason)
			}
			return
		}
		s.trace(fromBackend, b)
		f, err := ocpp.Parse(b)
		if err == nil && f.Type == ocpp.Call {
			s.mu.Lock()
			if s.ours {
				s.held = append(s.held, b)
				s.mu.Unlock()
				continue
			}
			s.backend[f.ID] = true
			s.mu.Unlock()
		}
		var before func()
		if err == nil && f.Type != ocpp.Call {
			before = s.bootAnswered(f)
		}
		s.toStation(typ, b, before)
	}
}

// bootAnswered returns, for the backend's answer to the station's
// BootNotification, what counts the boot as it is relayed to the station
// (station.booted: back when the backend Accepted it, not before); nil
// for any other frame.
func (s *session) bootAnswered(f ocpp.Frame) func() {
	boot, ok := s.endBoot(f.ID)
	if !ok {
		return nil
	}
	// Only the status is read, leniently: the backend's answer is relayed
	// as it is, and a detail the schema check would refuse ("interval":
	// 60.0, a currentTime without a zone) left a registered station "not
	// registered" at every boot.
	var conf struct {
		Status string `json:"status"`
	}
	switch {
	case f.Type == ocpp.CallError:
		conf.Status = "CALLERROR " + string(f.Code)
	case json.Unmarshal(f.Payload, &conf) != nil || conf.Status == "":
		conf.Status = "an answer without a status"
	}
	return func() { s.st.booted(s, boot, conf.Status) }
}

// relay writes a frame to one side and reports whether it was written;
// a write that fails ends the session.
func (s *session) relay(to *websocket.Conn, typ websocket.MessageType, b []byte) bool {
	if to == s.ws {
		return s.toStation(typ, b, nil)
	}
	s.trace(toBackend, b)
	return s.write(to, typ, b)
}

// toStation writes a frame to the station, after before (when not nil):
// whatever before lets happen (ecc's calls after a boot it counts) is
// written after this frame, never before it.
func (s *session) toStation(typ websocket.MessageType, b []byte, before func()) bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if before != nil {
		before()
	}
	s.trace(toStation, b)
	return s.write(s.ws, typ, b)
}

func (s *session) write(to *websocket.Conn, typ websocket.MessageType, b []byte) bool {
	ctx, cancel := context.WithTimeout(s.ctx, s.g.opts.CallTimeout)
	defer cancel()
	if err := to.Write(ctx, typ, b); err != nil {
		s.cancel()
		return false
	}
	return true
}

func (s *session) reply(b []byte) bool { return s.relay(s.ws, websocket.MessageText, b) }

// Directions of a traced frame.
const (
	fromStation = "station>gw"
	toStation   = "gw>station"
	fromBackend = "backend>gw"
	toBackend   = "gw>backend"
)

// trace logs one frame at transport.LevelTrace (--log-level trace), its
// secrets redacted as the serial client's frames are: what a station
// and the backend said, for a user debugging the gateway. A frame held
// back while one of ecc's calls is in flight is logged when it arrives.
func (s *session) trace(dir string, b []byte) {
	lg := s.g.opts.Log
	if !lg.Enabled(s.ctx, transport.LevelTrace) {
		return
	}
	lg.Log(s.ctx, transport.LevelTrace, "frame", "station", s.st.id, "dir", dir, "json", transport.RedactFrame(b))
}

// call sends one of ecc's calls and decodes the result into resp. It
// waits its turn (module comment), resends the same frame after each
// CallTimeout at most Resends times (never a Reset or an UpdateFirmware:
// resendable), and never relays anything upstream. A connection lost
// before the frame went out is errNotSent; after, errDisconnected (the
// station may have got it).
func (s *session) call(ctx context.Context, action string, req, resp any) error {
	payload, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if err := ocpp.Validate(action, false, payload); err != nil {
		return fmt.Errorf("ecc's own %s breaks the OCPP 1.6 schema (a bug): %w", action, err)
	}
	if d := s.st.settleLeft(s, s.g.opts.BootSettle); d > 0 {
		// Just booted: let the station take its BootNotification.conf in.
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	select {
	case s.slot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.ctx.Done():
		return errNotSent
	}
	defer func() { <-s.slot }()
	if err := s.waitBackend(ctx); err != nil {
		return err
	}
	ch := make(chan answer, 1)
	s.mu.Lock()
	id := ocpp.NewID()
	for s.backend[id] || s.pending[id] != nil {
		id = ocpp.NewID()
	}
	s.pending[id] = ch
	s.mu.Unlock()
	defer s.endCall(id)
	frame, err := ocpp.EncodeCall(id, action, json.RawMessage(payload))
	if err != nil {
		return err
	}
	sends := 1
	if resendable(action) {
		sends += s.g.opts.Resends
	}
	for attempt := range sends {
		s.g.opts.Log.Debug("call", "station", s.st.id, "action", action, "id", id, "attempt", attempt+1)
		if !s.reply(frame) {
			// The write failed: the station got nothing of this send (a
			// Reset not sent is no Reset to wait for); an earlier send may
			// have reached it.
			if attempt == 0 {
				return errNotSent
			}
			return errDisconnected
		}
		timer := time.NewTimer(s.g.opts.CallTimeout)
		select {
		case a := <-ch:
			timer.Stop()
			return decodeResult(action, a, resp)
		case <-timer.C:
			s.g.opts.Log.Warn("no answer", "station", s.st.id, "action", action, "id", id, "timeout", s.g.opts.CallTimeout)
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-s.ctx.Done():
			timer.Stop()
			return errDisconnected
		}
	}
	return fmt.Errorf("%s: no answer within %v (sent %d times): %w", action, s.g.opts.CallTimeout, sends, errTimeout)
}

// resendable reports whether a call the station did not answer may be
// sent again: a GetConfiguration, a ChangeConfiguration of the same value
// or a TriggerMessage does the same twice; a Reset or an UpdateFirmware
// the station did get would reboot or flash it twice (OCPP-J promises no
// station drops a repeated uniqueId). Their callers wait for the
// station's boot or progress instead.
func resendable(action string) bool {
	return action != ocpp.ActionReset && action != ocpp.ActionUpdateFirmware
}

// waitBackend waits until no backend call is in flight (at most one
// CallTimeout: a backend call the station never answers must not block
// ecc forever), then marks ecc's call in flight.
func (s *session) waitBackend(ctx context.Context) error {
	deadline := time.NewTimer(s.g.opts.CallTimeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.backend) == 0 {
			s.ours = true
			s.mu.Unlock()
			return nil
		}
		ch := s.drained
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			s.mu.Lock()
			s.backend = map[string]bool{} // give up on the unanswered ones
			s.mu.Unlock()
		case <-ctx.Done():
			return ctx.Err()
		case <-s.ctx.Done():
			return errNotSent
		}
	}
}

// endCall forgets ecc's call and releases the backend calls held behind
// it, in the order they came.
func (s *session) endCall(id string) {
	s.mu.Lock()
	delete(s.pending, id)
	s.ours = false
	held := s.held
	s.held = nil
	for _, b := range held {
		if f, err := ocpp.Parse(b); err == nil {
			s.backend[f.ID] = true
		}
	}
	s.mu.Unlock()
	for _, b := range held {
		s.reply(b)
	}
}

func decodeResult(action string, a answer, resp any) error {
	f := a.f
	switch {
	case a.malformed != "":
		return &callError{Action: action, Code: ocpp.FormationViolation, Description: a.malformed}
	case f.Type == ocpp.CallError:
		return &callError{Action: action, Code: f.Code, Description: f.Description, Refused: true}
	}
	if err := ocpp.Validate(action, true, f.Payload); err != nil {
		var v *ocpp.Violation
		errors.As(err, &v)
		return &callError{Action: action, Code: v.Code, Description: "the station's answer breaks the OCPP 1.6 schema: " + v.Msg}
	}
	return json.Unmarshal(f.Payload, resp)
}
