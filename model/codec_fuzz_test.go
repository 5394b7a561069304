package model

import (
	"strings"
	"testing"
)

// FuzzDecode: Decode never panics on any key (the dictionary's and the
// OCPP standard keys); a value that decodes and passes Check survives
// Canonical -> Decode unchanged in meaning and form.
func FuzzDecode(f *testing.F) {
	dict := append(Dictionary(), OCPPKeys()...)
	for i, k := range dict {
		f.Add(uint8(i), k.Example)
		f.Add(uint8(i), "")
		f.Add(uint8(i), " , = ,, ==")
	}
	for _, s := range []string{
		"16, 16", "016,6", "+5", "-0", "USETLS=1,events=01,foo=bar", "useTLS=1,useTLS=0", "Type=dhcp,ip=010.0.0.1",
		"EASTR_SDM72D, 03, 09600, N, 01", "S0,,1000,,", "none,,,,", "sl032, any", "a,b,c,d", "user:pa:ss",
		"wss://h/#SN##OSN#", "#", "modelname=a=b", "\x00\xff", "ctrl=3,ctrl=7",
		"TRUE", " false ", "Voltage, SoC", "Voltage,,SoC", "SoC,SoC", "0.RST, 1.TSR", "01.RST", "+1.RST", "1.",
	} {
		for i := range dict {
			f.Add(uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, idx uint8, s string) {
		k := dict[int(idx)%len(dict)]
		v, err := k.Decode(s)
		if err != nil {
			return
		}
		_, _ = v.Display(), v.Sensitive()
		if k.Name == "authorizationKey" && v.Display() != "(sensitive)" {
			t.Fatalf("authorizationKey Display = %q", v.Display())
		}
		if k.Check(v) != nil {
			return
		}
		c := v.Canonical()
		v2, err := k.Decode(c)
		if err != nil {
			t.Fatalf("%s: Decode(Canonical %q) of %q: %v", k.Name, c, s, err)
		}
		if !k.Equal(v, v2) {
			t.Fatalf("%s: %q -> %q not Equal", k.Name, s, c)
		}
		if c2 := v2.Canonical(); c2 != c {
			t.Fatalf("%s: Canonical not stable: %q -> %q -> %q", k.Name, s, c, c2)
		}
		if err := k.Check(v2); err != nil {
			t.Fatalf("%s: canonical %q fails Check: %v", k.Name, c, err)
		}
		if k.Partial && strings.Contains(c, " ") && !strings.HasPrefix(k.Name, "com_OCPPInfo") {
			t.Fatalf("%s: canonical %q has spaces", k.Name, c)
		}
	})
}

// FuzzParseFirmwareHeader: never panics; an accepted header, printed
// back, parses to the same header.
func FuzzParseFirmwareHeader(f *testing.F) {
	for _, s := range []string{
		"ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\n",
		"ECCFW/1 models=ECC version=V33R1 x=y\r\nbody",
		"ECCFW/1 version=V32R17\n",
		"ECCFW/2 version=V32R17 models=EVC4\n",
		"ECCFW/1 version=V32R17 models=EVC4" + strings.Repeat(" ", 200) + "\n",
		"", "\n", "ECCFW/", "ECCFW/1 =\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, image []byte) {
		h, err := ParseFirmwareHeader(image)
		if err != nil {
			return
		}
		line := "ECCFW/1 version=" + h.Version.String() + " models=" + strings.Join(h.Models, ",") + "\n"
		h2, err := ParseFirmwareHeader([]byte(line))
		if err != nil || h2.Version != h.Version || strings.Join(h2.Models, ",") != strings.Join(h.Models, ",") {
			t.Fatalf("reprint %q: %+v, %v", line, h2, err)
		}
		for _, m := range h.Models {
			if !h.Supports(m+".1") || !h.Supports(Family(m+".1")) {
				t.Fatalf("header does not support its own model %s", m)
			}
		}
	})
}

// FuzzParseVersion: never panics; accepted text prints back exactly.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"V32R16", "V33R1", "v32r16", "V032R1", "V1R", "VR1", "V-1R1", "V99999999999999999999R1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		if v.String() != s {
			t.Fatalf("ParseVersion(%q).String() = %q", s, v.String())
		}
		if v.Compare(v) != 0 {
			t.Fatalf("%s not equal to itself", v)
		}
	})
}
