package model

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// fromUTF16 is a site file saved as UTF-16 with its byte order mark
// (Windows Notepad's "Unicode" and "Unicode big endian") decoded to
// UTF-8, without the mark: hclsyntax reads UTF-8 only (yaml.v3 decodes
// UTF-16 itself, but diagnostics quote the file's lines, and both formats
// must read the same). The characters and lines are the file's, so
// positions in the text are those an editor shows. ok is false for
// anything else, returned as it is. A file that is not UTF-16 throughout
// (an odd number of bytes, a lone surrogate) is an error where it breaks;
// text is what was decoded up to there.
func fromUTF16(name string, src []byte) (text []byte, ok bool, bad *hcl.Diagnostic) {
	if !hasUTF16BOM(src) {
		return src, false, nil
	}
	var order binary.ByteOrder = binary.BigEndian
	if src[0] == 0xFF {
		order = binary.LittleEndian
	}
	out := make([]byte, 0, len(src)/2)
	for b := src[2:]; len(b) > 0; {
		if len(b) == 1 {
			return out, true, badUTF16(name, out, "it ends in the middle of a character (an odd number of bytes)")
		}
		r, n := rune(order.Uint16(b)), 2
		if utf16.IsSurrogate(r) {
			pair := utf8.RuneError
			if len(b) >= 4 {
				pair = utf16.DecodeRune(r, rune(order.Uint16(b[2:])))
			}
			if pair == utf8.RuneError {
				return out, true, badUTF16(name, out, "here it holds half of a two-part character (a lone surrogate)")
			}
			r, n = pair, 4
		}
		out = utf8.AppendRune(out, r)
		b = b[n:]
	}
	return out, true, nil
}

// hasUTF16BOM reports a text that starts with a UTF-16 byte order mark,
// little (FF FE) or big endian (FE FF): never the start of UTF-8.
func hasUTF16BOM(src []byte) bool {
	return len(src) >= 2 && (src[0] == 0xFF && src[1] == 0xFE || src[0] == 0xFE && src[1] == 0xFF)
}

// badUTF16 is the error at the end of text, the part of a UTF-16 file
// decoded before what broke.
func badUTF16(name string, text []byte, what string) *hcl.Diagnostic {
	line := 1 + bytes.Count(text, []byte{'\n'})
	col := 1 + utf8.RuneCount(text[bytes.LastIndexByte(text, '\n')+1:])
	p := hcl.Pos{Line: line, Column: col, Byte: len(text)}
	return errAt(&hcl.Range{Filename: name, Start: p, End: p}, "Invalid UTF-16",
		"The file starts as UTF-16 (a byte order mark), but "+what+". Save it as UTF-8.")
}
