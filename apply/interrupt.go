package apply

import "fmt"

// The user's interrupt (Options.Interrupt): no station starts writing
// afterwards, a rollback included. One left with only some of its writes
// keeps its journal (rollbackAfter), for the next apply to finish or roll
// back.

// noteInterrupt says once, when the user interrupted a station whose
// writes are done, that it is brought to a consistent end rather than
// stopped half-way.
func (r *stationRun) noteInterrupt() {
	if r.noted || !r.interrupted() {
		return
	}
	r.noted = true
	r.ev.Report(Event{Type: EvWrite, Level: LevelWarn, Message: "interrupted after its writes: finishing this station (save, reboot, verify) so that all its writes are saved and verified"})
}

// interrupted reports whether the user interrupted the run.
func (r *stationRun) interrupted() bool { return closed(r.opts.Interrupt) }

// stopBeforeWrite ends a station that was interrupted before its first
// write: its journal is removed (nothing to finish or roll back).
func (r *stationRun) stopBeforeWrite(what string) Result {
	res := Result{Station: r.st.Name, Serial: r.st.Serial, Outcome: Cancelled}
	if old := r.job.Journal; old != nil {
		// Finishing an earlier apply: that one stays as it was, to finish
		// or roll back later.
		r.job.State.SaveJournal(old)
		res.Err = fmt.Errorf("interrupted %s: this run changed nothing; the earlier interrupted apply is left as it was (its journal is kept)", what)
		return res
	}
	r.job.State.RemoveJournal(r.st.Serial)
	r.journal = nil
	if r.flashedFrom != "" {
		// A firmware upgrade cannot be rolled back: the station is not as
		// it was, and the user must not be told so.
		res.Err = fmt.Errorf("interrupted %s: firmware upgraded from %s to %s; no configuration was changed", what, r.flashedFrom, r.id.Firmware)
		return res
	}
	res.Intact = true
	res.Err = fmt.Errorf("interrupted %s: nothing was changed", what)
	return res
}
