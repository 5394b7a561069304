package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// fieldsSpec describes a positional comma list: its field names (also the
// keys of its map form), how it is printed and checked.
type fieldsSpec struct {
	names  []string       // field names, in order
	alias  map[string]int // further map keys (a meter's "pulses" is field 2)
	secret int            // first secret field, -1 for none
	canon  func(f []string) []string
	check  func(f []string, c *ctx) []problem
	// mapRule checks a map form beyond unknown keys (which map keys go
	// together); given maps each key used to its entry.
	mapRule func(given map[string]MapEntry, c *ctx) []problem
	// The rules as data, for the schema and explain: each field's shape
	// (by index; aliases share theirs unless shapes names them), and the
	// whole controller text as a regexp with what it means in words.
	shapes   []shape
	aliases  map[string]shape
	required []string // map keys the map form must give
	text     shape
}

func (s *fieldsSpec) canonFields(f []string) []string {
	f = slices.Clone(f)
	if s.canon != nil {
		return s.canon(f)
	}
	return f
}

func (s *fieldsSpec) index(key string) (int, bool) {
	if i := slices.Index(s.names, key); i >= 0 {
		return i, true
	}
	i, ok := s.alias[key]
	return i, ok
}

func (s *fieldsSpec) mapKeys() []string {
	keys := slices.Clone(s.names)
	for k := range s.alias {
		keys = append(keys, k)
	}
	slices.Sort(keys[len(s.names):])
	return keys
}

// fieldsCodec is a positional comma list key.
type fieldsCodec struct{ spec *fieldsSpec }

func (k fieldsCodec) decode(s string) (Value, error) {
	return fieldsValue{k.spec, splitList(s)}, nil
}

func (k fieldsCodec) check(v Value, c *ctx) []problem {
	f := v.(fieldsValue).fields
	var ps []problem
	for i, x := range f {
		if strings.Contains(x, ",") { // only possible from a list or map
			ps = append(ps, at(i, false, "%s %s must not contain a comma.", c.key, k.fieldName(i)))
		}
	}
	if ps != nil {
		return ps
	}
	return k.spec.check(f, c)
}

func (k fieldsCodec) fieldName(i int) string {
	if i < len(k.spec.names) {
		return k.spec.names[i]
	}
	return fmt.Sprintf("field %d", i+1)
}

func (k fieldsCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	switch n.Kind {
	case NodeList:
		f, pos, ps := listElems(n, func(i int, e *Node) (string, *problem) {
			t, ok := scalarText(e, false)
			if !ok {
				p := atRange(e.Range, "%s item %d (%s) must be a string or a number; got %s.",
					c.key, i+1, k.fieldName(i), kindName(e.Kind))
				return "", &p
			}
			return strings.TrimSpace(t), nil
		})
		if ps != nil {
			return nil, nil, ps
		}
		return fieldsValue{k.spec, f}, pos, nil
	case NodeMap:
		f := make([]string, len(k.spec.names))
		pos := make([]elemPos, len(k.spec.names))
		filled := make([]bool, len(k.spec.names))
		given := map[string]MapEntry{}
		var ps []problem
		for _, e := range n.Map {
			i, ok := k.spec.index(e.Key)
			if !ok {
				hint := ""
				if m := nearest(e.Key, k.spec.mapKeys()); m != "" {
					hint = fmt.Sprintf(" did you mean %q?", m)
				}
				ps = append(ps, atRange(e.KeyRange, "%s has no field %q;%s Allowed: %s.",
					c.key, e.Key, hint, strings.Join(k.spec.mapKeys(), ", ")))
				continue
			}
			if filled[i] {
				ps = append(ps, atRange(e.KeyRange, "%s gives field %s more than once.", c.key, k.fieldName(i)))
				continue
			}
			t, ok := scalarText(e.Value, false)
			if !ok {
				ps = append(ps, atRange(e.Value.Range, "%s field %s must be a string or a number; got %s.",
					c.key, e.Key, kindName(e.Value.Kind)))
				continue
			}
			given[e.Key] = e
			filled[i] = true
			f[i] = strings.TrimSpace(t)
			pos[i] = elemPos{name: e.KeyRange, value: e.Value.Range}
		}
		if ps == nil && k.spec.mapRule != nil {
			ps = k.spec.mapRule(given, c)
		}
		if ps != nil {
			return nil, nil, ps
		}
		return fieldsValue{k.spec, f}, pos, nil
	}
	return nil, nil, wrongKind(c, n, fmt.Sprintf("a list [%s], a map or a string", strings.Join(k.spec.names, ", ")))
}

func (k fieldsCodec) equal(a, b Value) bool { return a.Canonical() == b.Canonical() }

// trimTrailing drops empty fields at the end.
func trimTrailing(f []string) []string {
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f
}

