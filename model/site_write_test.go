package model

import (
	"strings"
	"testing"
)

// TestWriteReadsBack: whatever a value holds (quotes, backslashes,
// template sequences, control characters, non-ASCII, odd map keys), the
// written site file reads back to the same values in both formats, and
// is formatted as ecc fmt formats it.
func TestWriteReadsBack(t *testing.T) {
	strs := []string{`plain`, `a "quoted" \ back`, "${x} %{y} $${z} $ %", "tab\there\nnew\rline", "ctl\x01\x7f", "é ü 漢字 🙂", "", "#SN#", "1000", "true", "null", "- dash", ": colon", "'single'"}
	var settings []SettingOut
	list := &Node{Kind: NodeList}
	m := &Node{Kind: NodeMap}
	for i, s := range strs {
		settings = append(settings, SettingOut{Key: "k" + string(rune('a'+i)), Value: &Node{Kind: NodeString, Str: s}})
		list.List = append(list.List, &Node{Kind: NodeString, Str: s})
		if s != "" {
			m.Map = append(m.Map, MapEntry{Key: s, Value: &Node{Kind: NodeNumber, Str: "1"}})
		}
	}
	settings = append(settings,
		SettingOut{Key: "list", Value: list}, SettingOut{Key: "map", Value: m},
		SettingOut{Key: "num", Value: &Node{Kind: NodeNumber, Str: "250"}},
		SettingOut{Key: "secret", Value: &Node{Kind: NodeString, Secret: &SecretRef{Kind: "env", Name: "ECC_X"}}},
		SettingOut{Key: "off", Disabled: true, Value: &Node{Kind: NodeString, Str: "x"}, Comment: "note"},
		SettingOut{Key: "c", Comment: "just a comment"})
	site := SiteOut{Header: []string{"head"}, Site: "s p", Stations: []StationOut{{Name: "cp \"1\"", Serial: "G1", Model: "EVC5.x", Notes: []string{"note"},
		Firmware: &PinOut{Version: "V32R17", File: `fw dir/V32R17.bin`, SHA256: "ab"}, Settings: settings}}}
	for _, tc := range []struct {
		name  string
		write func(SiteOut) []byte
		dec   func(string, []byte) (*rawSite, hclDiags)
	}{
		{"w.hcl", WriteHCL, decodeHCLRaw},
		{"w.yaml", WriteYAML, decodeYAMLRaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("ECC_X", "secret")
			out := tc.write(site)
			raw, diags := tc.dec(tc.name, out)
			if diags != "" {
				t.Fatalf("%s\n%s", diags, out)
			}
			if f, d := FormatSite(tc.name, out); d.HasErrors() || string(f) != string(out) {
				t.Errorf("not formatted:\n%s", out)
			}
			if raw.name != "s p" || len(raw.stations) != 1 || raw.stations[0].name != `cp "1"` || raw.stations[0].firmware.file.s != "fw dir/V32R17.bin" {
				t.Fatalf("%+v\n%s", raw, out)
			}
			got := raw.stations[0].settings
			if len(got) != len(strs)+4 {
				t.Fatalf("%d settings\n%s", len(got), out)
			}
			for i, s := range strs {
				if got[i].node.Str != s {
					t.Errorf("%q read back as %q", s, got[i].node.Str)
				}
				if got[len(strs)].node.List[i].Str != s {
					t.Errorf("list element %q read back as %q", s, got[len(strs)].node.List[i].Str)
				}
			}
			if got[len(strs)+3].node.Secret == nil || !strings.Contains(string(out), "ECC_X") || strings.Contains(string(out), "secret\"") {
				t.Errorf("secret not written as a reference:\n%s", out)
			}
			for _, c := range []string{"# head", "# note", "off", "# just a comment"} {
				if !strings.Contains(string(out), c) {
					t.Errorf("lacks %q:\n%s", c, out)
				}
			}
		})
	}
}

type hclDiags = string

func decodeHCLRaw(name string, src []byte) (*rawSite, hclDiags) {
	r, d := decodeHCL(name, src, false)
	if d.HasErrors() {
		return nil, d.Error()
	}
	return r, ""
}

func decodeYAMLRaw(name string, src []byte) (*rawSite, hclDiags) {
	r, d := decodeYAML(name, src, false)
	if d.HasErrors() {
		return nil, d.Error()
	}
	return r, ""
}

func TestWritePin(t *testing.T) {
	p := PinOut{Version: "V32R17", File: "firmware/V32R17.bin", SHA256: "56d1"}
	if got, want := string(WritePinHCL(p)), "firmware {\n  version = \"V32R17\"\n  file    = \"firmware/V32R17.bin\"\n  sha256  = \"56d1\"\n}\n"; got != want {
		t.Errorf("HCL:\n%s\nwant\n%s", got, want)
	}
	if got, want := string(WritePinYAML(p)), "firmware:\n  version: V32R17\n  file: firmware/V32R17.bin\n  sha256: 56d1\n"; got != want {
		t.Errorf("YAML:\n%s\nwant\n%s", got, want)
	}
}
