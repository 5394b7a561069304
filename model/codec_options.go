package model

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
)

// optDef is one allowed name of a name=value list.
type optDef struct {
	name    string   // canonical spelling
	numeric bool     // the value is an integer: canonical drops leading zeros
	allowed []string // when set, the value must be one of these (exact case)
	// rule returns what is allowed ("must be 0 or 1") when val is bad, or "".
	rule func(val string) string
	// shape says what rule (or allowed) allows, as data; levels is a
	// chg_Debug option's number of levels (bits of its mask).
	shape  shape
	levels int
}

// optionSpec is the table of a name=value list key.
type optionSpec struct {
	noun string // "option" or "field", for messages
	defs []optDef
}

// find looks an option up case-insensitively: the controller ignores the
// case of option names (the guide itself writes "Type=dhcp", "UseTLS").
func (s *optionSpec) find(name string) *optDef {
	for i := range s.defs {
		// Spelled as the table (every canonical value): no folding. The
		// table's names differ in more than case, so this is the entry
		// EqualFold finds.
		if s.defs[i].name == name {
			return &s.defs[i]
		}
	}
	for i := range s.defs {
		if strings.EqualFold(s.defs[i].name, name) {
			return &s.defs[i]
		}
	}
	return nil
}

// index is d's place in the table (d is one of its entries): known
// options sort in the table's order.
func (s *optionSpec) index(d *optDef) int {
	for i := range s.defs {
		if &s.defs[i] == d {
			return i
		}
	}
	return len(s.defs)
}

// fold is the option a name stands for, as the controller reads names
// (ignoring their case): its entry in the table, or nil and the name in
// lower case.
func (s *optionSpec) fold(name string) (*optDef, string) {
	if d := s.find(name); d != nil {
		return d, ""
	}
	return nil, strings.ToLower(name)
}

func (s *optionSpec) names() []string {
	n := make([]string, len(s.defs))
	for i, d := range s.defs {
		n[i] = d.name
	}
	return n
}

// flagOpts are 0/1 options (tables 6 and 7, gsm_Options).
func flagOpts(names ...string) *optionSpec {
	s := &optionSpec{noun: "option"}
	for _, n := range names {
		s.defs = append(s.defs, optDef{name: n, numeric: true, shape: intShape(0, 1), rule: func(v string) string {
			if n, err := atoi(v); err == nil && (n == 0 || n == 1) {
				return ""
			}
			return "must be 0 (disabled) or 1 (enabled)"
		}})
	}
	return s
}

// debugOpt is a chg_Debug option whose levels 1..levels are bits of a mask.
func debugOpt(name string, levels int) optDef {
	max := 1<<levels - 1
	sh := intShape(0, max)
	if levels > 1 {
		bits := make([]string, levels)
		for l := range bits {
			bits[l] = fmt.Sprintf("level %d = %d", l+1, 1<<l)
		}
		sh.words = fmt.Sprintf("a bitmask of levels 1 to %d: an integer from 0 to %d (%s)", levels, max, strings.Join(bits, ", "))
	} else {
		sh.words = "0 or 1 (level 1 only)"
	}
	return optDef{name: name, numeric: true, shape: sh, levels: levels, rule: func(v string) string {
		if n, err := atoi(v); err == nil && n >= 0 && n <= max {
			return ""
		}
		if levels == 1 {
			return "must be 0 or 1 (it has level 1 only)"
		}
		return fmt.Sprintf("must be a bitmask of levels 1 to %d: an integer from 0 to %d (level 1 = 1, level 2 = 2, level 3 = 4, level 4 = 8)", levels, max)
	}}
}

// debugSpec is table 1: option names and their highest level.
var debugSpec = &optionSpec{noun: "option", defs: []optDef{
	debugOpt("warn", 1), debugOpt("error", 1), debugOpt("date", 1), debugOpt("syslog", 1),
	debugOpt("gsm", 3), debugOpt("events", 4), debugOpt("com", 4), debugOpt("ocpp", 3),
	debugOpt("eth", 3), debugOpt("grid", 4), debugOpt("ctrl", 3), debugOpt("general", 2),
	debugOpt("sensors", 2), debugOpt("fw", 2), debugOpt("modbus", 2), debugOpt("canbus", 3),
	debugOpt("sys", 3),
}}

// chOptSpec is table 6, spelled as in the guide's example line
// ("OfflineStopOnDisconnect", "Rel2OnLowCosphi"); the table's other
// spellings match case-insensitively.
var chOptSpec = flagOpts("PlugAndCharge", "OvercurrentSens", "StopOnChargeComplete",
	"OfflineStopOnDisconnect", "StopOnLowCosphi", "Rel2OnLowCosphi")

// comOptSpec is table 7.
var comOptSpec = flagOpts("Events", "BlockBeforeBoot", "Wdt", "updSendInIdle", "blockLgFull", "useTLS", "comMaster")

// gsmOptSpec is the gsm_Options list (AutoAPN and 3G4G are obsolete but
// still accepted by the firmware).
var gsmOptSpec = flagOpts("noSmsChk", "AutoAPN", "3G4G")

func ipv4Rule(v string) string {
	if a, err := netip.ParseAddr(v); err == nil && a.Is4() {
		return ""
	}
	return "must be a dotted IPv4 address such as 192.168.1.10"
}

func netmaskRule(v string) string {
	a, err := netip.ParseAddr(v)
	if err == nil && a.Is4() {
		b := a.As4()
		m := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if x := ^m; x&(x+1) == 0 { // ones then zeros
			return ""
		}
	}
	return "must be a contiguous IPv4 netmask such as 255.255.255.0"
}

