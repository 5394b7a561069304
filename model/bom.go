package model

import (
	"bytes"
	"strings"
)

// utf8BOM is the byte order mark a Windows editor or a spreadsheet may
// write at the start of a UTF-8 file ("UTF-8 with BOM", Excel's "CSV
// UTF-8"). hclsyntax skips it at the start of its input only, so a chunk
// of a split file must not start with one that the whole file has in its
// middle (parseChunks).
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// withoutUTF8BOM drops a leading byte order mark: JSON does not allow it,
// csvdecode kept it in the first column's name, and the positions of the
// rest then count as an editor shows them.
func withoutUTF8BOM(src []byte) []byte { return bytes.TrimPrefix(src, utf8BOM) }

// trimBOM is withoutUTF8BOM for a string.
func trimBOM(s string) string { return strings.TrimPrefix(s, "\ufeff") }
