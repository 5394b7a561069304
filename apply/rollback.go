package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// restoreValues writes back the rollback point's values of keys, waits
// for the save, reboots when asked, and reads them back. It returns the
// keys it could not restore (write-only, or a secret not kept) as notes,
// and apart (elsewhere) the keys this channel may not write: an
// interrupted apply over OCPP wrote them, and only OCPP can undo them.
func (r *stationRun) restoreValues(ctx context.Context, keys []string, reboot bool) (notes, elsewhere []string, err error) {
	values := map[string]string{}
	ch := r.c.Channel()
	for _, k := range keys {
		if model.Classify(k) == model.WriteOnly {
			notes = append(notes, k+" is write-only: its previous value was never readable and cannot be restored")
			continue
		}
		if !model.Classify(k).WritableOn(ch) {
			elsewhere = append(elsewhere, k)
			continue
		}
		v, ok := r.base.Clear(k)
		if !ok {
			notes = append(notes, hashedInBackup(k))
			continue
		}
		values[k] = v
	}
	if len(elsewhere) > 0 {
		notes = append(notes, fmt.Sprintf("%s cannot be written back over %s (written over OCPP by the interrupted apply): the journal is kept; roll back again over OCPP (--port ocpp://... --on-interrupted=rollback)", strings.Join(elsewhere, ", "), ch))
	}
	if len(values) == 0 && !reboot {
		return notes, elsewhere, nil
	}
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(values) > 0 {
		s := begin(r.ev, EvRollback, "writing back the previous values of "+strings.Join(names, ", "))
		statuses, err := r.c.Set(ctx, values)
		if err != nil {
			return notes, elsewhere, fmt.Errorf("write: %w", err)
		}
		if err := r.refusedAsWas(ctx, names, values, statuses); err != nil {
			return notes, elsewhere, err
		}
		s.done("previous values written")
		s = begin(r.ev, EvRollback, "waiting for the controller to save")
		if err := r.c.WaitSaved(ctx); err != nil {
			return notes, elsewhere, fmt.Errorf("save: %w", err)
		}
		s.done("saved")
	}
	if reboot {
		s := begin(r.ev, EvRollback, "rebooting")
		id, err := r.c.Reboot(ctx)
		if err != nil {
			return notes, elsewhere, fmt.Errorf("reboot: %w", err)
		}
		r.id = id
		s.done("rebooted")
	}
	if len(values) > 0 {
		s := begin(r.ev, EvRollback, "reading the restored keys back")
		bad, err := r.compare(ctx, values)
		if err != nil {
			return notes, elsewhere, fmt.Errorf("verify: %w", err)
		}
		if len(bad) > 0 {
			return notes, elsewhere, fmt.Errorf("verify: %s", strings.Join(bad, "; "))
		}
		s.done("previous values verified")
	}
	return notes, elsewhere, nil
}

// refusedAsWas checks the keys whose write-back the controller refused:
// one the apply never stored (not in the journal's Written) that holds its
// previous value already is as it was (a key the controller refuses to
// write, e.g. a CALLERROR over OCPP, must not make the rollback fail
// forever); any other is the error. A key the apply stored may read as
// before and still change: stored with RebootRequired, its new value
// comes with the next boot.
func (r *stationRun) refusedAsWas(ctx context.Context, names []string, values map[string]string, statuses map[string]transport.Status) error {
	want := map[string]string{}
	var refused []string
	written := false
	for _, k := range names {
		if st := statuses[k]; !st.Stored() {
			want[k] = values[k]
			refused = append(refused, fmt.Sprintf("%s for %s", orNone(st), k))
			written = written || r.journal != nil && slices.Contains(r.journal.Written, k)
		}
	}
	if len(want) == 0 {
		return nil
	}
	if written {
		return fmt.Errorf("the controller answered %s", strings.Join(refused, ", "))
	}
	bad, err := r.compare(ctx, want)
	switch {
	case err != nil:
		return fmt.Errorf("the controller answered %s (and the key could not be read back: %v)", strings.Join(refused, ", "), err)
	case len(bad) > 0:
		return fmt.Errorf("the controller answered %s", strings.Join(refused, ", "))
	}
	r.ev.Report(Event{Type: EvRollback, Level: LevelWarn, Message: fmt.Sprintf("the controller answered %s, but holds the previous value already: nothing to restore there",
		strings.Join(refused, ", "))})
	return nil
}

func orNone(s transport.Status) string {
	if s == "" {
		return "no status"
	}
	return string(s)
}

