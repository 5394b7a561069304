package model

import (
	"strings"
	"testing"
)

func TestDecideFirmware(t *testing.T) {
	v := func(s string) Version {
		t.Helper()
		x, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	sum := strings.Repeat("9f", 32)
	base := func() FirmwareFacts {
		return FirmwareFacts{
			Pinned: v("V32R17"), File: "sites/firmware/V32R17.bin", SHA256: sum, Size: 4096,
			Running: "V32R16", Model: "EVC5.1",
			Image: &FirmwareImage{Header: FirmwareHeader{Version: v("V32R17"), Models: []string{"EVC4", "EVC5"}}, SHA256: sum, Size: 4096},
		}
	}
	tests := []struct {
		name    string
		mod     func(*FirmwareFacts)
		verdict FirmwareVerdict
		rule    FirmwareRule
		reason  string // substring
	}{
		{"upgrade", func(*FirmwareFacts) {}, FirmwareUpgrade, "", ""},
		{"major upgrade", func(f *FirmwareFacts) {
			f.Pinned, f.File, f.Image.Header.Version = v("V33R1"), "V33R1.bin", v("V33R1")
		}, FirmwareUpgrade, "", ""},
		{"versions alone", func(f *FirmwareFacts) { f.Image = nil }, FirmwareUpgrade, "", ""},
		{"same version", func(f *FirmwareFacts) { f.Running = "V32R17" }, FirmwareKeep, "", "already runs V32R17"},
		{"locked and same", func(f *FirmwareFacts) { f.Running, f.Locked = "V32R17", true }, FirmwareKeep, "", ""},
		{"locked and other", func(f *FirmwareFacts) { f.Locked = true }, FirmwareRefuse, RuleLocked, "must never be changed"},
		{"locked, running not a version", func(f *FirmwareFacts) { f.Locked, f.Running = true, "custom-7" }, FirmwareRefuse, RuleLocked, "custom-7"},
		{"running not a version", func(f *FirmwareFacts) { f.Running = "v32r16" }, FirmwareRefuse, RuleRunning, "not a version ecc can compare"},
		{"downgrade", func(f *FirmwareFacts) { f.Running = "V33R1" }, FirmwareRefuse, RuleDowngrade, "can never be downgraded"},
		{"numeric compare", func(f *FirmwareFacts) { f.Running = "V32R100" }, FirmwareRefuse, RuleDowngrade, "downgrade from V32R100 to V32R17"},
		{"downgrade without an image", func(f *FirmwareFacts) { f.Running, f.Image = "V33R1", nil }, FirmwareRefuse, RuleDowngrade, ""},
		{"no pinned digest", func(f *FirmwareFacts) { f.SHA256 = "" }, FirmwareRefuse, RuleDigest, "no sha256"},
		{"digest differs", func(f *FirmwareFacts) { f.Image.SHA256 = strings.Repeat("ab", 32) }, FirmwareRefuse, RuleDigest, "not the pinned " + sum},
		{"digest case", func(f *FirmwareFacts) { f.SHA256 = strings.ToUpper(sum) }, FirmwareUpgrade, "", ""},
		{"size differs", func(f *FirmwareFacts) { f.Image.Size = 9000 }, FirmwareRefuse, RuleSize, "the plan says 4096"},
		{"empty", func(f *FirmwareFacts) { f.Size, f.Image.Size = 0, 0 }, FirmwareRefuse, RuleSize, "is empty"},
		{"header version", func(f *FirmwareFacts) { f.Image.Header.Version = v("V32R18") }, FirmwareRefuse, RuleHeaderVersion, "header says version V32R18"},
		{"name lacks version", func(f *FirmwareFacts) { f.File = "latest.bin" }, FirmwareRefuse, RuleFileName, "latest.bin does not name"},
		{"name has longer version", func(f *FirmwareFacts) { f.File = "V32R170.bin" }, FirmwareRefuse, RuleFileName, "V32R170.bin"},
		{"no model", func(f *FirmwareFacts) { f.Model = "" }, FirmwareRefuse, RuleFamily, "reports no model"},
		{"other family", func(f *FirmwareFacts) { f.Model = "ECC.2" }, FirmwareRefuse, RuleFamily, "is for EVC4, EVC5; this controller is an ECC.2 (family ECC.x)"},
		// Over OCPP chargePointModel may be a product name: the declared
		// family stands in, and only there.
		{"ocpp product name, declared", func(f *FirmwareFacts) { f.Model, f.Channel, f.Declared = "ECC-AC", ChannelOCPP, "EVC5.x" }, FirmwareUpgrade, "", ""},
		{"ocpp product name, declared other", func(f *FirmwareFacts) { f.Model, f.Channel, f.Declared = "ECC-AC", ChannelOCPP, "ECC.x" }, FirmwareRefuse, RuleFamily, `reporting "ECC-AC" over OCPP) is declared ECC.x`},
		{"ocpp product name, undeclared", func(f *FirmwareFacts) { f.Model, f.Channel = "ECC-AC", ChannelOCPP }, FirmwareRefuse, RuleFamily, "declare its model"},
		{"ocpp family reported wins", func(f *FirmwareFacts) { f.Model, f.Channel, f.Declared = "ECC.2", ChannelOCPP, "EVC5.x" }, FirmwareRefuse, RuleFamily, "this controller is an ECC.2"},
		{"serial never substitutes", func(f *FirmwareFacts) { f.Model, f.Channel, f.Declared = "ECC-AC", ChannelSerial, "EVC5.x" }, FirmwareRefuse, RuleFamily, "this controller is an ECC-AC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			tc.mod(&f)
			d := DecideFirmware(f)
			if d.Verdict != tc.verdict || d.Rule != tc.rule || !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("got %+v\nwant verdict %d, rule %q, reason containing %q", d, tc.verdict, tc.rule, tc.reason)
			}
		})
	}
}

func TestNameHasVersion(t *testing.T) {
	v := Version{Major: 32, Release: 17}
	for name, want := range map[string]bool{
		"V32R17.bin": true, "firmware/V32R17.bin": true, "ecotap-V32R17-evc5.bin": true,
		"V32R170.bin": false, "V32R1.bin": false, "v32r17.bin": false, "V32R17/other.bin": false,
		"V32R170-V32R17.bin": true,
	} {
		if got := NameHasVersion(name, v); got != want {
			t.Errorf("NameHasVersion(%q) = %v", name, got)
		}
	}
}

func TestFamilyOf(t *testing.T) {
	tests := []struct {
		reported, declared string
		ch                 Channel
		want               string
		substituted        bool
	}{
		{"EVC5.1", "", ChannelSerial, "EVC5.x", false},
		{"EVC5.1", "ECC.x", ChannelOCPP, "EVC5.x", false}, // a family reported wins; plan then flags the mismatch
		{"ECC-AC", "EVC5.x", ChannelOCPP, "EVC5.x", true},
		{"ECC-AC", "", ChannelOCPP, "ECC-AC.x", false},
		{"ECC-AC", "EVC5.x", ChannelSerial, "ECC-AC.x", false},
		{"", "EVC4.x", ChannelOCPP, "EVC4.x", true},
	}
	for _, tc := range tests {
		got, sub := FamilyOf(tc.reported, tc.declared, tc.ch)
		if got != tc.want || sub != tc.substituted {
			t.Errorf("FamilyOf(%q, %q, %v) = %q, %v; want %q, %v", tc.reported, tc.declared, tc.ch, got, sub, tc.want, tc.substituted)
		}
	}
}
