package model

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// ocppBlockHint tells where a backend-only key belongs.
const ocppBlockHint = "It belongs in the `ocpp` block beside settings (`ocpp:` in YAML), applied over OCPP through `ecc gateway`."

// typeOCPP classifies and types the keys of one layer's `ocpp` block:
// OCPP 1.6 standard keys the station may change (read-write), typed by
// their OCPP definition.
func (b *builder) typeOCPP(raws []rawSetting, layer string) []Setting {
	out := make([]Setting, 0, len(raws))
	for _, rs := range raws {
		kd, d := ocppPlannableKey(rs.key, rs.keyRange)
		if d != nil {
			b.add(d)
			continue
		}
		v, diags := kd.FromNode(rs.node)
		b.add(diags...)
		if diags.HasErrors() || v == nil {
			continue
		}
		out = append(out, Setting{Key: rs.key, Value: v, Layer: layer, Range: rs.node.Range, Secret: firstSecret(rs.node)})
	}
	return out
}

// ocppPlannableKey looks up a key of an `ocpp` block, or explains why it
// cannot be there: not an OCPP standard key (a dictionary key belongs in
// settings), or one the station reports or the backend keeps secret.
func ocppPlannableKey(key string, r hcl.Range) (*KeyDef, *hcl.Diagnostic) {
	summary := "Key " + key + " cannot be set in the ocpp block"
	kd, ok := LookupOCPP(key)
	if !ok {
		var detail string
		if _, dict := Lookup(key); dict {
			detail = fmt.Sprintf("%s is an ECClite dictionary key, not an OCPP 1.6 standard configuration key: it belongs in settings.", key)
		} else {
			detail = fmt.Sprintf("%s is not an OCPP 1.6 standard configuration key (OCPP 1.6 chapter 9 and its security and ISO 15118 extensions).", key)
			if s := SuggestOCPP(key); s != "" {
				detail += fmt.Sprintf(" Did you mean %q?", s)
			}
		}
		return nil, errAt(&r, summary, detail)
	}
	if why := ocppPlannable(kd); why != "" {
		return nil, errAt(&r, summary, fmt.Sprintf("%s is %s in OCPP 1.6: %s.", key, accessWord(kd.Access), why))
	}
	return kd, nil
}

func accessWord(a Access) string {
	switch a {
	case RO:
		return "read-only"
	case WO:
		return "write-only"
	}
	return "read-write"
}

// layerOCPP lays a station's ocpp block over the defaults' (a station's
// key replaces the defaults' value), in the specification's order.
func layerOCPP(defaults, own []Setting) []Setting {
	out := make([]Setting, 0, len(defaults)+len(own))
	idx := map[string]int{}
	for _, l := range [][]Setting{defaults, own} {
		for _, s := range l {
			if i, ok := idx[s.Key]; ok {
				out[i] = s
				continue
			}
			idx[s.Key] = len(out)
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return ocppOrder[out[i].Key] < ocppOrder[out[j].Key] })
	return out
}
