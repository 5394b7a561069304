package gateway_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/ocpp"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

const token = "test-token"

type env struct {
	gw   *gateway.Gateway
	srv  *httptest.Server
	host string // HOST:PORT
	ws   string // ws://HOST:PORT/ocpp/
	log  *ecctest.Buffer
	api  *transport.GatewayClient
}

func start(t testing.TB, opts gateway.Options) *env {
	t.Helper()
	e := &env{log: &ecctest.Buffer{}}
	opts.Token = token
	if opts.BootSettle == 0 {
		opts.BootSettle = 20 * time.Millisecond // tests reboot a lot; TestBootSettles has the default
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e.gw = gateway.New(opts)
	e.srv = httptest.NewServer(e.gw)
	t.Cleanup(func() { e.gw.Close(); e.srv.Close() })
	e.host = strings.TrimPrefix(e.srv.URL, "http://")
	e.ws = "ws://" + e.host + "/ocpp/"
	var err error
	if e.api, err = transport.NewGatewayClient(e.host, transport.GatewayOptions{Token: token}); err != nil {
		t.Fatal(err)
	}
	return e
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// station connects a charge point, set up by the options before it
// connects.
func (e *env) station(t *testing.T, id, serial string, opts ...func(*ocpptest.ChargePoint)) *ocpptest.ChargePoint {
	t.Helper()
	cp := ocpptest.New(e.ws, id, serial, "V32R17")
	for _, o := range opts {
		o(cp)
	}
	if err := cp.Connect(ctxT(t), true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Close)
	return cp
}

func TestControlAPIRequiresTheToken(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	for _, tc := range []struct{ method, path, auth string }{
		{"GET", "/ecc/v1/stations", ""},
		{"GET", "/ecc/v1/stations", "Bearer wrong"},
		{"GET", "/ecc/v1/stations", "Basic " + token},
		{"GET", "/ecc/v1/stations", token},
		{"GET", "/ecc/v1/stations", "Bearer"},
		{"POST", "/ecc/v1/stations/CB1/set", ""},
		{"POST", "/ecc/v1/stations/CB1/reset", "Bearer " + token + "x"},
		{"PUT", "/ecc/v1/firmware/00", ""},
	} {
		req, _ := http.NewRequest(tc.method, e.srv.URL+tc.path, strings.NewReader(`{"values":{"HeartbeatInterval":"1"}}`))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s with %q: %d, want 401", tc.method, tc.path, tc.auth, resp.StatusCode)
		}
	}
	if cp.Count(ocpp.ActionChangeConfiguration)+cp.Count(ocpp.ActionReset) != 0 || cp.Get("HeartbeatInterval") != "300" {
		t.Fatal("an unauthorized request reached the station")
	}
	// The scheme's case is free (RFC 7235).
	req, _ := http.NewRequest("GET", e.srv.URL+"/ecc/v1/stations", nil)
	req.Header.Set("Authorization", "bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("lower-case bearer: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	sts, err := e.api.Stations(ctxT(t))
	if err != nil || len(sts) != 1 || sts[0].ChargeBoxID != "CB1" || sts[0].Serial != "EVC5-0001" ||
		sts[0].Firmware != "V32R17" || sts[0].Vendor != "Ecotap" || sts[0].Model != "EVC5.1" || sts[0].ConnectedSince.IsZero() {
		t.Fatalf("stations %+v %v", sts, err)
	}
}

func TestHandshakeNeedsTheSubprotocol(t *testing.T) {
	e := start(t, gateway.Options{})
	for _, protos := range [][]string{nil, {"ocpp2.0.1"}, {"OCPP1.6"}} {
		_, resp, err := websocket.Dial(ctxT(t), e.ws+"CB1", &websocket.DialOptions{Subprotocols: protos})
		if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("handshake offering %q: %v %v", protos, resp, err)
		}
	}
	// Offered among others, ocpp1.6 is chosen.
	c, _, err := websocket.Dial(ctxT(t), e.ws+"CB1", &websocket.DialOptions{Subprotocols: []string{"ocpp2.0.1", ocpp.Subprotocol}})
	if err != nil || c.Subprotocol() != ocpp.Subprotocol {
		t.Fatalf("handshake offering ocpp2.0.1 and ocpp1.6: %v", err)
	}
	c.CloseNow()
}

// A web page the operator's browser opens cannot pose as a station (and
// replace its connection, receiving ecc's ChangeConfiguration of its
// authorizationKey): a handshake from another origin is refused. Charge
// points send no Origin and are accepted.
func TestHandshakeFromABrowserOfAnotherOriginIsRefused(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	_, resp, err := websocket.Dial(ctxT(t), e.ws+"CB1", &websocket.DialOptions{
		Subprotocols: []string{ocpp.Subprotocol},
		HTTPHeader:   http.Header{"Origin": []string{"https://evil.example"}},
	})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("handshake from another origin: %v %v", resp, err)
	}
	if _, err := e.api.Station("CB1").Hello(ctxT(t)); err != nil || cp.Boots() != 1 {
		t.Fatalf("the station's connection was disturbed: %v", err)
	}
}