// isIdent reports whether s is letters, digits and '_' only.
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Meters (chg_KWH1..3): "type,address,rate,parity,stop".
//
// Design choice: the guide overloads the third field (Modbus baud rate, or
// pulses per kWh of a pulse meter) and marks parity and stop bits "only for
// Modbus meters". So a meter with parity or stop bits is a Modbus meter; one
// with both empty is a pulse meter, whose rate we bound to 1..100000 pulses
// per kWh (real S0 meters give 100 to 10000) and whose address may be empty.
// A meter of type "none" stands alone. Canonical form: "none" alone, any
// other meter padded to all five fields, integers without leading zeros.

var meterBauds = []string{"1200", "2400", "4800", "9600", "19200", "38400", "57600", "115200"}

const meterMaxPulses = 100000

var meterFields = []string{"type", "address", "baud", "parity", "stop_bits"}

// meterIdentRe is a meter type other than none.
const meterIdentRe = `[A-Za-z0-9_]+`

var meterBaudShape = shape{enum: meterBauds, words: "a Modbus baud rate: " + strings.Join(meterBauds, ", ")}

var meterSpec = &fieldsSpec{
	names:  meterFields,
	alias:  map[string]int{"pulses": 2},
	secret: -1,
	shapes: []shape{
		{re: `none|` + meterIdentRe, words: "the meter type: letters, digits and _ (e.g. EASTR_SDM72D), or none"},
		{integer: true, lo: 0, hi: 247, empty: true, words: "the Modbus address 1 to 247 (a pulse meter: empty or 0 to 247)"},
		{integer: true, lo: 1, hi: 115200, empty: true, words: "a Modbus meter's baud rate (1200 to 115200), or a pulse meter's pulses per kWh (1 to 100000)"},
		{enum: []string{"N", "E", "O"}, empty: true, words: "N (none), E (even) or O (odd); empty for a pulse meter"},
		{integer: true, lo: 1, hi: 2, empty: true, words: "1 or 2; empty for a pulse meter"},
	},
	required: []string{"type"},
	aliases: map[string]shape{"baud": meterBaudShape,
		"pulses": {integer: true, lo: 1, hi: meterMaxPulses, words: "a pulse meter's pulses per kWh (1 to 100000)"}},
	text: shape{
		re: `(?:none(?:\s*,)*|` + meterIdentRe + `\s*,\s*` + intRegexp(1, 247) + `\s*,\s*\+?0*(?:` + strings.Join(meterBauds, "|") +
			`)\s*,\s*[NEO]\s*,\s*\+?0*[12]|` + meterIdentRe + `\s*,\s*(?:` + intRegexp(0, 247) + `)?\s*,\s*\+?0*[0-9]{1,6}(?:\s*,){0,2})`,
		words: "type,address,baud,parity,stop (a Modbus meter, e.g. EASTR_SDM72D,1,9600,N,1), type,address,pulses (a pulse meter) or none"},
	canon: func(f []string) []string {
		for _, i := range []int{1, 2, 4} {
			if i < len(f) {
				f[i] = canonInt(f[i])
			}
		}
		f = trimTrailing(f)
		if len(f) > 1 && len(f) < 5 {
			f = append(f, make([]string, 5-len(f))...)
		}
		return f
	},
	check:   checkMeter,
	mapRule: meterMapRule,
}

func checkMeter(f []string, c *ctx) []problem {
	get := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	if len(f) > 5 {
		return []problem{at(5, false, "%s takes at most 5 fields (type,address,baud,parity,stop); got %d.", c.key, len(f))}
	}
	typ := get(0)
	switch {
	case typ == "none":
		for i := 1; i < len(f); i++ {
			if f[i] != "" {
				return []problem{at(i, false, "%s of type none takes no other fields; got %s %s.", c.key, meterFields[i], c.q(f[i]))}
			}
		}
		return nil
	case typ == "":
		return []problem{at(0, false, "%s needs a meter type (e.g. EASTR_SDM72D) or none.", c.key)}
	case !isIdent(typ):
		return []problem{at(0, false, "%s meter type must be letters, digits and _ (e.g. EASTR_SDM72D) or none%s.", c.key, c.got(typ))}
	case strings.EqualFold(typ, "none"):
		return []problem{at(0, false, "%s meter type %s: did you mean \"none\"?", c.key, c.q(typ))}
	}
	var ps []problem
	intIn := func(i, lo, hi int, what string) {
		n, err := strconv.Atoi(get(i))
		if err != nil || n < lo || n > hi {
			ps = append(ps, at(i, false, "%s %s must be an integer from %d to %d%s.", c.key, what, lo, hi, c.got(get(i))))
		}
	}
	if get(3) == "" && get(4) == "" { // pulse meter
		if get(1) != "" {
			intIn(1, 0, 247, "address")
		}
		if get(2) == "" {
			ps = append(ps, at(2, false, "%s needs its rate: a Modbus meter's baud rate with parity and stop bits, or a pulse meter's pulses per kWh (1 to %d).", c.key, meterMaxPulses))
		} else {
			intIn(2, 1, meterMaxPulses, "pulses per kWh (a pulse meter: no parity or stop bits)")
		}
		return ps
	}
	intIn(1, 1, 247, "Modbus address")
	if !slices.Contains(meterBauds, canonInt(get(2))) {
		ps = append(ps, at(2, false, "%s baud rate must be one of %s%s.", c.key, strings.Join(meterBauds, ", "), c.got(get(2))))
	}
	if p := get(3); p != "N" && p != "E" && p != "O" {
		ps = append(ps, at(3, false, "%s parity must be N (none), E (even) or O (odd)%s.%s", c.key, c.got(p),
			c.didYouMean(p, []string{"N", "E", "O"})))
	}
	if s := canonInt(get(4)); s != "1" && s != "2" {
		ps = append(ps, at(4, false, "%s stop bits must be 1 or 2%s.", c.key, c.got(get(4))))
	}
	return ps
}

