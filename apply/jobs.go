package apply

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
)

// StateFunc opens the state directory of a site file.
type StateFunc func(siteFile string) (*record.State, error)

// JobsFromPlan turns a plan just built from sites into jobs. port, when
// set (--port), overrides every station's own port.
func JobsFromPlan(p *plan.Plan, sites []*model.Site, stateFor StateFunc, port string) ([]*Job, error) {
	var jobs []*Job
	for _, st := range p.Stations {
		j := &Job{Station: st, Port: choosePort(port, st.Port)}
		j.Desired = findStation(sites, st.SiteFile, st.Name)
		state, err := stateFor(st.SiteFile)
		if err != nil {
			return nil, err
		}
		j.State = state
		jobs = append(jobs, j)
	}
	return jobs, nil
}

func choosePort(flag, own string) string {
	if flag != "" {
		return flag
	}
	return own
}

func findStation(sites []*model.Site, file, name string) *model.Station {
	for _, s := range sites {
		if file != "" && s.File != file {
			continue
		}
		for _, st := range s.Stations {
			if st.Name == name {
				return st
			}
		}
	}
	return nil
}

// JobsFromSaved turns a saved plan into jobs. Each station's site file is
// loaded again: its desired state is needed after a firmware upgrade, and
// its secrets are resolved again and checked against the plan's
// hashes. A station whose secret changed is refused before anything is
// sent (Job.Refused); a site file that no longer loads is a
// *SiteLoadError, as bad input is for `ecc apply FILE`: nothing is sent
// to any station.
func JobsFromSaved(p *plan.Plan, stateFor StateFunc, port string) ([]*Job, error) {
	var jobs []*Job
	loaded := map[string][]*model.Site{}
	var bad *SiteLoadError
	for _, st := range p.Stations {
		j := &Job{Station: st, Port: choosePort(port, st.Port), Saved: true}
		jobs = append(jobs, j)
		// Applied from another folder: the site file and the pinned
		// firmware image are where the plan was made.
		st.SiteFile = p.SitePath(st.SiteFile)
		st.Firmware.File = p.SitePath(st.Firmware.File)
		state, err := stateFor(st.SiteFile)
		if err != nil {
			return nil, err
		}
		j.State = state
		if st.SiteFile == "" {
			if hasSensitive(st) {
				j.refuse(errors.New("the plan names no site file to resolve its secrets from; nothing sent"))
			}
			continue
		}
		sites, ok := loaded[st.SiteFile]
		if !ok {
			var sources model.Sources
			var diags hcl.Diagnostics
			sites, sources, diags = model.LoadSites(st.SiteFile)
			loaded[st.SiteFile] = sites
			if diags.HasErrors() {
				if bad == nil {
					bad = &SiteLoadError{Sources: model.Sources{}, SecretsOnly: true}
				}
				bad.add(st.SiteFile, sources, diags)
			}
		}
		if bad != nil {
			continue // refused as a whole below
		}
		j.Desired = findStation(sites, "", st.Name)
		if j.Desired == nil {
			j.refuse(fmt.Errorf("the plan is stale: %s no longer has station %q; nothing sent", st.SiteFile, st.Name))
			continue
		}
		if err := resolveSecrets(st, j.Desired, state); err != nil {
			j.refuse(err)
		}
	}
	if bad != nil {
		return nil, bad
	}
	return jobs, nil
}

// SiteLoadError is a saved plan's site files that no longer load: their
// diagnostics, which the view renders as for any site file (FILE:LINE:COL:
// error: ... with the source line), and advice that fits the cause.
type SiteLoadError struct {
	Files   []string
	Sources model.Sources // for rendering only (secrets starred out)
	Diags   hcl.Diagnostics
	// SecretsOnly: every error is a secret whose environment variable or
	// file is missing (the file loads with model.LoadOptions.DeferSecrets):
	// the plan still holds once the secret is at hand.
	SecretsOnly bool
}

