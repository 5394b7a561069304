package plan

import (
	"fmt"
	"maps"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/hashicorp/hcl/v2"
)

// newStation is a station's plan entry before anything is compared.
func newStation(s *model.Station) *Station {
	ps := &Station{
		Name:     s.Name,
		Serial:   s.Serial,
		Port:     s.Port,
		Changes:  []Change{},
		Errors:   []Problem{},
		Firmware: Firmware{Action: FirmwareNone},
	}
	if s.Site != nil {
		ps.SiteFile = s.Site.File
	}
	if s.Firmware != nil {
		ps.Firmware.Desired = s.Firmware.Version.String()
	}
	return ps
}

// ComputeStation compares one station's desired state with an observation.
// It never talks to a controller; st (may be nil in tests) gives the salt
// for secret hashes. An interrupted apply's journal is Build's concern
// (journalProblem), not the comparison's: apply recomputes a station after
// flashing while its own journal exists.
func ComputeStation(s *model.Station, o *Observation, st *record.State) *Station {
	ps := newStation(s)
	ps.Model = o.Identity.Model
	ps.ObservedAt = o.At.UTC()
	ps.FromSnapshot = o.FromSnapshot
	v := valuesOf(o, st)
	defer v.release()
	ps.Fingerprint = v.fingerprint()
	if o.overOCPP() {
		ps.Channel = model.ChannelOCPP.String() // apply holds the plan to it
	}

	if o.Identity.Serial != s.Serial {
		ps.problem("", "", fmt.Sprintf("the controller read is %s, not this station's serial %s", o.Identity.Serial, s.Serial))
	}
	fam, substituted := model.FamilyOf(o.Identity.Model, s.Model, o.Channel)
	switch {
	case substituted:
		ps.warn("over OCPP the station reports model %q, which names no controller family: the site file's model %s is trusted for the family checks", o.Identity.Model, s.Model)
	case s.Model != "" && !strings.EqualFold(fam, s.Model):
		ps.problem("", "", fmt.Sprintf("the controller is a %s (%s family), but the site file says model %q", o.Identity.Model, fam, s.Model))
	}
	ps.Firmware = compareFirmware(s.Firmware, o, s.Model)
	computeSettings(ps, s, v)
	computeOCPP(ps, s, v)
	return ps
}

func (ps *Station) problem(key, class, msg string) {
	ps.Errors = append(ps.Errors, Problem{Key: key, Class: class, Message: msg})
}

func (ps *Station) warn(format string, a ...any) {
	ps.Warnings = append(ps.Warnings, fmt.Sprintf(format, a...))
}

// WarnSharedSerial notes, when the gateway lists several connections for
// the station's serial (ports, the latest first, as LocateFunc gives
// them), that it is reached on the latest and which others report it: a
// station re-commissioned under a new id, or two boxes, one reporting the
// wrong serial, so that nobody configures a box unawares. Plan and apply
// (an offline plan's stations found through --gateway) say it alike.
func (ps *Station) WarnSharedSerial(ports []string) {
	if len(ports) < 2 {
		return
	}
	ps.warn("serial %s is also reported by %s, connected to the gateway before %s: reached on %s, the latest (a station re-commissioned under a new id; or two boxes, one reporting the wrong serial)",
		ps.Serial, strings.Join(ports[1:], ", "), ports[0], ports[0])
}

// ProblemJournal is the Class of the Problem that blocks a station whose
// last apply was interrupted; apply lifts it when told to finish or roll
// back.
const ProblemJournal = "journal"

