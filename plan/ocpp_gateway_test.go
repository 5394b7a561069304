package plan

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/sim"
)

// TestOCPPBlockThroughGateway: one simulated controller, on its service
// cable (a real pty and go.bug.st/serial) and as an OCPP charge point of a
// real ecc gateway (WebSockets on 127.0.0.1). Over OCPP the ocpp block's
// key is planned and written; over the cable it is left for the gateway
// (until the cable, reading the station's block, sees it held),
// and the cable refuses to write it before sending anything.
func TestOCPPBlockThroughGateway(t *testing.T) {
	inst := startSim(t, sim.Options{StateFile: filepath.Join(t.TempDir(), "c.json"), NoThrottle: true,
		BootDelay: sim.NoDelay, BannerLineDelay: sim.NoDelay, SaveDelay: 10 * time.Millisecond})
	const token = "test-token"
	gw := gateway.New(gateway.Options{Token: token, CallTimeout: 5 * time.Second, BootTimeout: 10 * time.Second})
	srv := httptest.NewServer(gw)
	t.Cleanup(func() { srv.Close(); gw.Close() })
	host := strings.TrimPrefix(srv.URL, "http://")
	cp, err := inst.ConnectOCPP(sim.OCPPOptions{URL: "ws://" + host + "/ocpp/CP01", ReconnectDelay: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	remote, err := transport.OpenOCPP("ocpp://"+host+"/CP01", transport.GatewayOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	for !cp.Status().Accepted { // the station's BootNotification reached the gateway
		if ctx.Err() != nil {
			t.Fatal("the charge point never booted at the gateway")
		}
		time.Sleep(20 * time.Millisecond)
	}

	hb, _ := model.LookupOCPP("HeartbeatInterval")
	v, _ := hb.Decode("120")
	st := &model.Station{Name: "cp-01", Serial: sim.DefaultSerial,
		OCPP: []model.Setting{{Key: "HeartbeatInterval", Value: v, Layer: "station", Range: rng(17)}}}

	// Over OCPP: planned like any other key, and written.
	o, err := Observe(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	ps := ComputeStation(st, o, nil)
	if ps.Blocked() || len(ps.Changes) != 1 || ps.Changes[0].Key != "HeartbeatInterval" || ps.Changes[0].Before != "300" {
		t.Fatalf("over OCPP: changes %+v, errors %+v", ps.Changes, ps.Errors)
	}
	status, err := remote.Set(ctx, map[string]string{"HeartbeatInterval": "120"})
	if err != nil || status["HeartbeatInterval"] != transport.Accepted {
		t.Fatalf("ChangeConfiguration over OCPP: %v %v", status, err)
	}

	// Over the cable: left for the gateway, and refused before sending.
	c, err := connectReal(t.TempDir())(ctx, inst.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	o, err = Observe(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	ps = ComputeStation(st, o, nil)
	if ps.Blocked() || len(ps.Changes) != 0 || len(ps.LeftForGateway) != 1 {
		t.Fatalf("over the cable: changes %+v, left %+v, errors %+v", ps.Changes, ps.LeftForGateway, ps.Errors)
	}
	// Read with its station, the cable sees the block held (set over
	// OCPP above): nothing is left for the gateway.
	if o, err = ObserveStation(ctx, c, st); err != nil {
		t.Fatal(err)
	}
	if ps = ComputeStation(st, o, nil); ps.Blocked() || len(ps.Changes) != 0 || len(ps.LeftForGateway) != 0 {
		t.Fatalf("over the cable, read with the station: changes %+v, left %+v, errors %+v", ps.Changes, ps.LeftForGateway, ps.Errors)
	}
	var refused *transport.WriteRefusedError
	if _, err := c.Set(ctx, map[string]string{"HeartbeatInterval": "60"}); !errors.As(err, &refused) {
		t.Fatalf("the cable wrote a backend-only key: %v", err)
	}
	for inst.State().Values["HeartbeatInterval"] != "120" && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond) // the flash write follows the reply
	}
	if got := inst.State().Values["HeartbeatInterval"]; got != "120" {
		t.Errorf("flash has HeartbeatInterval %q, want the OCPP write's 120", got)
	}
}
