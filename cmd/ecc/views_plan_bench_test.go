package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/plan"
)

// BenchmarkRenderText100000 is the text view of a plan of 100,000
// stations, each with a snapshot note and one change, as `ecc plan
// --offline` prints a large fleet's.
func BenchmarkRenderText100000(b *testing.B) {
	p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: sampleAt, Offline: true}
	for i := range 100000 {
		p.Stations = append(p.Stations, &plan.Station{
			Name: fmt.Sprintf("cp-%06d", i), Serial: fmt.Sprintf("G%07d", 1000000+i), Model: "EVC5.1",
			ObservedAt: sampleAt.Add(-17 * time.Hour), FromSnapshot: true, Fingerprint: sampleFP,
			Firmware: plan.Firmware{Current: "V32R17", Action: plan.FirmwareNone},
			Changes:  []plan.Change{{Key: "chg_StationMaxCurrent", Action: plan.ActionUpdate, Before: "15", After: "16"}},
			Errors:   []plan.Problem{},
		})
	}
	var n int64
	for b.Loop() {
		cw := &countingWriter{}
		if err := renderPlanText(cw, p, planRenderOptions{}); err != nil {
			b.Fatal(err)
		}
		n = cw.n
	}
	b.SetBytes(n)
}

// countingWriter counts what is written to it, and writes nothing.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
