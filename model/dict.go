package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Value is a typed configuration value of one key.
type Value interface {
	// Canonical is the value in the controller's own format, normalised
	// (no spaces, options in dictionary order, option names in the
	// dictionary's spelling). It contains secrets in clear.
	Canonical() string
	// Display is Canonical with every secret part replaced by "(sensitive)".
	Display() string
	// Sensitive reports whether any part of the value is secret.
	Sensitive() bool
}

// KeyDef is one key of the guide's chapter 11 dictionary.
type KeyDef struct {
	Name   string
	Access Access
	Class  Class
	// Reboot: the controller applies the key only after a reboot
	// (connectivity keys); plans mark such changes "(reboot required)".
	Reboot bool
	// Partial: a name=value list; a desired value manages only the names it
	// gives (Merge fills the rest from the current value).
	Partial bool
	// Summary is the guide's description, one line.
	Summary string
	// Example is a realistic controller-format value (the guide's example
	// where it gives one); the simulator starts from these.
	Example string
	// Profile and Unit of an OCPP standard key ("Core", "seconds"); empty
	// for the dictionary's keys.
	Profile, Unit string
}

// Dictionary returns every chapter 11 key in the guide's order.
func Dictionary() []*KeyDef { return defs(dictionary) }

// Lookup finds a dictionary key by its exact name.
func Lookup(name string) (*KeyDef, bool) { return lookup(byName, name) }

// OCPPStandardKeys lists the names of the OCPP 1.6 standard configuration
// keys (OCPPKeys) in the specification's order.
func OCPPStandardKeys() []string { return names(ocppTable) }

// Classify gives any key name its class: dictionary keys by their access,
// OCPP standard keys backend-only (read-only where OCPP makes them so),
// everything else forbidden.
func Classify(name string) Class {
	if e, ok := entry(name); ok {
		return e.def.Class
	}
	return Forbidden
}

// Suggest returns the dictionary key a near-miss name probably meant
// ("chg_RatedCurent" -> "chg_RatedCurrent"), or "".
func Suggest(name string) string {
	return nearest(name, names(dictionary))
}

// Decode parses a controller-format string into a typed value. It checks
// syntax only (so that any value a controller reports can be compared);
// Check adds the dictionary's ranges, enumerations, option names and
// lengths. Error messages do not repeat the key name.
func (k *KeyDef) Decode(s string) (Value, error) { return codecFor(k).decode(s) }

// Check validates a decoded value against the dictionary. The message names
// the bad part and what is allowed.
func (k *KeyDef) Check(v Value) error {
	if v == nil {
		return fmt.Errorf("%s has no value", k.Name)
	}
	v, quiet := unwrap(v)
	v, err := k.own(v)
	if err != nil {
		if quiet {
			return fmt.Errorf("%s: the value is not in the controller's format (not shown: it is secret)", k.Name)
		}
		return fmt.Errorf("%s: %v", k.Name, err)
	}
	ps := codecFor(k).check(v, &ctx{key: k.Name, quiet: quiet})
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.detail
	}
	return errors.New(strings.Join(msgs, " "))
}

// own makes sure v is of the type this key's codec works on: a value typed
// by another key (or built elsewhere) is re-decoded from its canonical form.
func (k *KeyDef) own(v Value) (Value, error) {
	c := codecFor(k)
	if owns(c, v) {
		return v, nil
	}
	return c.decode(v.Canonical())
}

// owns reports whether v is a value codec c produces (and may type-assert).
func owns(c codec, v Value) bool {
	switch c := c.(type) {
	case intCodec:
		_, ok := v.(intValue)
		return ok
	case intListCodec:
		_, ok := v.(intListValue)
		return ok
	case textCodec:
		_, ok := v.(textValue)
		return ok
	case secretCodec:
		_, ok := v.(secretValue)
		return ok
	case optionsCodec:
		o, ok := v.(optionsValue)
		return ok && o.spec == c.spec
	case fieldsCodec:
		f, ok := v.(fieldsValue)
		return ok && f.spec == c.spec
	}
	return false
}