// journalProblem blocks a station whose last apply was interrupted.
func journalProblem(ps *Station, st *record.State) {
	if st == nil {
		return
	}
	j, err := st.LoadJournal(ps.Serial)
	if err != nil {
		ps.problem("", "", fmt.Sprintf("cannot read the journal of an earlier apply: %v", err))
		return
	}
	if j == nil {
		return
	}
	port := ps.Port
	if port == "" {
		port = "PORT"
	}
	msg := fmt.Sprintf("an apply of this station was interrupted (started %s, at step %q",
		j.StartedAt.UTC().Format("2006-01-02 15:04 UTC"), j.Step)
	switch {
	case j.Sent != nil:
		msg += fmt.Sprintf(", %d of %d keys sent", len(j.Sent), len(j.Keys))
	case len(j.Keys) > 0:
		msg += fmt.Sprintf(", %d of %d keys written", len(j.Written), len(j.Keys))
	}
	// A command line to copy: this station of its site file, on its port.
	site := ps.SiteFile
	if site == "" {
		site = "SITE"
	}
	apply := []string{"ecc", "apply", site, "--station", ps.Name, "--port", port}
	// The journal is in this state directory: without it, apply would
	// look beside the site file and find nothing to finish. (The restore
	// finds it from the backup's path: record.DirOfBackup.)
	if st.Dir != record.DirFor(ps.SiteFile, "") {
		apply = append(apply, "--state-dir", st.Dir)
	}
	msg += fmt.Sprintf("): run `%s` to finish it, or the same with `--on-interrupted=rollback` (or `%s`) to roll back",
		words.Command(append(apply, "--on-interrupted=finish")...), words.Command("ecc", "restore", "--port", port, "--backup", j.Backup))
	ps.problem("", ProblemJournal, msg)
}

// compareFirmware compares the running version with the pin through the
// firmware policy, with the image facts checked when the site was loaded.
func compareFirmware(pin *model.FirmwarePin, o *Observation, declared string) Firmware {
	id := o.Identity
	fw := Firmware{Current: id.Firmware, Action: FirmwareNone}
	if pin == nil {
		return fw
	}
	if fam, substituted := model.FamilyOf(id.Model, declared, o.Channel); substituted {
		fw.Family = fam
	}
	fw.Desired = pin.Version.String()
	fw.File, fw.SHA256, fw.Size, fw.Locked = pin.File, pin.SHA256, pin.Size, pin.Locked
	d := model.DecideFirmware(model.FirmwareFacts{
		Pinned: pin.Version, Locked: pin.Locked, File: pin.File, SHA256: pin.SHA256, Size: pin.Size,
		Running: id.Firmware, Model: id.Model, Channel: o.Channel, Declared: declared,
		Image: &model.FirmwareImage{Header: pin.Header, SHA256: pin.SHA256, Size: pin.Size},
	})
	switch d.Verdict {
	case model.FirmwareUpgrade:
		fw.Action = FirmwareUpgrade
	case model.FirmwareRefuse:
		fw.Action, fw.Reason = FirmwareRefused, d.Reason
	}
	return fw
}

// plannable settles what every setting of a station meets before any
// comparison, read or not: a key the settings may not hold (model refuses
// these before a plan; guarded anyway), a value known only at apply, a
// missing value. ok is false when the setting was settled here.
func plannable(ps *Station, set model.Setting) (kd *model.KeyDef, class model.Class, ok bool) {
	kd, found := lookup(set.Key)
	class = model.Classify(set.Key)
	switch {
	case !found || !class.Writable():
		ps.problem(set.Key, class.String(), class.Reason())
	case set.Unknown:
		ps.KnownAtApply = append(ps.KnownAtApply, Deferred{Key: set.Key, Secret: set.Secret, RebootRequired: kd.Reboot})
	case set.Value == nil:
		ps.problem(set.Key, class.String(), "no value")
	default:
		return kd, class, true
	}
	return kd, class, false
}

// computeSettings compares every managed key with the controller, then
// checks the cross-key rules on the merged result.
func computeSettings(ps *Station, s *model.Station, v *observedValues) {
	o, st := v.o, v.st
	merged := v.merged[:0]
	for _, set := range s.Settings {
		if i, ok := keyIndex[set.Key]; ok {
			v.managed[i] = true
		}
		// A value known only at apply, or a write-only one, is written
		// whatever the controller holds.
		if o.readOnly(set.Key) && (set.Unknown || model.Classify(set.Key) == model.WriteOnly) {
			reportedReadOnly(ps, set.Key, "settings", o)
			continue
		}
		if set.Unknown && knownChange(ps, set, v) {
			continue
		}
		kd, class, ok := plannable(ps, set)
		if !ok {
			continue
		}
		if o.unknown(set.Key) {
			ps.problem(set.Key, class.String(), fmt.Sprintf("the controller does not have this key (it reported it in unknownKey); firmware %s may not support it", o.Identity.Firmware))
			continue
		}
		if class == model.WriteOnly {
			writeOnly(ps, set, o, st)
			merged = append(merged, set)
			continue
		}
		n, k := len(ps.Changes), len(ps.KnownAtApply)
		desired, ok := editable(ps, kd, set, v)
		if readOnlyChange(ps, set.Key, "settings", o, n, k) {
			continue
		}
		if ok {
			set.Value = desired
			merged = append(merged, set)
		}
	}
	// The controller's values for keys the file leaves alone take part in
	// the cross-key rules (e.g. authorizationKey while it has useTLS=0).
	for _, i := range editableKeys {
		if v.managed[i] {
			continue
		}
		cur, ok := v.at(i)
		if !ok || cur.value == nil {
			continue
		}
		merged = append(merged, model.Setting{Key: keys[i].Name, Value: cur.forRules, Layer: "controller"})
	}
	v.merged = merged // scratch: release clears it
	for _, d := range model.CheckCrossKeys(merged) {
		if d.Severity != hcl.DiagError {
			continue
		}
		ps.Errors = append(ps.Errors, crossKeyProblem(d, merged))
	}
}

