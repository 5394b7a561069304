package model

import "github.com/hashicorp/hcl/v2"

// CONTRACT STUB: the signatures below are fixed (other packages use them);
// the bodies are filled by the dictionary work.

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
}

// Dictionary returns every chapter 11 key in the guide's order.
func Dictionary() []*KeyDef { panic("TODO") }

// Lookup finds a dictionary key by its exact name.
func Lookup(name string) (*KeyDef, bool) { panic("TODO") }

// OCPPStandardKeys lists the OCPP 1.6 standard configuration keys (Core
// profile and the other profiles' keys): the backend-only class.
func OCPPStandardKeys() []string { panic("TODO") }

// Classify gives any key name its class: dictionary keys by their access,
// OCPP standard keys backend-only, everything else forbidden.
func Classify(name string) Class { panic("TODO") }

// Suggest returns the dictionary key a near-miss name probably meant
// ("chg_RatedCurent" -> "chg_RatedCurrent"), or "".
func Suggest(name string) string { panic("TODO") }

// Decode parses a controller-format string into a typed value. It checks
// syntax only (so that any value a controller reports can be compared);
// Check adds the dictionary's ranges, enumerations, option names and
// lengths. Error messages do not repeat the key name.
func (k *KeyDef) Decode(s string) (Value, error) { panic("TODO") }

// Check validates a decoded value against the dictionary. The message names
// the bad part and what is allowed.
func (k *KeyDef) Check(v Value) error { panic("TODO") }

// FromNode types and validates a value as written in a site file (number,
// list, map or raw string), with diagnostics at the offending element.
func (k *KeyDef) FromNode(n *Node) (Value, hcl.Diagnostics) { panic("TODO") }

// Equal decides semantic equality as the controller would ("16, 16" equals
// "16,16"; option order and option-name case do not matter).
func (k *KeyDef) Equal(a, b Value) bool { panic("TODO") }

// Merge lays a desired value over the current one. For Partial keys the
// result is the current list with the desired names replaced or added; for
// every other key it is desired.
func (k *KeyDef) Merge(current, desired Value) Value { panic("TODO") }
