package model

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// rg is a one-line source range: line, column, length.
func rg(line, col, n int) hcl.Range {
	return hcl.Range{Filename: "site.hcl",
		Start: hcl.Pos{Line: line, Column: col, Byte: line*100 + col},
		End:   hcl.Pos{Line: line, Column: col + n, Byte: line*100 + col + n}}
}

func nNum(s string, r hcl.Range) *Node { return &Node{Kind: NodeNumber, Str: s, Range: r} }
func nStr(s string, r hcl.Range) *Node { return &Node{Kind: NodeString, Str: s, Range: r} }
func nBool(b bool, r hcl.Range) *Node {
	s := "false"
	if b {
		s = "true"
	}
	return &Node{Kind: NodeBool, Str: s, Range: r}
}
func nList(r hcl.Range, elems ...*Node) *Node { return &Node{Kind: NodeList, List: elems, Range: r} }
func nMap(r hcl.Range, entries ...MapEntry) *Node {
	return &Node{Kind: NodeMap, Map: entries, Range: r}
}

// ent is a map entry "key = value" whose key starts at col on line.
func ent(line, col int, key string, v *Node) MapEntry {
	return MapEntry{Key: key, KeyRange: rg(line, col, len(key)), Value: v}
}

func secret(n *Node) *Node {
	n.Secret = &SecretRef{Kind: "env", Name: "ECC_SECRET"}
	return n
}

