package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
)

// BackupSettings turns a backup into desired settings for `ecc restore
// --backup`: only editable keys (read-only and other keys are skipped),
// and not the ones whose secret the backup does not keep or whose value
// does not pass the dictionary (reported in skipped with the reason).
func BackupSettings(b *record.Backup, path string) (settings []model.Setting, skipped []string) {
	keys := make([]string, 0, len(b.Values))
	for k := range b.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	byKey := map[string]model.Setting{}
	for _, k := range keys {
		if model.Classify(k) != model.Editable {
			continue
		}
		if b.IsHashed(k) {
			skipped = append(skipped, hashedInBackup(k))
			continue
		}
		kd, _ := model.Lookup(k)
		v, err := kd.Decode(b.Values[k])
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: the backed-up value cannot be read (%v)", k, err))
			continue
		}
		// A value the controller held but the dictionary refuses (its
		// range, enumeration) would make Validate refuse the whole
		// restore: it is left out, the other keys restored. A name=value
		// list is Validate's to check option by option, only the options
		// the restore changes: the others may be a newer firmware's.
		if err := kd.Check(v); err != nil && !kd.Partial {
			skipped = append(skipped, fmt.Sprintf("the backed-up value is outside the dictionary: %v", strings.TrimSuffix(err.Error(), ".")))
			continue
		}
		byKey[k] = model.Setting{Key: k, Value: v, Layer: "backup"}
	}
	// Dictionary order, as site settings are.
	for _, kd := range model.Dictionary() {
		if s, ok := byKey[kd.Name]; ok {
			settings = append(settings, s)
		}
	}
	return settings, skipped
}

// BackupOCPP turns the OCPP standard keys of a backup (the cable reads
// them too, so every backup has them) into the ocpp block of `ecc restore
// --backup`: the ones the station may
// change, in the specification's order. Restored over OCPP they are
// planned like the settings; over the cable they are left for the gateway.
func BackupOCPP(b *record.Backup) []model.Setting {
	var out []model.Setting
	for _, kd := range model.OCPPKeys() {
		raw, ok := b.Values[kd.Name]
		if !ok || kd.Class != model.BackendOnly || kd.Access != model.RW || b.IsHashed(kd.Name) {
			continue
		}
		if v, err := kd.Decode(raw); err == nil {
			out = append(out, model.Setting{Key: kd.Name, Value: v, Layer: "backup"})
		}
	}
	return out
}

// withoutReadOnly drops the settings of the keys in readOnly (the keys
// the controller reports read-only, plan.Observation.ReadOnly), each
// reported in skipped.
func withoutReadOnly(settings []model.Setting, readOnly []string) (kept []model.Setting, skipped []string) {
	for _, s := range settings {
		if slices.Contains(readOnly, s.Key) {
			skipped = append(skipped, s.Key+": the controller reports it read-only, and ecc never writes it")
			continue
		}
		kept = append(kept, s)
	}
	return kept, skipped
}

// RestoreStation is the synthetic desired state of `ecc restore`: the
// controller's serial, and the file's settings.
func RestoreStation(name, serial, file string, settings []model.Setting) *model.Station {
	site := &model.Site{Name: "restore", File: file}
	st := &model.Station{Name: name, Serial: serial, Settings: settings, Site: site}
	site.Stations = []*model.Station{st}
	return st
}

// RestoreRequest is what `ecc restore` was asked to do.
type RestoreRequest struct {
	// Factory or Backup names the file whose values are the desired
	// state (exactly one).
	Factory, Backup string
	Port            string
	// GatewayPorts, found through --gateway by the backup's serial, are
	// every connection the gateway lists for it, Port (the latest) first:
	// more than one is warned about in the plan, as plan --gateway does.
	GatewayPorts []string
	// StateDir overrides the state directory: by default the one that
	// holds the backup file, or .ecc beside the factory file.
	StateDir    string
	Connect     plan.ConnectFunc
	AutoApprove bool
	Interrupt   <-chan struct{}
	InFlight    *InFlight
	Now         func() time.Time
}

// LoadRestore reads the file of a restore before anything is sent. The
// diagnostics of a factory file are for the caller to print; the error is
// for a backup that cannot be read.
func LoadRestore(req RestoreRequest) (settings []model.Setting, bk *record.Backup, sources model.Sources, diags hcl.Diagnostics, err error) {
	if (req.Factory == "") == (req.Backup == "") {
		return nil, nil, nil, nil, errors.New("give exactly one of --factory FILE and --backup FILE")
	}
	if req.Factory != "" {
		settings, sources, diags = model.LoadFactory(req.Factory)
		if diags.HasErrors() {
			err = fmt.Errorf("%s: refused; nothing sent", req.Factory)
		}
		return settings, nil, sources, diags, err
	}
	bk, err = record.LoadBackup(req.Backup)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		// Bad input at its place, as a factory file's or a site file's.
		if sources, diags = model.CheckJSON(req.Backup); diags.HasErrors() {
			return nil, nil, sources, diags, fmt.Errorf("%s: refused; nothing sent", req.Backup)
		}
	}
	return nil, bk, nil, nil, err
}

