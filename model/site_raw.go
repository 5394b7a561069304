package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/hashicorp/hcl/v2"
)

// rawSite is a site file as written, before layering and typing: the common
// shape the HCL and YAML decoders produce.
type rawSite struct {
	file        string
	name        string
	nameRange   hcl.Range
	hasName     bool
	description string
	defaults    *rawDefaults
	stations    []*rawStation
	// extra are the inventory files read, for diagnostics; a directory
	// walk does not take them for site files.
	extra Sources
}

// written is key and value as a hint shows them: in the syntax of the
// site file they are about (HCL: key = "text", YAML: key: text), or as
// the controller writes them for another file (a factory file's JSON, the
// controller's own value).
func written(file, key string, value any) string {
	switch {
	case yamlFile(file):
		return fmt.Sprintf("%s: %v", key, value)
	case hclFile(file):
		if s, ok := value.(string); ok {
			return fmt.Sprintf("%s = %q", key, s)
		}
		return fmt.Sprintf("%s = %v", key, value)
	}
	return fmt.Sprintf("%s=%v", key, value)
}

// emptySite is what a site file that declares nothing decodes to (an
// empty file, comments only, YAML's "---" alone): 0 stations and a
// warning, the same in both formats. An error would fail a fleet whose
// folder holds a placeholder; a plan of nothing but empty files fails
// anyway ("no stations"), and validate names the file.
func emptySite(filename string) (*rawSite, hcl.Diagnostics) {
	return &rawSite{file: filename}, hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Empty site file",
		Detail: "The file declares no site, defaults or stations: 0 stations.", Subject: fileStart(filename)}}
}

// rawBody is what a defaults block and a station hold (the station-only
// fields stay unset in defaults); site_schema.go says which field is
// written how.
type rawBody struct {
	serial   rawString
	model    rawString
	port     rawString
	factory  rawString
	firmware *rawFirmware
	settings []rawSetting
	ocpp     []rawSetting // the ocpp block
}

// rawDefaults is the defaults block.
type rawDefaults = rawBody

// rawStation is one station block (HCL) or stations entry (YAML), or one
// made from an inventory row.
type rawStation struct {
	rawBody
	name      string
	nameRange hcl.Range
	// instance is the for_each key (HCL) or inventory row (YAML) the
	// station was made from, "" for a station written out; instanceWhat
	// says which of the two.
	instance, instanceWhat string
}

// rawFirmware is a firmware { version, file, sha256, locked } block.
type rawFirmware struct {
	rng     hcl.Range
	version rawString
	file    rawString
	sha256  rawString
	locked  bool
}

// rawString is an optional string attribute with where it was written.
type rawString struct {
	set bool
	s   string
	rng hcl.Range
	// failed: written, but its value was in error (and reported), so
	// not missing either.
	failed bool
}

// rawSetting is one key = value of a settings block.
type rawSetting struct {
	key      string
	keyRange hcl.Range
	node     *Node
}

// errAt is an error diagnostic at r (nil r: no subject).
func errAt(r *hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r}
}

// where prints a range's start as FILE:LINE:COL for messages that refer to
// a second location.
func where(r hcl.Range) string {
	if r.Filename == "" {
		return "(unknown location)"
	}
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// diagSink collects a decoder's diagnostics. While a station made from an
// inventory row (HCL for_each, YAML inventory) is decoded, instance is the
// row's key and every problem names it.
type diagSink struct {
	diags     hcl.Diagnostics
	instance  string
	instDiags map[instanceKey]*instanceDiag
}

func (d *diagSink) add(diag *hcl.Diagnostic) {
	if d.instance != "" {
		// The same problem in every row (a column missing) is reported
		// once, naming the keys; see finishInstances.
		k := instanceKey{summary: diag.Summary, detail: diag.Detail}
		if diag.Subject != nil {
			k.rng = *diag.Subject
		}
		if e, ok := d.instDiags[k]; ok {
			e.keys = append(e.keys, d.instance)
			return
		}
		if d.instDiags == nil {
			d.instDiags = map[instanceKey]*instanceDiag{}
		}
		d.instDiags[k] = &instanceDiag{diag: diag, detail: diag.Detail, keys: []string{d.instance}}
	}
	d.diags = append(d.diags, diag)
}

type instanceKey struct {
	summary, detail string
	rng             hcl.Range
}

type instanceDiag struct {
	diag   *hcl.Diagnostic
	detail string
	keys   []string
}

// finishInstances names the for_each keys (inventory rows) in the
// problems of a station block's instances.
func (d *diagSink) finishInstances(what string) {
	for _, e := range d.instDiags {
		e.diag.Detail = instanceDetail(e.detail, what, e.keys...)
	}
	d.instDiags = nil
}

// instanceDetail adds the for_each keys (inventory rows) a problem was
// found in to its detail.
func instanceDetail(detail, what string, keys ...string) string {
	q := make([]string, 0, 3)
	for _, k := range keys[:min(len(keys), 3)] {
		q = append(q, strconv.Quote(k))
	}
	which := what + " " + q[0]
	if len(keys) > 1 {
		which = what + "s " + words.Some(append(q, keys[len(q):]...), 3)
	}
	return strings.TrimSpace(detail + " (" + which + ")")
}
