package model

// The site file's layout, as one table that both decoders read: the HCL
// decoder writes string and bool fields as arguments and the others as
// blocks; the YAML decoder writes them all as mapping entries. A new
// section of defaults and stations (e.g. an ocpp block of key = value
// beside settings) is one row in bodyFields (with defaults: true when
// defaults may hold it) and one field in rawBody; the builder then reads
// that field.

// fieldKind is how a field's value is written.
type fieldKind int

const (
	stringField   fieldKind = iota // a plain string: serial = "G48229"
	boolField                      // true or false: locked = true
	firmwareField                  // a firmware block / mapping
	settingsField                  // a block / mapping of KEY = value
)

// schemaField is one field of a section: its name, how it is written,
// and where its decoded value goes (slot returns a *rawString, *bool,
// **rawFirmware or *[]rawSetting inside the target).
type schemaField[T any] struct {
	name     string
	kind     fieldKind
	defaults bool // also allowed in defaults (bodyFields only)
	slot     func(*T) any
}

// bodyFields are the fields of a station; those marked defaults are also
// the fields of the defaults section.
var bodyFields = []schemaField[rawBody]{
	{name: "serial", kind: stringField, slot: func(b *rawBody) any { return &b.serial }},
	{name: "model", kind: stringField, slot: func(b *rawBody) any { return &b.model }},
	{name: "port", kind: stringField, slot: func(b *rawBody) any { return &b.port }},
	{name: "factory", kind: stringField, defaults: true, slot: func(b *rawBody) any { return &b.factory }},
	{name: "firmware", kind: firmwareField, defaults: true, slot: func(b *rawBody) any { return &b.firmware }},
	{name: "settings", kind: settingsField, defaults: true, slot: func(b *rawBody) any { return &b.settings }},
	// The OCPP 1.6 standard keys, written only over OCPP (site_ocpp.go).
	{name: "ocpp", kind: settingsField, defaults: true, slot: func(b *rawBody) any { return &b.ocpp }},
}

// firmwareFields are the fields of a firmware pin.
var firmwareFields = []schemaField[rawFirmware]{
	{name: "version", kind: stringField, slot: func(f *rawFirmware) any { return &f.version }},
	{name: "file", kind: stringField, slot: func(f *rawFirmware) any { return &f.file }},
	{name: "sha256", kind: stringField, slot: func(f *rawFirmware) any { return &f.sha256 }},
	{name: "locked", kind: boolField, slot: func(f *rawFirmware) any { return &f.locked }},
}

// stationSchema and defaultsSchema are bodyFields for each section.
var (
	stationSchema  = bodyFields
	defaultsSchema = func() []schemaField[rawBody] {
		var out []schemaField[rawBody]
		for _, f := range bodyFields {
			if f.defaults {
				out = append(out, f)
			}
		}
		return out
	}()
)

// section is a schema with its field names, listed once: the decoders
// check the fields of every station against them.
type section[T any] struct {
	fields []schemaField[T]
	all    []string // every field
	args   []string // fields written as HCL arguments, and the HCL-only ones
	blocks []string // fields written as HCL blocks
}

// newSection lists a schema's names; hclOnly are arguments only an HCL
// block has (a station's for_each and name), which hclFields returns to
// the caller.
func newSection[T any](fields []schemaField[T], hclOnly ...string) *section[T] {
	return &section[T]{
		fields: fields,
		all:    fieldNames(fields),
		args:   append(fieldNames(fields, stringField, boolField), hclOnly...),
		blocks: fieldNames(fields, firmwareField, settingsField),
	}
}

var (
	stationSection  = newSection(stationSchema, "for_each", "name")
	defaultsSection = newSection(defaultsSchema)
	firmwareSection = newSection(firmwareFields)
)

// fieldNames lists a schema's names of the given kinds (all when none).
func fieldNames[T any](schema []schemaField[T], kinds ...fieldKind) []string {
	var out []string
	for _, f := range schema {
		ok := len(kinds) == 0
		for _, k := range kinds {
			ok = ok || f.kind == k
		}
		if ok {
			out = append(out, f.name)
		}
	}
	return out
}

// lookupField finds a field by name.
func lookupField[T any](schema []schemaField[T], name string) (schemaField[T], bool) {
	for _, f := range schema {
		if f.name == name {
			return f, true
		}
	}
	return schemaField[T]{}, false
}