// Write-only keys (the dictionary's authorizationKey, OCPP's
// AuthorizationKey of the security extension) are secrets: a station that
// reports their value anyway does not get it past the gateway.
func TestWriteOnlyValuesStayInTheGateway(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) {
		cp.Config["AuthorizationKey"] = "ocpp-secret"
		cp.Config["authorizationKey"] = "ecc-secret"
	})
	rs, _, err := e.api.Station("CB1").Get(ctxT(t), []string{"AuthorizationKey", "authorizationKey"})
	if err != nil || len(rs) != 2 {
		t.Fatalf("get %+v %v", rs, err)
	}
	for _, r := range rs {
		if !r.WriteOnly || r.Value != "" {
			t.Errorf("%s: %+v", r.Key, r)
		}
	}
}

// At --log-level trace the gateway logs every frame each way, with the
// station's id and direction; a secret written or read is redacted.
func TestTraceLogsFramesRedacted(t *testing.T) {
	log := &ecctest.Buffer{}
	e := start(t, gateway.Options{Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: transport.LevelTrace}))})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Config["gsm_APN"] = "apn,ops,apn-secret-pw" })
	c := e.api.Station("CB1")
	ctx := ctxT(t)
	if _, _, err := c.Get(ctx, []string{"gsm_APN", "HeartbeatInterval"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Set(ctx, map[string]string{"authorizationKey": "ops:auth-secret-pw"}); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	for _, want := range []string{"dir=station>gw", "dir=gw>station", "BootNotification", "ChangeConfiguration", "station=CB1", "apn,ops,(sensitive)"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"apn-secret-pw", "auth-secret-pw"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace shows %q:\n%s", secret, out)
		}
	}
}

func TestControllerOverTheGateway(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	c := e.api.Station("CB1")
	ctx := ctxT(t)
	id, err := c.Hello(ctx)
	if err != nil || id.Serial != "EVC5-0001" || id.Firmware != "V32R17" || id.Model != "EVC5.1" || id.MaxKeys != 4 {
		t.Fatalf("hello %+v %v", id, err)
	}
	before := cp.Count(ocpp.ActionGetConfiguration)
	keys := []string{"HeartbeatInterval", "chg_StationMaxCurrent", "NumberOfConnectors", "a", "b", "c", "d"}
	rs, unknown, err := c.Get(ctx, keys)
	if err != nil || len(rs) != 3 || len(unknown) != 4 {
		t.Fatalf("get %+v %v %v", rs, unknown, err)
	}
	if n := cp.Count(ocpp.ActionGetConfiguration) - before; n != 2 {
		t.Fatalf("%d GetConfiguration calls for 7 keys at 4 per call, want 2", n)
	}
	st, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "120", "chg_StationMaxCurrent": "25"})
	if err != nil || st["HeartbeatInterval"] != transport.Accepted || cp.Get("HeartbeatInterval") != "120" || cp.Get("chg_StationMaxCurrent") != "25" {
		t.Fatalf("set %v %v", st, err)
	}
	if n := cp.Count(ocpp.ActionChangeConfiguration); n != 2 {
		t.Fatalf("%d ChangeConfiguration calls, want one per key", n)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Reject["chg_StationMaxCurrent"] = true })
	st, err = c.Set(ctx, map[string]string{"chg_StationMaxCurrent": "20"})
	if err != nil || st["chg_StationMaxCurrent"] != transport.Rejected {
		t.Fatalf("rejected set %v %v", st, err)
	}
	// The write guard: read-only and forbidden keys never reach the wire.
	for _, k := range []string{"NumberOfConnectors", "cal_Offset"} {
		_, err := c.Set(ctx, map[string]string{k: "2"})
		var we *transport.WriteRefusedError
		if !errors.As(err, &we) {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	if n := cp.Count(ocpp.ActionChangeConfiguration); n != 3 {
		t.Fatalf("%d ChangeConfiguration calls: a refused key was sent", n)
	}
	boots := cp.Boots()
	id, err = c.Reboot(ctx)
	// The gateway counts the boot when the BootNotification arrives, the
	// charge point when its answer does: wait for the latter.
	for end := time.Now().Add(5 * time.Second); cp.Boots() == boots && time.Now().Before(end); {
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil || id.Serial != "EVC5-0001" || cp.Boots() != boots+1 {
		t.Fatalf("reboot %+v %v (boots %d -> %d)", id, err, boots, cp.Boots())
	}
	if v, _, err := c.Get(ctx, []string{"HeartbeatInterval"}); err != nil || v[0].Value != "120" {
		t.Fatalf("after the reset %+v %v", v, err)
	}
}

func TestIdentityByTriggerMessage(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := ocpptest.New(e.ws, "CB2", "EVC5-0002", "V32R17")
	if err := cp.Connect(ctxT(t), false); err != nil { // connected before the gateway's start: no boot seen
		t.Fatal(err)
	}
	defer cp.Close()
	waitUntil(t, "the station listed", func() bool { sts, _ := e.api.Stations(ctxT(t)); return len(sts) == 1 })
	id, err := e.api.Station("CB2").Hello(ctxT(t))
	if err != nil || id.Serial != "EVC5-0002" || cp.Count(ocpp.ActionTriggerMessage) != 1 {
		t.Fatalf("%+v %v", id, err)
	}
}

func TestSecondConnectionReplacesTheFirst(t *testing.T) {
	e := start(t, gateway.Options{})
	first := e.station(t, "CB1", "EVC5-0001")
	second := e.station(t, "CB1", "EVC5-0001")
	if _, err := e.api.Station("CB1").Set(ctxT(t), map[string]string{"HeartbeatInterval": "60"}); err != nil {
		t.Fatal(err)
	}
	if first.Count(ocpp.ActionChangeConfiguration) != 0 || second.Get("HeartbeatInterval") != "60" {
		t.Fatal("the call went to the replaced connection")
	}
	sts, _ := e.api.Stations(ctxT(t))
	if len(sts) != 1 {
		t.Fatalf("%d stations listed", len(sts))
	}
}

// TestReplacedConnectionIsClosed: the connection a second one for the same
// CHARGEBOXID replaces is closed (code 4000, with the reason), not left
// open beside it.
func TestReplacedConnectionIsClosed(t *testing.T) {
	e := start(t, gateway.Options{})
	first := dialRaw(t, e.ws+"CB1")
	if f, ok := roundTrip(t, first, `[2,"h1","Heartbeat",{}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("first connection not served")
	}
	second := dialRaw(t, e.ws+"CB1")
	select {
	case b, open := <-first.in:
		if open {
			t.Fatalf("first connection got %s", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the replaced connection stayed open")
	}
	if err := first.err(); websocket.CloseStatus(err) != 4000 || !strings.Contains(err.Error(), "replaced by a new connection") {
		t.Fatalf("replaced connection ended with %v", err)
	}
	if f, ok := roundTrip(t, second, `[2,"h2","Heartbeat",{}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("second connection not served")
	}
}

func TestStationThatNeverAnswers(t *testing.T) {
	e := start(t, gateway.Options{CallTimeout: 150 * time.Millisecond, Resends: 2})
	cp := e.station(t, "CB1", "EVC5-0001")
	c := e.api.Station("CB1")
	if _, err := c.Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = true })
	before := cp.Count(ocpp.ActionGetConfiguration)
	_, _, err := c.Get(ctxT(t), []string{"HeartbeatInterval"})
	var ge *transport.GatewayCallError
	if !errors.As(err, &ge) || ge.Status != http.StatusGatewayTimeout || !strings.Contains(err.Error(), "sent 3 times") {
		t.Fatalf("err = %v", err)
	}
	if n := cp.Count(ocpp.ActionGetConfiguration) - before; n != 3 {
		t.Fatalf("sent %d times, want 1 + 2 resends", n)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = false })
	if _, _, err := c.Get(ctxT(t), []string{"HeartbeatInterval"}); err != nil {
		t.Fatalf("connection not kept: %v", err)
	}
}