func TestFromNodeValid(t *testing.T) {
	tests := []struct {
		key       string
		node      *Node
		canon     string
		display   string
		sensitive bool
	}{
		{"chg_MinChargingCurrent", nNum("6", rg(1, 1, 1)), "6", "6", false},
		{"chg_MinChargingCurrent", nStr("06", rg(1, 1, 4)), "6", "6", false},
		{"grid_InstallationMaxcurrent", nNum("250", rg(1, 1, 3)), "250", "250", false},
		{"chg_RatedCurrent", nList(rg(1, 1, 8), nNum("16", rg(1, 2, 2)), nNum("16", rg(1, 6, 2))), "16,16", "16,16", false},
		{"chg_RatedCurrent", nNum("32", rg(1, 1, 2)), "32", "32", false},
		{"chg_RatedCurrent", nStr("16, 16", rg(1, 1, 8)), "16,16", "16,16", false},
		{"grid_Role", nStr("Master", rg(1, 1, 8)), "Master", "Master", false},
		{"gsm_Oper", nNum("20408", rg(1, 1, 5)), "20408", "20408", false},
		{"com_OCPPID", nStr("NLECO1000", rg(1, 1, 11)), "NLECO1000", "NLECO1000", false},
		{"com_Options", nMap(rg(1, 1, 40),
			ent(1, 3, "useTLS", nNum("1", rg(1, 12, 1))),
			ent(1, 15, "events", nBool(true, rg(1, 24, 4))),
			ent(1, 30, "Wdt", nBool(false, rg(1, 36, 5)))),
			"Events=1,Wdt=0,useTLS=1", "Events=1,Wdt=0,useTLS=1", false},
		{"com_Options", nStr("Events=1,useTLS=1", rg(1, 1, 19)), "Events=1,useTLS=1", "Events=1,useTLS=1", false},
		{"chg_Debug", nMap(rg(1, 1, 20), ent(1, 3, "ctrl", nNum("3", rg(1, 10, 1))), ent(1, 13, "warn", nNum("1", rg(1, 20, 1)))),
			"warn=1,ctrl=3", "warn=1,ctrl=3", false},
		{"eth_cfg", nMap(rg(1, 1, 60),
			ent(1, 3, "type", nStr("static", rg(1, 10, 8))),
			ent(1, 20, "ip", nStr("10.0.0.5", rg(1, 25, 10))),
			ent(1, 40, "netmask", nStr("255.255.255.0", rg(1, 50, 15)))),
			"type=static,ip=10.0.0.5,netmask=255.255.255.0", "type=static,ip=10.0.0.5,netmask=255.255.255.0", false},
		{"com_OCPPInfo", nMap(rg(1, 1, 30), ent(1, 3, "CpSn", nStr("G48229*1", rg(1, 10, 10)))), "CpSn=G48229*1", "CpSn=G48229*1", false},
		{"chg_KWH3", nList(rg(1, 1, 40), nStr("EASTR_SDM72D", rg(1, 2, 14)), nNum("3", rg(1, 18, 1)),
			nNum("9600", rg(1, 21, 4)), nStr("N", rg(1, 27, 3)), nNum("1", rg(1, 32, 1))),
			"EASTR_SDM72D,3,9600,N,1", "EASTR_SDM72D,3,9600,N,1", false},
		{"chg_KWH1", nMap(rg(1, 1, 80),
			ent(1, 3, "type", nStr("EASTR_SDM72D", rg(1, 10, 14))),
			ent(1, 26, "address", nNum("1", rg(1, 36, 1))),
			ent(1, 39, "baud", nNum("9600", rg(1, 46, 4))),
			ent(1, 52, "parity", nStr("E", rg(1, 61, 3))),
			ent(1, 66, "stop_bits", nNum("2", rg(1, 78, 1)))),
			"EASTR_SDM72D,1,9600,E,2", "EASTR_SDM72D,1,9600,E,2", false},
		{"chg_KWH2", nMap(rg(1, 1, 40),
			ent(1, 3, "type", nStr("S0_PULSE", rg(1, 10, 10))),
			ent(1, 22, "pulses", nNum("1000", rg(1, 31, 4)))),
			"S0_PULSE,,1000,,", "S0_PULSE,,1000,,", false},
		{"chg_KWH2", nMap(rg(1, 1, 15), ent(1, 3, "type", nStr("none", rg(1, 10, 6)))), "none", "none", false},
		{"chg_Reader1", nList(rg(1, 1, 16), nStr("sl032", rg(1, 2, 7)), nStr("CH1", rg(1, 11, 5))), "sl032,CH1", "sl032,CH1", false},
		{"chg_Reader2", nMap(rg(1, 1, 30), ent(1, 3, "channel", nStr("any", rg(1, 13, 5))), ent(1, 20, "type", nStr("Shared", rg(1, 27, 8)))),
			"Shared,any", "Shared,any", false},
		{"gsm_APN", nList(rg(1, 1, 30), nStr("internet", rg(1, 2, 10)), nStr("user", rg(1, 14, 6)), nStr("pw", rg(1, 22, 4))),
			"internet,user,pw", "internet,user,(sensitive)", true},
		{"gsm_APN", nMap(rg(1, 1, 30), ent(1, 3, "name", nStr("m2mservices", rg(1, 10, 13)))), "m2mservices,,", "m2mservices,,", false},
		{"authorizationKey", secret(nStr("ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", rg(1, 1, 20))),
			"ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", "(sensitive)", true},
		// A value from env() is sensitive whatever its key.
		{"com_OCPPID", secret(nStr("NLECO1000", rg(1, 1, 20))), "NLECO1000", "(sensitive)", true},
		{"gsm_APN", nMap(rg(1, 1, 50),
			ent(1, 3, "name", nStr("internet", rg(1, 10, 10))),
			ent(1, 22, "password", secret(nStr("hunter2", rg(1, 33, 15))))),
			"internet,,hunter2", "(sensitive)", true},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		v, diags := k.FromNode(tt.node)
		if diags.HasErrors() {
			t.Errorf("%s: unexpected diagnostics: %v", tt.key, diags)
			continue
		}
		if v.Canonical() != tt.canon || v.Display() != tt.display || v.Sensitive() != tt.sensitive {
			t.Errorf("%s: got %q / %q / %v, want %q / %q / %v", tt.key, v.Canonical(), v.Display(), v.Sensitive(),
				tt.canon, tt.display, tt.sensitive)
		}
		if err := k.Check(v); err != nil {
			t.Errorf("%s: FromNode value fails Check: %v", tt.key, err)
		}
		if !k.Equal(v, mustDecode(t, k, v.Canonical())) {
			t.Errorf("%s: FromNode value not Equal to its canonical form", tt.key)
		}
	}
}

