package sim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// OCPPOptions configure the controller's OCPP 1.6J charge point
// (ConnectOCPP). Zero durations mean the defaults below; NoDelay means none.
type OCPPOptions struct {
	// URL is the central system's address for this charge point,
	// ws://HOST:PORT/ocpp/CHARGEBOXID (or wss://).
	URL string
	// Vendor and Model are BootNotification's chargePointVendor and
	// chargePointModel. Defaults: com_OCPPInfo's vendorname, else
	// "Ecotap"; the controller's model (EVC5.1).
	Vendor, Model string
	// ReconnectDelay: a lost connection to the next attempt (default 1 s).
	ReconnectDelay time.Duration
	// CallTimeout: the charge point's own calls wait this long for the
	// result (default 30 s).
	CallTimeout time.Duration
	// DownloadRetries and RetryInterval are UpdateFirmware's retries and
	// retryInterval when the request gives none (defaults 3 and 2 s).
	DownloadRetries int
	RetryInterval   time.Duration

	// Faults on demand (also at run time: Drop, SetReplyDelay, Reject).

	// ReplyDelay delays every reply to the central system's calls.
	ReplyDelay time.Duration
	// RejectKeys: ChangeConfiguration of these keys answers Rejected.
	RejectKeys []string
	// DropAfter, if positive, closes the connection (without a close
	// frame) when that many calls from the central system have arrived,
	// before answering the last one; once.
	DropAfter int

	// RootCAs, if set, are the certificate authorities trusted for wss://
	// and https:// firmware locations (e.g. a gateway's own certificate);
	// nil trusts the system's.
	RootCAs *x509.CertPool

	// Trace, if set, receives every frame received ("> ") and sent ("< ").
	Trace func(dir string, frame []byte)
}

func (o OCPPOptions) withDefaults() OCPPOptions {
	o.ReconnectDelay = dur(o.ReconnectDelay, time.Second)
	o.CallTimeout = dur(o.CallTimeout, 30*time.Second)
	o.RetryInterval = dur(o.RetryInterval, 2*time.Second)
	o.ReplyDelay = max(o.ReplyDelay, 0)
	if o.DownloadRetries <= 0 {
		o.DownloadRetries = 3
	}
	return o
}

// ChargePoint is the simulated controller's OCPP 1.6J side: it connects to
// the central system while the controller runs (after its boot, like the
// real modem) and speaks for the same flash, working memory and firmware
// rules as the service cable. A reset or firmware update drops the
// connection; the next boot connects again with a new BootNotification.
type ChargePoint struct {
	c    *Controller
	opts OCPPOptions

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	nextID atomic.Uint64
	http   *http.Client // the WebSocket handshake and firmware downloads

	mu         sync.Mutex
	conn       *websocket.Conn
	replyDelay time.Duration
	reject     map[string]bool
	received   int // calls from the central system, for DropAfter
	dropped    bool
	pending    map[string]chan ocpp.Frame // our calls awaiting a result
	booted     *session                   // the boot whose BootNotification was accepted
	fwStatus   string                     // the last FirmwareStatusNotification status
	installed  string                     // a version installed, announced after the next boot
	connects   int
}

// CheckOCPPURL refuses a central system URL ConnectOCPP cannot dial (one
// that is not ws:// or wss://), so that a command can refuse it before the
// simulator starts.
func CheckOCPPURL(url string) error {
	if url == "" {
		return errors.New("no central system URL")
	}
	if !strings.HasPrefix(url, "ws://") && !strings.HasPrefix(url, "wss://") {
		return fmt.Errorf("URL %q: want ws://HOST:PORT/ocpp/ID or wss://...", url)
	}
	return nil
}

// ConnectOCPP makes the controller a charge point of the central system at
// opts.URL until Close. It returns at once; the charge point connects while
// the controller is powered and booted, and reconnects after every loss.
func (c *Controller) ConnectOCPP(opts OCPPOptions) (*ChargePoint, error) {
	if err := CheckOCPPURL(opts.URL); err != nil {
		return nil, fmt.Errorf("sim: ocpp: %w", err)
	}
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(c.ctx)
	cp := &ChargePoint{c: c, opts: opts, ctx: ctx, cancel: cancel,
		replyDelay: opts.ReplyDelay, reject: map[string]bool{}, pending: map[string]chan ocpp.Frame{},
		fwStatus: "Idle"}
	for _, k := range opts.RejectKeys {
		cp.reject[k] = true
	}
	cp.nextID.Store(uint64(time.Now().UnixMilli()))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if opts.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: opts.RootCAs, MinVersion: tls.VersionTLS12}
	}
	cp.http = &http.Client{Transport: tr}
	c.mu.Lock()
	c.ocpp = cp
	c.mu.Unlock()
	cp.wg.Go(cp.run)
	return cp, nil
}

