//go:build unix

package main

import (
	"os"
	"syscall"
	"time"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// faultSignals: SIGUSR1 power-cycles the simulated controller, SIGUSR2
// pulls its cable.
var faultSignals = []os.Signal{syscall.SIGUSR1, syscall.SIGUSR2}

// handleFaultSignal acts on a fault signal and reports whether s was one.
func handleFaultSignal(inst *sim.Instance, s os.Signal, cablePull time.Duration) bool {
	switch s {
	case syscall.SIGUSR1:
		inst.PowerCycle()
	case syscall.SIGUSR2:
		inst.CablePull(cablePull)
	default:
		return false
	}
	return true
}