// FromNode types and validates a value as written in a site file (number,
// list, map or raw string), with diagnostics at the offending element.
func (k *KeyDef) FromNode(n *Node) (Value, hcl.Diagnostics) {
	if n == nil || n.Kind == NodeNull {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for " + k.Name,
			Detail: fmt.Sprintf("%s must have a value; got null.", k.Name)}
		if n != nil {
			d.Subject = n.Range.Ptr()
		}
		return nil, hcl.Diagnostics{d}
	}
	// A secret anywhere in the tree (e.g. a gsm_APN password from env())
	// makes every message quiet and the whole value sensitive.
	secrets, anySecret := secretTexts(n, nil, false)
	c := &ctx{key: k.Name, quiet: anySecret}
	cd := codecFor(k)
	var (
		v     Value
		pos   []elemPos
		probs []problem
	)
	if n.Kind == NodeString {
		var err error
		if v, err = cd.decode(n.Str); err != nil {
			if c.quiet {
				probs = []problem{whole("%s: the value is not in the controller's format (not shown: it is secret).", k.Name)}
			} else {
				probs = []problem{whole("%s: %v.", k.Name, err)}
			}
		}
	} else {
		v, pos, probs = cd.node(n, c)
	}
	if len(probs) == 0 {
		probs = cd.check(v, c)
	}
	if len(probs) == 0 {
		if c.quiet {
			return redacted{v}, nil
		}
		return v, nil
	}
	summary := "Invalid value for " + k.Name // only now: FromNode runs for every setting of every station
	diags := make(hcl.Diagnostics, len(probs))
	for i, p := range probs {
		detail := p.detail
		// Last line of defence: a secret's text never reaches a message.
		for _, sec := range secrets {
			if strings.Contains(detail, sec) {
				detail = fmt.Sprintf("%s: the value is invalid (not shown: it is secret).", k.Name)
			}
		}
		diags[i] = &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail,
			Subject: subject(n, pos, p).Ptr()}
	}
	return nil, diags
}

// secretTexts collects the non-empty texts of the secret nodes under n.
// Both the text and its trimmed form: values are trimmed before checking.
func secretTexts(n *Node, acc []string, found bool) ([]string, bool) {
	if n == nil {
		return acc, found
	}
	if n.Secret != nil {
		found = true
		if t := strings.TrimSpace(n.Str); t != "" {
			acc = append(acc, n.Str, t)
		}
	}
	for _, e := range n.List {
		acc, found = secretTexts(e, acc, found)
	}
	for _, e := range n.Map {
		acc, found = secretTexts(e.Value, acc, found)
	}
	return acc, found
}

// subject is the range a problem points at: the element it names when that
// element has a position, else the whole node.
func subject(n *Node, pos []elemPos, p problem) hcl.Range {
	if p.rng != nil {
		return *p.rng
	}
	if p.elem >= 0 && p.elem < len(pos) {
		r := pos[p.elem].value
		if p.name {
			r = pos[p.elem].name
		}
		if r != (hcl.Range{}) {
			return r
		}
	}
	return n.Range
}

// Equal decides semantic equality as the controller would ("16, 16" equals
// "16,16"; option order and option-name case do not matter).
func (k *KeyDef) Equal(a, b Value) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	a, _ = unwrap(a)
	b, _ = unwrap(b)
	ta, errA := k.own(a)
	tb, errB := k.own(b)
	if errA != nil || errB != nil {
		return a.Canonical() == b.Canonical()
	}
	return codecFor(k).equal(ta, tb)
}

// Merge lays a desired value over the current one. For Partial keys the
// result is the current list with the desired names replaced or added; for
// every other key it is desired.
func (k *KeyDef) Merge(current, desired Value) Value {
	oc, ok := codecFor(k).(optionsCodec)
	if !k.Partial || !ok || current == nil || desired == nil {
		if desired == nil {
			return current
		}
		return desired
	}
	cu, secretC := unwrap(current)
	de, secretD := unwrap(desired)
	tc, errC := k.own(cu)
	td, errD := k.own(de)
	if errC != nil || errD != nil {
		return desired
	}
	var out Value = oc.merge(tc.(optionsValue), td.(optionsValue))
	if secretC || secretD {
		out = redacted{out}
	}
	return out
}
