package model

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// checkCrossKeys implements CheckCrossKeys.
func checkCrossKeys(state []Setting) hcl.Diagnostics {
	get := func(key string) (Setting, bool) {
		for _, s := range state {
			if s.Key == key && s.Value != nil {
				return s, true
			}
		}
		return Setting{}, false
	}
	var diags hcl.Diagnostics
	add := func(a, b Setting, summary, detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: pick(a, b)})
	}

	// chg_MinChargingCurrent not above any channel's chg_RatedCurrent.
	if minS, ok := get("chg_MinChargingCurrent"); ok {
		if ratedS, ok := get("chg_RatedCurrent"); ok {
			lo, ok1 := intOf(minS.Value)
			rated, ok2 := intsOf(ratedS.Value)
			if ok1 && ok2 {
				var over []string
				for i, r := range rated {
					if lo > r {
						over = append(over, fmt.Sprintf("channel %d is rated %d A", i+1, r))
					}
				}
				if len(over) > 0 {
					add(minS, ratedS, "Minimum charging current above rated current",
						fmt.Sprintf("chg_MinChargingCurrent = %s (%s) is above chg_RatedCurrent = %s (%s): %s. A channel could never charge.",
							minS.Value.Display(), origin(minS), ratedS.Value.Display(), origin(ratedS), strings.Join(over, ", ")))
				}
			}
		}
	}

	// authorizationKey only with com_Options useTLS=1.
	if authS, ok := get("authorizationKey"); ok {
		if optS, ok := get("com_Options"); ok {
			if tls, ok := optIn(optS.Value.Canonical(), "usetls"); ok && tls != "1" {
				// The hint in the syntax of the file to edit: com_Options's,
				// or the station's when com_Options is the controller's
				// value or a factory file's.
				file := optS.Range.Filename
				if !yamlFile(file) && !hclFile(file) {
					file = authS.Range.Filename
				}
				add(authS, optS, "authorizationKey needs useTLS=1",
					fmt.Sprintf("authorizationKey (%s) is only used over a TLS connection, but com_Options has useTLS=%s (%s). Set %s in com_Options.",
						origin(authS), tls, origin(optS), written(file, "useTLS", 1)))
			}
		}
	}

	// A Master needs an installation maximum.
	if roleS, ok := get("grid_Role"); ok && roleS.Value.Canonical() == "Master" {
		if maxS, ok := get("grid_InstallationMaxcurrent"); ok {
			if n, ok := intOf(maxS.Value); ok && n <= 0 {
				add(roleS, maxS, "Master without an installation maximum",
					fmt.Sprintf("grid_Role = Master (%s) shares grid_InstallationMaxcurrent among the grid, but it is %s (%s). Set the grid's maximum current per phase.",
						origin(roleS), maxS.Value.Display(), origin(maxS)))
			}
		}
	}

	// The save current is not above the maximum.
	if saveS, ok := get("grid_InstallationSaveCurrent"); ok {
		if maxS, ok := get("grid_InstallationMaxcurrent"); ok {
			save, ok1 := intOf(saveS.Value)
			hi, ok2 := intOf(maxS.Value)
			if ok1 && ok2 && save > hi {
				add(saveS, maxS, "Save current above installation maximum",
					fmt.Sprintf("grid_InstallationSaveCurrent = %s (%s) is above grid_InstallationMaxcurrent = %s (%s).",
						saveS.Value.Display(), origin(saveS), maxS.Value.Display(), origin(maxS)))
			}
		}
	}

	// A static eth_cfg is complete.
	if ethS, ok := get("eth_cfg"); ok {
		f := ethS.Value.Canonical()
		if t, _ := optIn(f, "type"); t == "static" {
			var bad []string
			for _, name := range []string{"ip", "netmask", "gw"} {
				if v, _ := optIn(f, name); v == "" || v == "0.0.0.0" {
					bad = append(bad, name)
				}
			}
			if len(bad) > 0 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError,
					Summary: "Incomplete static eth_cfg",
					Detail: fmt.Sprintf("eth_cfg type=static (%s) needs ip, netmask and gw; missing or 0.0.0.0: %s.",
						origin(ethS), strings.Join(bad, ", ")),
					Subject: pick(ethS, ethS)})
			}
		}
	}
	return diags
}

// layerRank orders where a value was written: the station's own settings
// are what a user most likely changed.
func layerRank(s Setting) int {
	if s.Range == (hcl.Range{}) {
		return 0
	}
	switch s.Layer {
	case "station":
		return 3
	case "defaults":
		return 2
	case "factory":
		return 1
	}
	return 1
}

// pick is the subject of a two-key diagnostic: the value written in the
// higher layer (a, on a tie), never the controller's current value.
func pick(a, b Setting) *hcl.Range {
	ra, rb := layerRank(a), layerRank(b)
	switch {
	case ra == 0 && rb == 0:
		return nil
	case rb > ra:
		return b.Range.Ptr()
	}
	return a.Range.Ptr()
}

// origin says where a value came from, for the second location.
func origin(s Setting) string {
	if s.Range == (hcl.Range{}) {
		return "the controller's current value"
	}
	switch s.Layer {
	case "factory":
		return "factory file, " + where(s.Range)
	case "defaults":
		return "defaults, " + where(s.Range)
	}
	return where(s.Range)
}

// intOf reads a single integer value.
func intOf(v Value) (int, bool) {
	if iv, ok := v.(intValue); ok { // its canonical form reads back as n
		return iv.n, true
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Canonical()))
	return n, err == nil
}

// intsOf reads a comma-separated integer list (read only: it may be the
// value's own).
func intsOf(v Value) ([]int, bool) {
	if lv, ok := v.(intListValue); ok { // its canonical form reads back as ns
		return lv.ns, len(lv.ns) > 0
	}
	parts := strings.Split(v.Canonical(), ",")
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// optIn looks an option up in a name=value list (a value's canonical
// form): names compare in lower case (the controller ignores their case;
// name is in lower case) and the last of duplicates wins. Plans check
// the rules for every station: a map of the options was most of it.
func optIn(list, name string) (val string, ok bool) {
	for rest, more := list, true; more; {
		var item string
		item, rest, more = strings.Cut(rest, ",")
		n, v, found := strings.Cut(item, "=")
		if found && lowerIs(strings.TrimSpace(n), name) {
			val, ok = strings.TrimSpace(v), true
		}
	}
	return val, ok
}

// lowerIs reports whether strings.ToLower(s) == lower, without building
// the lower-case copy when s is ASCII.
func lowerIs(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
	}
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
