package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// Defaults of Options.
const (
	DefaultCallTimeout  = 30 * time.Second
	DefaultResends      = 1
	DefaultBootTimeout  = 5 * time.Minute
	DefaultFlashTimeout = 30 * time.Minute
	DefaultHeartbeat    = 300 // seconds, BootNotification.conf interval of a station whose HeartbeatInterval is unknown
	DefaultMaxMessage   = 64 << 10
	// UpdateFirmware's retries and retryInterval. OCPP 1.6 has "retries"
	// say how many times the station must try to download, which a
	// station may read as the attempts after the first: 1 is one or two
	// attempts, whichever it reads (0 might be none), all watched.
	DefaultFirmwareRetries       = 1
	DefaultFirmwareRetryInterval = 30 * time.Second
	DefaultBootSettle            = 500 * time.Millisecond
)

// Options configure a Gateway.
type Options struct {
	// Upstream is the backend's base URL (ws:// or wss://); each station
	// is relayed to Upstream + CHARGEBOXID. Empty: the gateway answers as
	// a minimal central system.
	Upstream string
	// Token is the control API's bearer token (required).
	Token string
	// CallTimeout bounds the wait for a station's answer to one of ecc's
	// calls; Resends is how often a call is resent after it (same id),
	// never a Reset or an UpdateFirmware (resendable).
	CallTimeout time.Duration
	Resends     int
	// BootTimeout bounds the wait for the BootNotification after a Reset
	// or a TriggerMessage; FlashTimeout the whole of a firmware update.
	BootTimeout  time.Duration
	FlashTimeout time.Duration
	// BootSettle is how long after a BootNotification's Accepted answer
	// ecc's first call to the station waits: the answer comes first on
	// the wire, but a station may still be taking it in (and ignore
	// calls until it has) when the call arrives. Negative: no wait.
	BootSettle time.Duration
	// FirmwareRetries and FirmwareRetryInterval (whole seconds) go in
	// every UpdateFirmware, so that a station retries a failed download
	// as often as the gateway watches, not as it likes: after a failure
	// the gateway waits FirmwareRetryInterval and a CallTimeout for the
	// next attempt before it reports the failure.
	FirmwareRetries       int
	FirmwareRetryInterval time.Duration
	// HoldIdle is how long an ecc run keeps a station after its last
	// request unless it lets go (transport.GatewayHoldIdle by default).
	HoldIdle time.Duration
	// Heartbeat is the interval the minimal central system gives a
	// station whose HeartbeatInterval it does not know (it gives the
	// station's own when it does).
	Heartbeat int
	// MaxMessage is the largest frame read whole (bytes); a larger one is
	// drained and answered with a CALLERROR, the connection kept.
	MaxMessage int64
	// Registry and Instance: who holds which station (NewLocalRegistry and
	// "local" by default).
	Registry Registry
	Instance string
	// Log receives connection events and errors, never secrets or values.
	Log *slog.Logger
	// DialUpstream opens the upstream connection (tests); nil uses
	// websocket.Dial.
	DialUpstream func(ctx context.Context, url string, opts *websocket.DialOptions) (*websocket.Conn, *http.Response, error)
}

func (o Options) withDefaults() Options {
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.Resends < 0 {
		o.Resends = 0
	}
	if o.BootTimeout <= 0 {
		o.BootTimeout = DefaultBootTimeout
	}
	if o.FlashTimeout <= 0 {
		o.FlashTimeout = DefaultFlashTimeout
	}
	if o.BootSettle == 0 {
		o.BootSettle = DefaultBootSettle
	}
	if o.FirmwareRetries <= 0 {
		o.FirmwareRetries = DefaultFirmwareRetries
	}
	if o.FirmwareRetryInterval < time.Second {
		o.FirmwareRetryInterval = DefaultFirmwareRetryInterval
	}
	o.FirmwareRetryInterval = o.FirmwareRetryInterval.Truncate(time.Second)
	if o.HoldIdle <= 0 {
		o.HoldIdle = transport.GatewayHoldIdle
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	if o.Registry == nil {
		o.Registry = NewLocalRegistry()
	}
	if o.Instance == "" {
		o.Instance = "local"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.DialUpstream == nil {
		o.DialUpstream = websocket.Dial
	}
	return o
}

// CheckUpstream checks an --upstream URL before any station connects (a
// typo would otherwise refuse every station with 502) and returns how it
// is shown: stations are relayed to it with their CHARGEBOXID appended,
// and any credentials in it are masked.
func CheckUpstream(upstream string) (shown string, err error) {
	const want = "want ws://HOST[:PORT]/PATH/ or wss://HOST[:PORT]/PATH/ (the CHARGEBOXID is appended)"
	u, err := url.Parse(upstream)
	if err != nil {
		return "", errors.New("--upstream: not a URL: " + want)
	}
	if (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return "", fmt.Errorf("--upstream %s: %s", u.Redacted(), want)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--upstream %s: the CHARGEBOXID is appended to it, so it takes no query or fragment", u.Redacted())
	}
	return u.Redacted(), nil
}

// Gateway holds the stations connected to this instance.
type Gateway struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	stations map[string]*station // by CHARGEBOXID: this instance's own
	images   map[string][]byte   // firmware images by sha256 (hex)
	// imageOrder is the upload order of images, oldest first.
	imageOrder []string
	closed     bool
	conns      sync.WaitGroup
}

// New returns a Gateway; serve it with Handler.
func New(opts Options) *Gateway {
	g := &Gateway{
		opts:     opts.withDefaults(),
		stations: map[string]*station{},
		images:   map[string][]byte{},
	}
	g.mux = http.NewServeMux()
	g.mux.HandleFunc("GET /ocpp/{id}", g.serveStation)
	g.mux.HandleFunc("GET /firmware/{file}", g.serveImage)
	g.routeAPI()
	return g
}

// ServeHTTP serves stations (/ocpp/ID), firmware downloads (/firmware/)
// and the control API (/ecc/v1/).
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.mux.ServeHTTP(w, r) }

