package gateway_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

// TestTwoInstancesOneFleet: two gateway instances share a Registry; ecc
// asks the one that does not hold the station, is told the holder (421)
// and follows it, for reads, writes, a reset and a firmware update.
func TestTwoInstancesOneFleet(t *testing.T) {
	reg := gateway.NewLocalRegistry() // stands for a shared engine (etcd, Redis)
	var addrs [2]string
	for i := range addrs {
		srv := httptest.NewUnstartedServer(nil)
		addrs[i] = srv.Listener.Addr().String()
		gw := gateway.New(gateway.Options{Token: token, Registry: reg, Instance: addrs[i]})
		srv.Config.Handler = gw
		srv.Start()
		t.Cleanup(func() { gw.Close(); srv.Close() })
	}
	cp := ocpptest.New("ws://"+addrs[1]+"/ocpp/", "CB1", "S1", "V32R17")
	cp.NewFirmware = "V32R18"
	if err := cp.Connect(ctxT(t), true); err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	api, err := transport.NewGatewayClient(addrs[0], transport.GatewayOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	c := api.Station("CB1")
	id, err := c.Hello(ctxT(t))
	if err != nil || id.Serial != "S1" {
		t.Fatalf("hello through the other instance: %+v %v", id, err)
	}
	if _, err := c.Set(ctxT(t), map[string]string{"HeartbeatInterval": "90"}); err != nil || cp.Get("HeartbeatInterval") != "90" {
		t.Fatalf("set: %v", err)
	}
	image := bytes.Repeat([]byte{7}, 2048)
	sum := sha256.Sum256(image)
	if err := c.FirmwareTransfer(ctxT(t), transport.FirmwareImage{Version: "V32R18", Data: image, SHA256: hex.EncodeToString(sum[:])}, nil); err != nil {
		t.Fatal(err)
	}
	if id, err := c.FirmwareCommit(ctxT(t), nil); err != nil || id.Firmware != "V32R18" {
		t.Fatalf("firmware through the holder: %+v %v", id, err)
	}
	// A station no instance holds is not connected.
	_, err = api.Station("NOPE").Hello(ctxT(t))
	var ge *transport.GatewayCallError
	if !errors.As(err, &ge) || !ge.NotConnected() {
		t.Fatalf("unknown station: %v", err)
	}
}
