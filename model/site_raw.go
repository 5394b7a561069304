package model

import (
	"fmt"

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
}

// rawDefaults is the defaults block.
type rawDefaults struct {
	factory  rawString
	firmware *rawFirmware
	settings []rawSetting
}

// rawStation is one station block (HCL) or stations entry (YAML).
type rawStation struct {
	name      string
	nameRange hcl.Range
	serial    rawString
	model     rawString
	port      rawString
	factory   rawString
	firmware  *rawFirmware
	settings  []rawSetting
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
