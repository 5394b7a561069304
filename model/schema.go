package model

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// SiteSchemaID is the $id of the YAML site-file schema (docs/site.schema.json).
const SiteSchemaID = "https://github.com/ecotap-tools/ecc/docs/site.schema.json"

// tagsNote explains the !env and !file tags to schema readers.
const tagsNote = "A settings value may be tagged !env NAME (the value of an environment variable) or " +
	"!file PATH (a file's content, relative to the site file): use them for secrets. " +
	"A schema validator sees a tagged value as the plain string after the tag (the variable's name or the path), " +
	"so it cannot check a secret's value; `ecc validate` does, with the secret resolved. " +
	"Editors (VS Code's YAML extension): set yaml.customTags to [\"!env scalar\", \"!file scalar\"] and start the file with " +
	"`# yaml-language-server: $schema=` followed by this schema's path or URL."

// SiteSchema is a JSON Schema of the YAML site files, generated from the
// dictionary: every writable key with its forms (typed or the controller's
// own text), ranges, enumerations, option names and levels, and the
// guide's description. Draft-07, because editors' YAML support validates
// with it (newer drafts' prefixItems are misread there). Keys outside the editable and
// write-only classes are not allowed. Rules that span keys, files or the
// environment (cross-key rules, serials unique, firmware images, secrets)
// are left to `ecc validate`.
func SiteSchema() []byte {
	inventory := map[string]any{
		"type": "object", "additionalProperties": false, "required": []string{"rows", "station"},
		"description": "Stations made from rows through a template: ${column} in the template is the row's cell.",
		"properties": map[string]any{
			"rows": map[string]any{"anyOf": []any{
				map[string]any{"type": "string", "description": "A CSV file with a header row, or a YAML or JSON list of mappings, relative to the site file."},
				map[string]any{"type": "array", "items": map[string]any{"type": "object"}, "description": "The rows inline."},
			}},
			"name":    map[string]any{"type": "string", "description": "The station name template (default ${name})."},
			"station": map[string]any{"$ref": "#/definitions/station"},
		},
	}
	doc := map[string]any{
		"$schema":              "http://json-schema.org/draft-07/schema#",
		"$id":                  SiteSchemaID,
		"title":                "ecc site file (YAML)",
		"description":          "A site: its stations and their parameters, layered factory < defaults < station. " + tagsNote,
		"type":                 "object",
		"additionalProperties": false,
		// The top level as the YAML decoder reads it.
		"properties": map[string]any{
			"site":        map[string]any{"type": []string{"string", "number"}, "description": "The site's name (default: the file's name)."},
			"description": map[string]any{"type": []string{"string", "number"}, "description": "Free text."},
			"defaults": map[string]any{
				"type": "object", "additionalProperties": false,
				"description": "What every station of the site gets unless it says otherwise.",
				"properties":  bodyProps(defaultsSchema),
			},
			"stations": map[string]any{
				"type": "object", "description": "The stations by name.",
				"additionalProperties": map[string]any{"$ref": "#/definitions/station"},
			},
			"substitutions": map[string]any{
				"type": "object", "description": "Values written once: ${name} anywhere in the file is replaced by the value.",
				"propertyNames":        map[string]any{"pattern": `^[A-Za-z_][A-Za-z0-9_-]*$`},
				"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean"}},
			},
			"inventory": map[string]any{"anyOf": []any{inventory, map[string]any{"type": "array", "items": inventory}}},
		},
		"definitions": map[string]any{
			"station": map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"serial"},
				"properties": bodyProps(stationSchema),
			},
			"firmware": map[string]any{
				"type": "object", "additionalProperties": false, "required": []string{"version", "file", "sha256"},
				"description": "The pinned firmware: ecc flashes it when a controller runs an older version (never a downgrade; a locked pin is never changed).",
				"properties":  fieldProps(firmwareFields),
			},
			"settings":     settingsSchema(),
			"ocpp":         ocppSchema(),
			"substitution": map[string]any{"type": "string", "pattern": `\$\{[^}]*\}`, "description": "A value with ${name} substitutions: ecc validate checks it once substituted."},
		},
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // maps of strings, numbers and slices always marshal
	}
	return append(data, '\n')
}

