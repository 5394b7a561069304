// Package bom reads the byte order marks Windows tools write at the start
// of a text file. A UTF-8 one ("UTF-8 with BOM", Excel's "CSV UTF-8") is
// dropped: JSON refuses it, csvdecode keeps it in the first column's
// name, and positions after it would count one character too many. The
// text files ecc reads go through here: inventories, factory files,
// secret and token files, saved plans and every record (snapshots,
// backups, journals), which a file reviewed or merged by hand in such an
// editor is saved with. Site files too, for positions: hclsyntax and
// yaml.v3 skip the mark themselves. A UTF-16 one (Notepad's "Unicode",
// PowerShell 5.1's `"..." > file`) marks a text to decode (FromUTF16).
package bom

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// UTF8 is the byte order mark in UTF-8.
var UTF8 = []byte{0xEF, 0xBB, 0xBF}

// Trim returns b without a leading byte order mark.
func Trim(b []byte) []byte { return bytes.TrimPrefix(b, UTF8) }

// TrimString returns s without a leading byte order mark.
func TrimString(s string) string { return strings.TrimPrefix(s, "\ufeff") }

// HasUTF16 reports a text that starts with a UTF-16 byte order mark,
// little (FF FE) or big endian (FE FF): never the start of UTF-8.
func HasUTF16(src []byte) bool {
	return len(src) >= 2 && (src[0] == 0xFF && src[1] == 0xFE || src[0] == 0xFE && src[1] == 0xFF)
}

// UTF16Error is a text that starts as UTF-16 but does not go on so.
type UTF16Error struct {
	// What broke, as the end of "The file starts as UTF-16 (a byte
	// order mark), but ...".
	What string
}

func (e *UTF16Error) Error() string {
	return "the file starts as UTF-16 (a byte order mark), but " + e.What + "; save it as UTF-8"
}

// FromUTF16 decodes a text that starts with a UTF-16 byte order mark to
// UTF-8, without the mark; ok is false for any other text, returned as it
// is. A text that is not UTF-16 throughout (an odd number of bytes, a
// lone surrogate) is an error where it breaks: text is what was decoded
// up to there, so that the caller can say where.
func FromUTF16(src []byte) (text []byte, ok bool, err *UTF16Error) {
	if !HasUTF16(src) {
		return src, false, nil
	}
	var order binary.ByteOrder = binary.BigEndian
	if src[0] == 0xFF {
		order = binary.LittleEndian
	}
	out := make([]byte, 0, len(src)/2)
	for b := src[2:]; len(b) > 0; {
		if len(b) == 1 {
			return out, true, &UTF16Error{"it ends in the middle of a character (an odd number of bytes)"}
		}
		r, n := rune(order.Uint16(b)), 2
		if utf16.IsSurrogate(r) {
			pair := utf8.RuneError
			if len(b) >= 4 {
				pair = utf16.DecodeRune(r, rune(order.Uint16(b[2:])))
			}
			if pair == utf8.RuneError {
				return out, true, &UTF16Error{"here it holds half of a two-part character (a lone surrogate)"}
			}
			r, n = pair, 4
		}
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return out, true, nil
}
