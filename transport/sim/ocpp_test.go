package sim

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// centralSystem is a test's OCPP 1.6J central system on 127.0.0.1: it
// answers the charge point's calls (BootNotification with bootStatus) and
// sends its own through real WebSocket connections.
type centralSystem struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	conn       *websocket.Conn
	subproto   string
	auth       string
	bootStatus string
	connects   chan struct{}
	calls      chan ocpp.Frame // the charge point's calls, in order
	results    map[string]chan ocpp.Frame
	nextID     int
}

func newCentralSystem(t *testing.T) *centralSystem {
	return serveCentralSystem(t, httptest.NewServer)
}

// newTLSCentralSystem is a central system on wss:// with a certificate
// of its own.
func newTLSCentralSystem(t *testing.T) *centralSystem {
	return serveCentralSystem(t, httptest.NewTLSServer)
}

func serveCentralSystem(t *testing.T, serve func(http.Handler) *httptest.Server) *centralSystem {
	cs := &centralSystem{t: t, bootStatus: "Accepted", connects: make(chan struct{}, 16),
		calls: make(chan ocpp.Frame, 256), results: map[string]chan ocpp.Frame{}}
	cs.srv = serve(http.HandlerFunc(cs.serve))
	t.Cleanup(cs.srv.Close)
	return cs
}

func (cs *centralSystem) url(id string) string {
	return "ws" + strings.TrimPrefix(cs.srv.URL, "http") + "/ocpp/" + id
}

func (cs *centralSystem) serve(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ocpp.Subprotocol}})
	if err != nil {
		return
	}
	cs.mu.Lock()
	cs.conn, cs.subproto, cs.auth = conn, conn.Subprotocol(), r.Header.Get("Authorization")
	cs.mu.Unlock()
	cs.connects <- struct{}{}
	ctx := context.Background()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		m, err := ocpp.Parse(b)
		if err != nil {
			cs.t.Errorf("central system: bad frame %s: %v", b, err)
			continue
		}
		if m.Type != ocpp.Call {
			cs.mu.Lock()
			ch := cs.results[m.ID]
			cs.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		var res any = struct{}{}
		switch m.Action {
		case "BootNotification":
			cs.mu.Lock()
			st := cs.bootStatus
			cs.mu.Unlock()
			res = map[string]any{"status": st, "interval": 300, "currentTime": time.Now().UTC().Format(time.RFC3339)}
		case "Heartbeat":
			res = map[string]any{"currentTime": time.Now().UTC().Format(time.RFC3339)}
		}
		conn.Write(ctx, websocket.MessageText, resultFrame(m.ID, res))
		cs.calls <- m
	}
}

// waitConnect waits for the charge point's next connection.
func (cs *centralSystem) waitConnect(d time.Duration) {
	cs.t.Helper()
	select {
	case <-cs.connects:
	case <-time.After(d):
		cs.t.Fatal("the charge point did not connect")
	}
}

// waitCall waits for the charge point's next call of action, skipping
// others; it returns its payload.
func (cs *centralSystem) waitCall(action string, d time.Duration) map[string]any {
	cs.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case m := <-cs.calls:
			if m.Action != action {
				continue
			}
			var p map[string]any
			json.Unmarshal(m.Payload, &p)
			return p
		case <-deadline:
			cs.t.Fatalf("no %s from the charge point within %v", action, d)
		}
	}
}

// call sends a CALL and returns the charge point's answer frame.
func (cs *centralSystem) call(action string, payload any) ocpp.Frame {
	cs.t.Helper()
	m, err := cs.tryCall(action, payload, 5*time.Second)
	if err != nil {
		cs.t.Fatal(err)
	}
	return m
}