// readOnlyChange undoes what was planned to write, from ps.Changes[n] and
// ps.KnownAtApply[k] on, for a key the controller reports read-only
// (Observation.ReadOnly), which ecc never writes (controller-protocol.md
// §6): the station is blocked (reportedReadOnly), and readOnlyChange
// reports true. A value the controller already holds is only noted.
func readOnlyChange(ps *Station, key, block string, o *Observation, n, k int) bool {
	if !o.readOnly(key) {
		return false
	}
	if len(ps.Changes) == n && len(ps.KnownAtApply) == k {
		ps.warn("%s: the controller reports it read-only; it holds the site file's value already, so nothing is written", key)
		return false
	}
	ps.Changes, ps.KnownAtApply = ps.Changes[:n], ps.KnownAtApply[:k]
	return reportedReadOnly(ps, key, block, o)
}

// reportedReadOnly blocks a setting (of the site file's block, "settings"
// or "ocpp") of a key the controller reports read-only
// (Observation.ReadOnly) that would be written: ecc never writes it
// (controller-protocol.md §6). It reports whether it did.
func reportedReadOnly(ps *Station, key, block string, o *Observation) bool {
	if !o.readOnly(key) {
		return false
	}
	who := "the controller reports this key read-only"
	if o.overOCPP() {
		who = "the station reports this key read-only (GetConfiguration)"
	}
	ps.problem(key, model.ReadOnly.String(), who+", so ecc never writes it; leave it out of this station's "+block+", or give it the value the controller holds")
	return true
}

// knownChange plans a value known at apply whose known parts already
// differ from the controller's (gsm_APN's name or user, its password not
// at hand): a change the plan can tell, shown as sensitive, whose value is
// still known only at apply. It reports whether it planned one.
func knownChange(ps *Station, set model.Setting, v *observedValues) bool {
	shown := set.KnownDisplay()
	kd, found := lookup(set.Key)
	if shown == "" || !found || !kd.Class.Writable() || kd.Class == model.WriteOnly {
		return false
	}
	cur, ok := v.current(kd)
	if !ok || model.Display(set.Key, cur.raw) == shown {
		return false
	}
	ps.Changes = append(ps.Changes, Change{Key: set.Key, Action: ActionUpdate, Sensitive: true, Secret: set.Secret,
		RebootRequired: kd.Reboot, unknown: true})
	return true
}

// dictionary is model.Dictionary() once: it copies the table on every
// call, and an offline plan of 100,000 stations went through it per
// station. Read only.
var dictionary = model.Dictionary()

// dictByName and defByName index dictionary and the OCPP standard keys
// once, for the same reason: model.Lookup and model.Def return a fresh
// copy per call, millions of small allocations in an offline plan of a
// large fleet. Read only.
var dictByName, defByName = func() (dict, defs map[string]*model.KeyDef) {
	dict = make(map[string]*model.KeyDef, len(dictionary))
	for _, kd := range dictionary {
		dict[kd.Name] = kd
	}
	defs = maps.Clone(dict)
	for _, kd := range model.OCPPKeys() {
		if _, ok := defs[kd.Name]; !ok { // model.Def: the dictionary first
			defs[kd.Name] = kd
		}
	}
	return dict, defs
}()

// lookup is model.Lookup without the copy (read only).
func lookup(name string) (*model.KeyDef, bool) {
	kd, ok := dictByName[name]
	return kd, ok
}

