package model

import (
	"fmt"
	"sort"
	"strings"
)

// KeyInfo is what a user can learn about a key: what `ecc keys` lists and
// `ecc explain` shows.
type KeyInfo struct {
	Name string `json:"name"`
	// Block is where a site file sets the key: "settings" (the ECClite
	// dictionary, written over the service cable or OCPP) or "ocpp" (an
	// OCPP 1.6 standard key, written only over OCPP).
	Block string `json:"block"`
	// Unsettable says why a site file cannot set the key ("" when it
	// can): read-only keys, and OCPP's AuthorizationKey.
	Unsettable  string `json:"unsettable,omitempty"`
	Class       string `json:"class"`
	ClassReason string `json:"class_reason"`
	Access      string `json:"access"`
	Reboot      bool   `json:"reboot_required"`
	// Partial: a name=value list whose options a site file manages one by
	// one (the others are left as the controller has them).
	Partial bool `json:"partial"`
	// Secret: a value may hold a secret (never shown; give it with !env
	// or !file).
	Secret      bool   `json:"secret"`
	Description string `json:"description"`
	// Format is the value's controller format in words; Range is its
	// short form for a table ("0..63", "GSM|ETH").
	Format  string `json:"format"`
	Range   string `json:"range,omitempty"`
	Example string `json:"example,omitempty"`
	// Parts are the options of a name=value list or the fields of a
	// positional list, with what each allows.
	Parts []PartInfo `json:"parts,omitempty"`
	// Profile and Unit of an OCPP standard key.
	Profile string `json:"profile,omitempty"`
	Unit    string `json:"unit,omitempty"`
}

// PartInfo is one option or field of a key.
type PartInfo struct {
	Name    string `json:"name"`
	Allowed string `json:"allowed"`
	// Levels is a chg_Debug option's number of levels: level n is bit
	// n-1 of its mask.
	Levels int `json:"levels,omitempty"`
}

// Blocks of a site file that hold keys (KeyInfo.Block).
const (
	BlockSettings = "settings"
	BlockOCPP     = "ocpp"
)

// Keys describes every key a site file may name: the dictionary
// (chapter 11, the settings block) in the guide's order, then the OCPP
// standard keys (the ocpp block) in ecc's table order, as
// Describe knows them.
func Keys() []KeyInfo {
	out := make([]KeyInfo, 0, len(dictionary)+len(ocppTable))
	for i := range dictionary {
		out = append(out, describe(&dictionary[i].def))
	}
	for i := range ocppTable {
		out = append(out, describe(&ocppTable[i].def))
	}
	return out
}

// Describe describes a dictionary key or an OCPP standard key by its exact
// name; false for any other name (see Suggest and Classify).
func Describe(name string) (KeyInfo, bool) {
	d, ok := Def(name)
	if !ok {
		return KeyInfo{}, false
	}
	return describe(d), true
}

func describe(k *KeyDef) KeyInfo {
	c := codecFor(k)
	block, unsettable := BlockSettings, ""
	if _, ok := ocppByName[k.Name]; ok {
		block, unsettable = BlockOCPP, ocppPlannable(k)
	} else if k.Access == RO {
		unsettable = "the controller reports it; it cannot be set"
	}
	info := KeyInfo{
		Name: k.Name, Block: block, Unsettable: unsettable, Class: k.Class.String(), ClassReason: k.Class.Reason(), Access: string(k.Access),
		Reboot: k.Reboot, Partial: k.Partial, Secret: k.HoldsSecret(),
		Description: k.Summary, Format: formatOf(c), Range: rangeOf(c), Example: k.Example,
		Profile: k.Profile, Unit: k.Unit,
	}
	switch c := c.(type) {
	case optionsCodec:
		for _, d := range c.spec.defs {
			info.Parts = append(info.Parts, PartInfo{Name: d.name, Allowed: optShape(d).describe(), Levels: d.levels})
		}
	case fieldsCodec:
		for i, n := range c.spec.names {
			info.Parts = append(info.Parts, PartInfo{Name: n, Allowed: c.spec.shapes[i].describe()})
		}
		aliases := make([]string, 0, len(c.spec.alias))
		for a := range c.spec.alias {
			aliases = append(aliases, a)
		}
		sort.Strings(aliases)
		for _, a := range aliases {
			info.Parts = append(info.Parts, PartInfo{Name: a, Allowed: c.spec.aliases[a].describe() +
				fmt.Sprintf(" (in a map, instead of %s)", c.spec.names[c.spec.alias[a]])})
		}
	}
	return info
}

// formatOf says in words what a codec's values look like.
func formatOf(c codec) string {
	switch c := c.(type) {
	case intCodec:
		return intShape(c.lo, c.hi).describe()
	case intListCodec:
		return fmt.Sprintf("one integer per channel, comma-separated (1 to %d channels), each from %d to %d; in a site file a list such as [16, 16]",
			c.max, c.lo, c.hi)
	case textCodec:
		return c.shape.describe()
	case secretCodec:
		return "user:password (HTTP Basic Authentication); written, never read back"
	case optionsCodec:
		return fmt.Sprintf("a name=value list of %ss (names in any case); in a site file a map such as {%s: ...}", c.spec.noun, c.spec.defs[0].name)
	case fieldsCodec:
		return c.spec.text.words + fmt.Sprintf("; in a site file a list [%s] or a map", strings.Join(c.spec.names, ", "))
	case boolCodec:
		return "true or false"
	case cslCodec:
		if c.allowed != nil {
			return fmt.Sprintf("a comma-separated list of %ss, each one of %s", c.noun, strings.Join(c.allowed, ", "))
		}
		return fmt.Sprintf("a comma-separated list of %ss", c.noun)
	}
	return "text"
}

// rangeOf is a codec's allowed values in a few characters, for a table.
func rangeOf(c codec) string {
	switch c := c.(type) {
	case intCodec:
		return fmt.Sprintf("%d..%d", c.lo, c.hi)
	case intListCodec:
		return fmt.Sprintf("%d..%d ×1-%d", c.lo, c.hi, c.max)
	case textCodec:
		switch {
		case c.shape.short != "":
			return c.shape.short
		case c.shape.enum != nil:
			return strings.Join(c.shape.enum, "|")
		case c.shape.maxLen > 0:
			return fmt.Sprintf("≤%d chars", c.shape.maxLen)
		}
		return ""
	case secretCodec:
		return "user:password"
	case optionsCodec:
		return fmt.Sprintf("%d %ss", len(c.spec.defs), c.spec.noun)
	case fieldsCodec:
		return strings.Join(c.spec.names, ",")
	case boolCodec:
		return "true|false"
	case cslCodec:
		return c.noun + " list"
	}
	return ""
}
