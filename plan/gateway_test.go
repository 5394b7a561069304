package plan

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

// TestBuildGatewayLocatesBySerial: with Gateway, each station is read on
// the port Locate gives for its serial (its own port ignored); one the
// gateway does not hold is not reachable and the others go on.
func TestBuildGatewayLocatesBySerial(t *testing.T) {
	dir := t.TempDir()
	site := fleet(dir, 3, func(i int) []model.Setting {
		return []model.Setting{setting(t, "chg_StationMaxCurrent", "25")}
	})
	fs := fakes{}
	for i, serial := range []string{"G10000", "G10002"} {
		f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32"})
		f.id.Serial = serial
		fs["ocpp://gw:8180/CB"+string(rune('A'+i))] = f
	}
	locate := func(ctx context.Context, gw string) (map[string][]string, error) {
		if gw != "gw:8180" {
			return nil, errors.New("wrong gateway")
		}
		return map[string][]string{"G10000": {"ocpp://gw:8180/CBA"}, "G10002": {"ocpp://gw:8180/CBB"}}, nil
	}
	opts := Options{Gateway: "gw:8180", Locate: locate, Connect: fs.connect, Parallelism: 8, Now: func() time.Time { return t0 }}
	p, err := Build(context.Background(), []*model.Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stations) != 3 {
		t.Fatalf("%d stations", len(p.Stations))
	}
	for i, want := range []string{"ocpp://gw:8180/CBA", "", "ocpp://gw:8180/CBB"} {
		ps := p.Stations[i]
		if ps.Port != want {
			t.Errorf("%s: port %q, want %q", ps.Name, ps.Port, want)
		}
		blocked := len(ps.Errors) > 0
		if blocked != (want == "") {
			t.Errorf("%s: errors %+v", ps.Name, ps.Errors)
		}
		if want == "" && !strings.Contains(ps.Errors[0].Message, "not reachable: serial G10001 is not connected to the gateway gw:8180") {
			t.Errorf("%s: %s", ps.Name, ps.Errors[0].Message)
		}
	}
	if _, err := Build(context.Background(), []*model.Site{site}, Options{Gateway: "gw:8180", Port: "/dev/x", Locate: locate, Connect: fs.connect}); err == nil {
		t.Fatal("--gateway with --port accepted")
	}
}

// TestBuildGatewaySerialTwice: two connections to the gateway report one
// serial (a station re-commissioned under a new CHARGEBOXID whose old
// connection is not yet noticed gone, or two boxes, one reporting the
// wrong serial). The station is planned on the later connection, as
// before, and the plan now says so and names the other: before, it chose
// silently, and an apply could configure a box nobody looked at.
func TestBuildGatewaySerialTwice(t *testing.T) {
	site := fleet(t.TempDir(), 1, func(int) []model.Setting { return []model.Setting{setting(t, "chg_StationMaxCurrent", "25")} })
	fs := fakes{}
	for _, port := range []string{"ocpp://gw:8180/CB-NEW", "ocpp://gw:8180/CB-OLD"} {
		f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32"})
		f.id.Serial = "G10000"
		fs[port] = f
	}
	locate := func(context.Context, string) (map[string][]string, error) {
		return map[string][]string{"G10000": {"ocpp://gw:8180/CB-NEW", "ocpp://gw:8180/CB-OLD"}}, nil
	}
	p, err := Build(context.Background(), []*model.Site{site}, Options{Gateway: "gw:8180", Locate: locate, Connect: fs.connect, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	s := p.Stations[0]
	if s.Port != "ocpp://gw:8180/CB-NEW" || s.Blocked() || len(s.Changes) != 1 {
		t.Fatalf("%+v", s)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "ocpp://gw:8180/CB-OLD") || !strings.Contains(s.Warnings[0], "G10000") {
		t.Errorf("warnings %q", s.Warnings)
	}
}