// def is model.Def without the copy (read only).
func def(name string) (*model.KeyDef, bool) {
	kd, ok := defByName[name]
	return kd, ok
}

// writeOnly plans a write-only key: always "set", unless the state's hash
// of what ecc last wrote equals the desired value's.
func writeOnly(ps *Station, set model.Setting, o *Observation, st *record.State) {
	if unverifiable(ps, set, o, st, o.Hashes[set.Key]) {
		return
	}
	if st != nil && st.Matches(o.Hashes[set.Key], set.Value.Canonical()) {
		return
	}
	kd, _ := lookup(set.Key)
	ps.Changes = append(ps.Changes, writing(set, set.Value, ActionSet, kd != nil && kd.Reboot, st))
}

// writing is the change that writes v to set's key: a sensitive value
// (or one from a secret source) only by its reference and, with a state,
// its fingerprint; any other by its canonical form.
func writing(set model.Setting, v model.Value, action string, reboot bool, st *record.State) Change {
	canon := v.Canonical()
	c := Change{Key: set.Key, Action: action, RebootRequired: reboot}
	if v.Sensitive() || set.Secret != nil {
		c.Sensitive, c.Secret = true, set.Secret
		if st != nil {
			c.SecretHash = st.Hash(canon)
		}
	} else {
		c.After = canon
	}
	c.SetValue(canon)
	return c
}

// unverifiable defers (known at apply) a secret that an offline plan
// cannot compare: its recorded fingerprint is a legacy one whose salt is
// not here. A live plan writes it instead, which rewrites the fingerprint.
func unverifiable(ps *Station, set model.Setting, o *Observation, st *record.State, fp string) bool {
	if !o.FromSnapshot || st == nil || fp == "" || st.CanVerify(fp) {
		return false
	}
	kd, _ := lookup(set.Key)
	ps.KnownAtApply = append(ps.KnownAtApply, Deferred{Key: set.Key, Secret: set.Secret, RebootRequired: kd != nil && kd.Reboot})
	ps.warn("%s: the snapshot's fingerprint is of an earlier ecc (sha256) and its salt (.ecc/salt) is not here; the next apply rewrites it", set.Key)
	return true
}

// editable plans a readable key and returns the merged desired value.
func editable(ps *Station, kd *model.KeyDef, set model.Setting, v *observedValues) (model.Value, bool) {
	o, st := v.o, v.st
	cur, ok := v.current(kd)
	if !ok {
		ps.problem(set.Key, kd.Class.String(), "the controller did not report this key")
		return nil, false
	}
	desired := set.Value
	var same bool
	switch {
	case cur.redacted && unverifiable(ps, set, o, st, cur.hash):
		return desired, true
	case cur.redacted:
		// A snapshot keeps a sensitive value only as its hash.
		same = st != nil && st.Matches(cur.hash, desired.Canonical())
	case cur.value == nil:
		ps.warn("%s: the controller's value does not decode (%v); compared as text", set.Key, cur.err)
		same = desired.Canonical() == cur.text()
	default:
		if kd.Partial {
			desired = kd.Merge(cur.value, desired)
		}
		same = kd.Equal(cur.value, desired)
	}
	if same {
		return desired, true
	}
	c := writing(set, desired, ActionUpdate, kd.Reboot, st)
	switch {
	case c.Sensitive: // neither value shows
	case cur.sensitive():
		c.Before = model.Display(set.Key, cur.raw) // redacted; the secret part never shows
	default:
		c.Before = cur.text()
	}
	ps.Changes = append(ps.Changes, c)
	return desired, true
}

// crossKeyProblem turns a cross-key diagnostic into a Problem, naming the
// key whose setting the diagnostic points at when there is one.
func crossKeyProblem(d *hcl.Diagnostic, merged []model.Setting) Problem {
	p := Problem{Message: d.Summary}
	if d.Detail != "" {
		p.Message = strings.TrimSuffix(d.Summary, ".") + ": " + d.Detail
	}
	if r := d.Subject; r != nil && r.Filename != "" {
		p.Message = fmt.Sprintf("%s (%s:%d:%d)", p.Message, r.Filename, r.Start.Line, r.Start.Column)
		for _, s := range merged {
			if s.Range.Filename == r.Filename && s.Range.Start == r.Start {
				p.Key, p.Class = s.Key, model.Classify(s.Key).String()
				break
			}
		}
	}
	return p
}