func TestNotConnectedIs404(t *testing.T) {
	e := start(t, gateway.Options{})
	_, err := e.api.Station("NOPE").Hello(ctxT(t))
	var ge *transport.GatewayCallError
	if !errors.As(err, &ge) || !ge.NotConnected() {
		t.Fatalf("err = %v", err)
	}
}

func TestFirmwareThroughUpdateFirmware(t *testing.T) {
	e := start(t, gateway.Options{FirmwareRetryInterval: time.Second})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.NewFirmware = "V32R18" })
	c := e.api.Station("CB1")
	ctx := ctxT(t)
	image := bytes.Repeat([]byte("firmware"), 1000)
	sum := sha256.Sum256(image)
	sha := hex.EncodeToString(sum[:])
	if err := c.FirmwareTransfer(ctx, transport.FirmwareImage{Version: "V32R18", Data: image, SHA256: sha}, nil); err != nil {
		t.Fatal(err)
	}
	var steps []string
	id, err := c.FirmwareCommit(ctx, func(p transport.FlashProgress) { steps = append(steps, p.String()) })
	if err != nil || id.Firmware != "V32R18" {
		t.Fatalf("commit %+v %v", id, err)
	}
	want := "download 0%,download 100%,install 0%,install 100%,boot V32R18"
	if strings.Join(steps, ",") != want {
		t.Fatalf("steps %v", steps)
	}
	// A station that boots with another version failed, whatever it said.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.NewFirmware = "V32R17" })
	// It comes with the identity the station booted with: it is up.
	if id, err := c.FirmwareCommit(ctx, nil); err == nil || !strings.Contains(err.Error(), "booted with V32R17, not V32R18") || id.Firmware != "V32R17" {
		t.Fatalf("id %+v err = %v", id, err)
	}
	// A failed download: the station said so and still runs its firmware,
	// a refusal as on the cable (not a station lost while it flashed).
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.FailDownload = true })
	_, err = c.FirmwareCommit(ctx, nil)
	var re *transport.RemoteError
	if !errors.As(err, &re) || re.Code != transport.CodeFWFailed || !strings.Contains(err.Error(), "DownloadFailed") {
		t.Fatalf("err = %v", err)
	}
	// A corrupted upload is refused.
	c2 := e.api.Station("CB1")
	if err := c2.FirmwareTransfer(ctx, transport.FirmwareImage{Version: "V32R18", Data: []byte("bad"), SHA256: sha}, nil); err == nil {
		t.Fatal("image with the wrong sha256 accepted")
	}
}

