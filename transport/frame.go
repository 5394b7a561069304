package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
)

// EncodeFrame wraps one compact JSON object as a frame line
// "@<json>*<CRC>\n" (controller-protocol.md §2). The CRC is CRC-32/IEEE of
// the JSON bytes in 8 upper-case hex digits.
func EncodeFrame(obj []byte) []byte {
	out := make([]byte, 0, len(obj)+11)
	out = append(out, '@')
	out = append(out, obj...)
	out = append(out, '*')
	out = fmt.Appendf(out, "%08X", crc32.ChecksumIEEE(obj))
	return append(out, '\n')
}

// MarshalFrame encodes v as compact JSON and frames it.
func MarshalFrame(v any) ([]byte, error) {
	obj, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return EncodeFrame(obj), nil
}

// IsFrame reports whether a line (terminator removed) is meant as a frame:
// only frames start with '@'; everything else is log.
func IsFrame(line []byte) bool { return len(line) > 0 && line[0] == '@' }

// DecodeFrame checks a frame line (terminator removed, a trailing '\r'
// tolerated) and returns its JSON object. ok is false for line noise: a bad
// shape, a CRC mismatch, or JSON that is not one object.
func DecodeFrame(line []byte) (obj []byte, ok bool) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	// "@" + at least "{}" + "*" + 8 hex digits.
	if len(line) < 1+2+1+8 || line[0] != '@' || line[len(line)-9] != '*' {
		return nil, false
	}
	obj = line[1 : len(line)-9]
	var want uint32
	for _, c := range line[len(line)-8:] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return nil, false
		}
		want = want<<4 | uint32(d)
	}
	if crc32.ChecksumIEEE(obj) != want {
		return nil, false
	}
	if obj[0] != '{' || !json.Valid(obj) {
		return nil, false
	}
	return obj, true
}
