package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/apply"
)

// The name line of ecc firmware inspect says what it found: an image
// named latest.bin does not contain its header's version, and must not
// be described as if it did.
func TestFirmwareTextNameLine(t *testing.T) {
	for _, c := range []struct {
		file    string
		matches bool
		want    string
	}{
		{"V32R17.bin", true, "name:     yes (file name contains V32R17)\n"},
		{"latest.bin", false, "name:     NO (file name latest.bin does not contain V32R17)\n"},
	} {
		t.Run(c.file, func(t *testing.T) {
			var out bytes.Buffer
			writeFirmwareText(&out, &apply.FirmwareInfo{File: c.file, Version: "V32R17", Models: []string{"EVC5"}, NameMatches: c.matches})
			if !strings.Contains(out.String(), c.want) {
				t.Errorf("output lacks %q:\n%s", c.want, out.String())
			}
		})
	}
}
