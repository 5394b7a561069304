package plan

import (
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// commissionStation plans a station that was never read (offline, no
// snapshot): a station being added to the fleet. Every managed key is to
// be set and nothing is known of the values before, which is not an
// error: the pull request that adds a station plans, and its first apply
// on site reads the controller and plans for real.
func commissionStation(s *model.Station, st *record.State) *Station {
	ps := newStation(s)
	ps.ToCommission = true
	for _, set := range s.Settings {
		kd, _, ok := plannable(ps, set)
		if !ok {
			continue
		}
		ps.Changes = append(ps.Changes, writing(set, set.Value, ActionSet, kd.Reboot, st))
	}
	// Never read, so the channel is not known: the ocpp block waits for a
	// plan over OCPP.
	leaveForGateway(ps, s, nil)
	journalProblem(ps, st)
	return ps
}
