package model_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/fleetgen"
	"github.com/ecotap-tools/ecc/model"
)

// BenchmarkLoadFleet is `ecc validate DIR` in process (LoadSites of a
// folder) for fleets of 1,000 to 100,000 stations in files of 100, in each
// form: stations written out (HCL, YAML) and CSV inventories (HCL for_each,
// YAML inventory). It reports seconds per load and the heap in use after
// the load (the sites held for planning). The whole process, with its
// peak memory, is measured by cmd/ecc's BenchmarkFleetBinary.
func BenchmarkLoadFleet(b *testing.B) {
	for _, form := range []fleetgen.Form{fleetgen.HCL, fleetgen.YAML, fleetgen.HCLCSV, fleetgen.YAMLCSV} {
		for _, files := range []int{10, 100, 1000} {
			n := files * 100
			b.Run(fmt.Sprintf("%s/%d", form, n), func(b *testing.B) {
				dir := b.TempDir()
				if _, err := fleetgen.Write(dir, fleetgen.Spec{Files: files, Stations: 100, Form: form}); err != nil {
					b.Fatal(err)
				}
				var heap uint64
				for b.Loop() {
					sites, src, diags := model.LoadSites(dir)
					if len(diags) > 0 {
						b.Fatal(model.RenderDiagnostics(diags[:1], src))
					}
					if len(sites) != files {
						b.Fatalf("%d sites", len(sites))
					}
					var ms runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&ms)
					heap = ms.HeapAlloc
					runtime.KeepAlive(sites)
				}
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/load")
				b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
			})
		}
	}
}

// BenchmarkHCLParseFloor measures, in the same run on 100,000 stations in
// 1,000 HCL files, what hclsyntax alone costs (every file parsed, over
// as many goroutines as LoadSites uses, nothing else) against LoadSites
// of the same folder: the floor under `ecc validate` and `ecc plan
// --offline` of a fleet written out in HCL. It reports both times and
// their ratio (x-hclsyntax), with the collector set as ecc validate sets
// it (cmd/ecc tuneGC).
func BenchmarkHCLParseFloor(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(768 << 20))
	dir := b.TempDir()
	if _, err := fleetgen.Write(dir, fleetgen.Spec{Files: 1000, Stations: 100, Form: fleetgen.HCL}); err != nil {
		b.Fatal(err)
	}
	files, _, diags := model.ExpandPaths([]string{dir}, true)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	var parse, load time.Duration
	for b.Loop() {
		runtime.GC() // each starts from the same heap
		t0 := time.Now()
		if err := fleetgen.ParseHCL(files); err != nil {
			b.Fatal(err)
		}
		parse += time.Since(t0)
		runtime.GC()
		t0 = time.Now()
		if _, _, diags := model.LoadSites(dir); diags.HasErrors() {
			b.Fatal(diags)
		}
		load += time.Since(t0)
	}
	b.ReportMetric(parse.Seconds()/float64(b.N), "s/hclsyntax")
	b.ReportMetric(load.Seconds()/float64(b.N), "s/load")
	b.ReportMetric(load.Seconds()/parse.Seconds(), "x-hclsyntax")
}
