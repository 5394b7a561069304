package plan

import (
	"context"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

// StationStatus is one line of `ecc status`: what the record says of a
// station, against its site file.
type StationStatus struct {
	Name     string `json:"name"`
	Serial   string `json:"serial"`
	SiteFile string `json:"site_file,omitempty"`
	// ObservedAt is when the last snapshot was taken (zero, and absent
	// from JSON: never), AgeSeconds how long before the status was made.
	ObservedAt time.Time `json:"observed_at,omitzero"`
	AgeSeconds int64     `json:"age_seconds,omitempty"`
	// Firmware is the running version as last observed, Pinned the site
	// file's pin ("" when none).
	Firmware string `json:"firmware,omitempty"`
	Pinned   string `json:"pinned,omitempty"`
	// Drift counts the keys whose desired value differs from the snapshot;
	// KnownAtApply those that depend on a secret not at hand.
	Drift        int  `json:"drift"`
	KnownAtApply int  `json:"known_at_apply,omitempty"`
	Upgrade      bool `json:"firmware_upgrade,omitempty"`
	ToCommission bool `json:"to_commission"`
	// Problems are why an apply would refuse the station (e.g. an
	// interrupted apply, a key the firmware lacks).
	Problems []string `json:"problems,omitempty"`
}

// Drifting reports whether an apply would change a station that was read
// before (a station to commission is not drifting: it was never read).
func (s StationStatus) Drifting() bool {
	return !s.ToCommission && (s.Drift > 0 || s.Upgrade)
}

// Status is the fleet's dashboard: an offline plan of every station,
// summarised to one line each. It reads only the record and never
// needs a secret (sites loaded with model.LoadOptions.DeferSecrets count
// a missing one as known at apply).
func Status(ctx context.Context, sites []*model.Site, opts Options) ([]StationStatus, error) {
	opts.Offline, opts.Port, opts.MaxAge = true, "", 0
	p, err := Build(ctx, sites, opts)
	if err != nil {
		return nil, err
	}
	now := opts.now()
	out := make([]StationStatus, 0, len(p.Stations))
	for _, s := range p.Stations {
		st := StationStatus{
			Name: s.Name, Serial: s.Serial, SiteFile: s.SiteFile,
			ObservedAt: s.ObservedAt, Firmware: s.Firmware.Current, Pinned: s.Firmware.Desired,
			Drift: len(s.Changes), KnownAtApply: len(s.KnownAtApply),
			Upgrade: s.Firmware.Action == FirmwareUpgrade, ToCommission: s.ToCommission,
		}
		if !s.ObservedAt.IsZero() {
			st.AgeSeconds = int64(now.Sub(s.ObservedAt) / time.Second)
		}
		for _, e := range s.Errors {
			st.Problems = append(st.Problems, e.String())
		}
		if s.Firmware.Action == FirmwareRefused {
			st.Problems = append(st.Problems, "firmware "+s.Firmware.Transition())
		}
		out = append(out, st)
	}
	return out, nil
}
