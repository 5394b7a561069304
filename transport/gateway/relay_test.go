package gateway_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/ocpp"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

func newBackend(t *testing.T) *ocpptest.Backend {
	b := ocpptest.NewBackend()
	t.Cleanup(b.Close)
	return b
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestRelayIsTransparentBothWays: the backend sees the station's frames
// byte for byte with the station's own credentials, its own calls reach
// the station and their answers come back, and it never sees ecc's calls
// or their results. The credentials appear in no log.
func TestRelayIsTransparentBothWays(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL()})
	const secret = "Basic Q0IxOnMzY3IzdC1zdGF0aW9uLXBhc3N3b3Jk"
	cp := ocpptest.New(e.ws, "CB1", "EVC5-0001", "V32R17")
	cp.Header = http.Header{"Authorization": {secret}}
	if err := cp.Connect(ctxT(t), true); err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	// The station's own frames reach the backend unchanged.
	odd := `[2,  "cp-x", "Heartbeat" , { } ]`
	if err := cp.Send(ctxT(t), []byte(odd)); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the heartbeat upstream", func() bool { return len(be.Frames()) == 2 })
	if got := be.Frames(); !strings.HasPrefix(got[0], `[2,"cp-1","BootNotification",`) || got[1] != odd {
		t.Fatalf("backend saw %q", got)
	}
	if be.Authorizations()[0] != secret {
		t.Fatalf("backend handshake without the station's credentials: %q", be.Authorizations())
	}
	// ecc's calls go to the station, their results never upstream.
	c := e.api.Station("CB1")
	if _, err := c.Set(ctxT(t), map[string]string{"HeartbeatInterval": "120", "authorizationKey": "s3cr3t-key-value"}); err == nil {
		// authorizationKey is not in the fake's config: NotSupported, fine.
	}
	if _, _, err := c.Get(ctxT(t), []string{"HeartbeatInterval"}); err != nil {
		t.Fatal(err)
	}
	// The backend's own call reaches the station and its answer comes back.
	backendCall := `[2, "backend-7", "GetConfiguration" , {"key": ["HeartbeatInterval"]} ]`
	if err := be.Send(ctxT(t), "CB1", backendCall); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the backend's answer", func() bool { return len(be.Frames()) == 3 })
	if !slices.Contains(cp.FramesSeen(), backendCall) {
		t.Fatalf("the backend's call reached the station changed: %q", cp.FramesSeen())
	}
	if got := be.Frames()[2]; !strings.HasPrefix(got, `[3,"backend-7",`) || !strings.Contains(got, `"120"`) {
		t.Fatalf("backend got %s", got)
	}
	for _, f := range be.Frames() {
		if strings.Contains(f, "ecc-") || strings.Contains(f, "ChangeConfiguration") {
			t.Fatalf("backend saw ecc's traffic: %s", f)
		}
	}
	logs := e.log.String()
	for _, s := range []string{secret, "s3cr3t", "Q0IxOn"} {
		if strings.Contains(logs, s) {
			t.Fatalf("log carries a secret %q:\n%s", s, logs)
		}
	}
}

// TestUpstreamPathIsTheStations: the backend is opened at UPSTREAM and the
// station's CHARGEBOXID exactly as the station wrote it in its URL, so an
// id with characters that URLs escape reaches the backend as the same id
// (never a path or a query of its own).
func TestUpstreamPathIsTheStations(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL()})
	for _, id := range []string{"CB%3Fx=1", "CB%23frag", "CB%25pct"} {
		cp := ocpptest.New(e.ws, id, "S-"+id, "V32R17")
		if err := cp.Connect(ctxT(t), true); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		cp.Close()
	}
	want := []string{"/ocpp/CB%3Fx=1", "/ocpp/CB%23frag", "/ocpp/CB%25pct"}
	if got := be.RequestURIs(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("backend opened at %q, want %q", got, want)
	}
}