// Close disconnects the charge point for good.
func (cp *ChargePoint) Close() error {
	cp.cancel()
	cp.mu.Lock()
	if cp.conn != nil {
		cp.conn.Close(websocket.StatusGoingAway, "charge point stopped")
	}
	cp.mu.Unlock()
	cp.wg.Wait()
	cp.http.CloseIdleConnections()
	return nil
}

// Drop closes the connection at once, without a close handshake, as a
// lost mobile link would; the charge point reconnects after ReconnectDelay.
func (cp *ChargePoint) Drop() {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.conn != nil {
		cp.conn.CloseNow()
	}
}

// SetReplyDelay delays every following reply to the central system.
func (cp *ChargePoint) SetReplyDelay(d time.Duration) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.replyDelay = max(d, 0)
}

// Reject makes ChangeConfiguration of key answer Rejected (on false:
// judged normally again).
func (cp *ChargePoint) Reject(key string, on bool) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.reject[key] = on
}

// OCPPStatus is the charge point's condition, for control interfaces and
// tests.
type OCPPStatus struct {
	Connected bool   `json:"connected"`
	Accepted  bool   `json:"accepted"` // BootNotification accepted in this boot
	Connects  int    `json:"connects"`
	Firmware  string `json:"firmwareStatus"`
}

// Status reports the charge point's condition now.
func (cp *ChargePoint) Status() OCPPStatus {
	cp.c.mu.Lock()
	sess := cp.c.sess
	cp.c.mu.Unlock()
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return OCPPStatus{Connected: cp.conn != nil, Accepted: cp.booted != nil && cp.booted == sess,
		Connects: cp.connects, Firmware: cp.fwStatus}
}

// run keeps the charge point connected while the controller runs.
func (cp *ChargePoint) run() {
	for cp.ctx.Err() == nil {
		s := cp.waitBooted()
		if s == nil {
			return
		}
		err := cp.connect(s)
		if cp.ctx.Err() != nil {
			return
		}
		if err != nil {
			cp.c.logf("ocpp: %v", err)
		}
		// A reboot connects as soon as the controller is up again; a lost
		// link waits before the next attempt.
		if s.ctx.Err() == nil && !sleep(cp.ctx, cp.opts.ReconnectDelay) {
			return
		}
	}
}

// waitBooted waits for a powered controller that finished booting, and
// returns its boot; nil when the charge point is closed.
func (cp *ChargePoint) waitBooted() *session {
	for {
		cp.c.mu.Lock()
		s := cp.c.sess
		ok := cp.c.powered && s != nil && s.ready && !s.closing && !cp.c.flash.Bricked
		cp.c.mu.Unlock()
		if ok {
			return s
		}
		if !sleep(cp.ctx, 20*time.Millisecond) {
			return nil
		}
	}
}