// TestOneRunAtATime: like a serial port, a station is worked on by one ecc
// run at a time. Another run's requests are refused with 409 while the
// first has a request in flight (here a Reset waiting for the boot) or
// used the station less than HoldIdle ago; closing its controller lets
// go at once, and an abandoned hold lapses after HoldIdle.
func TestOneRunAtATime(t *testing.T) {
	e := start(t, gateway.Options{HoldIdle: 300 * time.Millisecond})
	cp := e.station(t, "CB1", "EVC5-0001")
	other, err := transport.NewGatewayClient(e.host, transport.GatewayOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	busy := func(err error) bool {
		var ge *transport.GatewayCallError
		return errors.As(err, &ge) && ge.Busy() && strings.Contains(err.Error(), "in use by another ecc run")
	}
	a, b := e.api.Station("CB1"), other.Station("CB1")
	if _, err := a.Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Hello(ctxT(t)); !busy(err) {
		t.Fatalf("second run while the first holds the station: %v", err)
	}
	if _, err := b.Set(ctxT(t), map[string]string{"HeartbeatInterval": "60"}); !busy(err) || cp.Count(ocpp.ActionChangeConfiguration) != 0 {
		t.Fatalf("second run's write: %v (%d sent)", err, cp.Count(ocpp.ActionChangeConfiguration))
	}
	a.Close()
	if _, err := b.Hello(ctxT(t)); err != nil {
		t.Fatalf("after the first run let go: %v", err)
	}
	// A request in flight holds the station however long it takes.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.ReplyDelay = 600 * time.Millisecond })
	done := make(chan error, 1)
	go func() { _, err := b.Reboot(context.Background()); done <- err }()
	time.Sleep(450 * time.Millisecond)
	if _, err := a.Hello(ctxT(t)); !busy(err) {
		t.Fatalf("during the other run's Reset: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.ReplyDelay = 0 })
	// b never closes: its hold lapses.
	time.Sleep(400 * time.Millisecond)
	if _, err := a.Hello(ctxT(t)); err != nil {
		t.Fatalf("after the hold lapsed: %v", err)
	}
	// Away while a run holds it (a reboot, a drop), the station is that
	// run's: in use, not "not connected", for the other.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.DropOn["chg_StationMaxCurrent"] = true })
	if _, err := a.Set(ctxT(t), map[string]string{"chg_StationMaxCurrent": "20"}); err == nil {
		t.Fatal("a dropped station answered")
	}
	if _, err := b.Hello(ctxT(t)); !busy(err) {
		t.Fatalf("while the holder's station is away: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	var ge *transport.GatewayCallError
	if _, err := b.Hello(ctxT(t)); !errors.As(err, &ge) || !ge.NotConnected() {
		t.Fatalf("after the hold lapsed, away: %v", err)
	}
}

// TestPortsOfAStationAnotherRunHolds: a station not booted since the
// gateway started, whose identity another run is asking for, is still
// matched by serial (so that the plan says it is in use, not that it is
// not connected).
func TestPortsOfAStationAnotherRunHolds(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := ocpptest.New(e.ws, "CB3", "EVC5-0003", "V32R17")
	if err := cp.Connect(ctxT(t), false); err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	waitUntil(t, "the station listed", func() bool { sts, _ := e.api.Stations(ctxT(t)); return len(sts) == 1 })
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.ReplyDelay = 400 * time.Millisecond })
	done := make(chan error, 1)
	go func() { _, err := e.api.Station("CB3").Hello(context.Background()); done <- err }()
	waitUntil(t, "the other run's TriggerMessage", func() bool { return cp.Count(ocpp.ActionTriggerMessage) == 1 })
	other, _ := transport.NewGatewayClient(e.host, transport.GatewayOptions{Token: token})
	ports, err := other.Ports(ctxT(t))
	if err != nil || len(ports["EVC5-0003"]) != 1 || ports["EVC5-0003"][0] != "ocpp://"+e.host+"/CB3" {
		t.Fatalf("ports %v %v", ports, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := other.Station("CB3").Hello(ctxT(t)); err == nil || !strings.Contains(err.Error(), "in use by another ecc run") {
		t.Fatalf("the other run's hold: %v", err)
	}
}

// TestPortsOfASerialConnectedTwice: two CHARGEBOXIDs whose BootNotification
// names one serial are both listed for it, the later connection first
// (plan uses it, and warns about the other).
func TestPortsOfASerialConnectedTwice(t *testing.T) {
	e := start(t, gateway.Options{})
	e.station(t, "CB-OLD", "EVC5-0009")
	time.Sleep(20 * time.Millisecond) // a later connection, on any clock
	e.station(t, "CB-NEW", "EVC5-0009")
	e.station(t, "CB-2", "EVC5-0002")
	ports, err := e.api.Ports(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ocpp://" + e.host + "/CB-NEW", "ocpp://" + e.host + "/CB-OLD"}
	if got := ports["EVC5-0009"]; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("EVC5-0009: %q, want %q", got, want)
	}
	if got := ports["EVC5-0002"]; len(got) != 1 {
		t.Errorf("EVC5-0002: %q", got)
	}
}

// TestSetRefusesReadonlyReported: a key the station's GetConfiguration
// reported readonly is refused before any ChangeConfiguration
// (controller-protocol.md §6), by the controller that read it and by the
// gateway itself for a caller that did not (a run of another ecc); a key
// reported writable again is written.
func TestSetRefusesReadonlyReported(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB3", "EVC5-0003")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.ReadOnly["HeartbeatInterval"] = true })
	ctx := ctxT(t)
	c := e.api.Station("CB3")
	if rs, _, err := c.Get(ctx, []string{"HeartbeatInterval"}); err != nil || len(rs) != 1 || !rs[0].ReadOnly {
		t.Fatalf("get %+v %v", rs, err)
	}
	var we *transport.WriteRefusedError
	if _, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "120"}); !errors.As(err, &we) || !we.Reported[0] ||
		!strings.Contains(err.Error(), "HeartbeatInterval is read-only (the controller reports it read-only") {
		t.Fatalf("set by the controller that read it: %v", err)
	}
	other := e.api.Station("CB3") // has read nothing
	_, err := other.Set(ctx, map[string]string{"HeartbeatInterval": "120"})
	var ge *transport.GatewayCallError
	if !errors.As(err, &ge) || ge.Status != http.StatusForbidden || !strings.Contains(err.Error(), "reports it read-only") {
		t.Fatalf("set through the gateway's own guard: %v", err)
	}
	if n := cp.Count(ocpp.ActionChangeConfiguration); n != 0 {
		t.Fatalf("%d ChangeConfiguration calls of a read-only key", n)
	}

	cp.Set(func(cp *ocpptest.ChargePoint) { cp.ReadOnly["HeartbeatInterval"] = false })
	if _, _, err := c.Get(ctx, []string{"HeartbeatInterval"}); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "120"}); err != nil || st["HeartbeatInterval"] != transport.Accepted {
		t.Fatalf("set once writable again: %v %v", st, err)
	}
}

// TestCloseSilentStationsAtOnce: stopping the gateway closes every station
// at once; each closing handshake waits for its station (about 5 s for
// one that reads nothing, a half-open cellular link), so one after the
// other three such stations took 15 s.
func TestCloseSilentStationsAtOnce(t *testing.T) {
	e := start(t, gateway.Options{})
	for _, id := range []string{"S1", "S2", "S3"} {
		c, _, err := websocket.Dial(ctxT(t), e.ws+id, &websocket.DialOptions{Subprotocols: []string{ocpp.Subprotocol}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() }) // never read: the close frame goes unanswered
	}
	waitUntil(t, "three stations listed", func() bool { sts, _ := e.api.Stations(ctxT(t)); return len(sts) == 3 })
	t0 := time.Now()
	e.gw.Close()
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("Close took %v: the stations were closed one after the other", d.Round(time.Second))
	}
}

