package ocpptest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// Backend is a fake CPO backend for the gateway's --upstream: it records
// the handshakes' Authorization headers and every frame it receives,
// accepts BootNotification, and can send calls of its own to a station.
type Backend struct {
	srv *httptest.Server

	mu     sync.Mutex
	auth   []string
	uris   []string
	frames []string
	conns  map[string]*websocket.Conn
	// Refuse answers every handshake with 401.
	Refuse bool
	// BootStatuses answer the next BootNotifications in turn (Pending,
	// Rejected, with an interval of BootInterval seconds, default 1);
	// then they are Accepted. BootDelay delays every answer to one.
	BootStatuses []string
	BootInterval int
	BootDelay    time.Duration
	// BootPayload, when set, is the payload of every BootNotification's
	// answer as written (a backend's own forms: "interval": 60.0).
	BootPayload string
}

// SetBoot changes BootStatuses, BootInterval and BootDelay under the
// backend's lock.
func (b *Backend) SetBoot(statuses []string, interval int, delay time.Duration) {
	b.mu.Lock()
	b.BootStatuses, b.BootInterval, b.BootDelay = statuses, interval, delay
	b.mu.Unlock()
}

// SetBootPayload sets BootPayload.
func (b *Backend) SetBootPayload(payload string) {
	b.mu.Lock()
	b.BootPayload = payload
	b.mu.Unlock()
}

// bootConf is the answer to the next BootNotification, after its delay.
func (b *Backend) bootConf() (ocpp.BootNotificationConf, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	conf := ocpp.BootNotificationConf{Status: ocpp.RegistrationAccepted, CurrentTime: time.Now().UTC().Format(time.RFC3339), Interval: 60}
	if len(b.BootStatuses) > 0 {
		conf.Status, conf.Interval = b.BootStatuses[0], max(b.BootInterval, 1)
		b.BootStatuses = b.BootStatuses[1:]
	}
	return conf, b.BootDelay
}

// NewBackend starts a backend on 127.0.0.1; Close stops it.
func NewBackend() *Backend {
	b := &Backend{conns: map[string]*websocket.Conn{}}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	return b
}

// Close stops the backend.
func (b *Backend) Close() { b.srv.Close() }

// URL is the --upstream to give the gateway.
func (b *Backend) URL() string { return "ws://" + strings.TrimPrefix(b.srv.URL, "http://") + "/ocpp/" }

// Frames returns every frame received so far, as received.
func (b *Backend) Frames() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.frames...)
}

// Authorizations returns the Authorization header of every handshake.
func (b *Backend) Authorizations() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.auth...)
}

// RequestURIs returns the request URI (path and query, as sent) of every
// handshake.
func (b *Backend) RequestURIs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.uris...)
}

// Send writes a frame to the station chargeBoxID.
func (b *Backend) Send(ctx context.Context, chargeBoxID, frame string) error {
	b.mu.Lock()
	c := b.conns[chargeBoxID]
	b.mu.Unlock()
	return c.Write(ctx, websocket.MessageText, []byte(frame))
}

// Kick closes the connection of station chargeBoxID with code and reason.
func (b *Backend) Kick(chargeBoxID string, code websocket.StatusCode, reason string) error {
	b.mu.Lock()
	c := b.conns[chargeBoxID]
	b.mu.Unlock()
	return c.Close(code, reason)
}

func (b *Backend) serve(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.auth = append(b.auth, r.Header.Get("Authorization"))
	b.uris = append(b.uris, r.RequestURI)
	refuse := b.Refuse
	b.mu.Unlock()
	if refuse {
		http.Error(w, "who are you", http.StatusUnauthorized)
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ocpp.Subprotocol}})
	if err != nil {
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/ocpp/")
	b.mu.Lock()
	b.conns[id] = c
	b.mu.Unlock()
	for {
		_, m, err := c.Read(context.Background())
		if err != nil {
			return
		}
		b.mu.Lock()
		b.frames = append(b.frames, string(m))
		b.mu.Unlock()
		if f, err := ocpp.Parse(m); err == nil && f.Type == ocpp.Call {
			var resp any = ocpp.Empty{}
			switch f.Action {
			case ocpp.ActionBootNotification:
				conf, delay := b.bootConf()
				time.Sleep(delay)
				resp = conf
				b.mu.Lock()
				if b.BootPayload != "" {
					resp = json.RawMessage(b.BootPayload)
				}
				b.mu.Unlock()
			case ocpp.ActionHeartbeat:
				resp = ocpp.HeartbeatConf{CurrentTime: time.Now().UTC().Format(time.RFC3339)}
			}
			out, _ := ocpp.EncodeResult(f.ID, resp)
			_ = c.Write(context.Background(), websocket.MessageText, out)
		}
	}
}