func (e *SiteLoadError) add(file string, sources model.Sources, diags hcl.Diagnostics) {
	e.Files = append(e.Files, file)
	maps.Copy(e.Sources, sources)
	e.Diags = append(e.Diags, diags...)
	if e.SecretsOnly {
		_, _, deferred := model.LoadSitesWith(model.LoadOptions{DeferSecrets: true}, file)
		e.SecretsOnly = !deferred.HasErrors()
	}
}

func (e *SiteLoadError) Error() string {
	files := "the site file " + e.Files[0]
	if len(e.Files) > 1 {
		files = "the site files " + strings.Join(e.Files, ", ")
	}
	if e.SecretsOnly {
		return fmt.Sprintf("%s reads a secret that is not at hand: set the environment variable or restore the file named above, then apply the plan again (it still holds); nothing sent", files)
	}
	return fmt.Sprintf("%s no longer loads (see above): it changed since the plan was made; fix it and plan again; nothing sent", files)
}

func hasSensitive(st *plan.Station) bool {
	for _, c := range st.Changes {
		if c.Sensitive {
			return true
		}
	}
	return false
}

// resolveSecrets sets the value of every sensitive change of a saved plan
// from the site file's setting, after checking it against its fingerprint.
func resolveSecrets(st *plan.Station, desired *model.Station, state *record.State) error {
	for i := range st.Changes {
		ch := &st.Changes[i]
		if !ch.Sensitive {
			continue
		}
		var set *model.Setting
		for k := range desired.Settings {
			if desired.Settings[k].Key == ch.Key {
				set = &desired.Settings[k]
			}
		}
		if set == nil || set.Value == nil {
			return fmt.Errorf("the plan is stale: the site file no longer sets %s; nothing sent", ch.Key)
		}
		v := mergedAsPlanned(st.Serial, set, state)
		if !state.Matches(ch.SecretHash, v) {
			if kd, ok := model.Def(ch.Key); ok && kd.Partial {
				return fmt.Errorf("the plan is stale: the value of %s, or the controller's list it is merged into, changed since the plan was made; nothing sent, plan again", ch.Key)
			}
			return fmt.Errorf("the plan is stale: the secret of %s changed since the plan was made; nothing sent, plan again", ch.Key)
		}
		ch.SetValue(v)
	}
	return nil
}

// mergedAsPlanned is the canonical value a plan wrote for set: for a
// name=value list the site file sets in part (com_Options from env()),
// merged into the controller's list as the plan read it, the serial's
// snapshot (the plan recorded it, or planned offline from it; a
// controller changed since is refused as stale all the same).
func mergedAsPlanned(serial string, set *model.Setting, state *record.State) string {
	kd, ok := model.Def(set.Key)
	if !ok || !kd.Partial {
		return set.Value.Canonical()
	}
	snap, err := state.LoadSnapshot(serial)
	if err != nil || snap == nil {
		return set.Value.Canonical()
	}
	raw, ok := snap.Values[set.Key]
	if !ok {
		return set.Value.Canonical()
	}
	cur, err := kd.Decode(raw)
	if err != nil {
		return set.Value.Canonical()
	}
	return kd.Merge(cur, set.Value).Canonical()
}

// FindInterrupted attaches to each job the journal of an interrupted
// earlier apply of its serial, if any, and returns the jobs that have one.
func FindInterrupted(jobs []*Job) ([]*Job, error) {
	var out []*Job
	for _, j := range jobs {
		jr, err := j.State.LoadJournal(j.Station.Serial)
		if err != nil {
			return nil, err
		}
		j.Journal = jr
		if jr != nil {
			out = append(out, j)
		}
	}
	return out, nil
}

// DescribeInterrupted is the sentence shown (and asked about) for a job
// with a journal.
func DescribeInterrupted(j *Job) string {
	jr := j.Journal
	keys := strings.Join(jr.Keys, ", ")
	if jr.Sent != nil {
		keys += "; sent: " + cmp.Or(strings.Join(jr.Sent, ", "), "none")
	}
	return fmt.Sprintf("%s (%s): an earlier apply was interrupted (%s; keys %s; backup %s)",
		j.Station.Name, j.Station.Serial, describeJournal(jr), keys, jr.Backup)
}

