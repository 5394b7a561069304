package gateway_test

import (
	"context"
	"testing"

	"github.com/ecotap-tools/ecc/transport/gateway"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

// BenchmarkGetOverTheGateway is one control API read of 8 keys (two
// GetConfiguration calls of 4) of a station on 127.0.0.1: the gateway's
// own cost per call, without network latency.
func BenchmarkGetOverTheGateway(b *testing.B) {
	e := start(b, gateway.Options{})
	cp := ocpptest.New(e.ws, "CB1", "S1", "V32R17")
	if err := cp.Connect(context.Background(), true); err != nil {
		b.Fatal(err)
	}
	defer cp.Close()
	c := e.api.Station("CB1")
	keys := []string{"HeartbeatInterval", "chg_StationMaxCurrent", "NumberOfConnectors", "a", "b", "c", "d", "e"}
	if _, _, err := c.Get(context.Background(), keys); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := c.Get(context.Background(), keys); err != nil {
			b.Fatal(err)
		}
	}
}