// Close drops every station connection and waits for their goroutines.
func (g *Gateway) Close() error {
	g.mu.Lock()
	g.closed = true
	var sess []*session
	for _, st := range g.stations {
		if s := st.current(); s != nil {
			sess = append(sess, s)
		}
	}
	g.mu.Unlock()
	// At once: each closing handshake waits for its station (seconds for
	// one gone silent on a cellular link), and a gateway serves hundreds.
	var wg sync.WaitGroup
	for _, s := range sess {
		wg.Go(func() { s.close(websocket.StatusGoingAway, "gateway stopping") })
	}
	wg.Wait()
	g.conns.Wait()
	return nil
}

// validChargeBoxID keeps ids printable and short (OCPP: CiString20 for
// identities in practice; allow more, never a path or control character).
func validChargeBoxID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if r <= ' ' || r == '/' || r == 0x7f {
			return false
		}
	}
	return true
}

func offersSubprotocol(r *http.Request) bool {
	for _, h := range r.Header.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(h, ",") {
			if strings.TrimSpace(p) == ocpp.Subprotocol {
				return true
			}
		}
	}
	return false
}

// sameOrigin reports whether a handshake comes from no browser (charge
// points send no Origin) or from a page of the gateway's own host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// serveStation accepts one station's WebSocket: subprotocol ocpp1.6
// required; with an upstream, the backend's connection is opened first so
// that its refusal (e.g. 401 for wrong credentials) reaches the station
// as is.
func (g *Gateway) serveStation(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validChargeBoxID(id) {
		http.Error(w, "bad CHARGEBOXID", http.StatusBadRequest)
		return
	}
	if !offersSubprotocol(r) {
		g.opts.Log.Warn("station refused: no ocpp1.6 subprotocol", "station", id)
		http.Error(w, "subprotocol ocpp1.6 required", http.StatusBadRequest)
		return
	}
	if !sameOrigin(r) {
		// A browser's page posing as the station would take over its
		// connection (and ecc's calls to it); checked before the backend
		// sees anything.
		g.opts.Log.Warn("station refused: handshake from another origin", "station", id)
		http.Error(w, "cross-origin handshake refused", http.StatusForbidden)
		return
	}
	g.mu.Lock()
	closed := g.closed
	if !closed {
		g.conns.Add(1)
	}
	g.mu.Unlock()
	if closed {
		http.Error(w, "gateway stopping", http.StatusServiceUnavailable)
		return
	}
	defer g.conns.Done()
	var up *websocket.Conn
	if g.opts.Upstream != "" {
		var err error
		// The id as the station escaped it: unescaped, "CB%3Fx" would
		// open the backend at another path with a query of its own.
		rawID := strings.TrimPrefix(r.URL.EscapedPath(), "/ocpp/")
		up, err = g.dialUpstream(r.Context(), rawID, r.Header.Get("Authorization"))
		if err != nil {
			var ue *upstreamError
			if errors.As(err, &ue) && ue.status != 0 {
				http.Error(w, http.StatusText(ue.status), ue.status)
			} else {
				http.Error(w, "backend unreachable", http.StatusBadGateway)
			}
			g.opts.Log.Warn("station refused: backend", "station", id, "err", err)
			return
		}
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ocpp.Subprotocol}})
	if err != nil {
		if up != nil {
			up.CloseNow()
		}
		return
	}
	ws.SetReadLimit(-1) // the session enforces MaxMessage itself, answering instead of closing
	st := g.station(id)
	s := newSession(g, st, ws, up, requestHost(r))
	st.attach(s)
	_ = g.opts.Registry.Claim(context.Background(), id, g.opts.Instance)
	g.opts.Log.Info("station connected", "station", id, "relay", up != nil)
	s.run()
	if st.detach(s) {
		_ = g.opts.Registry.Release(context.Background(), id, g.opts.Instance)
	}
	g.opts.Log.Info("station disconnected", "station", id)
}

// requestHost is the scheme and host the station reached the gateway at:
// the firmware URL uses it, so the station downloads from an address it
// already knows to work.
func requestHost(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// station returns (making it) the record of id.
func (g *Gateway) station(id string) *station {
	g.mu.Lock()
	defer g.mu.Unlock()
	st, ok := g.stations[id]
	if !ok {
		st = newStation(id)
		g.stations[id] = st
	}
	return st
}

// lookup returns the record of a station connected to this instance.
func (g *Gateway) lookup(id string) (*station, bool) {
	g.mu.Lock()
	st, ok := g.stations[id]
	g.mu.Unlock()
	return st, ok
}