func (cs *centralSystem) tryCall(action string, payload any, d time.Duration) (ocpp.Frame, error) {
	cs.mu.Lock()
	cs.nextID++
	id := fmt.Sprintf("cs-%d", cs.nextID)
	ch := make(chan ocpp.Frame, 1)
	cs.results[id] = ch
	conn := cs.conn
	cs.mu.Unlock()
	if err := conn.Write(context.Background(), websocket.MessageText, callFrame(id, action, payload)); err != nil {
		return ocpp.Frame{}, err
	}
	select {
	case m := <-ch:
		return m, nil
	case <-time.After(d):
		return ocpp.Frame{}, fmt.Errorf("%s: no answer within %v", action, d)
	}
}

// result decodes a CALLRESULT's payload.
func result(t *testing.T, m ocpp.Frame) map[string]any {
	t.Helper()
	if m.Type != ocpp.CallResult {
		t.Fatalf("want a CALLRESULT, got type %d %s %s", m.Type, m.Code, m.Description)
	}
	var p map[string]any
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// startOCPP runs a fast simulated controller as a charge point of cs.
func startOCPP(t *testing.T, cs *centralSystem, opts Options, oo OCPPOptions) (*Controller, *ChargePoint) {
	t.Helper()
	c := newController(t, opts)
	oo.URL = cs.url("CP1")
	if oo.ReconnectDelay == 0 {
		oo.ReconnectDelay = 20 * time.Millisecond
	}
	cp, err := c.ConnectOCPP(oo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close(); c.Close() })
	c.Start()
	return c, cp
}

func configValues(t *testing.T, m ocpp.Frame) (map[string]string, []any) {
	p := result(t, m)
	out := map[string]string{}
	for _, e := range p["configurationKey"].([]any) {
		e := e.(map[string]any)
		v, _ := e["value"].(string)
		out[e["key"].(string)] = v
	}
	unknown, _ := p["unknownKey"].([]any)
	return out, unknown
}

func TestOCPPBoot(t *testing.T) {
	cs := newCentralSystem(t)
	startOCPP(t, cs, fast(), OCPPOptions{})
	cs.waitConnect(5 * time.Second)
	boot := cs.waitCall("BootNotification", 5*time.Second)
	must(t, boot["chargeBoxSerialNumber"] == DefaultSerial, "serial %v", boot["chargeBoxSerialNumber"])
	must(t, boot["firmwareVersion"] == DefaultFirmware, "firmware %v", boot["firmwareVersion"])
	must(t, boot["chargePointVendor"] == "Ecotap" && boot["chargePointModel"] == DefaultModel, "vendor/model %v", boot)
	cs.waitCall("StatusNotification", 5*time.Second)
	cs.mu.Lock()
	must(t, cs.subproto == ocpp.Subprotocol, "subprotocol %q", cs.subproto)
	must(t, cs.auth == "", "no authorizationKey set, yet Authorization %q", cs.auth)
	cs.mu.Unlock()

	// A trigger brings another BootNotification on the same connection.
	must(t, result(t, cs.call("TriggerMessage", map[string]any{"requestedMessage": "BootNotification"}))["status"] == "Accepted", "trigger")
	cs.waitCall("BootNotification", 5*time.Second)
	m := cs.call("DataTransfer", map[string]any{"vendorId": "x"})
	must(t, m.Type == ocpp.CallError && m.Code == "NotImplemented", "unknown action: %+v", m)
}

