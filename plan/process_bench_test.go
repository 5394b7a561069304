package plan

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport/sim"
)

// TestMain removes the ecc binary the benchmark builds.
func TestMain(m *testing.M) { os.Exit(ecctest.Run(m)) }

// BenchmarkPlanProcess115200 times what a user waits for: the whole `ecc
// plan` process (start, load the site file, open the port, hello, pipelined
// gets, snapshot, render, exit) against the simulator throttled to 115200
// baud, as a ratio of the least protocol work's wire time (hello plus
// pipelined gets of the editable keys, both directions ÷ 11,520 B/s).
func BenchmarkPlanProcess115200(b *testing.B) {
	dir := b.TempDir()
	bin := ecctest.Binary(b)
	site := filepath.Join(dir, "site.hcl")
	if err := os.WriteFile(site, []byte(`site "bench" {}
station "cp-01" {
  serial = "G10000"
  settings {
    chg_RatedCurrent      = [16, 16]
    chg_StationMaxCurrent = 25
    com_Options           = { useTLS = 1 }
    authorizationKey      = env("ECC_BENCH_AUTH")
  }
}
`), 0o644); err != nil {
		b.Fatal(err)
	}
	inst := startSim(b, sim.Options{Serial: "G10000", Baud: 115200})
	run := func() {
		cmd := exec.Command(bin, "plan", site, "--port", inst.Path, "--state-dir", filepath.Join(dir, "state"))
		cmd.Env = append(os.Environ(), "ECC_BENCH_AUTH=user:Sup3rS3cret")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ecc plan: %v\n%s", err, out)
		}
	}
	run() // boot the controller and warm the file cache, outside the measurement

	st, err := record.Open(filepath.Join(dir, "state"))
	if err != nil {
		b.Fatal(err)
	}
	snap, err := st.LoadSnapshot("G10000")
	if err != nil || snap == nil {
		b.Fatalf("no snapshot after the first plan: %v", err)
	}
	_, bound := leastPlan(snap)

	b.ResetTimer()
	for b.Loop() {
		run()
	}
	perPlan := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perPlan*1000, "ms/plan")
	b.ReportMetric(bound*1000, "bound-ms")
	b.ReportMetric(perPlan/bound, "x-bound")
}
