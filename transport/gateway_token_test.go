package transport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestReadGatewayToken: the token as a Windows user may have saved it
// reads as written by `ecc gateway`; a file that holds no token, or
// broken UTF-16, is an error naming the file.
func TestReadGatewayToken(t *testing.T) {
	const tok = "0123abcd"
	le16 := func(s string) string { // PowerShell 5.1's `$t > FILE`
		b := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, content, want, err string
	}{
		{"as written", tok + "\n", tok, ""},
		{"CRLF", tok + "\r\n", tok, ""},
		{"UTF-8 with BOM", "\ufeff" + tok + "\r\n", tok, ""},
		{"UTF-16 LE (PowerShell 5.1)", le16(tok + "\r\n"), tok, ""},
		{"UTF-16 cut short", le16(tok)[:5], "", "an odd number of bytes"},
		{"empty", "\ufeff\r\n", "", "empty token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), GatewayTokenFile)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadGatewayToken(path)
			switch {
			case tc.err == "" && (err != nil || got != tc.want):
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), path)):
				t.Errorf("got %q, %v; want an error naming %s: %s", got, err, path, tc.err)
			}
		})
	}
}
