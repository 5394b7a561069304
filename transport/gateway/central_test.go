package gateway_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// rawStation is a bare WebSocket client; frames it receives are read by
// one goroutine (a Read whose context ends would close the connection).
type rawStation struct {
	c  *websocket.Conn
	in chan []byte

	mu      sync.Mutex
	readErr error // why reading ended, once in is closed
}

// err is why the connection's reading ended (after in is closed).
func (r *rawStation) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.readErr
}

func dialRaw(t *testing.T, url string) *rawStation {
	t.Helper()
	c, _, err := websocket.Dial(ctxT(t), url, &websocket.DialOptions{Subprotocols: []string{ocpp.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	t.Cleanup(func() { c.CloseNow() })
	r := &rawStation{c: c, in: make(chan []byte, 16)}
	go func() {
		defer close(r.in)
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				r.mu.Lock()
				r.readErr = err
				r.mu.Unlock()
				return
			}
			r.in <- b
		}
	}()
	return r
}

func roundTrip(t *testing.T, r *rawStation, frame string) (ocpp.Frame, bool) {
	t.Helper()
	if err := r.c.Write(ctxT(t), websocket.MessageText, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	var b []byte
	select {
	case b = <-r.in:
		if b == nil {
			t.Fatal("connection closed")
		}
	case <-time.After(300 * time.Millisecond):
		return ocpp.Frame{}, false
	}
	f, err := ocpp.Parse(b)
	var fe *ocpp.FrameError
	if errors.As(err, &fe) && len(fe.ID) > ocpp.MaxIDLen {
		// The CALLERROR to a call whose uniqueId is too long names it.
		var e struct {
			typ      ocpp.MessageType
			id, code string
		}
		var arr []json.RawMessage
		if json.Unmarshal(b, &arr) == nil && len(arr) == 5 && json.Unmarshal(arr[0], &e.typ) == nil &&
			json.Unmarshal(arr[1], &e.id) == nil && json.Unmarshal(arr[2], &e.code) == nil {
			return ocpp.Frame{Type: e.typ, ID: e.id, Code: ocpp.ErrorCode(e.code)}, true
		}
	}
	if err != nil {
		t.Fatalf("gateway sent a malformed frame %s: %v", b, err)
	}
	return f, true
}

// TestCentralSystemAnswers sends the minimal central system its calls and
// every kind of bad input; each gets the right answer, and the connection
// is kept throughout (a Heartbeat after each still works).
func TestCentralSystemAnswers(t *testing.T) {
	e := start(t, gateway.Options{MaxMessage: 4096})
	c := dialRaw(t, e.ws+"CB9")
	tests := []struct {
		name, frame string
		typ         ocpp.MessageType // 0: no answer
		code        ocpp.ErrorCode
		id          string
	}{
		{"boot", `[2,"b1","BootNotification",{"chargePointVendor":"Ecotap","chargePointModel":"EVC5.1","chargeBoxSerialNumber":"S9"}]`, ocpp.CallResult, "", "b1"},
		{"heartbeat", `[2,"h1","Heartbeat",{}]`, ocpp.CallResult, "", "h1"},
		{"status", `[2,"s1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]`, ocpp.CallResult, "", "s1"},
		{"firmware status", `[2,"f1","FirmwareStatusNotification",{"status":"Idle"}]`, ocpp.CallResult, "", "f1"},
		{"diagnostics status", `[2,"d1","DiagnosticsStatusNotification",{"status":"Idle"}]`, ocpp.CallResult, "", "d1"},
		{"meter values", `[2,"m1","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-12-02T10:00:00Z","sampledValue":[{"value":"1"}]}]}]`, ocpp.CallResult, "", "m1"},
		{"unknown action", `[2,"u1","Authorize",{"idTag":"x"}]`, ocpp.CallError, ocpp.NotImplemented, "u1"},
		{"made-up action", `[2,"u2","Explode",{}]`, ocpp.CallError, ocpp.NotImplemented, "u2"},
		{"not JSON", `[2,"j1","Heartbeat",{`, ocpp.CallError, ocpp.FormationViolation, "j1"},
		{"not an array", `{"hello":1}`, ocpp.CallError, ocpp.FormationViolation, "-1"},
		{"payload not an object", `[2,"p1","Heartbeat",[]]`, ocpp.CallError, ocpp.FormationViolation, "p1"},
		{"missing field", `[2,"r1","BootNotification",{"chargePointVendor":"E"}]`, ocpp.CallError, ocpp.OccurenceConstraintViolation, "r1"},
		{"wrong type", `[2,"t1","BootNotification",{"chargePointVendor":"E","chargePointModel":7}]`, ocpp.CallError, ocpp.TypeConstraintViolation, "t1"},
		{"bad enum", `[2,"e1","FirmwareStatusNotification",{"status":"Exploded"}]`, ocpp.CallError, ocpp.PropertyConstraintViolation, "e1"},
		{"too long", `[2,"l1","BootNotification",{"chargePointVendor":"E","chargePointModel":"` + strings.Repeat("M", 51) + `"}]`, ocpp.CallError, ocpp.PropertyConstraintViolation, "l1"},
		{"oversized", `[2,"o1","DataTransfer",{"vendorId":"x","data":"` + strings.Repeat("x", 10000) + `"}]`, ocpp.CallError, ocpp.FormationViolation, "o1"},
		{"result to nothing", `[3,"zz",{}]`, 0, "", ""},
		{"id too long", `[2,"` + strings.Repeat("i", 40) + `","Heartbeat",{}]`, ocpp.CallError, ocpp.FormationViolation, strings.Repeat("i", 40)},
		{"id too long, not JSON", `[2,"` + strings.Repeat("k", 40) + `","Heartbeat",{`, ocpp.CallError, ocpp.FormationViolation, strings.Repeat("k", 40)},
		{"id too long, oversized", `[2,"` + strings.Repeat("q", 40) + `","DataTransfer",{"vendorId":"x","data":"` + strings.Repeat("x", 10000) + `"}]`, ocpp.CallError, ocpp.FormationViolation, strings.Repeat("q", 40)},
	}
	for _, tt := range tests {
		f, ok := roundTrip(t, c, tt.frame)
		switch {
		case tt.typ == 0 && ok:
			t.Errorf("%s: answered %+v", tt.name, f)
		case tt.typ != 0 && !ok:
			t.Errorf("%s: no answer", tt.name)
		case ok && (f.Type != tt.typ || f.Code != tt.code || f.ID != tt.id):
			t.Errorf("%s: got %d %s %q (%s), want %d %s %q", tt.name, f.Type, f.Code, f.ID, f.Description, tt.typ, tt.code, tt.id)
		}
		if f, ok := roundTrip(t, c, `[2,"alive","Heartbeat",{}]`); !ok || f.Type != ocpp.CallResult {
			t.Fatalf("after %s: connection not kept", tt.name)
		}
	}
}

// TestBadAnswersToEccsCalls: a station answering one of ecc's calls with
// a payload that breaks the schema, a malformed frame or a CALLERROR
// fails that call with a clear error; the connection is kept.
func TestBadAnswersToEccsCalls(t *testing.T) {
	e := start(t, gateway.Options{MaxMessage: 4096, CallTimeout: 2 * time.Second})
	r := dialRaw(t, e.ws+"CB7")
	if f, ok := roundTrip(t, r, `[2,"b1","BootNotification",{"chargePointVendor":"E","chargePointModel":"EVC5.1","chargeBoxSerialNumber":"S7"}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("boot not confirmed")
	}
	answers := []struct{ answer, want string }{
		{`[3,"%s",{"configurationKey":[{"key":"GetConfigurationMaxKeys","readonly":"yes"}]}]`, "TypeConstraintViolation"},
		{`[3,"%s",{"configurationKey":[{"key":"GetConfigurationMaxKeys","readonly":true,"value":"2"}],"extra":1}]`, "FormationViolation"},
		{`[3,"%s",{"configurationKey":`, "malformed answer"},
		{`[3,"%s",{"x":"` + strings.Repeat("y", 5000) + `"}]`, "oversized answer"},
		{`[4,"%s","InternalError","station is unhappy",{}]`, "InternalError: station is unhappy"},
	}
	for _, a := range answers {
		done := make(chan error, 1)
		go func() {
			_, err := e.api.Station("CB7").Hello(context.Background())
			done <- err
		}()
		var call ocpp.Frame
		select {
		case b := <-r.in:
			f, err := ocpp.Parse(b)
			if err != nil || f.Type != ocpp.Call || f.Action != ocpp.ActionGetConfiguration {
				t.Fatalf("expected ecc's GetConfiguration, got %s", b)
			}
			call = f
		case <-time.After(5 * time.Second):
			t.Fatal("no call from ecc")
		}
		if err := r.c.Write(ctxT(t), websocket.MessageText, []byte(strings.Replace(a.answer, "%s", call.ID, 1))); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err == nil || !strings.Contains(err.Error(), a.want) {
			t.Fatalf("answer %.60s: err = %v, want %q", a.answer, err, a.want)
		}
	}
	if f, ok := roundTrip(t, r, `[2,"h1","Heartbeat",{}]`); !ok || f.Type != ocpp.CallResult {
		t.Fatal("connection not kept")
	}
}
