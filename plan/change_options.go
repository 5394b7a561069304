package plan

import "strings"

// OptionChange is one option of a name=value list that a change alters.
type OptionChange struct{ Name, Before, After string }

// OptionChanges splits a change of a name=value list ("Events=1,useTLS=0")
// into the options that differ, so that a reviewer sees `useTLS: 0 -> 1`
// rather than two long strings. ok is false when either side is not such a
// list. Before and After are canonical, so a plain split is exact.
func (c Change) OptionChanges() (out []OptionChange, ok bool) {
	if c.Sensitive || c.Action != ActionUpdate {
		return nil, false
	}
	before, ok1 := splitOptions(c.Before)
	after, ok2 := splitOptions(c.After)
	if !ok1 || !ok2 {
		return nil, false
	}
	seen := map[string]bool{}
	for _, kv := range after {
		seen[kv[0]] = true
		if old, had := lookupOption(before, kv[0]); !had || old != kv[1] {
			out = append(out, OptionChange{Name: kv[0], Before: old, After: kv[1]})
		}
	}
	for _, kv := range before {
		if !seen[kv[0]] {
			out = append(out, OptionChange{Name: kv[0], Before: kv[1]})
		}
	}
	return out, true
}

func splitOptions(s string) ([][2]string, bool) {
	if !strings.Contains(s, "=") { // not a list (the most common case): split nothing
		return nil, false
	}
	var out [][2]string
	for _, f := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, false
		}
		out = append(out, [2]string{name, val})
	}
	return out, true
}

func lookupOption(opts [][2]string, name string) (string, bool) {
	for _, kv := range opts {
		if kv[0] == name {
			return kv[1], true
		}
	}
	return "", false
}
