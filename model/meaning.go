package model

import "strings"

// The functions below answer "what does this controller string mean" for
// any key name, so that plan and apply never look a key up and decode it
// themselves. They never fail: a key outside the dictionary, or a string
// that does not decode, falls back to the text itself (trimmed), except
// that Display never shows a value of a key that may hold a secret, in
// whatever case a station spells its name.

// Canonical is the comparable controller text of raw as a value of key:
// the decoded value's Canonical form, or raw trimmed when key is not in the
// dictionary or raw does not decode. It contains secrets in clear.
func Canonical(key, raw string) string {
	if v, ok := decodeRaw(key, raw); ok {
		return v.Canonical()
	}
	return strings.TrimSpace(raw)
}

// Display is the printable text of raw as a value of key: secret parts
// replaced by "(sensitive)". A string that does not decode is shown as
// it is, unless the key may hold a secret: then it is "(sensitive)" as a
// whole (a malformed secret is still a secret).
func Display(key, raw string) string {
	if v, ok := decodeRaw(key, raw); ok {
		return v.Display()
	}
	if kd, ok := DefFold(key); ok && kd.HoldsSecret() {
		return sensitiveText
	}
	return strings.TrimSpace(raw)
}

// Sensitive reports whether raw, as a value of key, holds a secret: its
// decoded value is sensitive, or it does not decode and the key may hold
// one.
func Sensitive(key, raw string) bool {
	if v, ok := decodeRaw(key, raw); ok {
		return v.Sensitive()
	}
	// A station may spell a key its own way ("Authorizationkey"): a
	// secret is one whatever its case.
	kd, ok := DefFold(key)
	return ok && kd.HoldsSecret()
}

// Equal compares two controller strings of key by meaning, as the
// controller would ("16, 16" equals "16,16"). For a key ecc cannot type, or
// when either side does not decode, the strings must be identical.
func Equal(key, a, b string) bool {
	kd, ok := Def(key)
	if !ok {
		return a == b
	}
	va, errA := kd.Decode(a)
	vb, errB := kd.Decode(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return kd.Equal(va, vb)
}

// HoldsSecret reports whether a value of the key may contain a secret
// (authorizationKey as a whole, the password field of gsm_APN): such values
// are never printed, logged or stored in clear.
func (k *KeyDef) HoldsSecret() bool {
	if k.Class == WriteOnly {
		return true
	}
	switch c := codecFor(k).(type) {
	case secretCodec:
		return true
	case fieldsCodec:
		return c.spec.secret >= 0
	}
	return false
}

// decodeRaw decodes raw as a value of a dictionary or OCPP standard key.
func decodeRaw(key, raw string) (Value, bool) {
	kd, ok := Def(key)
	if !ok {
		return nil, false
	}
	v, err := kd.Decode(raw)
	return v, err == nil
}
