package model

import (
	"bytes"
	"unicode/utf8"

	"github.com/ecotap-tools/ecc/internal/bom"
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
	text, ok, err := bom.FromUTF16(src)
	if err != nil {
		return text, ok, badUTF16(name, text, err.What)
	}
	return text, ok, nil
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