// TestBootKeepsTheStationsHeartbeatInterval: OCPP 1.6 says a station SHALL
// adopt the interval of BootNotification.conf, so the minimal central
// system gives back the station's own HeartbeatInterval as last known
// (read, or written and stored), never a fixed 300 that a reboot after
// ecc wrote it would put back.
func TestBootKeepsTheStationsHeartbeatInterval(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) {
		cp.AdoptInterval = true
		cp.Config["HeartbeatInterval"] = "60"
	})
	c := e.api.Station("CB1")
	ctx := ctxT(t)
	reboot := func(want, why string) {
		t.Helper()
		if _, err := c.Reboot(ctx); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the boot confirmed", func() bool { return cp.Count(ocpp.ActionReset) == cp.Boots()-1 })
		if got := cp.Get("HeartbeatInterval"); got != want {
			t.Fatalf("%s: HeartbeatInterval %s after the boot, want %s", why, got, want)
		}
	}
	// Read when ecc first asks for the station's identity.
	if _, err := c.Hello(ctx); err != nil {
		t.Fatal(err)
	}
	reboot("60", "the value the station held")
	if st, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "120"}); err != nil || st["HeartbeatInterval"] != transport.Accepted {
		t.Fatalf("set %v %v", st, err)
	}
	reboot("120", "written and Accepted")
	// RebootRequired: the read before the boot still shows the old value.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.RebootRequired["HeartbeatInterval"] = true })
	if st, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "90"}); err != nil || st["HeartbeatInterval"] != transport.RebootRequired {
		t.Fatalf("set %v %v", st, err)
	}
	if rs, _, err := c.Get(ctx, []string{"HeartbeatInterval"}); err != nil || rs[0].Value != "120" {
		t.Fatalf("get before the boot %+v %v", rs, err)
	}
	reboot("90", "written with RebootRequired")
	// Refused: the station keeps what it had.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Reject["HeartbeatInterval"] = true })
	if st, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "45"}); err != nil || st["HeartbeatInterval"] != transport.Rejected {
		t.Fatalf("set %v %v", st, err)
	}
	reboot("90", "a rejected write")
	// Changed by someone else, and read again.
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Config["HeartbeatInterval"] = "75" })
	if _, _, err := c.Get(ctx, []string{"HeartbeatInterval"}); err != nil {
		t.Fatal(err)
	}
	reboot("75", "read by GetConfiguration")
}

