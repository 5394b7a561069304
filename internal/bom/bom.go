// Package bom drops the byte order mark that Windows editors and
// spreadsheets write at the start of a UTF-8 file ("UTF-8 with BOM",
// Excel's "CSV UTF-8"). JSON refuses it, csvdecode keeps it in the first
// column's name, and positions after it would count one character too
// many: every file ecc reads goes through here, site files and
// inventories as well as saved plans, snapshots and backups (a file
// reviewed or merged by hand in such an editor is saved with one).
package bom

import (
	"bytes"
	"strings"
)

// UTF8 is the byte order mark in UTF-8.
var UTF8 = []byte{0xEF, 0xBB, 0xBF}

// Trim returns b without a leading byte order mark.
func Trim(b []byte) []byte { return bytes.TrimPrefix(b, UTF8) }

// TrimString returns s without a leading byte order mark.
func TrimString(s string) string { return strings.TrimPrefix(s, "\ufeff") }