func TestOCPPBootPending(t *testing.T) {
	cs := newCentralSystem(t)
	cs.bootStatus = "Pending"
	_, cp := startOCPP(t, cs, fast(), OCPPOptions{})
	cs.waitCall("BootNotification", 5*time.Second)
	must(t, !cp.Status().Accepted, "pending boot counted as accepted")
	// The central system may still configure a pending station; a
	// trigger brings the boot again.
	cs.mu.Lock()
	cs.bootStatus = "Accepted"
	cs.mu.Unlock()
	cs.call("TriggerMessage", map[string]any{"requestedMessage": "BootNotification"})
	cs.waitCall("BootNotification", 5*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for !cp.Status().Accepted && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	must(t, cp.Status().Accepted, "accepted boot not recorded")
}

func TestOCPPConfiguration(t *testing.T) {
	cs := newCentralSystem(t)
	c, _ := startOCPP(t, cs, fast(), OCPPOptions{})
	cs.waitCall("BootNotification", 5*time.Second)

	vals, unknown := configValues(t, cs.call("GetConfiguration", map[string]any{
		"key": []string{"HeartbeatInterval", "GetConfigurationMaxKeys", "authorizationKey", "NoSuchKey"}}))
	must(t, vals["HeartbeatInterval"] == "300" && vals["GetConfigurationMaxKeys"] == "8", "values %v", vals)
	must(t, vals["authorizationKey"] == "", "a write-only key's value reported")
	must(t, len(unknown) == 1 && unknown[0] == "NoSuchKey", "unknown %v", unknown)
	all, _ := configValues(t, cs.call("GetConfiguration", map[string]any{}))
	must(t, len(all) > 40, "GetConfiguration without keys lists %d", len(all))
	m := cs.call("GetConfiguration", map[string]any{"key": strings.Split("a,b,c,d,e,f,g,h,i", ",")})
	must(t, m.Type == ocpp.CallError && m.Code == "PropertyConstraintViolation", "more than GetConfigurationMaxKeys: %+v", m)

	for _, tt := range []struct{ key, value, want string }{
		{"HeartbeatInterval", "120", "Accepted"},
		{"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Import", "Accepted"},
		{"HeartbeatInterval", "soon", "Rejected"},
		{"MeterValuesSampledData", "Volts", "Rejected"},
		{"MeterValuesSampledData", "Voltage,SoC,Temperature,Frequency,RPM,Current.Offered,Power.Offered", "Rejected"}, // MaxLength 6
		{"GetConfigurationMaxKeys", "20", "Rejected"},                                                                 // read-only
		{"com_ProtCh", "ETH", "RebootRequired"},
		{"NoSuchKey", "1", "NotSupported"},
	} {
		got := result(t, cs.call("ChangeConfiguration", map[string]any{"key": tt.key, "value": tt.value}))["status"]
		must(t, got == tt.want, "ChangeConfiguration %s=%s: %v, want %s", tt.key, tt.value, got, tt.want)
	}
	vals, _ = configValues(t, cs.call("GetConfiguration", map[string]any{"key": []string{"HeartbeatInterval"}}))
	must(t, vals["HeartbeatInterval"] == "120", "working memory %v", vals)
	m = cs.call("ChangeConfiguration", map[string]any{"key": "HeartbeatInterval"})
	must(t, m.Type == ocpp.CallError && m.Code == "OccurenceConstraintViolation", "missing value: %+v", m)
	m = cs.call("ChangeConfiguration", map[string]any{"key": strings.Repeat("k", 51), "value": "1"})
	must(t, m.Type == ocpp.CallError, "a key longer than OCPP's CiString50 accepted: %+v", m)
	m = cs.call("ChangeConfiguration", map[string]any{"key": 5, "value": "1"})
	must(t, m.Type == ocpp.CallError && m.Code == "TypeConstraintViolation", "wrong type: %+v", m)

	// The same flash as the cable: saved values are in the state.
	deadline := time.Now().Add(5 * time.Second)
	for c.State().Values["HeartbeatInterval"] != "120" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	must(t, c.State().Values["HeartbeatInterval"] == "120", "not saved to flash")
}

func TestOCPPResetReconnects(t *testing.T) {
	cs := newCentralSystem(t)
	opts := fast()
	opts.SaveDelay = time.Hour // only the reset's orderly shutdown saves
	c, cp := startOCPP(t, cs, opts, OCPPOptions{})
	cs.waitConnect(5 * time.Second)
	cs.waitCall("BootNotification", 5*time.Second)
	must(t, result(t, cs.call("ChangeConfiguration", map[string]any{"key": "com_ProtCh", "value": "ETH"}))["status"] == "RebootRequired", "status")
	for _, typ := range []string{"Soft", "Hard"} {
		must(t, result(t, cs.call("Reset", map[string]any{"type": typ}))["status"] == "Accepted", "reset")
		cs.waitConnect(5 * time.Second)
		cs.waitCall("BootNotification", 5*time.Second)
	}
	vals, _ := configValues(t, cs.call("GetConfiguration", map[string]any{"key": []string{"com_ProtCh"}}))
	must(t, vals["com_ProtCh"] == "ETH", "reboot-required value after reset: %v", vals)
	must(t, c.State().Values["com_ProtCh"] == "ETH", "not in flash")
	must(t, cp.Status().Connects == 3, "connects %d", cp.Status().Connects)
	m := cs.call("Reset", map[string]any{"type": "Later"})
	must(t, m.Type == ocpp.CallError, "bad reset type answered %+v", m)
}

// firmwareServer serves img at /fw.bin, failing the first fails requests.
func firmwareServer(t *testing.T, img []byte, fails int) (string, *int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		fail := n <= fails
		mu.Unlock()
		if fail {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write(img)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/fw.bin", &n
}

func statuses(t *testing.T, cs *centralSystem, until ...string) []string {
	t.Helper()
	var got []string
	for {
		p := cs.waitCall("FirmwareStatusNotification", 10*time.Second)
		st := p["status"].(string)
		got = append(got, st)
		for _, u := range until {
			if st == u {
				return got
			}
		}
	}
}

func TestOCPPUpdateFirmware(t *testing.T) {
	cs := newCentralSystem(t)
	c, _ := startOCPP(t, cs, fast(), OCPPOptions{RetryInterval: 10 * time.Millisecond})
	cs.waitCall("BootNotification", 5*time.Second)
	url, tries := firmwareServer(t, image("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC", 4000), 2)
	res := cs.call("UpdateFirmware", map[string]any{"location": url, "retrieveDate": time.Now().UTC().Format(time.RFC3339), "retries": 3, "retryInterval": 0})
	must(t, res.Type == ocpp.CallResult, "UpdateFirmware answered %+v", res)
	got := statuses(t, cs, "Installing", "InstallationFailed", "DownloadFailed")
	must(t, strings.Join(got, ",") == "Downloading,Downloaded,Installing", "statuses %v", got)
	must(t, *tries == 3, "downloads %d, want 2 failures and a success", *tries)
	boot := cs.waitCall("BootNotification", 10*time.Second)
	must(t, boot["firmwareVersion"] == "V32R17", "booted %v", boot["firmwareVersion"])
	must(t, cs.waitCall("FirmwareStatusNotification", 5*time.Second)["status"] == "Installed", "no Installed")
	must(t, c.State().Firmware == "V32R17", "flash %s", c.State().Firmware)
}

func TestOCPPUpdateFirmwareRefused(t *testing.T) {
	for _, tt := range []struct {
		name, header string
		fails        int
		want         string
	}{
		{"downgrade", "ECCFW/1 version=V31R2 models=EVC5", 0, "InstallationFailed"},
		{"same", "ECCFW/1 version=V32R16 models=EVC5", 0, "InstallationFailed"},
		{"family", "ECCFW/1 version=V33R1 models=EVC4", 0, "InstallationFailed"},
		{"header", "NOT FIRMWARE", 0, "InstallationFailed"},
		{"download", "ECCFW/1 version=V33R1 models=EVC5", 100, "DownloadFailed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := newCentralSystem(t)
			c, _ := startOCPP(t, cs, fast(), OCPPOptions{})
			cs.waitCall("BootNotification", 5*time.Second)
			url, _ := firmwareServer(t, image(tt.header, 1000), tt.fails)
			cs.call("UpdateFirmware", map[string]any{"location": url, "retrieveDate": time.Now().UTC().Format(time.RFC3339), "retries": 1, "retryInterval": 0})
			got := statuses(t, cs, "Installing", "InstallationFailed", "DownloadFailed")
			must(t, got[len(got)-1] == tt.want, "statuses %v, want %s last", got, tt.want)
			must(t, c.State().Firmware == DefaultFirmware, "flash %s", c.State().Firmware)
		})
	}
}

func TestOCPPFaults(t *testing.T) {
	t.Run("drop", func(t *testing.T) {
		cs := newCentralSystem(t)
		_, cp := startOCPP(t, cs, fast(), OCPPOptions{DropAfter: 1})
		cs.waitConnect(5 * time.Second)
		cs.waitCall("BootNotification", 5*time.Second)
		_, err := cs.tryCall("GetConfiguration", map[string]any{}, 500*time.Millisecond)
		must(t, err != nil, "the dropped call was answered")
		cs.waitConnect(5 * time.Second) // reconnects; same boot: no new BootNotification
		must(t, result(t, cs.call("GetConfiguration", map[string]any{"key": []string{"HeartbeatInterval"}})) != nil, "after reconnect")
		must(t, cp.Status().Connects == 2, "connects %d", cp.Status().Connects)
		cp.Drop()
		cs.waitConnect(5 * time.Second)
	})
	t.Run("delay", func(t *testing.T) {
		cs := newCentralSystem(t)
		startOCPP(t, cs, fast(), OCPPOptions{ReplyDelay: 300 * time.Millisecond})
		cs.waitCall("BootNotification", 5*time.Second)
		start := time.Now()
		cs.call("GetConfiguration", map[string]any{"key": []string{"HeartbeatInterval"}})
		must(t, time.Since(start) >= 300*time.Millisecond, "reply after %v", time.Since(start))
	})
	t.Run("reject", func(t *testing.T) {
		cs := newCentralSystem(t)
		c, cp := startOCPP(t, cs, fast(), OCPPOptions{RejectKeys: []string{"HeartbeatInterval"}})
		cs.waitCall("BootNotification", 5*time.Second)
		must(t, result(t, cs.call("ChangeConfiguration", map[string]any{"key": "HeartbeatInterval", "value": "60"}))["status"] == "Rejected", "not rejected")
		must(t, c.Command("ocpp-accept HeartbeatInterval") == "ok", "control")
		must(t, result(t, cs.call("ChangeConfiguration", map[string]any{"key": "HeartbeatInterval", "value": "60"}))["status"] == "Accepted", "not accepted again")
		cp.Reject("MeterValueSampleInterval", true)
		must(t, result(t, cs.call("ChangeConfiguration", map[string]any{"key": "MeterValueSampleInterval", "value": "60"}))["status"] == "Rejected", "runtime reject")
	})
	t.Run("power", func(t *testing.T) {
		cs := newCentralSystem(t)
		c, _ := startOCPP(t, cs, fast(), OCPPOptions{})
		cs.waitConnect(5 * time.Second)
		cs.waitCall("BootNotification", 5*time.Second)
		c.PowerCycle()
		cs.waitConnect(5 * time.Second)
		cs.waitCall("BootNotification", 5*time.Second)
	})
}

func TestOCPPOverTLS(t *testing.T) {
	cs := newTLSCentralSystem(t)
	pool := x509.NewCertPool()
	pool.AddCert(cs.srv.Certificate())
	startOCPP(t, cs, fast(), OCPPOptions{RootCAs: pool})
	cs.waitConnect(5 * time.Second)
	boot := cs.waitCall("BootNotification", 5*time.Second)
	must(t, boot["chargeBoxSerialNumber"] == DefaultSerial, "boot %v", boot)

	// Without the gateway's certificate the charge point never connects.
	other := newTLSCentralSystem(t)
	startOCPP(t, other, fast(), OCPPOptions{})
	select {
	case <-other.connects:
		t.Fatal("connected to a server whose certificate is not trusted")
	case <-time.After(300 * time.Millisecond):
	}
}
