// Package plan compares a station's desired state (model.Station) with what
// its controller reports (read over the cable or OCPP, or offline from the
// last snapshot in plan/record) and produces a Plan: plain data, with its
// rules (Summarize, Station.Blocked, Change.OptionChanges) and its one
// JSON form (Marshal: saved plans and `--format json`), that the views in
// cmd/ecc render (text, JSON, markdown) and that apply executes. Status
// summarises an offline plan, a line per station, for `ecc status`. plan
// never prints; the views never decide.
package plan

import (
	"cmp"
	"fmt"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/hashicorp/hcl/v2"
)

// FormatVersion is the version of the plan's JSON form (docs/plan-json.md).
const FormatVersion = "1"

// Plan is the difference between the site files and the controllers for
// every selected station.
type Plan struct {
	FormatVersion string `json:"format_version"`
	// ECCVersion is the ecc that made the plan (Options.Version): apply
	// takes a saved plan only from the same ecc, as Terraform does.
	ECCVersion string    `json:"ecc_version,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Offline    bool      `json:"offline,omitempty"`
	SiteFiles  []string  `json:"site_files,omitempty"`
	// WorkDir is the folder the site files' paths are relative to, in a
	// saved plan (Save): applied from another folder, they are found
	// there (SitePath).
	WorkDir string `json:"working_dir,omitempty"`
	// StateDir is the --state-dir the plan was made with (its snapshots
	// and fingerprints were read there); a saved plan always records it,
	// "" for the default (.ecc beside each site file), so that apply
	// writes where plan read (SavedStateDir). nil: a plan from before
	// the field.
	StateDir *string    `json:"state_dir,omitempty"`
	Stations []*Station `json:"stations"`
	// Diagnostics are the site files' problems, as validate reports them:
	// the warnings beside a plan, or the errors that leave it without
	// stations (Invalid).
	Diagnostics []model.JSONDiagnostic `json:"diagnostics,omitempty"`
}

// Invalid is the plan of site files that do not validate: no station,
// nothing read, and the diagnostics that say why (plan --format json
// prints it, so that a pipeline reading its output learns why).
func Invalid(siteFiles []string, diags hcl.Diagnostics, now time.Time) *Plan {
	return &Plan{FormatVersion: FormatVersion, CreatedAt: now.UTC(), SiteFiles: siteFiles,
		Stations: []*Station{}, Diagnostics: model.JSONDiagnostics(diags)}
}

// Station is one station's part of a plan.
type Station struct {
	Name     string `json:"name"`
	Serial   string `json:"serial"`
	Port     string `json:"port,omitempty"`
	Model    string `json:"model"` // as observed, e.g. EVC5.1
	SiteFile string `json:"site_file,omitempty"`

	// ObservedAt is when the controller was read (for offline plans, when
	// the snapshot was taken); Fingerprint summarises the observed state so
	// that apply can refuse a saved plan whose controller changed since.
	ObservedAt   time.Time `json:"observed_at"`
	FromSnapshot bool      `json:"from_snapshot,omitempty"`
	Fingerprint  string    `json:"observed_fingerprint"`

	// Channel is how the controller was reached: "serial" (the service
	// cable, also tcp://) or "ocpp" (through ecc gateway); "" in plans
	// older than the field means serial.
	Channel string `json:"channel,omitempty"`

	Firmware Firmware  `json:"firmware"`
	Changes  []Change  `json:"changes"`
	Errors   []Problem `json:"errors"`
	Warnings []string  `json:"warnings,omitempty"`

	// Resume is set (in memory only) when the user chose to finish or
	// roll back an interrupted earlier apply of this station: there is
	// work even without a change.
	Resume bool `json:"-"`
	// LeftForGateway are the station's `ocpp` keys when it was planned
	// over the cable: never sent on that channel, they wait for a plan
	// over OCPP and block nothing.
	LeftForGateway []GatewayKey `json:"left_for_gateway,omitempty"`

	// KnownAtApply are the keys whose desired value depends on a secret
	// not at hand in this run: the plan cannot tell whether they change.
	KnownAtApply []Deferred `json:"known_at_apply,omitempty"`
	// ToCommission is a station never read (offline, no snapshot): every
	// managed key is planned as set, the values before unknown.
	ToCommission bool `json:"to_commission,omitempty"`
}

// KnownAtApply stands for a value the plan cannot know: its secret is not
// at hand in this run.
const KnownAtApply = "(known at apply)"

// Deferred is a key whose value is known at apply (model.Setting.Unknown).
type Deferred struct {
	Key            string           `json:"key"`
	Secret         *model.SecretRef `json:"secret,omitempty"`
	RebootRequired bool             `json:"reboot_required"`
}

// GatewayKey is one key of an `ocpp` block left for the gateway, with the
// desired value (Display form: never a secret).
type GatewayKey struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Via is the channel the station's plan was made over, the one apply must
// use.
func (s *Station) Via() model.Channel {
	if s.Channel == model.ChannelOCPP.String() {
		return model.ChannelOCPP
	}
	return model.ChannelSerial
}

// Firmware actions.
const (
	FirmwareNone    = "none"
	FirmwareUpgrade = "upgrade"
	FirmwareRefused = "refused"
)

// Firmware compares the running version with the pin.
type Firmware struct {
	Current string `json:"current"`
	Desired string `json:"desired,omitempty"`
	Action  string `json:"action"`
	Reason  string `json:"reason,omitempty"`
	// The pinned image, so that apply can flash exactly what was planned.
	File   string `json:"file,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size,omitempty"`
	Locked bool   `json:"locked,omitempty"`
	// Family is set when the family rules were checked against the site
	// file's declared model because the station, over OCPP, reported a
	// model of no controller family (model.FamilyOf); apply checks again
	// against the same.
	Family string `json:"family,omitempty"`
}

// Transition is "V32R16 -> V32R17", with " refused: REASON" when the pin
// is refused, or "" when the firmware stays.
func (f Firmware) Transition() string {
	switch f.Action {
	case FirmwareUpgrade:
		return fmt.Sprintf("%s -> %s", cmp.Or(f.Current, UnknownFirmware), f.Desired)
	case FirmwareRefused:
		return fmt.Sprintf("%s -> %s refused: %s", cmp.Or(f.Current, UnknownFirmware), f.Desired, f.Reason)
	}
	return ""
}

// UnknownFirmware stands for a running version the plan does not know
// (a station never read).
const UnknownFirmware = "(unknown)"

// Change actions.
const (
	ActionUpdate = "update" // the value differs
	ActionSet    = "set"    // a write-only key whose current value cannot be read
)

// Change is one key to write.
type Change struct {
	Key    string `json:"key"`
	Action string `json:"action"`
	// Before and After are canonical controller strings; absent when
	// Sensitive (secrets never reach a plan's output or file).
	Before         string `json:"before,omitempty"`
	After          string `json:"after,omitempty"`
	Sensitive      bool   `json:"sensitive,omitempty"`
	RebootRequired bool   `json:"reboot_required"`
	// Secret is where a sensitive value comes from (env / file), and
	// SecretHash the fingerprint of the planned value, so that apply of a
	// saved plan resolves it again and checks it is what was planned.
	Secret     *model.SecretRef `json:"secret,omitempty"`
	SecretHash string           `json:"secret_hash,omitempty"`

	// value is the full value to write (secrets in clear), only in memory.
	value string
	// unknown is a change the plan can tell whose value it cannot: the
	// secret part is not at hand (knownChange). Such a plan is not saved.
	unknown bool
}

// Value is the canonical controller string apply writes. For a plan read
// back from a file it is empty for sensitive changes until resolved.
func (c *Change) Value() string {
	if c.value == "" && !c.Sensitive {
		return c.After
	}
	return c.value
}

// SetValue records the value to write (used when computing the plan, and
// when apply resolves a saved plan's secret).
func (c *Change) SetValue(v string) { c.value = v }

// Problem is a blocked or invalid key, or another reason the station must
// not be applied.
type Problem struct {
	Key     string `json:"key,omitempty"`
	Class   string `json:"class,omitempty"`
	Message string `json:"message"`
}

// String is "key (class): message", or the message alone: a problem as
// plans and status say it.
func (e Problem) String() string {
	switch {
	case e.Key != "" && e.Class != "":
		return fmt.Sprintf("%s (%s): %s", e.Key, e.Class, e.Message)
	case e.Key != "":
		return e.Key + ": " + e.Message
	}
	return e.Message
}

// Blocked reports whether the station's plan must not be applied: any error
// or refused firmware.
func (s *Station) Blocked() bool {
	return len(s.Errors) > 0 || s.Firmware.Action == FirmwareRefused
}

// HasChanges reports whether applying would do anything.
func (s *Station) HasChanges() bool {
	return len(s.Changes) > 0 || s.Firmware.Action == FirmwareUpgrade
}

// Pending says what applying the station asks of the user: work is false
// when there is nothing to do at all (not even a refusal to report);
// approve is true when something would be written and so needs a "yes".
func (s *Station) Pending() (work, approve bool) {
	blocked := s.Blocked()
	work = s.HasChanges() || s.Resume || blocked
	approve = s.Resume || (s.HasChanges() && !blocked)
	return work, approve
}

// Pending is Station.Pending over every station of the plan: the one
// answer to "is there anything to do?".
func (p *Plan) Pending() (work, approve bool) {
	for _, st := range p.Stations {
		w, a := st.Pending()
		work, approve = work || w, approve || a
	}
	return work, approve
}

// LiftJournal removes the block an interrupted earlier apply put on the
// station (the user chose to finish or roll it back); other problems stay.
func (s *Station) LiftJournal() {
	errs := s.Errors[:0:0]
	for _, e := range s.Errors {
		if e.Class != ProblemJournal {
			errs = append(errs, e)
		}
	}
	s.Errors = errs
}

// Summary counts what a plan would do, for the closing line.
type Summary struct {
	Stations, Changes, Upgrades, Blocked int
	// LeftForGateway counts the ocpp keys planned over the cable.
	LeftForGateway int
	// KnownAtApply counts deferred values, ToCommission stations never read.
	KnownAtApply, ToCommission int
}

// Summarize counts the plan.
func (p *Plan) Summarize() Summary {
	var s Summary
	s.Stations = len(p.Stations)
	for _, st := range p.Stations {
		s.Changes += len(st.Changes)
		s.LeftForGateway += len(st.LeftForGateway)
		s.KnownAtApply += len(st.KnownAtApply)
		if st.ToCommission {
			s.ToCommission++
		}
		if st.Firmware.Action == FirmwareUpgrade {
			s.Upgrades++
		}
		if st.Blocked() {
			s.Blocked++
		}
	}
	return s
}
