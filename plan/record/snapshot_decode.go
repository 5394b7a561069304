package record

import (
	"bytes"
	"io"
	"sync"

	"github.com/ecotap-tools/ecc/internal/bom"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// snapshotOptions read a snapshot with the JSON v2 decoder (the module
// that Go's encoding/json/v2 comes from): an offline plan of a
// 100,000-station fleet reads 100,000 snapshots, and encoding/json's was a
// quarter of its time. Names match case-insensitively, as encoding/json
// matches them, so that a hand-edited snapshot reads the same; v2 is
// stricter only where a snapshot was damaged anyway (a name given twice,
// invalid UTF-8). Case is all that is ignored: v2 alone also ignores
// underscores and dashes (it would read "writeonly" as write_only).
var snapshotOptions = jsonv2.JoinOptions(jsonv2.MatchCaseInsensitiveNames(true), jsonv1.MatchCaseSensitiveDelimiter(true))

// snapshotReader reads snapshots one after another, reusing what a fleet's
// snapshots share: the buffer a file is read into, the JSON decoder, and
// the strings of keys and values, which are mostly the same on every
// station (the fleet's common settings). Readers are pooled: a plan reads
// snapshots from several goroutines.
type snapshotReader struct {
	file bytes.Buffer // the file's content
	dec  jsontext.Decoder
	unq  []byte            // a string with escapes, unquoted
	strs map[string]string // the strings read so far, each kept once
	size int               // the size of the last values map read
}

// Bounds of a pooled reader: the buffer of a file larger than
// maxPooledFile is not kept, strings longer than maxInterned are not
// interned, and the intern table starts again when it holds maxStrings
// (each station's own values, its OCPP id for one, fill it slowly;
// starting again costs the common strings one allocation each).
const (
	maxPooledFile = 64 << 10
	maxInterned   = 512
	maxStrings    = 4096
)

var snapshotReaders = sync.Pool{New: func() any {
	r := &snapshotReader{strs: map[string]string{}}
	r.file.Grow(4 << 10) // a snapshot of 25 keys is about 1.5 KB
	return r
}}

func (r *snapshotReader) release() {
	if r.file.Cap() <= maxPooledFile {
		snapshotReaders.Put(r)
	}
}

// readFile reads path into r.file. Unlike os.ReadFile it neither stats
// the file to size a new buffer nor allocates one: it reads into the
// pooled buffer until EOF. Its errors are os.ReadFile's.
func (r *snapshotReader) readFile(path string) error { return readInto(&r.file, path) }

// decode reads r.file into s. Snapshots as ecc writes them take the fast
// path, decodeAsWritten; any other content (and every damaged file) is
// read again, from the start, by the general decoder, so that what is
// accepted, what it reads as and the error of a bad file are the general
// decoder's (FuzzDecodeSnapshot checks that the fast path agrees).
func (r *snapshotReader) decode(s *Snapshot) error {
	// A snapshot saved again by a Windows editor (a merge conflict
	// resolved by hand) may start with a byte order mark, which JSON
	// refuses: dropped, as LoadBackup drops it.
	if bytes.HasPrefix(r.file.Bytes(), bom.UTF8) {
		r.file.Next(len(bom.UTF8))
	}
	data := r.file.Bytes() // the decoder consumes r.file, not its bytes
	if r.decodeAsWritten(s) {
		return nil
	}
	*s = Snapshot{}
	return jsonv2.Unmarshal(data, s, snapshotOptions)
}

// asWritten is how decodeAsWritten reads: it finds names given twice
// itself, where the decoder would keep a set of every name of every object.
var asWritten = jsontext.AllowDuplicateNames(true)

// decodeAsWritten reads r.file as a snapshot written by ecc: one object
// whose members have their exact names, strings where strings are due and
// objects of strings for values and hashes, each name once. It streams
// tokens instead of reflecting on Snapshot, and takes the strings of
// values from r.strs. It reports false at the first thing it does not
// read, leaving s partly set.
func (r *snapshotReader) decodeAsWritten(s *Snapshot) bool {
	dec := &r.dec
	dec.Reset(&r.file, asWritten)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	var seen [10]bool // by the case below
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return false
		}
		field, ok := -1, false
		switch string(name) { // quoted: a name with escapes takes the general path
		case `"serial"`:
			field = 0
			s.Serial, ok = r.string(false) // each station's own
		case `"model"`:
			field = 1
			s.Model, ok = r.string(true)
		case `"firmware"`:
			field = 2
			s.Firmware, ok = r.string(true)
		case `"channel"`:
			field = 3
			s.Channel, ok = r.string(true)
		case `"values"`:
			field = 4
			s.Values, ok = r.strings()
		case `"hashes"`:
			field = 5
			s.Hashes, ok = r.strings()
		// Seldom many, or not strings: v2's own decoding of the field (the
		// options matter only to names of a struct's fields).
		case `"observed_at"`:
			field = 6
			ok = jsonv2.UnmarshalDecode(dec, &s.ObservedAt) == nil
		case `"write_only"`:
			field = 7
			ok = jsonv2.UnmarshalDecode(dec, &s.WriteOnly) == nil
		case `"unknown"`:
			field = 8
			ok = jsonv2.UnmarshalDecode(dec, &s.Unknown) == nil
		case `"read_only"`:
			field = 9
			ok = jsonv2.UnmarshalDecode(dec, &s.ReadOnly) == nil
		}
		if !ok || seen[field] {
			return false
		}
		seen[field] = true
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return false
	}
	_, err := dec.ReadToken()
	return err == io.EOF
}

// string reads a JSON string, interned or not.
func (r *snapshotReader) string(intern bool) (string, bool) {
	b, ok := r.readString()
	switch {
	case !ok:
		return "", false
	case intern:
		return r.intern(b), true
	}
	return string(b), true
}

// readString reads a JSON string's content, valid until the next read.
func (r *snapshotReader) readString() ([]byte, bool) {
	v, err := r.dec.ReadValue()
	if err != nil || v.Kind() != '"' {
		return nil, false
	}
	return r.unquote(v)
}

// strings reads an object of strings into a new map.
func (r *snapshotReader) strings() (map[string]string, bool) {
	dec := &r.dec
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	m := make(map[string]string, r.size)
	for dec.PeekKind() == '"' {
		name, ok := r.readString()
		if !ok {
			return nil, false
		}
		key := r.intern(name)
		v, ok := r.string(true)
		if !ok {
			return nil, false
		}
		n := len(m)
		if m[key] = v; len(m) == n {
			return nil, false // a key given twice: the general decoder's error (see asWritten)
		}
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return nil, false
	}
	r.size = len(m)
	return m, true
}

// unquote returns a JSON string's content, valid until the next read: the
// decoder has checked it, so only escapes need work.
func (r *snapshotReader) unquote(v jsontext.Value) ([]byte, bool) {
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], true
	}
	var err error
	r.unq, err = jsontext.AppendUnquote(r.unq[:0], v)
	return r.unq, err == nil
}

// intern returns b as a string, the same string for the same bytes: the
// fleet's 100,000 snapshots then hold each common value once instead of
// allocating it 100,000 times. The lookup by string(b) does not allocate
// (Go's unique.Make would take a string, allocated first).
func (r *snapshotReader) intern(b []byte) string {
	if s, ok := r.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) > maxInterned {
		return s
	}
	if len(r.strs) >= maxStrings {
		clear(r.strs)
	}
	r.strs[s] = s
	return s
}