var ipv4Shape = shape{re: ipv4Re, words: "a dotted IPv4 address such as 192.168.1.10"}

// ethSpec is eth_cfg's fields.
var ethSpec = &optionSpec{noun: "field", defs: []optDef{
	{name: "type", allowed: []string{"dhcp", "static"}, shape: shape{enum: []string{"dhcp", "static"}}},
	{name: "ip", rule: ipv4Rule, shape: ipv4Shape},
	{name: "netmask", rule: netmaskRule, shape: shape{re: netmaskRe, words: "a contiguous IPv4 netmask such as 255.255.255.0"}},
	{name: "dns", rule: ipv4Rule, shape: ipv4Shape},
	{name: "gw", rule: ipv4Rule, shape: ipv4Shape},
}}

func infoRule(v string) string {
	if len(v) <= 25 && isPrintable(v) {
		return ""
	}
	return fmt.Sprintf("must be at most 25 printable characters (it has %d)", len(v))
}

var infoShape = shape{re: `[ -+\--~]{0,25}`, maxLen: 25, words: "at most 25 printable characters"}

// infoSpec is table 3.
var infoSpec = &optionSpec{noun: "field", defs: []optDef{
	{name: "modelname", rule: infoRule, shape: infoShape},
	{name: "vendorname", rule: infoRule, shape: infoShape},
	{name: "CpSn", rule: infoRule, shape: infoShape},
}}

// optionsCodec is a name=value list key.
type optionsCodec struct{ spec *optionSpec }

func (k optionsCodec) decode(s string) (Value, error) {
	v := optionsValue{spec: k.spec}
	if strings.TrimSpace(s) == "" {
		return v, nil
	}
	for i, it := range splitList(s) {
		if it == "" {
			continue // a stray comma carries nothing
		}
		name, val, ok := strings.Cut(it, "=")
		if !ok {
			return nil, fmt.Errorf("item %d %q is not name=value", i+1, it)
		}
		v.opts = append(v.opts, option{strings.TrimSpace(name), strings.TrimSpace(val)})
	}
	return v, nil
}

func (k optionsCodec) check(v Value, c *ctx) []problem {
	var ps []problem
	seen := map[string]bool{}
	for i, o := range v.(optionsValue).opts {
		d := k.spec.find(o.name)
		if d == nil {
			ps = append(ps, k.unknown(i, o.name, c))
			continue
		}
		if seen[strings.ToLower(d.name)] {
			ps = append(ps, at(i, true, "%s gives %s %s more than once.", c.key, k.spec.noun, d.name))
		}
		seen[strings.ToLower(d.name)] = true
		if d.allowed != nil {
			if !slices.Contains(d.allowed, o.value) {
				ps = append(ps, at(i, false, "%s %s %s must be %s (exact case)%s.%s", c.key, k.spec.noun, d.name,
					words.Or(d.allowed), c.got(o.value), c.didYouMean(o.value, d.allowed)))
			}
		} else if d.rule != nil {
			if why := d.rule(o.value); why != "" {
				ps = append(ps, at(i, false, "%s %s %s %s%s.", c.key, k.spec.noun, d.name, why, c.got(o.value)))
			}
		}
	}
	return ps
}

func (k optionsCodec) unknown(i int, name string, c *ctx) problem {
	allowed := "Allowed: " + strings.Join(k.spec.names(), ", ") + "."
	if name == "" {
		return at(i, true, "%s has a %s with an empty name. %s", c.key, k.spec.noun, allowed)
	}
	if m := nearest(name, k.spec.names()); m != "" && !c.quiet {
		return at(i, true, "%s has no %s %s; did you mean %q? %s", c.key, k.spec.noun, c.q(name), m, allowed)
	}
	return at(i, true, "%s has no %s %s. %s", c.key, k.spec.noun, c.q(name), allowed)
}

func (k optionsCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	if n.Kind != NodeMap {
		return nil, nil, wrongKind(c, n, fmt.Sprintf("a map of %s names to values, or a string such as %q", k.spec.noun, k.spec.defs[0].name+"=..."))
	}
	v := optionsValue{spec: k.spec}
	pos := make([]elemPos, 0, len(n.Map))
	var ps []problem
	for _, e := range n.Map {
		t, ok := scalarText(e.Value, true)
		if !ok {
			ps = append(ps, atRange(e.Value.Range, "%s %s %s must be a number or a string; got %s.", c.key, k.spec.noun, e.Key, kindName(e.Value.Kind)))
			continue
		}
		v.opts = append(v.opts, option{e.Key, strings.TrimSpace(t)})
		pos = append(pos, elemPos{name: e.KeyRange, value: e.Value.Range})
	}
	if ps != nil {
		return nil, nil, ps
	}
	return v, pos, nil
}

func (k optionsCodec) equal(a, b Value) bool {
	var bufA, bufB [24]effectiveOption // the longest table has 17 options
	ea, eb := a.(optionsValue).effective(bufA[:0]), b.(optionsValue).effective(bufB[:0])
	if len(ea) != len(eb) {
		return false
	}
	for _, e := range ea {
		if i := indexOption(eb, e); i < 0 || eb[i].value != e.value {
			return false
		}
	}
	return true
}

// merge lays desired's names over current's list.
func (k optionsCodec) merge(current, desired optionsValue) optionsValue {
	out := optionsValue{spec: k.spec, opts: append([]option(nil), current.opts...)}
	for _, d := range desired.opts {
		replaced := false
		for i := range out.opts {
			if strings.EqualFold(out.opts[i].name, d.name) {
				out.opts[i] = d
				replaced = true
			}
		}
		if !replaced {
			out.opts = append(out.opts, d)
		}
	}
	return out
}