// rollbackAfter undoes this run after a failed write or verify: the keys
// stored are written back, saved (rebooted when the new values may have
// taken effect through a reboot) and read back. After the user's
// interrupt it writes nothing: a rollback writes, and is not started then
// (as rollbackJournal's is not); the journal stays for the next apply to
// finish or roll back.
func (r *stationRun) rollbackAfter(ctx context.Context, stored []string, cause error, reboot bool) Result {
	if r.job.Journal != nil && r.job.Recovery == RecoverFinish {
		// Finishing: what the interrupted apply wrote is also to undo.
		for _, k := range r.job.Journal.MayHaveWritten() {
			if !slices.Contains(stored, k) {
				stored = append(stored, k)
			}
		}
		reboot = true
	}
	if len(stored) == 0 && !reboot {
		r.job.State.RemoveJournal(r.st.Serial)
		r.journal = nil
		return r.fail(fmt.Errorf("%w; nothing was stored", cause), true)
	}
	if r.interrupted() {
		// The journal (saved with every write) names what may be written.
		return r.fail(fmt.Errorf("%w; not rolled back, as no write starts after an interrupt (possibly written: %s)", cause, strings.Join(stored, ", ")), false)
	}
	r.ev.Report(Event{Type: EvRollback, Level: LevelWarn, Keys: stored,
		Message: fmt.Sprintf("%v; rolling back %s", cause, strings.Join(stored, ", "))})
	if err := r.saveJournal("rollback"); err != nil {
		return r.fail(fmt.Errorf("%w; rollback not started: %v", cause, err), false)
	}
	notes, elsewhere, err := r.restoreValues(ctx, stored, reboot)
	for _, n := range notes {
		r.ev.Report(Event{Type: EvRollback, Level: LevelWarn, Message: n})
	}
	if err != nil {
		return r.fail(fmt.Errorf("%w; ROLLBACK FAILED: %v", cause, err), false)
	}
	if len(elsewhere) > 0 {
		return r.fail(fmt.Errorf("%w; rolled back except: %s", cause, strings.Join(notes, "; ")), false)
	}
	r.job.State.RemoveJournal(r.st.Serial)
	r.journal = nil
	r.ev.Report(Event{Type: EvRollback, Message: "rolled back: the station is as it was"})
	if len(notes) > 0 {
		return r.fail(fmt.Errorf("%w; rolled back except: %s", cause, strings.Join(notes, "; ")), false)
	}
	return r.fail(cause, true)
}

// rollbackJournal undoes an interrupted apply: the keys it may have
// written get the values of its backup back, then save, reboot and verify.
func (r *stationRun) rollbackJournal(ctx context.Context) Result {
	old := r.job.Journal
	if r.interrupted() {
		// A rollback writes: not started after the interrupt. The journal
		// stays as it was, for the next run.
		return Result{Station: r.st.Name, Serial: r.st.Serial, Outcome: Cancelled,
			Err: fmt.Errorf("interrupted before the rollback of the interrupted apply (%s): nothing sent; its journal is kept", describeJournal(old))}
	}
	r.ev.Report(Event{Type: EvRollback, Path: old.Backup,
		Message: fmt.Sprintf("rolling back the interrupted apply (%s) to %s", describeJournal(old), old.Backup)})
	b, err := record.LoadBackup(old.Backup)
	if err != nil {
		return r.fail(fmt.Errorf("rollback: %w", err), true)
	}
	if b.Serial != r.id.Serial {
		return r.fail(fmt.Errorf("rollback: the backup %s is of %s, not %s", old.Backup, b.Serial, r.id.Serial), true)
	}
	r.base = b
	// A hashed (secret) value whose current value still has the same hash
	// is unchanged: nothing to restore.
	var keys []string
	for _, k := range old.MayHaveWritten() {
		if b.IsHashed(k) {
			rd, _, err := r.c.Get(ctx, []string{k})
			if err == nil && len(rd) == 1 && r.job.State.Matches(b.Hashes[k], model.Canonical(k, rd[0].Value)) {
				continue
			}
		}
		keys = append(keys, k)
	}
	r.journal = old
	if err := r.saveJournal("rollback"); err != nil {
		return r.fail(err, true)
	}
	notes, elsewhere, err := r.restoreValues(ctx, keys, true)
	for _, n := range notes {
		r.ev.Report(Event{Type: EvRollback, Level: LevelWarn, Message: n})
	}
	if err != nil {
		return r.fail(fmt.Errorf("ROLLBACK FAILED: %v", err), false)
	}
	if len(elsewhere) > 0 {
		return r.fail(errors.New("rolled back except: "+strings.Join(notes, "; ")), false)
	}
	if err := r.job.State.RemoveJournal(r.st.Serial); err != nil {
		return r.fail(fmt.Errorf("rolled back, but the journal cannot be removed: %w", err), false)
	}
	r.journal = nil
	if obs, err := plan.ObserveStation(ctx, r.c, r.job.Desired); err == nil {
		prev, _ := r.job.State.LoadSnapshot(r.st.Serial)
		if err := r.job.State.SaveSnapshot(plan.SnapshotOf(obs, prev, r.job.State)); err != nil {
			r.ev.Report(Event{Type: EvSnapshot, Level: LevelWarn, Message: fmt.Sprintf("snapshot not saved: %v", err)})
		}
	}
	if len(notes) > 0 {
		return r.fail(errors.New("rolled back except: "+strings.Join(notes, "; ")), false)
	}
	r.ev.Report(Event{Type: EvApplyComplete, Message: "interrupted apply rolled back and verified: the station is as it was before it"})
	return Result{Station: r.st.Name, Serial: r.st.Serial, Outcome: RolledBack}
}