// TestBackendCloseReachesTheStation: the backend closing a station's
// connection closes the station's with the same code and reason.
func TestBackendCloseReachesTheStation(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL()})
	r := dialRaw(t, e.ws+"CB1")
	if f, ok := roundTrip(t, r, `[2,"b1","BootNotification",{"chargePointVendor":"E","chargePointModel":"M"}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("boot not relayed")
	}
	if err := be.Kick("CB1", websocket.StatusPolicyViolation, "station deregistered"); err != nil {
		t.Fatal(err)
	}
	select {
	case b, open := <-r.in:
		if open {
			t.Fatalf("station got %s", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the station's connection stayed open")
	}
	if err := r.err(); websocket.CloseStatus(err) != websocket.StatusPolicyViolation || !strings.Contains(err.Error(), "station deregistered") {
		t.Fatalf("station's connection ended with %v", err)
	}
}

// TestBackendRefusalReachesTheStation: wrong credentials at the backend
// fail the station's own handshake, as if it were connected directly.
func TestBackendRefusalReachesTheStation(t *testing.T) {
	be := newBackend(t)
	be.Refuse = true
	e := start(t, gateway.Options{Upstream: be.URL()})
	_, resp, err := websocket.Dial(ctxT(t), e.ws+"CB1", &websocket.DialOptions{Subprotocols: []string{ocpp.Subprotocol}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%v %v", resp, err)
	}
}

// TestBackendCallHeldWhileEccCalls: OCPP-J allows one call in flight per
// direction; a backend call arriving during ecc's waits for its answer.
func TestBackendCallHeldWhileEccCalls(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL()})
	cp := e.station(t, "CB1", "EVC5-0001")
	if _, err := e.api.Station("CB1").Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = true })
	done := make(chan error)
	go func() {
		_, _, err := e.api.Station("CB1").Get(context.Background(), []string{"HeartbeatInterval"})
		done <- err
	}()
	waitUntil(t, "ecc's call at the station", func() bool { return cp.Count(ocpp.ActionGetConfiguration) == 2 })
	if err := be.Send(ctxT(t), "CB1", `[2,"backend-8","GetConfiguration",{}]`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := cp.Count(ocpp.ActionGetConfiguration); n != 2 {
		t.Fatalf("backend call sent while ecc's was in flight (%d calls)", n)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = false })
	// Resend after the timeout is not configured here; answer by hand.
	for _, f := range cp.FramesSeen() {
		if fr, err := ocpp.Parse([]byte(f)); err == nil && fr.Type == ocpp.Call && ocpp.IsOwnID(fr.ID) {
			b, _ := ocpp.EncodeResult(fr.ID, ocpp.GetConfigurationConf{})
			cp.Send(ctxT(t), b)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the held backend call", func() bool { return cp.Count(ocpp.ActionGetConfiguration) == 3 })
	waitUntil(t, "its answer upstream", func() bool {
		s := be.Frames()
		return strings.HasPrefix(s[len(s)-1], `[3,"backend-8"`)
	})
}

// TestLateAnswerNeverUpstream: the station answers one of ecc's calls
// after ecc gave up on it; the answer still never reaches the backend.
func TestLateAnswerNeverUpstream(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL(), CallTimeout: 100 * time.Millisecond})
	cp := e.station(t, "CB1", "EVC5-0001")
	if _, err := e.api.Station("CB1").Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = true })
	if _, _, err := e.api.Station("CB1").Get(ctxT(t), []string{"HeartbeatInterval"}); err == nil {
		t.Fatal("a silent station answered")
	}
	for _, f := range cp.FramesSeen() {
		if fr, err := ocpp.Parse([]byte(f)); err == nil && fr.Type == ocpp.Call && ocpp.IsOwnID(fr.ID) {
			b, _ := ocpp.EncodeResult(fr.ID, ocpp.GetConfigurationConf{})
			cp.Send(ctxT(t), b)
		}
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = false })
	cp.Send(ctxT(t), []byte(`[2,"cp-last","Heartbeat",{}]`))
	waitUntil(t, "the heartbeat upstream", func() bool {
		fs := be.Frames()
		return strings.Contains(fs[len(fs)-1], "cp-last")
	})
	for _, f := range be.Frames() {
		if strings.Contains(f, "ecc-") {
			t.Fatalf("the backend saw a late answer to ecc's call: %s", f)
		}
	}
}

// TestCheckUpstream: an --upstream that is not a ws:// or wss:// base is
// refused at start, not by refusing every station; credentials in it are
// never shown.
func TestCheckUpstream(t *testing.T) {
	for _, tc := range []struct{ in, shown, err string }{
		{"wss://backend.example/ocpp/", "wss://backend.example/ocpp/", ""},
		{"ws://127.0.0.1:9000/cs/", "ws://127.0.0.1:9000/cs/", ""},
		{"wss://cpo:s3cret@backend.example/ocpp/", "wss://cpo:xxxxx@backend.example/ocpp/", ""},
		{"backend.example/ocpp/", "", "want ws://"},
		{"https://backend.example/ocpp/", "", "want ws://"},
		{"wss:///ocpp/", "", "want ws://"},
		{"wss://backend.example/ocpp/?x=1", "", "no query"},
		{"wss://cpo:s3cret@backend.example/ocpp/#f", "", "no query"},
		{"ws://[::1", "", "not a URL"},
	} {
		shown, err := gateway.CheckUpstream(tc.in)
		if shown != tc.shown || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %q %v", tc.in, shown, err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error shows the password: %v", tc.in, err)
		}
	}
}

// TestBootCountsOnceTheBackendAccepted: a station may ignore the central
// system's calls until its BootNotification is Accepted (StrictBoot). After
// a Reset, ecc's calls wait until the backend's Accepted reached the
// station; a Pending answer does not count (the station boots again after
// the interval). The gateway woke ecc at the BootNotification itself, so
// its GetConfiguration overtook the backend's answer and was ignored.
func TestBootCountsOnceTheBackendAccepted(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []string
		delay    time.Duration
	}{
		{"backend slow to accept", nil, 300 * time.Millisecond},
		{"Pending first", []string{ocpp.RegistrationPending}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be := newBackend(t)
			e := start(t, gateway.Options{Upstream: be.URL(), CallTimeout: 2 * time.Second})
			cp := e.station(t, "CB1", "EVC5-0001")
			cp.Set(func(cp *ocpptest.ChargePoint) { cp.StrictBoot = true })
			c := e.api.Station("CB1")
			if _, err := c.Hello(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			be.SetBoot(tc.statuses, 1, tc.delay)
			if id, err := c.Reboot(ctxT(t)); err != nil || id.Serial != "EVC5-0001" {
				t.Fatalf("reboot %+v %v", id, err)
			}
			if n := cp.IgnoredCalls(); n != 0 {
				t.Fatalf("the station ignored %d of ecc's calls made before its boot was Accepted", n)
			}
			if rs, _, err := c.Get(ctxT(t), []string{"HeartbeatInterval"}); err != nil || len(rs) != 1 {
				t.Fatalf("get %+v %v", rs, err)
			}
		})
	}
}

// TestBootAnswerReadForItsStatus: a backend's answer in forms of its own
// (an interval written 60.0, a time without a zone) is relayed as it is,
// and its Accepted counts: the station is back from its Reset, and
// registered.
func TestBootAnswerReadForItsStatus(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL(), BootTimeout: 3 * time.Second})
	e.station(t, "CB1", "EVC5-0001")
	c := e.api.Station("CB1")
	if _, err := c.Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	be.SetBootPayload(`{"status":"Accepted","currentTime":"2026-12-02T15:00:00","interval":60.0}`)
	if id, err := c.Reboot(ctxT(t)); err != nil || id.Serial != "EVC5-0001" {
		t.Fatalf("reboot %+v %v", id, err)
	}
	if rs, _, err := c.Get(ctxT(t), []string{"HeartbeatInterval"}); err != nil || len(rs) != 1 {
		t.Fatalf("get after the boot %+v %v", rs, err)
	}
}

// TestStationTheBackendRejected: a station whose BootNotification the
// backend answered Rejected is not registered: waiting for its boot after
// a Reset ends at BootTimeout naming the status, and ecc's next request
// is refused at once (OCPP 1.6: a Rejected station answers nothing).
func TestStationTheBackendRejected(t *testing.T) {
	be := newBackend(t)
	e := start(t, gateway.Options{Upstream: be.URL(), BootTimeout: 500 * time.Millisecond})
	cp := e.station(t, "CB1", "EVC5-0001")
	c := e.api.Station("CB1")
	if _, err := c.Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	be.SetBoot([]string{ocpp.RegistrationRejected}, 60, 0)
	_, err := c.Reboot(ctxT(t))
	if err == nil || !strings.Contains(err.Error(), "no BootNotification Accepted within 500ms") || !strings.Contains(err.Error(), "with Rejected") {
		t.Fatalf("reboot: %v", err)
	}
	before := cp.Count(ocpp.ActionGetConfiguration) + cp.Count(ocpp.ActionTriggerMessage)
	if _, err := c.Hello(ctxT(t)); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Fatalf("hello: %v", err)
	}
	if n := cp.Count(ocpp.ActionGetConfiguration) + cp.Count(ocpp.ActionTriggerMessage); n != before {
		t.Fatal("a call was sent to a station the backend rejected")
	}
}

// TestResetWaitsForTheBootBeingAnswered: a Reset asked for while the
// station's BootNotification is still at the backend waits for that boot
// to count first; else the boot answered just after the Reset passed for
// the one after it, and ecc read the station before it went down.
func TestResetWaitsForTheBootBeingAnswered(t *testing.T) {
	be := newBackend(t)
	be.SetBoot(nil, 0, 300*time.Millisecond)
	e := start(t, gateway.Options{Upstream: be.URL()})
	cp := ocpptest.New(e.ws, "CB1", "EVC5-0001", "V32R17")
	cp.RebootDelay = 600 * time.Millisecond
	connected := make(chan error, 1)
	go func() { connected <- cp.Connect(context.Background(), true) }()
	t.Cleanup(cp.Close)
	waitUntil(t, "the BootNotification at the backend", func() bool { return len(be.Frames()) == 1 })
	t0 := time.Now()
	if _, err := e.api.Station("CB1").Reboot(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < cp.RebootDelay {
		t.Fatalf("Reboot returned after %v, before the station went down", d.Round(time.Millisecond))
	}
	if err := <-connected; err != nil {
		t.Fatal(err)
	}
}
