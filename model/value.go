package model

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// sensitiveText replaces every secret in Display output.
const sensitiveText = "(sensitive)"

// intValue is a single integer (currents, signal quality).
type intValue struct{ n int }

func (v intValue) Canonical() string { return strconv.Itoa(v.n) }
func (v intValue) Display() string   { return v.Canonical() }
func (v intValue) Sensitive() bool   { return false }

// intListValue is a comma-separated list of integers (chg_RatedCurrent).
type intListValue struct{ ns []int }

func (v intListValue) Canonical() string {
	s := make([]string, len(v.ns))
	for i, n := range v.ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
func (v intListValue) Display() string { return v.Canonical() }
func (v intListValue) Sensitive() bool { return false }

// textValue is a single string: an enumeration, an id, an endpoint. A
// URL's (url) password in its user information is a secret: a site file
// may not give one, but a controller may hold one, and ecc never shows or
// stores it.
type textValue struct {
	s   string
	url bool
}

func (v textValue) Canonical() string { return v.s }

func (v textValue) Display() string {
	if from, to, ok := urlPassword(v.s); ok && v.url {
		return v.s[:from] + sensitiveText + v.s[to:]
	}
	return v.s
}

func (v textValue) Sensitive() bool { return v.url && endpointPassword(v.s) }

// secretValue is a value that is secret as a whole (authorizationKey).
type secretValue struct{ s string }

func (v secretValue) Canonical() string { return v.s }
func (v secretValue) Display() string   { return sensitiveText }
func (v secretValue) Sensitive() bool   { return true }

// redacted marks a value that came from env() / file(): all of it is
// secret, whatever its key.
type redacted struct{ v Value }

func (r redacted) Canonical() string { return r.v.Canonical() }
func (r redacted) Display() string   { return sensitiveText }
func (r redacted) Sensitive() bool   { return true }

// unwrap strips the redacted marker.
func unwrap(v Value) (Value, bool) {
	if r, ok := v.(redacted); ok {
		return r.v, true
	}
	return v, false
}

// option is one name=value item of a name=value list.
type option struct{ name, value string }

// optionsValue is a name=value list. opts keeps the order and spelling the
// value was given in (so that problems point at the right item); Canonical
// sorts and respells.
type optionsValue struct {
	spec *optionSpec
	opts []option
}

func (v optionsValue) sorted() []option {
	type ranked struct {
		option
		rank int
	}
	out := make([]ranked, len(v.opts))
	for i, o := range v.opts {
		out[i] = ranked{o, len(v.spec.defs)} // unknown options after
		if d := v.spec.find(o.name); d != nil {
			out[i].name, out[i].rank = d.name, v.spec.index(d)
			if d.numeric {
				out[i].value = canonInt(o.value)
			}
		}
	}
	// Stable: duplicates keep their order, so the last one still wins.
	// The ranks are found once, not per comparison: plans take the
	// canonical form of options of every station.
	slices.SortStableFunc(out, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	opts := make([]option, len(out))
	for i, o := range out {
		opts[i] = o.option
	}
	return opts
}

func (v optionsValue) Canonical() string {
	opts := v.sorted()
	n := 0
	for _, o := range opts {
		n += len(o.name) + len(o.value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, o := range opts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(o.name)
		b.WriteByte('=')
		b.WriteString(o.value)
	}
	return b.String()
}
func (v optionsValue) Display() string { return v.Canonical() }
func (v optionsValue) Sensitive() bool { return false }

// effectiveOption is one option as the controller applies it: def is its
// entry in the table, or nil for a name the table does not know, whose
// lower-case form is then name.
type effectiveOption struct {
	def         *optDef
	name, value string
}

// effective is what the controller would apply, appended to buf: option
// names folded to lower case (known ones to their table entry), the last
// of duplicates winning; values normalised as sorted does. It does not
// sort (spellings of one name share a rank, so sorted's stable order
// keeps them as given and the same one wins) and builds no map: plans
// compare options of every station, and the sort, then maps, were most of
// it.
func (v optionsValue) effective(buf []effectiveOption) []effectiveOption {
	out := buf[:0]
	for _, o := range v.opts {
		e := effectiveOption{value: o.value}
		e.def, e.name = v.spec.fold(o.name)
		if e.def != nil && e.def.numeric {
			e.value = canonInt(o.value)
		}
		if i := indexOption(out, e); i >= 0 {
			out[i] = e // the last one wins
			continue
		}
		out = append(out, e)
	}
	return out
}

// indexOption is the index of e's option in opts, or -1.
func indexOption(opts []effectiveOption, e effectiveOption) int {
	for i, o := range opts {
		if o.def == e.def && e.def != nil { // known options: the common case
			return i
		}
		if (o.def == nil || e.def == nil) && o.same(e) {
			return i
		}
	}
	return -1
}

// same reports whether e and f are the same option: the same lower-case
// name. A name the table does not know may still lower-case to a known
// one (EqualFold, which find uses, and ToLower differ on a few letters).
func (e effectiveOption) same(f effectiveOption) bool {
	switch {
	case e.def != nil && f.def != nil:
		return e.def == f.def
	case e.def == nil && f.def == nil:
		return e.name == f.name
	case e.def != nil:
		return strings.ToLower(e.def.name) == f.name
	}
	return e.name == strings.ToLower(f.def.name)
}

// fieldsValue is a positional comma-separated list (meters, readers,
// gsm_APN).
type fieldsValue struct {
	spec   *fieldsSpec
	fields []string
}

func (v fieldsValue) Canonical() string {
	return strings.Join(v.spec.canonFields(v.fields), ",")
}

func (v fieldsValue) Display() string {
	f := v.spec.canonFields(v.fields)
	if v.spec.secret >= 0 {
		for i := v.spec.secret; i < len(f); i++ {
			if f[i] != "" {
				f[i] = sensitiveText
			}
		}
	}
	return strings.Join(f, ",")
}

func (v fieldsValue) Sensitive() bool {
	if v.spec.secret < 0 {
		return false
	}
	for i := v.spec.secret; i < len(v.fields); i++ {
		if v.fields[i] != "" {
			return true
		}
	}
	return false
}
