package main

import (
	"math"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// tuneProcessGC is set by main only: tests call run in one process for
// many commands and keep the test binary's collector.
var tuneProcessGC bool

// fleetCommands read a whole fleet, keep most of what they read (site
// files, plans) until they exit, and then exit.
var fleetCommands = map[string]bool{"validate": true, "plan": true, "show": true, "status": true, "fmt": true}

// tuneGC sets the collector for the command about to run, under a
// 768 MiB soft limit that keeps the whole process under 1 GiB; GOGC and
// GOMEMLIMIT, when set, win. A fleet command's heap only grows until it
// exits: at 100,000 stations proportional collection (GOGC=400) spent a
// tenth of the CPU tracing that heap again and again, so these collect
// only when the heap nears the limit (validate of 100,000 stations in HCL:
// 2.12 to 2.27 s with GOGC=400, 1.68 to 1.89 s so; system time halved,
// fewer pages returned and faulted in again). The other
// commands (apply, the gateway, the simulator) run longer with a heap
// that does not grow with time: they keep collecting in proportion.
func tuneGC(cmd *cobra.Command) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(768 << 20)
	}
	gogc := 400
	// Collecting only near the limit needs a limit: with GOMEMLIMIT=off
	// a fleet command would never collect.
	limited := debug.SetMemoryLimit(-1) != math.MaxInt64
	if fleetCommands[cmd.Name()] && cmd.Parent() == cmd.Root() && limited {
		gogc = -1
	}
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gogc)
	}
}
