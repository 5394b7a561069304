//go:build unix

// The benchmark reads the process's rusage (CPU time, peak memory),
// which Windows does not report so.

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/internal/fleetgen"
	"github.com/ecotap-tools/ecc/model"
)

// BenchmarkFleetBinary runs the real ecc binary, as a user does, on
// generated fleets of 1,000, 10,000 and 100,000 stations (site files of
// 100 stations; also one file of 10,000): `ecc validate DIR` and
// `ecc plan --offline DIR`, stations written out in HCL and YAML and as CSV
// inventories. It reports per run the wall time (s/op), the CPU time of
// the process (cpu-s/op: on a busy machine wall time measures the others
// too) and the peak resident memory of the whole process (peak-MiB); for
// HCL written out, also the wall time over hclsyntax's alone on the same
// files, timed after each run (x-hclsyntax).
// Goal at 100,000 stations: under 2 s and 1 GiB.
func BenchmarkFleetBinary(b *testing.B) {
	bin := ecctest.Binary(b)
	root := b.TempDir()
	type fleet struct {
		files, stations int
	}
	for _, size := range []fleet{{10, 100}, {100, 100}, {1000, 100}, {1, 10000}} {
		n := size.files * size.stations
		// One set of snapshots per size, shared by every form (.ecc is a
		// link): writing 100,000 snapshots takes longer than planning them.
		snaps := filepath.Join(root, fmt.Sprintf("snapshots-%d-%d", size.files, n))
		for _, form := range []fleetgen.Form{fleetgen.HCL, fleetgen.YAML, fleetgen.HCLCSV, fleetgen.YAMLCSV} {
			if size.files == 1 && (form == fleetgen.HCLCSV || form == fleetgen.YAMLCSV) {
				continue
			}
			dir := filepath.Join(root, fmt.Sprintf("%s-%d-%d", form, size.files, n))
			spec := fleetgen.Spec{Files: size.files, Stations: size.stations, Form: form}
			for _, cmd := range []string{"validate", "plan --offline"} {
				b.Run(fmt.Sprintf("%s/%s/%dx%d", cmd, form, size.files, size.stations), func(b *testing.B) {
					if _, err := os.Stat(dir); err != nil {
						if err := writeFleet(dir, snaps, spec); err != nil {
							b.Fatal(err)
						}
					}
					args := []string{"validate", dir}
					if cmd != "validate" {
						args = []string{"plan", "--offline", dir}
					}
					var files []string
					if form == fleetgen.HCL {
						files, _, _ = model.ExpandPaths([]string{dir}, true)
					}
					var cpu, wall, floor time.Duration
					var rss int64
					for b.Loop() {
						t0 := time.Now()
						c := exec.Command(bin, args...)
						if out, err := c.CombinedOutput(); err != nil {
							b.Fatalf("%v: %v\n%.2000s", args, err, out)
						}
						wall += time.Since(t0)
						u := c.ProcessState.SysUsage().(*syscall.Rusage)
						cpu += time.Duration(u.Utime.Nano() + u.Stime.Nano())
						rss = max(rss, u.Maxrss) // KiB on Linux
						if files != nil {
							b.StopTimer()
							floor += parseFloor(b, files)
							b.StartTimer()
						}
					}
					b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
					b.ReportMetric(float64(rss)/1024, "peak-MiB")
					if floor > 0 {
						b.ReportMetric(wall.Seconds()/floor.Seconds(), "x-hclsyntax")
					}
				})
			}
		}
	}
}

// parseFloor times fleetgen.ParseHCL of files, the collector set as ecc
// sets it for a fleet command (tuneGC): the floor under the command just
// run, measured right after it (x-hclsyntax is the command's wall time
// over it).
func parseFloor(b *testing.B, files []string) time.Duration {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(768 << 20))
	runtime.GC()
	t0 := time.Now()
	if err := fleetgen.ParseHCL(files); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0)
}

// writeFleet writes a fleet into dir with its .ecc linked to snaps
// (written on first use).
func writeFleet(dir, snaps string, spec fleetgen.Spec) error {
	if _, err := os.Stat(snaps); err != nil {
		s := spec
		s.Form, s.Snapshots = fleetgen.HCL, true
		if _, err := fleetgen.Write(snaps, s); err != nil {
			return err
		}
	}
	if _, err := fleetgen.Write(dir, spec); err != nil {
		return err
	}
	return os.Symlink(filepath.Join(snaps, ".ecc"), filepath.Join(dir, ".ecc"))
}
