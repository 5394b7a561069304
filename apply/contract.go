package apply

import (
	"fmt"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

// The approved plan is a contract: nothing is written that the user did
// not approve, even when the plan is made again during the apply.

// replan plans the station again from a fresh read (after a firmware
// upgrade, or when the controller changed since the plan was shown)
// through the one path plan uses, and holds it to the approved changes.
func (r *stationRun) replan(obs *plan.Observation, why string) (*plan.Station, error) {
	nst := plan.Observed(r.job.Desired, r.st.Port, obs, r.job.State, r.opts.Now())
	nst.LiftJournal() // our own journal, or the one being finished
	nst.Name, nst.Port, nst.SiteFile = r.st.Name, r.st.Port, r.st.SiteFile
	if nst.Blocked() {
		return nil, fmt.Errorf("%s, the configuration cannot be applied: %s", why, blockReason(nst))
	}
	if err := Validate(nst); err != nil {
		return nil, err
	}
	if len(nst.Changes) != len(r.st.Changes) {
		r.ev.Report(Event{Type: EvApplyStart, Message: fmt.Sprintf("%s: planned again, %s", why, words.Plural(len(nst.Changes), "change", "changes"))})
	}
	nst.Changes = r.keepApproved(nst.Changes, why)
	return nst, nil
}

// keepApproved holds a re-plan to the plan the user approved: a change
// that was not in it (a new key, or another value) is written only if
// the user approves it now; otherwise it is left pending.
func (r *stationRun) keepApproved(changes []plan.Change, why string) []plan.Change {
	var ok, extra []plan.Change
	for _, ch := range changes {
		if approvedChange(r.approved, ch) {
			ok = append(ok, ch)
		} else {
			extra = append(extra, ch)
		}
	}
	if len(extra) == 0 {
		return ok
	}
	keys := changeKeys(&plan.Station{Changes: extra})
	if !r.opts.AutoApprove && !r.job.Saved && r.opts.Asker != nil {
		yes, err := r.opts.Asker.ApproveExtra(r.st.Name, why, extra)
		if err == nil && yes {
			r.ev.Report(Event{Type: EvApplyStart, Keys: keys, Message: "approved the changes the re-plan brought: " + strings.Join(keys, ", ")})
			return append(ok, extra...)
		}
	}
	r.pending = keys
	r.ev.Report(Event{Type: EvApplyStart, Level: LevelWarn, Keys: keys,
		Message: fmt.Sprintf("%s: the new plan has changes that were not approved; not written, left pending: %s (plan and apply again)", why, strings.Join(keys, ", "))})
	return ok
}

// approvedChange reports whether the approved plan holds the same change:
// the same key with the same value to write.
func approvedChange(approved []plan.Change, ch plan.Change) bool {
	for _, a := range approved {
		if a.Key != ch.Key {
			continue
		}
		if a.Sensitive || ch.Sensitive {
			return a.Sensitive == ch.Sensitive && a.Value() == ch.Value()
		}
		return model.Equal(ch.Key, a.Value(), ch.Value())
	}
	return false
}