func TestFromNodeDiagnostics(t *testing.T) {
	whole := rg(1, 1, 50)
	tests := []struct {
		name    string
		key     string
		node    *Node
		subject hcl.Range
		detail  string
	}{
		{"range", "chg_MinChargingCurrent", nNum("99", whole), whole,
			"chg_MinChargingCurrent must be an integer from 0 to 63; got 99."},
		{"not integer", "chg_MinChargingCurrent", nNum("6.5", whole), whole,
			"chg_MinChargingCurrent must be an integer from 0 to 63; got \"6.5\"."},
		{"wrong kind", "chg_MinChargingCurrent", nList(whole), whole,
			"chg_MinChargingCurrent must be an integer from 0 to 63; got a list."},
		{"raw string", "chg_MinChargingCurrent", nStr("six", whole), whole,
			"chg_MinChargingCurrent: \"six\" is not an integer."},
		{"null", "grid_Role", &Node{Kind: NodeNull, Range: whole}, whole, "grid_Role must have a value; got null."},
		{"list item", "chg_RatedCurrent", nList(whole, nNum("16", rg(1, 2, 2)), nNum("99", rg(1, 6, 2))), rg(1, 6, 2),
			"chg_RatedCurrent channel 2 must be an integer from 0 to 63; got 99."},
		{"list item kind", "chg_RatedCurrent", nList(whole, nNum("16", rg(1, 2, 2)), nMap(rg(1, 6, 2))), rg(1, 6, 2),
			"chg_RatedCurrent channel 2 must be an integer from 0 to 63; got a map."},
		{"too many channels", "chg_RatedCurrent", nList(whole, nNum("16", rg(1, 2, 2)), nNum("16", rg(1, 6, 2)), nNum("16", rg(1, 10, 2))),
			rg(1, 10, 2), "at most 2 channels); got 3."},
		{"option name", "com_Options", nMap(whole, ent(1, 3, "Events", nNum("1", rg(1, 12, 1))), ent(1, 15, "useTSL", nNum("1", rg(1, 24, 1)))),
			rg(1, 15, 6), `com_Options has no option "useTSL"; did you mean "useTLS"? Allowed: Events, BlockBeforeBoot, Wdt, updSendInIdle, blockLgFull, useTLS, comMaster.`},
		{"option level", "chg_Debug", nMap(whole, ent(1, 3, "gsm", nNum("8", rg(1, 9, 1)))), rg(1, 9, 1),
			"chg_Debug option gsm must be a bitmask of levels 1 to 3"},
		{"option flag", "com_Options", nMap(whole, ent(1, 3, "useTLS", nNum("2", rg(1, 12, 1)))), rg(1, 12, 1),
			"com_Options option useTLS must be 0 (disabled) or 1 (enabled); got 2."},
		{"option value kind", "com_Options", nMap(whole, ent(1, 3, "useTLS", nList(rg(1, 12, 2)))), rg(1, 12, 2),
			"com_Options option useTLS must be a number or a string; got a list."},
		{"eth ip", "eth_cfg", nMap(whole, ent(1, 3, "type", nStr("static", rg(1, 10, 8))), ent(1, 20, "ip", nStr("10.0.0.300", rg(1, 25, 12)))),
			rg(1, 25, 12), `eth_cfg field ip must be a dotted IPv4 address such as 192.168.1.10; got "10.0.0.300".`},
		{"enum case", "grid_Role", nStr("master", whole), whole, `Did you mean "Master"?`},
		{"enum kind", "grid_Role", nList(whole), whole, "grid_Role must be a string; got a list."},
		{"meter list item", "chg_KWH3", nList(whole, nStr("EASTR_SDM72D", rg(1, 2, 14)), nNum("3", rg(1, 18, 1)),
			nNum("9600", rg(1, 21, 4)), nStr("X", rg(1, 27, 3)), nNum("1", rg(1, 32, 1))), rg(1, 27, 3),
			`chg_KWH3 parity must be N (none), E (even) or O (odd); got "X".`},
		{"meter map key", "chg_KWH1", nMap(whole, ent(1, 3, "typ", nStr("X", rg(1, 9, 3)))), rg(1, 3, 3),
			`chg_KWH1 has no field "typ"; did you mean "type"?`},
		{"meter map value", "chg_KWH1", nMap(whole,
			ent(1, 3, "type", nStr("X", rg(1, 9, 3))), ent(1, 14, "address", nNum("0", rg(1, 24, 1))),
			ent(1, 27, "baud", nNum("9600", rg(1, 34, 4))), ent(1, 40, "parity", nStr("N", rg(1, 49, 3))),
			ent(1, 54, "stop_bits", nNum("1", rg(1, 66, 1)))),
			rg(1, 24, 1), "chg_KWH1 Modbus address must be an integer from 1 to 247; got 0."},
		{"meter baud without parity", "chg_KWH1", nMap(whole,
			ent(1, 3, "type", nStr("X", rg(1, 9, 3))), ent(1, 14, "baud", nNum("9600", rg(1, 21, 4)))),
			rg(1, 14, 4), "chg_KWH1 is a Modbus meter (baud): it needs parity and stop_bits too."},
		{"meter pulses with parity", "chg_KWH1", nMap(whole,
			ent(1, 3, "type", nStr("X", rg(1, 9, 3))), ent(1, 14, "pulses", nNum("1000", rg(1, 23, 4))),
			ent(1, 30, "parity", nStr("N", rg(1, 39, 3)))),
			rg(1, 14, 6), "chg_KWH1 is a pulse meter (pulses): it takes no parity or stop_bits."},
		{"reader channel", "chg_Reader1", nList(whole, nStr("sl032", rg(1, 2, 7)), nStr("ch1", rg(1, 11, 5))), rg(1, 11, 5),
			`chg_Reader1 channel must be one of CH1, CH2, any (exact case); got "ch1". Did you mean "CH1"?`},
		{"reader map dup", "chg_Reader1", nMap(whole, ent(1, 3, "type", nStr("sl032", rg(1, 9, 7))), ent(1, 18, "type", nStr("none", rg(1, 25, 6)))),
			rg(1, 18, 4), "chg_Reader1 gives field type more than once."},
		{"apn name", "gsm_APN", nMap(whole, ent(1, 3, "name", nStr(strings.Repeat("n", 40), rg(1, 10, 42)))), rg(1, 10, 42),
			"gsm_APN name must be at most 39 printable characters"},
		{"endpoint var", "com_Endpoint", nStr("wss://x/#SERIAL#", whole), whole,
			`com_Endpoint uses the variable "#SERIAL#"; the only variables are #SN# (serial number) and #OSN# (OCPP ID).`},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		v, diags := k.FromNode(tt.node)
		if !diags.HasErrors() {
			t.Errorf("%s: no diagnostics (value %v)", tt.name, v)
			continue
		}
		if v != nil {
			t.Errorf("%s: a value with errors", tt.name)
		}
		d := diags[0]
		if d.Severity != hcl.DiagError || d.Summary != "Invalid value for "+tt.key {
			t.Errorf("%s: severity %v summary %q", tt.name, d.Severity, d.Summary)
		}
		if !strings.Contains(d.Detail, tt.detail) {
			t.Errorf("%s:\n got  %s\n want %s", tt.name, d.Detail, tt.detail)
		}
		if d.Subject == nil || *d.Subject != tt.subject {
			t.Errorf("%s: subject %v, want %v", tt.name, d.Subject, tt.subject)
		}
	}
}

