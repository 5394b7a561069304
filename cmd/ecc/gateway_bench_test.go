//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport/ocpp/ocpptest"
)

// benchRTT is each benchmark station's reply delay: a network round trip,
// so that a station's cost is its round trips, as over a real WAN.
const benchRTT = 10 * time.Millisecond

// raiseFileLimit lifts RLIMIT_NOFILE to its hard limit: 2,000 stations
// hold 2,000 sockets on each side.
func raiseFileLimit(b *testing.B, need uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Skip(err)
	}
	lim.Cur = lim.Max
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	if lim.Cur < need {
		b.Skipf("RLIMIT_NOFILE %d < %d", lim.Cur, need)
	}
}

// connectStations connects n charge points CB<from>..; at most 64
// handshakes at once.
func connectStations(b *testing.B, g *runningGateway, from, n int) []*ocpptest.ChargePoint {
	cps := make([]*ocpptest.ChargePoint, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := range n {
		cp := ocpptest.New("ws://"+g.addr+"/ocpp/", fmt.Sprintf("CB%d", from+i), fmt.Sprintf("S%d", from+i), "V32R17")
		cp.Config["com_OCPPID"] = "ECO-OLD"
		cp.ReplyDelay = benchRTT
		cps[i] = cp
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := cp.Connect(ctx, true); err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
	b.Cleanup(func() {
		for _, cp := range cps {
			cp.Close()
		}
	})
	return cps
}

// siteOf writes a site file of stations S<from>..S<from+n-1>: one key
// written at once and one that needs a Reset (com_OCPPID), no secret (a
// secret's fingerprint is the plan's own CPU cost, measured apart).
func siteOf(b *testing.B, from, n int) string {
	var s strings.Builder
	s.WriteString("site \"bench\" {}\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&s, "station \"st%d\" {\n  serial = \"S%d\"\n  settings {\n    chg_StationMaxCurrent = 25\n    com_OCPPID = \"BENCH%d\"\n  }\n}\n", i, i, i)
	}
	path := filepath.Join(b.TempDir(), "bench.hcl")
	if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// timedRun runs the binary and returns its wall time; it fails unless the
// exit code is want.
func timedRun(b *testing.B, env []string, want int, args ...string) time.Duration {
	t0 := time.Now()
	out, errOut, code := runBinary(b, env, args...)
	d := time.Since(t0)
	if code != want {
		b.Fatalf("ecc %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return d
}

// BenchmarkGatewayFleet measures `ecc plan --gateway` of 200 stations and
// `ecc apply --gateway` of 50 (write, Reset, reconnect, verify) against
// the same of one station, in the same run, each station answering after
// benchRTT. The ratios must stay at most 3 (parallel, not summed).
func BenchmarkGatewayFleet(b *testing.B) {
	raiseFileLimit(b, 1024)
	ecctest.Binary(b)
	g := startGateway(b)
	env := g.env()
	one := connectStations(b, g, 1, 1)
	many := connectStations(b, g, 1000, 200)
	siteOne, site200, site50 := siteOf(b, 1, 1), siteOf(b, 1000, 200), siteOf(b, 1000, 50)
	reset := func(cps []*ocpptest.ChargePoint) {
		for _, cp := range cps {
			cp.Set(func(cp *ocpptest.ChargePoint) {
				cp.Config["chg_StationMaxCurrent"], cp.Config["com_OCPPID"] = "32", "ECO-OLD"
			})
		}
	}
	var plan1, plan200, apply1, apply50 time.Duration
	b.ResetTimer()
	for range b.N {
		state := b.TempDir()
		plan1 += timedRun(b, env, 0, "plan", siteOne, "--gateway", g.addr, "--state-dir", state)
		plan200 += timedRun(b, env, 0, "plan", site200, "--gateway", g.addr, "--state-dir", state)
		b.StopTimer()
		reset(one)
		reset(many)
		b.StartTimer()
		apply1 += timedRun(b, env, 0, "apply", siteOne, "--gateway", g.addr, "--state-dir", state, "--auto-approve")
		apply50 += timedRun(b, env, 0, "apply", site50, "--gateway", g.addr, "--state-dir", state, "--auto-approve")
	}
	n := float64(b.N)
	b.ReportMetric(float64(plan1.Milliseconds())/n, "ms/plan-1")
	b.ReportMetric(float64(plan200.Milliseconds())/n, "ms/plan-200")
	b.ReportMetric(float64(plan200)/float64(plan1), "plan-200/1")
	b.ReportMetric(float64(apply1.Milliseconds())/n, "ms/apply-1")
	b.ReportMetric(float64(apply50.Milliseconds())/n, "ms/apply-50")
	b.ReportMetric(float64(apply50)/float64(apply1), "apply-50/1")
	if r := float64(plan200) / float64(plan1); r > 3 {
		b.Errorf("plan of 200 stations costs %.2fx one station's (limit 3x)", r)
	}
	if r := float64(apply50) / float64(apply1); r > 3 {
		b.Errorf("apply of 50 stations costs %.2fx one station's (limit 3x)", r)
	}
}

// BenchmarkGateway2000Stations connects 2,000 lightweight OCPP stations
// (handshake and BootNotification) to one real gateway process and
// reports the time for all of them and the gateway's resident memory.
func BenchmarkGateway2000Stations(b *testing.B) {
	const n = 2000
	raiseFileLimit(b, 2*n+256)
	ecctest.Binary(b)
	for range b.N {
		b.StopTimer()
		g := startGateway(b)
		before := rss(b, g.cmd.Process.Pid)
		b.StartTimer()
		t0 := time.Now()
		cps := connectStations(b, g, 1, n)
		d := time.Since(t0)
		b.StopTimer()
		after := rss(b, g.cmd.Process.Pid)
		b.ReportMetric(d.Seconds(), "s/2000-connected")
		b.ReportMetric(float64(after)/1024, "MiB-rss")
		b.ReportMetric(float64(after-before)/n, "KiB/station")
		for _, cp := range cps {
			cp.Close()
		}
		g.cmd.Process.Signal(os.Interrupt)
		g.cmd.Wait()
		b.StartTimer()
	}
}

// rss is a process's resident memory in KiB (Linux /proc).
func rss(b *testing.B, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skip("no /proc: ", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			v, _ := strconv.ParseInt(f[1], 10, 64)
			return v
		}
	}
	b.Skip("no VmRSS")
	return 0
}
