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
	storedSets int       // sets that stored a value, not yet confirmed saved
	saveBase   uint64    // logState.saves when the first of them was sent
	bootBase   uint64    // logState.boots then: a banner since means a restart
	uncertain  bool      // a set whose outcome is unknown
	lastStored time.Time // reply time of the last stored set
	unsynced   bool      // a set stored since sync last reported 0 pending
}

// begin is called before a Set's requests go out, with what the log
// showed so far: the first set to track counts its saves, and the boot
// banners that would mean a restart, from there.
func (t *saveTracker) begin(st logState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.storedSets == 0 && !t.uncertain {
		t.saveBase, t.bootBase = st.saves, st.boots
	}
}

// restarted reports whether the controller showed a boot banner since
// the first set tracked, and if so forgets the sets: a restart before
// their SV CFG() lost them, and nothing is left to wait for.
func (t *saveTracker) restarted(st logState) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if st.boots == t.bootBase {
		return false
	}
	t.storedSets, t.uncertain, t.unsynced = 0, false, false
	t.saveBase, t.bootBase = st.saves, st.boots
	return true
}

// unknown records a set whose outcome is unknown (no reply, or a reply
// that does not say for every key): only sync can tell.
func (t *saveTracker) unknown() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.uncertain, t.unsynced = true, true
}

// stored records a set that stored at least one value.
func (t *saveTracker) stored(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
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