// restoreStateDir is the state directory of a restore, so that it shares
// the record of the site's plans and applies: the one a backup was taken
// into, else the nearest .ecc above the file (a factory file in
// sites/factory/ finds sites/.ecc).
func restoreStateDir(req RestoreRequest) string {
	switch {
	case req.StateDir != "":
		return req.StateDir
	case req.Backup != "":
		return record.DirOfBackup(req.Backup)
	}
	return record.Nearest(req.Factory)
}

// Restore is `ecc restore`: the file's values are the desired state of
// the controller on Port. It reads the controller, plans it through the
// same path as `ecc plan` (plan.Observed: snapshot, write-only hashes,
// interrupted applies), shows the plan, asks, and applies it as `ecc
// apply` does. An interrupted earlier apply is finished by the restore (a
// failure rolls back to the backup taken before it).
func Restore(ctx context.Context, req RestoreRequest, settings []model.Setting, bk *record.Backup, ui UI) (*Report, error) {
	now := req.Now
	if now == nil {
		now = time.Now
	}
	file := req.Factory
	if bk != nil {
		file = req.Backup
		var skipped []string
		settings, skipped = BackupSettings(bk, req.Backup)
		for _, s := range skipped {
			ui.Report(Event{Type: EvRestore, Level: LevelWarn, Message: "not restored: " + s})
		}
	}
	state, err := record.Open(restoreStateDir(req))
	if err != nil {
		return nil, err
	}
	// A backup's OCPP keys are read over the cable too: the restore then
	// leaves for the gateway only those the controller does not hold.
	var reading *model.Station
	if bk != nil {
		reading = &model.Station{OCPP: BackupOCPP(bk)}
	}
	octx, cancel := untilInterrupt(ctx, req.Interrupt)
	obs, err := plan.ObserveOn(octx, req.Connect, req.Port, reading)
	cancel()
	if closed(req.Interrupt) {
		return &Report{Interrupted: true}, nil
	}
	if err != nil {
		return nil, err
	}
	id := obs.Identity
	if bk != nil && bk.Serial != id.Serial {
		return nil, fmt.Errorf("the backup %s is of controller %s, but the controller on %s is %s; nothing sent", req.Backup, bk.Serial, req.Port, id.Serial)
	}
	// The keys the controller reports read-only are never written: left
	// in, they would block the whole restore, since a backup holds every
	// key.
	settings, skipped := withoutReadOnly(settings, obs.ReadOnly)
	var ocpp []model.Setting
	if reading != nil {
		var more []string
		ocpp, more = withoutReadOnly(reading.OCPP, obs.ReadOnly)
		skipped = append(skipped, more...)
	}
	for _, s := range skipped {
		ui.Report(Event{Type: EvRestore, Level: LevelWarn, Message: "not restored: " + s})
	}
	desired := RestoreStation("restore-"+id.Serial, id.Serial, file, settings)
	desired.Port = req.Port
	desired.OCPP = ocpp
	st := plan.Observed(desired, req.Port, obs, state, now())
	st.SiteFile = ""
	st.WarnSharedSerial(req.GatewayPorts)
	p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: now().UTC(), Stations: []*plan.Station{st}}
	job := &Job{Station: st, Desired: desired, State: state, Port: req.Port}
	if _, err := FindInterrupted([]*Job{job}); err != nil {
		return nil, err
	}
	if job.Journal != nil {
		ui.Report(Event{Type: EvJournal, Level: LevelWarn, Station: st.Name, Message: DescribeInterrupted(job) + "; the restore replaces it"})
		Decide(job, RecoverFinish)
	}
	ui.Report(Event{Type: EvRestore, Station: st.Name,
		Message: fmt.Sprintf("restoring controller %s (%s, firmware %s) on %s to %s", id.Serial, id.Model, id.Firmware, req.Port, filepath.Base(file))})
	return approveAndRun(ctx, p, []*Job{job}, Request{
		Command:     "Restore",
		Plan:        plan.Options{Connect: req.Connect},
		AutoApprove: req.AutoApprove,
		Interrupt:   req.Interrupt,
		InFlight:    req.InFlight,
	}, ui)
}
