package main

import (
	"os"
	"runtime/debug"
)

// tuneGC lets the garbage collector run less often: ecc is a short-lived
// command whose heap is mostly the site files it keeps, and at fleet
// scale (100,000 stations) the default GOGC=100 spends a third of the
// time collecting. A soft memory limit keeps the peak well under 1 GiB.
// GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(768 << 20)
	}
}