// meterMapRule: in the map form, "baud" says Modbus (parity and stop_bits
// required) and "pulses" says pulse meter (neither allowed).
func meterMapRule(given map[string]MapEntry, c *ctx) []problem {
	b, hasBaud := given["baud"]
	p, hasPulses := given["pulses"]
	_, hasParity := given["parity"]
	_, hasStop := given["stop_bits"]
	switch {
	case hasBaud && hasPulses:
		return []problem{atRange(p.KeyRange, "%s gives both baud (Modbus meter) and pulses (pulse meter); give one.", c.key)}
	case hasPulses && (hasParity || hasStop):
		return []problem{atRange(p.KeyRange, "%s is a pulse meter (pulses): it takes no parity or stop_bits.", c.key)}
	case hasBaud && !(hasParity && hasStop):
		return []problem{atRange(b.KeyRange, "%s is a Modbus meter (baud): it needs parity and stop_bits too.", c.key)}
	}
	return nil
}

// Readers (chg_Reader1..2): "type,channel", table 5.
var (
	readerTypes    = []string{"none", "sl032", "Shared"}
	readerChannels = []string{"CH1", "CH2", "any"}
)

var readerSpec = &fieldsSpec{
	names:    []string{"type", "channel"},
	secret:   -1,
	shapes:   []shape{{enum: readerTypes}, {enum: readerChannels}},
	required: []string{"type", "channel"},
	text: shape{re: `(?:none|sl032|Shared)\s*,\s*(?:CH1|CH2|any)`,
		words: "type,channel: type none, sl032 or Shared; channel CH1, CH2 or any (e.g. sl032,CH1)"},
	check: func(f []string, c *ctx) []problem {
		if len(f) != 2 {
			p := at(2, false, "%s must be \"type,channel\" (e.g. sl032,CH1); got %d fields.", c.key, len(f))
			if len(f) < 2 {
				p.elem = -1
			}
			return []problem{p}
		}
		var ps []problem
		if !slices.Contains(readerTypes, f[0]) {
			ps = append(ps, at(0, false, "%s reader type must be one of %s (exact case)%s.%s",
				c.key, strings.Join(readerTypes, ", "), c.got(f[0]), c.didYouMean(f[0], readerTypes)))
		}
		if !slices.Contains(readerChannels, f[1]) {
			ps = append(ps, at(1, false, "%s channel must be one of %s (exact case)%s.%s",
				c.key, strings.Join(readerChannels, ", "), c.got(f[1]), c.didYouMean(f[1], readerChannels)))
		}
		return ps
	},
}

// gsm_APN: "name,user,password"; the password (field 3) is a secret. The
// guide limits the name to 39 characters, user and password to 24.
var apnFields = []string{"name", "user", "password"}

var apnSpec = &fieldsSpec{
	names:  apnFields,
	secret: 2,
	shapes: []shape{
		{re: `[ -+\--~]{0,39}`, maxLen: 39, words: "the APN name: at most 39 printable characters"},
		{re: `[ -+\--~]{0,24}`, maxLen: 24, words: "the user: at most 24 printable characters"},
		{words: "the password: at most 24 printable characters (a secret: give it with !env or !file)"},
	},
	text: shape{re: `[ -+\--~]{0,39}(?:\s*,[ -+\--~]{0,24}){0,2}`,
		words: "name,user,password (at most 39, 24 and 24 printable characters)"},
	canon: func(f []string) []string {
		if len(f) < 3 {
			f = append(f, make([]string, 3-len(f))...)
		}
		return f
	},
	check: func(f []string, c *ctx) []problem {
		if len(f) > 3 {
			// Never quote: the extra fields are probably the password's.
			return []problem{at(3, false, "%s takes 3 fields (name,user,password); got %d.", c.key, len(f))}
		}
		limits := []int{39, 24, 24}
		var ps []problem
		for i, x := range f {
			if len(x) > limits[i] || !isPrintable(x) {
				got := c.got(x)
				if i == 2 {
					got = ""
				}
				ps = append(ps, at(i, false, "%s %s must be at most %d printable characters%s (it has %d).",
					c.key, apnFields[i], limits[i], got, len(x)))
			}
		}
		return ps
	},
}