// TestBootOfAStationNeverReadGetsTheDefault: without a HeartbeatInterval
// known, BootNotification.conf gives Options.Heartbeat.
func TestBootOfAStationNeverReadGetsTheDefault(t *testing.T) {
	e := start(t, gateway.Options{Heartbeat: 42})
	cp := e.station(t, "CB1", "EVC5-0001", func(cp *ocpptest.ChargePoint) { cp.AdoptInterval = true })
	if got := cp.Get("HeartbeatInterval"); got != "42" {
		t.Fatalf("HeartbeatInterval %s after the first boot, want the default 42", got)
	}
}

// TestCallErrorToChangeConfigurationIsARefusal: a CALLERROR is the
// station's definite answer that it did not write the key: NotSupported
// for NotImplemented and NotSupported, Rejected for any other code, and
// the next key is written. An answer that cannot be read says nothing of
// what the station did: the write stops there with an error (the key may
// be written).
func TestCallErrorToChangeConfigurationIsARefusal(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) {
		cp.Config["MeterValueSampleInterval"] = "60"
		cp.CallError["HeartbeatInterval"] = ocpp.InternalError
		cp.CallError["chg_StationMaxCurrent"] = ocpp.NotImplemented
		cp.CallError["MeterValuesSampledData"] = ocpp.NotSupported
	})
	st, err := e.api.Station("CB1").Set(ctxT(t), map[string]string{
		"HeartbeatInterval": "120", "MeterValueSampleInterval": "30", "chg_StationMaxCurrent": "25",
		"MeterValuesSampledData": "Energy.Active.Import.Register",
	})
	want := map[string]transport.Status{"HeartbeatInterval": transport.Rejected, "MeterValueSampleInterval": transport.Accepted,
		"chg_StationMaxCurrent": transport.NotSupported, "MeterValuesSampledData": transport.NotSupported}
	if err != nil || len(st) != len(want) {
		t.Fatalf("set %v %v", st, err)
	}
	for k, w := range want {
		if st[k] != w {
			t.Errorf("%s: %s, want %s", k, st[k], w)
		}
	}
	if cp.Get("MeterValueSampleInterval") != "30" || cp.Get("HeartbeatInterval") != "300" || cp.Count(ocpp.ActionChangeConfiguration) != 4 {
		t.Fatalf("written %s, %s; %d calls", cp.Get("MeterValueSampleInterval"), cp.Get("HeartbeatInterval"), cp.Count(ocpp.ActionChangeConfiguration))
	}
	if !strings.Contains(e.log.String(), "CALLERROR") {
		t.Errorf("the CALLERROR is not logged:\n%s", e.log.String())
	}

	// An answer breaking the schema: maybe written, an error.
	r := dialRaw(t, e.ws+"CB7")
	if f, ok := roundTrip(t, r, `[2,"b1","BootNotification",{"chargePointVendor":"E","chargePointModel":"EVC5.1","chargeBoxSerialNumber":"S7"}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("boot not confirmed")
	}
	done := make(chan error, 1)
	go func() {
		_, err := e.api.Station("CB7").Set(context.Background(), map[string]string{"HeartbeatInterval": "120", "MeterValueSampleInterval": "30"})
		done <- err
	}()
	select {
	case b := <-r.in:
		f, err := ocpp.Parse(b)
		if err != nil || f.Action != ocpp.ActionChangeConfiguration {
			t.Fatalf("expected ecc's ChangeConfiguration, got %s", b)
		}
		if err := r.c.Write(ctxT(t), websocket.MessageText, []byte(`[3,"`+f.ID+`",{"status":"Maybe"}]`)); err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no call from ecc")
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "ChangeConfiguration HeartbeatInterval") {
		t.Fatalf("an unreadable answer: err = %v", err)
	}
}

// TestBootConfirmedBeforeEccsCalls: without a backend too, ecc's calls
// after a Reset follow the BootNotification.conf on the wire, never
// overtake it (a StrictBoot station ignores calls before it).
func TestBootConfirmedBeforeEccsCalls(t *testing.T) {
	e := start(t, gateway.Options{CallTimeout: 2 * time.Second, BootSettle: -1}) // the wire's order alone
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.StrictBoot = true })
	c := e.api.Station("CB1")
	for i := 0; i < 50; i++ { // the overtaking was a race: many tries
		if _, err := c.Reboot(ctxT(t)); err != nil {
			t.Fatalf("reboot %d: %v", i+1, err)
		}
		if n := cp.IgnoredCalls(); n != 0 {
			t.Fatalf("reboot %d: the station ignored %d of ecc's calls made before its boot was confirmed", i+1, n)
		}
	}
}

// TestResetNotConfirmed: a Reset whose confirmation never comes (the
// connection dropped before it, or it was lost) is not resent, which
// would reboot the station twice: the station's next boot decides.
func TestResetNotConfirmed(t *testing.T) {
	for _, tc := range []struct {
		name  string
		delay time.Duration // before the station goes down
	}{
		{"connection dropped before Reset.conf", 0},
		{"Reset.conf lost", 700 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, gateway.Options{CallTimeout: 200 * time.Millisecond, Resends: 2})
			cp := e.station(t, "CB1", "EVC5-0001")
			cp.Set(func(cp *ocpptest.ChargePoint) {
				cp.NoConf[ocpp.ActionReset] = true
				cp.RebootDelay = tc.delay
			})
			c := e.api.Station("CB1")
			if _, err := c.Hello(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			id, err := c.Reboot(ctxT(t))
			if err != nil || id.Serial != "EVC5-0001" {
				t.Fatalf("reboot %+v %v", id, err)
			}
			time.Sleep(tc.delay) // a second Reset would have rebooted it again by now
			if n, boots := cp.Count(ocpp.ActionReset), cp.Boots(); n != 1 || boots != 2 {
				t.Fatalf("Reset sent %d times, %d boots", n, boots)
			}
		})
	}
	// A station that neither confirms nor boots: the error says so.
	e := start(t, gateway.Options{CallTimeout: 100 * time.Millisecond, BootTimeout: 300 * time.Millisecond})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.Silent = true })
	if _, err := e.api.Station("CB1").Reboot(ctxT(t)); err == nil || !strings.Contains(err.Error(), "Reset was not confirmed") ||
		!strings.Contains(err.Error(), "no BootNotification Accepted within 300ms") {
		t.Fatalf("reboot of a silent station: %v", err)
	}
}

// TestUpdateFirmwareNotConfirmed: an UpdateFirmware the station does not
// confirm is not resent (it would flash twice); its progress and boot are
// followed as if confirmed.
func TestUpdateFirmwareNotConfirmed(t *testing.T) {
	e := start(t, gateway.Options{CallTimeout: 200 * time.Millisecond, Resends: 2})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) {
		cp.NewFirmware = "V32R18"
		cp.NoConf[ocpp.ActionUpdateFirmware] = true
		cp.RebootDelay = 700 * time.Millisecond
	})
	c := e.api.Station("CB1")
	ctx := ctxT(t)
	image := bytes.Repeat([]byte("firmware"), 1000)
	sum := sha256.Sum256(image)
	if err := c.FirmwareTransfer(ctx, transport.FirmwareImage{Version: "V32R18", Data: image, SHA256: hex.EncodeToString(sum[:])}, nil); err != nil {
		t.Fatal(err)
	}
	id, err := c.FirmwareCommit(ctx, nil)
	if err != nil || id.Firmware != "V32R18" {
		t.Fatalf("commit %+v %v", id, err)
	}
	if n := cp.Count(ocpp.ActionUpdateFirmware); n != 1 {
		t.Fatalf("UpdateFirmware sent %d times", n)
	}
}

// TestFirmwareDownloadRetried: UpdateFirmware names its retries and
// retryInterval, and a failed download is not the end while the station
// may try again: the gateway waits for its next attempt. It reports the
// failure once no retry is left, or once the station made none within
// the interval and a call timeout, then saying that it may still install
// on its own.
func TestFirmwareDownloadRetried(t *testing.T) {
	image := bytes.Repeat([]byte("firmware"), 1000)
	sum := sha256.Sum256(image)
	img := transport.FirmwareImage{Version: "V32R18", Data: image, SHA256: hex.EncodeToString(sum[:])}
	for _, tc := range []struct {
		name  string
		fault func(cp *ocpptest.ChargePoint)
		want  string // "" success, else in the error
		steps string
	}{
		{"retried", func(cp *ocpptest.ChargePoint) { cp.FailDownloads = 1 },
			"", "download 0%,download 0%,download 100%,install 0%,install 100%,boot V32R18"},
		{"no retry left", func(cp *ocpptest.ChargePoint) { cp.FailDownload = true },
			"DownloadFailed (2 failed attempts, no retry left)", "download 0%,download 0%"},
		{"no retry made", func(cp *ocpptest.ChargePoint) { cp.FailDownload, cp.NoRetry = true, true },
			"did not try again within 1.3s (UpdateFirmware allowed it 1 retries 1s apart: it may still download and install V32R18 on its own", "download 0%"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, gateway.Options{FirmwareRetryInterval: time.Second, CallTimeout: 300 * time.Millisecond})
			cp := e.station(t, "CB1", "EVC5-0001")
			cp.Set(func(cp *ocpptest.ChargePoint) { cp.NewFirmware = "V32R18"; tc.fault(cp) })
			c := e.api.Station("CB1")
			ctx := ctxT(t)
			if err := c.FirmwareTransfer(ctx, img, nil); err != nil {
				t.Fatal(err)
			}
			var steps []string
			id, err := c.FirmwareCommit(ctx, func(p transport.FlashProgress) { steps = append(steps, p.String()) })
			var u ocpp.UpdateFirmwareReq
			cp.Set(func(cp *ocpptest.ChargePoint) { u = cp.Update })
			if u.Retries == nil || *u.Retries != 1 || u.RetryInterval == nil || *u.RetryInterval != 1 {
				t.Errorf("UpdateFirmware without its retries: %+v", u)
			}
			if got := strings.Join(steps, ","); got != tc.steps {
				t.Errorf("steps %s, want %s", got, tc.steps)
			}
			if tc.want == "" {
				if err != nil || id.Firmware != "V32R18" {
					t.Fatalf("commit %+v %v", id, err)
				}
				return
			}
			var re *transport.RemoteError
			if !errors.As(err, &re) || re.Code != transport.CodeFWFailed || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestFirmwareFailureThenRetryLost: a station that reported a failed
// download and then started again is no longer one that "changed
// nothing": lost after that, its update is not a refusal (CodeFWFailed)
// but a station not heard from again.
func TestFirmwareFailureThenRetryLost(t *testing.T) {
	e := start(t, gateway.Options{FlashTimeout: 500 * time.Millisecond})
	r := dialRaw(t, e.ws+"CB7")
	if f, ok := roundTrip(t, r, `[2,"b1","BootNotification",{"chargePointVendor":"E","chargePointModel":"EVC5.1","chargeBoxSerialNumber":"S7"}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("boot not confirmed")
	}
	c := e.api.Station("CB7")
	image := []byte("firmware")
	sum := sha256.Sum256(image)
	if err := c.FirmwareTransfer(ctxT(t), transport.FirmwareImage{Version: "V32R18", Data: image, SHA256: hex.EncodeToString(sum[:])}, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := c.FirmwareCommit(context.Background(), nil); done <- err }()
	for b := range r.in {
		f, err := ocpp.Parse(b)
		if err != nil || f.Type != ocpp.Call || f.Action != ocpp.ActionUpdateFirmware {
			continue // the identity's calls are not needed here
		}
		res, _ := ocpp.EncodeResult(f.ID, ocpp.Empty{})
		for _, m := range []string{string(res), `[2,"n1","FirmwareStatusNotification",{"status":"DownloadFailed"}]`,
			`[2,"n2","FirmwareStatusNotification",{"status":"Downloading"}]`} {
			if err := r.c.Write(ctxT(t), websocket.MessageText, []byte(m)); err != nil {
				t.Fatal(err)
			}
		}
		break
	}
	err := <-done
	var re *transport.RemoteError
	if err == nil || errors.As(err, &re) || !strings.Contains(err.Error(), "waiting for the station") {
		t.Fatalf("err = %v", err)
	}
}