// layoutDocs describes the layout's fields, and constrains some (a
// substitution stands for any of them).
var layoutDocs = map[string]map[string]any{
	"serial":  {"description": "The controller's serial number as hello reports it, e.g. G48229."},
	"model":   {"enum": families, "description": "The controller family; a firmware pin must support it."},
	"port":    {"description": "The serial device, tcp://HOST:PORT, or ocpp://HOST:PORT/CHARGEBOXID (through ecc gateway) the station is reached on."},
	"factory": {"description": "A factory-default file (JSON), relative to the site file: the base layer under defaults and the station's settings."},
	"version": {"pattern": `^V(?:0|[1-9][0-9]*)R(?:0|[1-9][0-9]*)$`, "description": "V<major>R<release>, e.g. V32R17", "examples": []string{"V32R17"}},
	"file":    {"description": "The image file, relative to the site file; its name contains the version (e.g. firmware/V32R17.bin)."},
	"sha256":  {"pattern": `^[0-9a-fA-F]{64}$`, "description": "The image's SHA-256 digest, as sha256sum prints it."},
	"locked":  {"description": "Project-specific firmware that must never be changed."},
}

// bodyProps and fieldProps are the properties of a section of the
// layout, from the table the decoders read (site_schema.go).
func bodyProps(fields []schemaField[rawBody]) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		out[f.name] = fieldSchema(f.name, f.kind)
	}
	return out
}

func fieldProps(fields []schemaField[rawFirmware]) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		out[f.name] = fieldSchema(f.name, f.kind)
	}
	return out
}

func fieldSchema(name string, kind fieldKind) map[string]any {
	switch kind {
	case firmwareField:
		return map[string]any{"$ref": "#/definitions/firmware"}
	case settingsField: // settings, ocpp: each its own key set
		return map[string]any{"$ref": "#/definitions/" + name}
	}
	s := map[string]any{"type": []string{"string", "number"}}
	if kind == boolField {
		s = map[string]any{"type": "boolean"}
	}
	desc := ""
	for k, v := range layoutDocs[name] {
		if k == "description" {
			desc = v.(string)
			continue
		}
		if k != "examples" {
			delete(s, "type") // an enum or pattern says the type
		}
		s[k] = v
	}
	out := orSubst(s)
	out["description"] = desc
	return out
}

// orSubst also allows a ${name} substitution in place of the value.
func orSubst(s map[string]any) map[string]any {
	subst := map[string]any{"$ref": "#/definitions/substitution"}
	if forms, ok := s["anyOf"].([]any); ok && len(s) == 1 {
		return map[string]any{"anyOf": append(forms, subst)}
	}
	return anyOf(s, subst)
}

// settingsSchema allows the writable dictionary keys, each with its forms.
func settingsSchema() map[string]any {
	props := map[string]any{}
	for i := range dictionary {
		e := &dictionary[i]
		if !e.def.Class.Writable() {
			continue
		}
		s := orSubst(keySchema(e.codec))
		s["description"] = keyDescription(&e.def)
		if e.def.Example != "" {
			var ex any = e.def.Example
			if _, ok := e.codec.(intCodec); ok { // typed, as a file would write it
				if n, err := strconv.Atoi(e.def.Example); err == nil {
					ex = n
				}
			}
			s["examples"] = []any{ex}
		}
		props[e.def.Name] = s
	}
	return map[string]any{
		"type": []string{"object", "null"}, "additionalProperties": false,
		"description": "Parameters by dictionary key (ECClite user guide, chapter 11). Only editable and write-only keys may be set.",
		"properties":  props,
	}
}

// keyDescription is the guide's summary with what ecc adds.
func keyDescription(k *KeyDef) string {
	d := k.Summary + "."
	if k.Reboot {
		d += " Takes effect after a reboot."
	}
	if k.Partial {
		d += " Partial: the options a file gives are managed, the others left as they are."
	}
	if k.HoldsSecret() {
		d += " Holds a secret: give it with !env or !file."
	}
	return d + " Form: " + formatOf(codecFor(k)) + "."
}

// keySchema is the schema of one key's value: its typed forms and the
// controller's own text.
func keySchema(c codec) map[string]any {
	switch c := c.(type) {
	case intCodec:
		return intSchema(intShape(c.lo, c.hi), false)
	case intListCodec:
		item := intShape(c.lo, c.hi)
		re := item.regexp()
		return anyOf(
			map[string]any{"type": "integer", "minimum": c.lo, "maximum": c.hi},
			map[string]any{"type": "array", "minItems": 1, "maxItems": c.max, "items": orSubst(intSchema(item, false))},
			map[string]any{"type": "string", "pattern": anchored(fmt.Sprintf(`%s(?:\s*,\s*%s){0,%d}`, re, re, c.max-1))},
		)
	case textCodec:
		return textSchema(c.shape, true)
	case secretCodec:
		return map[string]any{"type": "string"}
	case optionsCodec:
		return optionsSchema(c.spec)
	case fieldsCodec:
		return fieldsSchema(c.spec)
	case boolCodec:
		return anyOf(map[string]any{"type": "boolean"},
			map[string]any{"type": "string", "pattern": "^\\s*(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$"})
	case cslCodec:
		return cslSchema(c)
	}
	return map[string]any{"type": []string{"string", "number"}}
}

