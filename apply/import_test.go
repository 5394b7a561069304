package apply

import (
	"github.com/ecotap-tools/ecc/internal/golden"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

func importInput() ImportInput {
	vals := map[string]string{}
	for _, kd := range model.Dictionary() {
		if kd.Example != "" {
			vals[kd.Name] = kd.Example
		}
	}
	vals["chg_StationMaxCurrent"] = "32"
	vals["com_Endpoint"] = "wss://devices.example.com/ocpp/#SN#"
	vals["com_OCPPInfo"] = "modelname=ECC-AC,vendorname=Ecotap,CpSn=G48229*1"
	vals["gsm_APN"] = "internet,user," + apnSecret
	vals["chg_RatedCurrent"] = "16, 16"
	return ImportInput{
		Name: "cp-01", Serial: "G48229", Model: "EVC5.1", Firmware: "V32R16",
		Values: vals, WriteOnly: []string{"authorizationKey"},
	}
}

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, filepath.Join("..", "testdata", "apply", name), []byte(got))
}

func TestImportGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		render func(ImportInput) string
	}{
		{"import.hcl", renderHCL},
		{"import.yaml", renderYAML},
	} {
		t.Run(tc.file, func(t *testing.T) {
			out := tc.render(importInput())
			if strings.Contains(out, apnSecret) {
				t.Fatal("import printed the APN password")
			}
			for _, want := range []string{"chg_RatedCurrent", "[16, 16]", "G48229", "V32R16", "ECC_AUTH_CP01", "ECC_APN_CP01"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q", want)
				}
			}
			assertGolden(t, tc.file, out)
		})
	}
}

func TestImportTypedForms(t *testing.T) {
	for _, tc := range []struct{ key, raw, want string }{
		{"chg_StationMaxCurrent", "25", "25"},
		{"chg_RatedCurrent", "16,32", "[16, 32]"},
		{"com_Options", "Events=1,useTLS=0", "{ Events = 1, useTLS = 0 }"},
		{"gsm_Options", "noSmsChk=0,AutoAPN=0,3G4G=1", `{ noSmsChk = 0, AutoAPN = 0, "3G4G" = 1 }`},
		{"com_OCPPID", "1000", `"1000"`},
		{"com_Endpoint", "ws://x/${a}", `"ws://x/$${a}"`},
		{"grid_Role", "Station_ctrl", `"Station_ctrl"`},
		{"chg_Reader1", "sl032,CH1", `["sl032", "CH1"]`},
	} {
		kd, _ := model.Lookup(tc.key)
		set := importSetting(kd, tc.raw, "X")
		if set.Value == nil || set.Disabled {
			t.Errorf("%s=%q commented out: %s", tc.key, tc.raw, set.Comment)
			continue
		}
		out := string(model.WriteHCL(model.SiteOut{Stations: []model.StationOut{{Name: "a", Serial: "G1", Settings: []model.SettingOut{set}}}}))
		if want := "    " + tc.key + " = " + tc.want + "\n"; !strings.Contains(out, want) {
			t.Errorf("%s=%q: got\n%s\nwant %s", tc.key, tc.raw, out, want)
		}
	}
	// A value a site file could not hold is left unmanaged, with the reason.
	kd, _ := model.Lookup("chg_MinChargingCurrent")
	if set := importSetting(kd, "99", "X"); !set.Disabled || !strings.Contains(set.Comment, "not valid") {
		t.Errorf("out-of-range value rendered: %+v", set)
	}
}

func renderHCL(in ImportInput) string  { return string(model.WriteHCL(ImportSite(in))) }
func renderYAML(in ImportInput) string { return string(model.WriteYAML(ImportSite(in))) }

func identity(in ImportInput) transport.Identity {
	return transport.Identity{Serial: in.Serial, Model: in.Model, Firmware: in.Firmware}
}