// No diagnostic ever contains a secret's text.
func TestFromNodeSecretRedaction(t *testing.T) {
	const pw = "Zq7xSecretPass"
	tests := []struct {
		key, text string
		node      func(*Node) *Node
	}{
		{"authorizationKey", "user" + pw, nil},          // no ':'
		{"authorizationKey", pw + ":", nil},             // no password
		{"authorizationKey", "u:" + pw + "\x01", nil},   // control character
		{"authorizationKey", "u:" + pw + "\ufeff", nil}, // invisible character
		{"com_Options", "use" + pw + "=1", nil},         // unknown option
		{"com_Options", "useTLS=" + pw, nil},            // bad flag
		{"com_Options", "useTLS=1," + pw, nil},          // syntax
		{"com_OCPPID", pw + " " + pw, nil},              // space
		{"com_Endpoint", "wss://x/#" + pw + "#", nil},   // variable
		{"grid_Role", strings.ToLower("Master"), nil},   // "did you mean" must stay quiet
		{"chg_RatedCurrent", pw, nil},                   // not an integer
		{"gsm_APN", "a,b," + pw + pw + pw, nil},         // password too long
		{"gsm_APN", strings.Repeat(pw, 3) + ",b,", nil}, // name too long
		{"gsm_APN", pw + pw + pw, func(s *Node) *Node { // secret password inside a map
			return nMap(rg(1, 1, 60), ent(1, 3, "name", nStr("internet", rg(1, 10, 10))), ent(1, 22, "password", s))
		}},
		{"chg_Reader1", "Sl032," + pw, func(s *Node) *Node { // secret inside a list
			return nList(rg(1, 1, 60), nStr("sl032", rg(1, 2, 7)), s)
		}},
	}
	for _, tt := range tests {
		n := secret(nStr(tt.text, rg(2, 20, 10)))
		if tt.node != nil {
			n = tt.node(n)
		}
		v, diags := mustKey(t, tt.key).FromNode(n)
		if !diags.HasErrors() {
			t.Errorf("%s %q: no diagnostics (value %v)", tt.key, tt.text, v)
			continue
		}
		for _, d := range diags {
			all := d.Summary + " " + d.Detail
			if strings.Contains(all, tt.text) || strings.Contains(all, pw) || (tt.key == "grid_Role" && strings.Contains(all, "master")) {
				t.Errorf("%s: diagnostic leaks the secret: %s", tt.key, all)
			}
			if !strings.Contains(d.Detail, tt.key) {
				t.Errorf("%s: detail does not name the key: %s", tt.key, d.Detail)
			}
		}
	}
}
