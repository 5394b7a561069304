//go:build !unix

package main

import (
	"os"
	"time"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// faultSignals: none here; use ecc sim --control.
var faultSignals []os.Signal

func handleFaultSignal(*sim.Instance, os.Signal, time.Duration) bool { return false }
