package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// ocppBlockHint tells where a backend-only key belongs, in the syntax of
// file (a factory file's hint names both).
func ocppBlockHint(file string) string {
	where := "in the `ocpp` block beside settings (`ocpp:` in YAML)"
	switch {
	case yamlFile(file):
		where = "under `ocpp:` beside `settings:`"
	case hclFile(file):
		where = "in the `ocpp` block beside `settings`"
	}
	return "It belongs " + where + ", applied over OCPP through `ecc gateway`."
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
		return nil, errAt(r.Ptr(), summary, detail)
	}
	if why := ocppPlannable(kd); why != "" {
		return nil, errAt(r.Ptr(), summary, fmt.Sprintf("%s is %s in OCPP 1.6: %s.", key, accessWord(kd.Access), why))
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
	if len(out) > 1 { // most stations have no ocpp block
		sort.SliceStable(out, func(i, j int) bool { return ocppOrder[out[i].Key] < ocppOrder[out[j].Key] })
	}
	return out
}

// ocppSchema allows the OCPP standard keys an `ocpp` block may set, each
// with its forms (schema.go).
func ocppSchema() map[string]any {
	props := map[string]any{}
	for i := range ocppTable {
		e := &ocppTable[i]
		if ocppPlannable(&e.def) != "" {
			continue
		}
		s := orSubst(keySchema(e.codec))
		d := e.def.Summary
		if e.def.Unit != "" {
			d += " (" + e.def.Unit + ")"
		}
		s["description"] = fmt.Sprintf("%s. OCPP 1.6 %s profile; written only over OCPP (ecc gateway). Form: %s.", d, e.def.Profile, formatOf(e.codec))
		props[e.def.Name] = s
	}
	return map[string]any{
		"type": []string{"object", "null"}, "additionalProperties": false,
		"description": "OCPP 1.6 standard configuration keys (chapter 9) by name. ecc writes them only over OCPP, through ecc gateway; a plan over the service cable lists them as left for the gateway. Read-only keys may not be set.",
		"properties":  props,
	}
}

// cslSchema is an OCPP comma-separated list: a list of items, or one
// string.
func cslSchema(c cslCodec) map[string]any {
	item := map[string]any{"type": "string"}
	re := `[^,]+`
	switch {
	case c.allowed != nil:
		enum := make([]any, len(c.allowed))
		alt := make([]string, len(c.allowed))
		for i, a := range c.allowed {
			enum[i] = a
			alt[i] = regexp.QuoteMeta(a)
		}
		item = map[string]any{"enum": enum}
		re = "(?:" + strings.Join(alt, "|") + ")"
	case c.item != nil:
		re = `[0-9]+\.(?:` + strings.Join(phaseRotations, "|") + ")"
		item["pattern"] = anchored(re)
	}
	list := map[string]any{"type": "array", "items": item, "uniqueItems": true}
	str := anchored(fmt.Sprintf(`%s(?:\s*,\s*%s)*`, re, re))
	if c.empty {
		str = anchored(fmt.Sprintf(`(?:%s(?:\s*,\s*%s)*)?`, re, re))
	} else {
		list["minItems"] = 1
	}
	return anyOf(list, map[string]any{"type": "string", "pattern": str})
}