// Decide records what to do about a job's interrupted apply. Finishing or
// rolling back lifts the plan's block that the journal caused (the other
// problems stay). A rollback applies nothing of the site file: the
// station's plan becomes the rollback (rollbackPlan), so that what is shown
// and approved is what is done.
func Decide(j *Job, r Recovery) {
	j.Recovery = r
	if r != RecoverFinish && r != RecoverRollback {
		return
	}
	j.Station.LiftJournal()
	j.Station.Resume = true
	if r == RecoverRollback {
		rollbackPlan(j)
	}
}

// rollbackPlan makes the station's plan what the rollback of its
// interrupted apply writes (rollbackJournal): the keys it may have
// written, from the value the plan read to the backup's. The site file's
// changes, firmware upgrade, errors and ocpp keys are not part of it.
func rollbackPlan(j *Job) {
	st, jr := j.Station, j.Journal
	current := map[string]string{}
	if snap, err := j.State.LoadSnapshot(st.Serial); err == nil && snap != nil {
		for k, v := range snap.Values {
			current[k] = v
		}
	}
	for k, v := range jr.Planned {
		if _, ok := current[k]; !ok {
			current[k] = v // what the interrupted apply wrote
		}
	}
	for _, c := range st.Changes {
		if !c.Sensitive {
			current[c.Key] = c.Before // the plan's own read
		}
	}
	st.Firmware = plan.Firmware{Current: st.Firmware.Current, Action: plan.FirmwareNone}
	st.Changes, st.Errors, st.LeftForGateway, st.KnownAtApply = nil, st.Errors[:0], nil, nil
	st.Warnings = []string{fmt.Sprintf("rolling back the interrupted apply (%s): the keys it wrote get the values of %s back; nothing of the site file is applied", describeJournal(jr), jr.Backup)}
	b, err := record.LoadBackup(jr.Backup)
	if err != nil {
		st.Warnings = append(st.Warnings, fmt.Sprintf("the backup cannot be read (%v): the rollback will fail with nothing written", err))
		return
	}
	for _, k := range jr.MayHaveWritten() {
		kd, _ := model.Def(k)
		reboot := kd != nil && kd.Reboot
		switch {
		case model.Classify(k) == model.WriteOnly:
			st.Warnings = append(st.Warnings, k+" is write-only: its previous value was never readable and cannot be restored")
		case b.IsHashed(k):
			st.Warnings = append(st.Warnings, hashedInBackup(k)+"; it is left as it is")
		default:
			raw, ok := b.Values[k]
			if !ok {
				continue
			}
			after := model.Canonical(k, raw)
			before, known := current[k]
			if known && model.Canonical(k, before) == after {
				continue
			}
			st.Changes = append(st.Changes, plan.Change{Key: k, Action: plan.ActionUpdate, Before: before, After: after, RebootRequired: reboot})
		}
	}
}

// refuse refuses a job before anything is sent; the plan shows why.
func (j *Job) refuse(err error) {
	j.Refused = err
	j.Station.Errors = append(j.Station.Errors, plan.Problem{Class: ProblemRefused, Message: err.Error()})
}

// ProblemRefused is the Class of the Problem that refuses a saved plan's
// station before anything is sent (a changed secret, a station gone from
// its site file).
const ProblemRefused = "refused"

// oneAtATime asks one question at a time: stations applied in parallel
// share one terminal.
type oneAtATime struct {
	mu sync.Mutex
	a  Asker
}

func (o *oneAtATime) ApprovePlan(p *plan.Plan) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.a.ApprovePlan(p)
}

func (o *oneAtATime) Recover(in Interrupted) (Recovery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.a.Recover(in)
}

func (o *oneAtATime) ConfirmFlash(station, q string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.a.ConfirmFlash(station, q)
}

func (o *oneAtATime) ApproveExtra(station, why string, extra []plan.Change) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.a.ApproveExtra(station, why, extra)
}