// TestBootSettles: a station may take its BootNotification.conf in a
// little after it arrived (its boot and the central system's calls
// handled apart) and ignore calls until then: ecc's first call after a
// boot waits BootSettle.
func TestBootSettles(t *testing.T) {
	e := start(t, gateway.Options{CallTimeout: time.Second, BootSettle: gateway.DefaultBootSettle})
	cp := e.station(t, "CB1", "EVC5-0001")
	cp.Set(func(cp *ocpptest.ChargePoint) { cp.StrictBoot, cp.BootLag = true, 50*time.Millisecond })
	for i := 0; i < 3; i++ {
		if _, err := e.api.Station("CB1").Reboot(ctxT(t)); err != nil {
			t.Fatalf("reboot %d: %v", i+1, err)
		}
	}
	if n := cp.IgnoredCalls(); n != 0 {
		t.Fatalf("the station ignored %d of ecc's calls made while it took its boot in", n)
	}
}

// TestTriggeredBootKeepsTheInterval: a station that was connected before
// the gateway started is asked for its BootNotification; the answer gives
// it back the HeartbeatInterval it held (read first), not the default: a
// plan that only reads changed it.
func TestTriggeredBootKeepsTheInterval(t *testing.T) {
	e := start(t, gateway.Options{})
	cp := ocpptest.New(e.ws, "CB2", "EVC5-0002", "V32R17")
	cp.AdoptInterval = true
	cp.Config["HeartbeatInterval"] = "60"
	if err := cp.Connect(ctxT(t), false); err != nil { // no boot seen
		t.Fatal(err)
	}
	defer cp.Close()
	waitUntil(t, "the station listed", func() bool { sts, _ := e.api.Stations(ctxT(t)); return len(sts) == 1 })
	if _, err := e.api.Station("CB2").Hello(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if cp.Count(ocpp.ActionTriggerMessage) != 1 || cp.Get("HeartbeatInterval") != "60" {
		t.Errorf("triggers %d, HeartbeatInterval %s after the triggered boot, want 60", cp.Count(ocpp.ActionTriggerMessage), cp.Get("HeartbeatInterval"))
	}
}