// connect holds one WebSocket connection during boot s: until the link
// fails or the controller reboots (s ends).
func (cp *ChargePoint) connect(s *session) error {
	ctx, cancel := context.WithCancel(cp.ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // a reboot or power loss ends the link
	defer stop()
	hdr := http.Header{}
	if auth := cp.authorization(); auth != "" {
		hdr.Set("Authorization", auth)
	}
	conn, resp, err := websocket.Dial(ctx, cp.opts.URL, &websocket.DialOptions{
		Subprotocols: []string{ocpp.Subprotocol}, HTTPHeader: hdr, HTTPClient: cp.http})
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return fmt.Errorf("connect %s: %w", cp.opts.URL, err)
	}
	if conn.Subprotocol() != ocpp.Subprotocol {
		conn.Close(websocket.StatusPolicyViolation, "ocpp1.6 required")
		return fmt.Errorf("connect %s: the central system did not agree to %s", cp.opts.URL, ocpp.Subprotocol)
	}
	conn.SetReadLimit(1 << 20)
	cp.mu.Lock()
	cp.conn = conn
	cp.connects++
	cp.mu.Unlock()
	defer func() {
		cp.mu.Lock()
		cp.conn = nil
		for id, ch := range cp.pending {
			close(ch)
			delete(cp.pending, id)
		}
		cp.mu.Unlock()
		if s.ctx.Err() != nil {
			conn.Close(websocket.StatusServiceRestart, "rebooting")
		} else {
			conn.CloseNow()
		}
	}()
	cp.c.logf("ocpp: connected to %s", cp.opts.URL)

	calls := make(chan ocpp.Frame, 16)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Go(func() { cp.handleCalls(ctx, s, conn, calls) })
	wg.Go(func() { cp.station(ctx, s, conn) })
	return cp.readLoop(ctx, conn, calls)
}

// authorization is the Basic authentication header of security profile
// 1 and 2 (the id and the authorizationKey's password), when a key is set.
func (cp *ChargePoint) authorization() string {
	cp.c.mu.Lock()
	key := cp.c.flash.Values["authorizationKey"]
	cp.c.mu.Unlock()
	if key == "" {
		return ""
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key))
}

// readLoop reads frames until the connection ends: results go to the call
// waiting for them, calls to the handler.
func (cp *ChargePoint) readLoop(ctx context.Context, conn *websocket.Conn, calls chan<- ocpp.Frame) error {
	for {
		typ, b, err := conn.Read(ctx)
		if err != nil {
			return err
		}
		cp.trace("> ", b)
		if typ != websocket.MessageText {
			continue
		}
		m, err := ocpp.Parse(b)
		if err != nil {
			// A broken call is answered; a broken answer never is.
			var fe *ocpp.FrameError
			if errors.As(err, &fe) && !ocpp.LooksLikeAnswer(b) {
				cp.send(ctx, conn, errorFrame(fe.ID, fe.Code, fe.Msg))
			}
			continue
		}
		switch m.Type {
		case ocpp.Call:
			cp.mu.Lock()
			cp.received++
			drop := cp.opts.DropAfter > 0 && cp.received >= cp.opts.DropAfter && !cp.dropped
			if drop {
				cp.dropped = true
			}
			cp.mu.Unlock()
			if drop {
				cp.c.logf("ocpp: dropping the connection (fault)")
				conn.CloseNow()
				return errors.New("connection dropped on purpose")
			}
			select {
			case calls <- m:
			case <-ctx.Done():
				return ctx.Err()
			}
		default:
			cp.mu.Lock()
			ch := cp.pending[m.ID]
			delete(cp.pending, m.ID)
			cp.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}
}

func (cp *ChargePoint) trace(dir string, b []byte) {
	if cp.opts.Trace != nil {
		cp.opts.Trace(dir, b)
	}
}

func (cp *ChargePoint) send(ctx context.Context, conn *websocket.Conn, b []byte) error {
	cp.trace("< ", b)
	return conn.Write(ctx, websocket.MessageText, b)
}

// call sends one of the charge point's own calls and waits for its result.
func (cp *ChargePoint) call(ctx context.Context, conn *websocket.Conn, action string, req, res any) error {
	id := strconv.FormatUint(cp.nextID.Add(1), 10)
	ch := make(chan ocpp.Frame, 1)
	cp.mu.Lock()
	cp.pending[id] = ch
	cp.mu.Unlock()
	defer func() {
		cp.mu.Lock()
		delete(cp.pending, id)
		cp.mu.Unlock()
	}()
	if err := cp.send(ctx, conn, callFrame(id, action, req)); err != nil {
		return err
	}
	t := time.NewTimer(cp.opts.CallTimeout)
	defer t.Stop()
	select {
	case m, ok := <-ch:
		switch {
		case !ok:
			return errors.New("connection lost")
		case m.Type == ocpp.CallError:
			return fmt.Errorf("%s: %w: %s %s", action, errCallError, m.Code, m.Description)
		case res != nil:
			return json.Unmarshal(m.Payload, res)
		}
		return nil
	case <-t.C:
		return fmt.Errorf("%s: no result within %v", action, cp.opts.CallTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}
