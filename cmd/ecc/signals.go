package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/ecotap-tools/ecc/apply"
)

// interrupts turns the user's interrupts into the use cases' two stops.
// The first closes stop: no station starts writing (nor a rollback), a
// firmware transfer stops before its commit, a station whose writes are
// done is saved and verified, one left part-way keeps its journal. The
// second says what is at risk and how to recover, then cancels the context
// (Terraform does the same).
type interrupts struct {
	stop     chan struct{}
	inFlight apply.InFlight
	fired    atomic.Bool
}

// watchInterrupts installs the handler; the returned func removes it.
func watchInterrupts(stderr io.Writer) (context.Context, *interrupts, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	in := &interrupts{stop: make(chan struct{})}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		for range sig {
			if !in.fired.Swap(true) {
				close(in.stop)
				fmt.Fprintln(stderr, "\nInterrupt received: no station starts writing now, nor a rollback; a firmware transfer stops before its commit (a commit already sent is waited for); stations whose writes are done are saved and verified, and one left part-way keeps its journal for the next apply to finish or roll back. Interrupt again to stop at once.")
				continue
			}
			in.atRisk(stderr)
			cancel()
			return
		}
	}()
	return ctx, in, func() { signal.Stop(sig); cancel() }
}

// atRisk prints, on the second interrupt, the stations left in the
// middle of their writes.
func (in *interrupts) atRisk(w io.Writer) {
	list := in.inFlight.List()
	if len(list) == 0 {
		fmt.Fprintln(w, "\nSecond interrupt: stopping now. No station was in the middle of its writes.")
		return
	}
	fmt.Fprintln(w, "\nSecond interrupt: stopping now. These stations may be left with only some of their changes written:")
	for _, s := range list {
		fmt.Fprintf(w, "  %s: its journal in %s/journal records what was written\n", s.Station, s.StateDir)
	}
	fmt.Fprintln(w, "To bring them back to the backup taken before: ecc apply SITE --on-interrupted=rollback\n"+
		"To finish the apply instead: ecc apply SITE --on-interrupted=finish")
}

// interrupted reports whether the user interrupted the run.
func (in *interrupts) interrupted() bool { return in.fired.Load() }
