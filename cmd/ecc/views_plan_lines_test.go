package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

func TestPlanSummaryLine(t *testing.T) {
	st := func(changes int, up bool, blocked bool) *plan.Station {
		s := &plan.Station{Changes: make([]plan.Change, changes)}
		if up {
			s.Firmware.Action = plan.FirmwareUpgrade
		}
		if blocked {
			s.Errors = []plan.Problem{{Message: "x"}}
		}
		return s
	}
	gateway := st(1, false, false)
	gateway.LeftForGateway = []plan.GatewayKey{{Key: "HeartbeatInterval", Value: "120"}, {Key: "MeterValuesSampledData", Value: "Power.Active.Import"}}
	for _, tc := range []struct {
		stations []*plan.Station
		want     string
	}{
		{[]*plan.Station{st(0, false, false)}, "No changes. The controller matches the site file."},
		{[]*plan.Station{st(0, false, false), st(0, false, false)}, "No changes. All 2 controllers match the site files."},
		{[]*plan.Station{st(1, false, false)}, "Plan: 1 station, 1 change, 0 firmware upgrades."},
		{[]*plan.Station{st(3, true, false), st(4, false, false), st(0, false, false)}, "Plan: 3 stations, 7 changes, 1 firmware upgrade."},
		{[]*plan.Station{st(0, true, false), st(2, true, false)}, "Plan: 2 stations, 2 changes, 2 firmware upgrades."},
		{[]*plan.Station{st(0, false, true)}, "Plan: 1 station, 0 changes, 0 firmware upgrades."},
		{[]*plan.Station{gateway}, "Plan: 1 station, 1 change, 0 firmware upgrades. 2 ocpp keys left for the gateway (ocpp blocks: plan over OCPP to apply them)."},
	} {
		if got := planSummaryLine(&plan.Plan{Stations: tc.stations}); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestAgo(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{500 * time.Millisecond, "just now"},
		{-time.Minute, "just now"}, // a clock behind the controller's
		{10 * time.Second, "10 seconds ago"},
		{time.Second, "1 second ago"},
		{time.Minute, "1 minute ago"},
		{59 * time.Minute, "59 minutes ago"},
		{5 * time.Hour, "5 hours ago"},
		{47 * time.Hour, "47 hours ago"},
		{3*24*time.Hour + 2*time.Hour, "3 days ago"},
	} {
		if got := ago(sampleAt.Add(-tc.d), sampleAt); got != tc.want {
			t.Errorf("ago(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 11, 21, 10, 2, 0, 0, time.UTC), "snapshot taken 3 days ago (2026-11-21 10:02 UTC)"},
		{time.Time{}, "snapshot of unknown age"}, // a snapshot without observed_at
	} {
		s := &plan.Station{ObservedAt: tc.at, FromSnapshot: true}
		if got := snapshotNote(s, time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)); got != tc.want {
			t.Errorf("snapshotNote(%v) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

// TestPlanViewsKnownAtApply: a value known at apply and a station to
// commission, as the text and markdown views say them (their data:
// plan's TestKnownAtApply).
func TestPlanViewsKnownAtApply(t *testing.T) {
	deferred := []plan.Deferred{{Key: "authorizationKey", Secret: &model.SecretRef{Kind: "env", Name: "ECC_AUTH"}, RebootRequired: true}}
	p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: sampleAt, Offline: true, Stations: []*plan.Station{
		{Name: "cp-01", Serial: "G10000", ObservedAt: sampleAt.Add(-72 * time.Hour), FromSnapshot: true, Fingerprint: sampleFP,
			Firmware: plan.Firmware{Current: "V32R16", Action: plan.FirmwareNone},
			Changes:  []plan.Change{{Key: "chg_StationMaxCurrent", Action: plan.ActionUpdate, Before: "32", After: "25"}}, KnownAtApply: deferred},
		{Name: "cp-02", Serial: "G10001", ToCommission: true, Firmware: plan.Firmware{Action: plan.FirmwareNone},
			Changes: []plan.Change{{Key: "chg_StationMaxCurrent", Action: plan.ActionSet, After: "25"}}, KnownAtApply: deferred},
	}}
	for _, tc := range []struct {
		name   string
		render planRenderFunc
		want   []string
	}{
		{"text", renderPlanText, []string{`? authorizationKey: (known at apply) from env("ECC_AUTH")`, "2 values known at apply.",
			"snapshot taken 3 days ago", commissionNote, "1 to commission"}},
		{"markdown", renderPlanMarkdown, []string{"| `authorizationKey` |  | *(known at apply)* |", "1 known at apply", "Never read"}},
	} {
		var buf bytes.Buffer
		mustRenderPlan(t, tc.render, &buf, p)
		for _, w := range tc.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s: no %q in\n%s", tc.name, w, buf.String())
			}
		}
	}
}

// TestPlanViewsShowNoSecret: no view prints a sensitive change's value,
// wherever the plan holds it.
func TestPlanViewsShowNoSecret(t *testing.T) {
	const key, apn, oldAPN = "cp01:Sup3rS3cret", "m2m.example,user,Apn-Pa55", "m2m.example,user,0ld-Pa55"
	auth := plan.Change{Key: "authorizationKey", Action: plan.ActionSet, Sensitive: true, After: key,
		Secret: &model.SecretRef{Kind: "env", Name: "ECC_AUTH"}, SecretHash: sampleFP}
	auth.SetValue(key)
	gsm := plan.Change{Key: "gsm_APN", Action: plan.ActionUpdate, Sensitive: true, Before: oldAPN, After: apn,
		Secret: &model.SecretRef{Kind: "file", Name: "secrets/apn"}, SecretHash: sampleFP}
	gsm.SetValue(apn)
	p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: sampleAt, Stations: []*plan.Station{{
		Name: "cp-01", Serial: "G10000", ObservedAt: sampleAt, Fingerprint: sampleFP,
		Firmware: plan.Firmware{Current: "V32R17", Action: plan.FirmwareNone}, Changes: []plan.Change{auth, gsm},
	}}}
	for name, r := range map[string]planRenderFunc{"text": renderPlanText, "json": renderPlanJSON, "markdown": renderPlanMarkdown} {
		var buf bytes.Buffer
		mustRenderPlan(t, r, &buf, p)
		for _, s := range []string{key, apn, oldAPN, "Sup3rS3cret", "Pa55"} {
			if strings.Contains(buf.String(), s) {
				t.Errorf("%s view shows a secret (%q):\n%s", name, s, buf.String())
			}
		}
	}
}

// inOrder writes every item once, in order, however the chunks rendered
// in parallel finish; after a failed write it still returns (draining the
// chunks under way) with that error.
func TestInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 5000} {
		var want strings.Builder
		for i := range n {
			fmt.Fprintf(&want, "item %d\n", i)
		}
		var got bytes.Buffer
		err := inOrder(&got, n, func(b *bytes.Buffer, i int) {
			if i%700 == 0 { // later chunks finish first
				time.Sleep(time.Millisecond)
			}
			fmt.Fprintf(b, "item %d\n", i)
		})
		if err != nil || got.String() != want.String() {
			t.Errorf("n=%d: err %v, output in order: %v", n, err, got.String() == want.String())
		}
	}
	fail := errors.New("disk full")
	w := &failingWriter{after: 3, err: fail}
	if err := inOrder(w, 5000, func(b *bytes.Buffer, i int) { b.WriteString("x\n") }); !errors.Is(err, fail) || w.writes != 3 {
		t.Errorf("err %v after %d writes", err, w.writes)
	}
}

type failingWriter struct {
	writes, after int
	err           error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.writes == w.after {
		return 0, w.err
	}
	w.writes++
	return len(p), nil
}
