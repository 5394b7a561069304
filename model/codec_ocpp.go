package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// boolCodec is an OCPP boolean: "true" or "false" on the wire (any case
// read, lower case written).
type boolCodec struct{}

func (boolCodec) decode(s string) (Value, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return boolValue{true}, nil
	case "false":
		return boolValue{false}, nil
	}
	return nil, fmt.Errorf("%q is not true or false", s)
}

func (boolCodec) check(Value, *ctx) []problem { return nil }

func (k boolCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	if n.Kind != NodeBool {
		return nil, nil, wrongKind(c, n, "true or false")
	}
	return boolValue{n.Str == "true"}, nil, nil
}

func (boolCodec) equal(a, b Value) bool { return a.(boolValue).b == b.(boolValue).b }

// boolValue is an OCPP boolean.
type boolValue struct{ b bool }

func (v boolValue) Canonical() string { return strconv.FormatBool(v.b) }
func (v boolValue) Display() string   { return v.Canonical() }
func (v boolValue) Sensitive() bool   { return false }

// cslCodec is an OCPP comma-separated list (CSL): items from allowed (the
// exact spelling), or checked by item. A site file may give it as a list
// of strings or as one comma-separated string; both mean the same.
type cslCodec struct {
	noun    string   // "measurand": what an item is, in messages
	allowed []string // nil: item decides
	// item checks one item and says what is wrong with it, or "".
	item func(s string) string
	// empty: an empty list is a value ("no measurands").
	empty bool
}

func (k cslCodec) decode(s string) (Value, error) {
	if strings.TrimSpace(s) == "" {
		return cslValue{}, nil
	}
	return cslValue{splitList(s)}, nil
}

func (k cslCodec) check(v Value, c *ctx) []problem {
	items := v.(cslValue).items
	if len(items) == 0 && !k.empty {
		return []problem{whole("%s must list at least one %s.", c.key, k.noun)}
	}
	var ps []problem
	seen := map[string]bool{}
	for i, it := range items {
		switch {
		case it == "":
			ps = append(ps, at(i, false, "%s item %d is empty: write the %ss separated by single commas.", c.key, i+1, k.noun))
			continue
		case k.allowed != nil && !slices.Contains(k.allowed, it):
			ps = append(ps, at(i, false, "%s has no %s %s.%s Allowed: %s.", c.key, k.noun, c.q(it),
				c.didYouMean(it, k.allowed), strings.Join(k.allowed, ", ")))
			continue
		case k.item != nil:
			if why := k.item(it); why != "" {
				ps = append(ps, at(i, false, "%s item %d %s%s.", c.key, i+1, why, c.got(it)))
				continue
			}
		}
		if seen[it] {
			ps = append(ps, at(i, false, "%s lists %s more than once.", c.key, c.q(it)))
		}
		seen[it] = true
	}
	return ps
}

func (k cslCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	if n.Kind != NodeList {
		return nil, nil, wrongKind(c, n, fmt.Sprintf("a list of %ss, or one comma-separated string", k.noun))
	}
	items, pos, ps := listElems(n, func(i int, e *Node) (string, *problem) {
		var p problem
		switch {
		case e.Kind != NodeString:
			p = atRange(e.Range, "%s item %d must be a string; got %s.", c.key, i+1, kindName(e.Kind))
		case strings.Contains(e.Str, ","):
			p = atRange(e.Range, "%s item %d holds a comma: give one %s per list item.", c.key, i+1, k.noun)
		default:
			return strings.TrimSpace(e.Str), nil
		}
		return "", &p
	})
	if ps != nil {
		return nil, nil, ps
	}
	return cslValue{items}, pos, nil
}

// equal compares as sets: the order of a CSL carries no meaning.
func (k cslCodec) equal(a, b Value) bool {
	x, y := slices.Clone(a.(cslValue).items), slices.Clone(b.(cslValue).items)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// cslValue is an OCPP comma-separated list.
type cslValue struct{ items []string }

func (v cslValue) Canonical() string { return strings.Join(v.items, ",") }
func (v cslValue) Display() string   { return v.Canonical() }
func (v cslValue) Sensitive() bool   { return false }

// phaseRotationItem checks one ConnectorPhaseRotation item,
// "<connectorId>.<rotation>" (OCPP 1.6 9.1.7).
func phaseRotationItem(s string) string {
	id, rot, ok := strings.Cut(s, ".")
	if n, err := strconv.Atoi(id); !ok || err != nil || n < 0 || id[0] == '+' || id[0] == '-' {
		return "must be connectorId.rotation, e.g. 1.RST"
	}
	if !slices.Contains(phaseRotations, rot) {
		return "has rotation " + strconv.Quote(rot) + "; allowed: " + strings.Join(phaseRotations, ", ")
	}
	return ""
}

// ListLen is the number of items of an OCPP comma-separated list value;
// ok is false for any other value. The station bounds such lists by its
// <Key>MaxLength key.
func ListLen(v Value) (n int, ok bool) {
	v, _ = unwrap(v)
	l, ok := v.(cslValue)
	return len(l.items), ok
}

// MaxLengthKey is the read-only key that bounds an OCPP list key
// ("MeterValuesSampledData" -> "MeterValuesSampledDataMaxLength"), or ""
// when the specification gives it none.
func MaxLengthKey(key string) string {
	if _, ok := ocppByName[key+"MaxLength"]; ok {
		return key + "MaxLength"
	}
	return ""
}