// intSchema: a number in range, or its digits as a string; YAML booleans
// too where the codec reads them as 1 and 0.
func intSchema(s shape, bools bool) map[string]any {
	forms := []any{
		map[string]any{"type": "integer", "minimum": s.lo, "maximum": s.hi},
		textSchema(s, false),
	}
	if bools && s.lo == 0 && s.hi >= 1 {
		forms = append(forms, map[string]any{"type": "boolean"})
	}
	return anyOf(forms...)
}

// textSchema: a string of the shape (enumerations listed for completion);
// numbers too when number says a YAML number may stand for the text.
func textSchema(s shape, number bool) map[string]any {
	if s.enum != nil && !s.empty {
		enum := make([]any, len(s.enum))
		for i, e := range s.enum {
			enum[i] = e
		}
		if number { // a YAML number stands for its digits: baud: 9600
			for _, e := range s.enum {
				if n, err := strconv.Atoi(e); err == nil && strconv.Itoa(n) == e {
					enum = append(enum, n)
				}
			}
		}
		return map[string]any{"enum": enum}
	}
	out := map[string]any{"type": "string"}
	if re := s.regexp(); re != "" {
		if s.empty {
			re = "(?:" + re + ")?"
		}
		out["pattern"] = anchored(re)
	}
	if s.maxLen > 0 {
		out["maxLength"] = s.maxLen
	}
	if number && !s.integer {
		return anyOf(out, map[string]any{"type": "number"})
	}
	return out
}

// valueSchema is an option's or a field's value: a scalar of its shape.
func valueSchema(s shape, bools bool) map[string]any {
	var out map[string]any
	if s.integer {
		out = intSchema(s, bools)
		if s.empty {
			out["anyOf"] = append(out["anyOf"].([]any), map[string]any{"const": ""})
		}
	} else {
		out = textSchema(s, true)
	}
	out = orSubst(out)
	if s.words != "" || s.integer || s.enum != nil {
		out["description"] = s.describe()
	}
	return out
}

// optionsSchema: a map of option names (any case) to values, or the
// controller's "name=value,..." text.
func optionsSchema(spec *optionSpec) map[string]any {
	props, pats := map[string]any{}, map[string]any{}
	items := make([]string, len(spec.defs))
	for i, d := range spec.defs {
		v := valueSchema(optShape(d), true)
		props[d.name] = v
		pats["^"+foldRegexp(d.name)+"$"] = v
		re := optShape(d).regexp()
		if re == "" {
			re = `[^,]*`
		}
		items[i] = foldRegexp(d.name) + `\s*=\s*` + re
	}
	item := "(?:" + strings.Join(items, "|") + ")"
	return anyOf(
		map[string]any{"type": "object", "properties": props, "patternProperties": pats, "additionalProperties": false},
		map[string]any{"type": "string", "pattern": anchored(fmt.Sprintf(`%s?(?:\s*,\s*%s?)*`, item, item))},
	)
}

// optShape is an option's shape (an allowed list counts as an enum).
func optShape(d optDef) shape {
	if d.allowed != nil && d.shape.enum == nil {
		return shape{enum: d.allowed}
	}
	return d.shape
}

// fieldsSchema: a positional list, a map of field names, or the
// controller's comma-separated text.
func fieldsSchema(spec *fieldsSpec) map[string]any {
	prefix := make([]any, len(spec.names))
	props := map[string]any{}
	for i, n := range spec.names {
		prefix[i] = valueSchema(spec.shapes[i], false)
		props[n] = prefix[i]
	}
	for a, sh := range spec.aliases {
		props[a] = valueSchema(sh, false)
	}
	obj := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if spec.required != nil {
		obj["required"] = spec.required
	}
	list := map[string]any{"type": "array", "items": prefix, "additionalItems": false}
	if spec.required != nil {
		list["minItems"] = len(spec.required)
	}
	return anyOf(list, obj, map[string]any{"type": "string", "pattern": anchored(spec.text.regexp())})
}

func anyOf(forms ...any) map[string]any { return map[string]any{"anyOf": forms} }

// withDesc copies a schema with a description.
func withDesc(s map[string]any, d string) map[string]any {
	out := make(map[string]any, len(s)+1)
	for k, v := range s {
		out[k] = v
	}
	out["description"] = d
	return out
}
