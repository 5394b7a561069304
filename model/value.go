package model

import (
	"sort"
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

// textValue is a single string: an enumeration, an id, an endpoint.
type textValue struct{ s string }

func (v textValue) Canonical() string { return v.s }
func (v textValue) Display() string   { return v.s }
func (v textValue) Sensitive() bool   { return false }

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
	out := make([]option, len(v.opts))
	for i, o := range v.opts {
		out[i] = o
		if d := v.spec.find(o.name); d != nil {
			out[i].name = d.name
			if d.numeric {
				out[i].value = canonInt(o.value)
			}
		}
	}
	// Stable: duplicates keep their order, so the last one still wins.
	sort.SliceStable(out, func(i, j int) bool {
		return v.spec.rank(out[i].name) < v.spec.rank(out[j].name)
	})
	return out
}

func (v optionsValue) Canonical() string {
	var b strings.Builder
	for i, o := range v.sorted() {
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

// effective is what the controller would apply: option names folded to
// lower case, the last of duplicates winning. It respells and normalises
// as sorted does but does not sort: spellings of one name share a rank,
// so sorted's stable order keeps them as given and the same one wins
// (plans compare options of every station: the sort was most of it).
func (v optionsValue) effective() map[string]string {
	m := make(map[string]string, len(v.opts))
	for _, o := range v.opts {
		if d := v.spec.find(o.name); d != nil {
			o.name = d.name
			if d.numeric {
				o.value = canonInt(o.value)
			}
		}
		m[strings.ToLower(o.name)] = o.value
	}
	return m
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
