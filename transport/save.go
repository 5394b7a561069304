package transport

import (
	"sync"
	"time"
)

// saveTracker follows the sets that stored a value until the controller
// has written them to flash (controller-protocol.md §4: one SV CFG() line
// per such set, in request order, or sync reporting nothing pending). It
// owns its state behind its own lock; the SV CFG() count comes from the
// log watcher.
type saveTracker struct {
	waitMu sync.Mutex // one WaitSaved at a time

	mu         sync.Mutex
	storedSets int    // sets that stored a value, not yet confirmed saved
	saveBase   uint64 // logState.saves when the first of them was sent
	// bootBase is logState.boots when the first of them was answered
	// (bootKnown): a banner line since means a restart that lost them.
	bootBase   uint64
	bootKnown  bool
	uncertain  bool      // a set whose outcome is unknown
	lastStored time.Time // reply time of the last stored set
	unsynced   bool      // a set stored since sync last reported 0 pending
}

// begin is called before a Set's requests go out, with what the log
// showed so far: the first set to track counts its saves from there. Sets
// tracked from before a restart were lost with it: they are forgotten
// (their keys read back otherwise, which the caller's verify finds), so
// that the sets sent now are waited for on their own.
func (t *saveTracker) begin(st logState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.bootKnown && st.boots != t.bootBase {
		t.forget(st)
	}
	if t.storedSets == 0 && !t.uncertain {
		t.saveBase, t.bootKnown = st.saves, false
	}
}

// forget drops the sets tracked (lost to a restart); st is the log now.
// Callers hold t.mu.
func (t *saveTracker) forget(st logState) {
	t.storedSets, t.uncertain, t.unsynced = 0, false, false
	t.saveBase, t.bootKnown = st.saves, false
}

// answered notes the boot the tracked sets were answered in. Sets
// answered in an earlier boot were lost to the restart since (the one
// answered now may have waited out the banner): forgotten, as in begin.
// Callers hold t.mu.
func (t *saveTracker) answered(st logState) {
	if t.bootKnown && st.boots != t.bootBase {
		t.forget(st)
	}
	if !t.bootKnown {
		t.bootBase, t.bootKnown = st.boots, true
	}
}

// restarted reports whether the controller showed a boot banner since
// the tracked sets were answered, and if so forgets them: the restart
// came before their SV CFG() and lost them.
func (t *saveTracker) restarted(st logState) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.bootKnown || st.boots == t.bootBase {
		return false
	}
	t.forget(st)
	return true
}

// unknown records a set whose outcome is unknown (no reply, or a reply
// that does not say for every key): only sync can tell.
func (t *saveTracker) unknown(st logState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.answered(st)
	t.uncertain, t.unsynced = true, true
}

// stored records a set that stored at least one value.
func (t *saveTracker) stored(now time.Time, st logState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.answered(st)
	t.storedSets++
	t.unsynced = true
	t.lastStored = now
}

// outstanding is what WaitSaved waits for: need SV CFG() lines counted
// from base, unless uncertain, with the last stored set's reply time.
func (t *saveTracker) outstanding() (need int, base uint64, uncertain bool, last time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.storedSets, t.saveBase, t.uncertain, t.lastStored
}

// saved records need sets confirmed by their SV CFG() lines after base.
func (t *saveTracker) saved(need int, base uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.storedSets -= need
	t.saveBase = base + uint64(need)
}

// synced records need sets confirmed by sync reporting nothing pending,
// with the SV CFG() lines seen by then.
func (t *saveTracker) synced(need int, saves uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.storedSets -= need
	if t.storedSets == 0 {
		t.uncertain, t.unsynced = false, false
	}
	t.saveBase = saves
}

// needsSync reports whether a set stored since sync last reported nothing
// pending.
func (t *saveTracker) needsSync() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unsynced
}

// markSynced records sync reporting nothing pending.
func (t *saveTracker) markSynced() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unsynced = false
}
