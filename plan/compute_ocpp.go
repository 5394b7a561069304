package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecotap-tools/ecc/model"
)

// computeOCPP plans a station's `ocpp` block. Over OCPP its keys are
// planned like any other readable key; over the cable they are never sent:
// those the station does not already hold are listed as left for the
// gateway and block nothing, so that the cable's own keys still apply.
func computeOCPP(ps *Station, s *model.Station, v *observedValues) {
	o := v.o
	if len(s.OCPP) == 0 {
		return
	}
	if !o.overOCPP() {
		leaveForGateway(ps, s, v)
		return
	}
	for _, set := range s.OCPP {
		kd, ok := model.LookupOCPP(set.Key)
		class := model.Classify(set.Key)
		switch {
		case !ok || !class.WritableOn(model.ChannelOCPP) || kd.Access != model.RW:
			// model refuses these before a plan; guard anyway.
			ps.problem(set.Key, class.String(), class.Reason())
		case set.Unknown:
			if !reportedReadOnly(ps, set.Key, "ocpp block", o) {
				ps.KnownAtApply = append(ps.KnownAtApply, Deferred{Key: set.Key, Secret: set.Secret})
			}
		case set.Value == nil:
			ps.problem(set.Key, class.String(), "no value")
		case o.unknown(set.Key):
			ps.problem(set.Key, class.String(), fmt.Sprintf("the station does not have this OCPP key (GetConfiguration reported it unknown); firmware %s may not implement its profile (%s)", o.Identity.Firmware, kd.Profile))
		case tooLong(ps, set, o):
		default:
			n, k := len(ps.Changes), len(ps.KnownAtApply)
			editable(ps, kd, set, v)
			readOnlyChange(ps, set.Key, "ocpp block", o, n, k)
		}
	}
}

// tooLong reports (as a problem) a list longer than the station's
// <Key>MaxLength: the station would reject it, and the run roll back.
func tooLong(ps *Station, set model.Setting, o *Observation) bool {
	m := model.MaxLengthKey(set.Key)
	limit, err := strconv.Atoi(strings.TrimSpace(o.Values[m]))
	n, ok := model.ListLen(set.Value)
	if m == "" || err != nil || !ok || n <= limit {
		return false
	}
	ps.problem(set.Key, model.Classify(set.Key).String(),
		fmt.Sprintf("lists %d items; the station takes at most %d (its %s)", n, limit, m))
	return true
}

// leaveForGateway lists the station's ocpp keys that the cable leaves for
// the gateway: all but those the controller was read holding already (the
// cable reads the block, ReadKeysOn; a snapshot of an earlier ecc holds
// none of it, and a value known only at apply cannot be compared).
func leaveForGateway(ps *Station, s *model.Station, v *observedValues) {
	for _, set := range s.OCPP {
		if held(set, v) {
			continue
		}
		val := KnownAtApply
		if set.Value != nil {
			val = set.Value.Display()
		}
		ps.LeftForGateway = append(ps.LeftForGateway, GatewayKey{Key: set.Key, Value: val})
	}
}

// held reports whether the controller was read (v; nil: never) holding
// set's value.
func held(set model.Setting, v *observedValues) bool {
	kd, ok := model.LookupOCPP(set.Key)
	if v == nil || !ok || set.Value == nil || set.Unknown {
		return false
	}
	cur, ok := v.current(kd)
	return ok && cur.value != nil && kd.Equal(cur.value, set.Value)
}
