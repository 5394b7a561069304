package model

import (
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name                 string
		class, rng, format   string // format: a substring
		reboot, secret, part bool
		firstPart            string
		levels               int // of the part named "grid", when set
	}{
		{name: "chg_RatedCurrent", class: "editable", rng: "0..63 ×1-2", format: "one integer per channel"},
		{name: "com_ProtCh", class: "editable", rng: "GSM|ETH", format: "one of GSM, ETH (exact case)", reboot: true},
		{name: "gsm_Oper", class: "editable", rng: "0|LLLXX", format: "five digits LLLXX", reboot: true},
		{name: "authorizationKey", class: "write-only", rng: "user:password", format: "never read back", reboot: true, secret: true},
		{name: "gsm_APN", class: "editable", rng: "name,user,password", format: "at most 39, 24 and 24", reboot: true, secret: true, part: true, firstPart: "name"},
		{name: "chg_Debug", class: "editable", rng: "17 options", format: "name=value list of options", part: true, firstPart: "warn", levels: 4},
		{name: "chg_KWH1", class: "editable", format: "Modbus meter", part: true, firstPart: "type"},
		{name: "gsm_SigQ", class: "read-only", rng: "0..99", format: "an integer from 0 to 99"},
		{name: "HeartbeatInterval", class: "backend-only", format: "an integer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := Describe(tc.name)
			if !ok {
				t.Fatal("not described")
			}
			if k.Class != tc.class || (tc.rng != "" && k.Range != tc.rng) || !strings.Contains(k.Format, tc.format) ||
				k.Reboot != tc.reboot || k.Secret != tc.secret || (len(k.Parts) > 0) != tc.part || k.ClassReason == "" {
				t.Errorf("%+v", k)
			}
			if tc.part && k.Parts[0].Name != tc.firstPart {
				t.Errorf("first part %q, want %q", k.Parts[0].Name, tc.firstPart)
			}
			for _, p := range k.Parts {
				if p.Name == "grid" && p.Levels != tc.levels {
					t.Errorf("grid has %d levels, want %d", p.Levels, tc.levels)
				}
			}
		})
	}
	if _, ok := Describe("chg_RatedCurent"); ok {
		t.Error("a near miss is described")
	}
	// Keys: the dictionary in the settings block, then the OCPP keys in
	// the ocpp block, each once.
	keys, seen := Keys(), map[string]bool{}
	if n := len(keys); n != len(Dictionary())+len(OCPPKeys()) {
		t.Errorf("Keys: %d, the dictionary has %d and OCPP %d", n, len(Dictionary()), len(OCPPKeys()))
	}
	for i, k := range keys {
		want := BlockSettings
		if i >= len(Dictionary()) {
			want = BlockOCPP
		}
		if k.Block != want || seen[k.Name] {
			t.Errorf("%s: block %q, want %q (or listed twice)", k.Name, k.Block, want)
		}
		seen[k.Name] = true
	}
}
