package model

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	good := map[string]Version{"V32R16": {32, 16}, "V32R17": {32, 17}, "V33R1": {33, 1}, "V0R0": {0, 0}}
	for s, want := range good {
		v, err := ParseVersion(s)
		if err != nil || v != want || v.String() != s {
			t.Errorf("ParseVersion(%q) = %v, %v", s, v, err)
		}
	}
	bad := map[string]string{
		"":                        "starts with an upper-case V",
		"v32r16":                  "starts with an upper-case V",
		"V32r16":                  "an upper-case R separates",
		"V32":                     "an upper-case R separates",
		"32R16":                   "starts with an upper-case V",
		"V+32R16":                 "unsigned decimal",
		"V32R-1":                  "unsigned decimal",
		"VR16":                    "unsigned decimal",
		"V32R":                    "unsigned decimal",
		"V032R16":                 "leading zeros",
		"V32R16 ":                 "unsigned decimal",
		"V32R16R1":                "unsigned decimal",
		"V99999999999999999999R1": "too large",
	}
	for s, want := range bad {
		_, err := ParseVersion(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseVersion(%q) = %v, want %q", s, err, want)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	order := []string{"V31R99", "V32R9", "V32R16", "V32R17", "V33R1", "V100R0"}
	for i := range order {
		for j := range order {
			a, _ := ParseVersion(order[i])
			b, _ := ParseVersion(order[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestParseFirmwareHeader(t *testing.T) {
	h, err := ParseFirmwareHeader([]byte("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n\x00\x01binary"))
	if err != nil || h.Version != (Version{32, 17}) || strings.Join(h.Models, ",") != "EVC4,EVC5,ECC" {
		t.Fatalf("header: %+v, %v", h, err)
	}
	for _, m := range []string{"EVC5.1", "EVC5.x", "EVC5", "EVC4.31", "ECC.2"} {
		if !h.Supports(m) {
			t.Errorf("Supports(%q) = false", m)
		}
	}
	for _, m := range []string{"EVC6.1", "evc5.1", "", ".x", "EVC"} {
		if h.Supports(m) {
			t.Errorf("Supports(%q) = true", m)
		}
	}
	// Unknown fields are ignored; \r\n is accepted; order does not matter.
	h, err = ParseFirmwareHeader([]byte("ECCFW/1 models=ECC build=abc version=V33R1\r\nrest"))
	if err != nil || h.Version != (Version{33, 1}) || len(h.Models) != 1 {
		t.Errorf("header with extra field: %+v, %v", h, err)
	}
	long := "ECCFW/1 version=V32R17 models=EVC4 pad=" + strings.Repeat("x", 128) + "\n"
	bad := map[string]string{
		"":                                          "does not start with",
		"MZ\x90\x00binary\n":                        "does not start with",
		"ECCFW/1 version=V32R17 models=EVC4":        "no end of line within the first 128 bytes",
		long:                                        "no end of line within the first 128 bytes",
		"ECCFW/2 version=V32R17 models=EVC4\n":      `format "ECCFW/2" is not supported`,
		"ECCFW/1 models=EVC4\n":                     "no version= field",
		"ECCFW/1 version=V32R17\n":                  "no models= field",
		"ECCFW/1 version=v32r17 models=EVC4\n":      "must look like V32R16",
		"ECCFW/1 version=V32R17 models=\n":          "models must list families",
		"ECCFW/1 version=V32R17 models=EVC4.x\n":    "models must list families",
		"ECCFW/1 version=V32R17 models=EVC4,,ECC\n": "models must list families",
		"ECCFW/1 version=V32R17 version=V32R18 models=EVC4\n": "version is given twice",
		"ECCFW/1 version V32R17 models=EVC4\n":                `field "version" is not name=value`,
		"ECCFW/1 version=V32R17 models=EVC4\xff\n":            "not printable ASCII",
	}
	for in, want := range bad {
		_, err := ParseFirmwareHeader([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseFirmwareHeader(%q) = %v, want %q", in, err, want)
		}
	}
	// Exactly 128 bytes including the newline is allowed.
	line := "ECCFW/1 version=V32R17 models=EVC4 pad="
	line += strings.Repeat("x", 127-len(line)) + "\n"
	if _, err := ParseFirmwareHeader([]byte(line)); len(line) != 128 || err != nil {
		t.Errorf("128-byte header: %v", err)
	}
}

func TestFamily(t *testing.T) {
	tests := map[string]string{"EVC4.31": "EVC4.x", "EVC5.1": "EVC5.x", "ECC.2": "ECC.x", "EVC5.x": "EVC5.x", "EVC5": "EVC5.x", "": ""}
	for in, want := range tests {
		if got := Family(in); got != want {
			t.Errorf("Family(%q) = %q, want %q", in, got, want)
		}
	}
}
