package apply

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/golden"
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

// The APN line import comments out, uncommented as its note says (the
// password in the variable it names), gives the controller's gsm_APN, in
// both formats: only the password leaves the file.
func TestImportAPNUncommented(t *testing.T) {
	in := importInput()
	kd, _ := model.Lookup("gsm_APN")
	want, _ := kd.Decode(in.Values["gsm_APN"])
	t.Setenv("ECC_APN_CP01", apnSecret)
	for name, render := range map[string]func(ImportInput) string{"cp.hcl": renderHCL, "cp.yaml": renderYAML} {
		var lines []string
		for _, l := range strings.Split(render(in), "\n") {
			if c, ok := strings.CutPrefix(strings.TrimSpace(l), "# gsm_APN"); ok {
				c, _, _ = strings.Cut(c, "  # ")
				l = "    gsm_APN" + c
				if name == "cp.yaml" {
					l = "      gsm_APN" + c
				}
			}
			lines = append(lines, l)
		}
		site, src, diags := model.LoadSiteBytes(name, []byte(strings.Join(lines, "\n")))
		if diags.HasErrors() {
			t.Fatalf("%s: %s", name, model.RenderDiagnostics(diags, src))
		}
		i := slices.IndexFunc(site.Stations[0].Settings, func(s model.Setting) bool { return s.Key == "gsm_APN" })
		if i < 0 || !kd.Equal(site.Stations[0].Settings[i].Value, want) {
			t.Errorf("%s: gsm_APN not the controller's (found: %v)", name, i >= 0)
		}
	}
}

// A controller's endpoint with a password in its URL is imported as a
// comment that never shows the password (a site file refuses one).
// The comment is in the syntax of the file: HCL's KEY = "value", YAML's
// KEY: value, as the other placeholders of each are.
func TestImportEndpointPassword(t *testing.T) {
	kd, _ := model.Lookup("com_Endpoint")
	set := importSetting(kd, "wss://cp:endpoint-pw@h/ocpp/#SN#", "X")
	site := model.SiteOut{Stations: []model.StationOut{{Name: "a", Serial: "G1", Settings: []model.SettingOut{set}}}}
	const note = "a password in a URL is refused in site files; give the backend's credentials as authorizationKey"
	for _, tc := range []struct {
		name, out, want string
	}{
		{"hcl", string(model.WriteHCL(site)), `# com_Endpoint = "wss://cp:(sensitive)@h/ocpp/#SN#": ` + note + "\n"},
		{"yaml", string(model.WriteYAML(site)), `# com_Endpoint: wss://cp:(sensitive)@h/ocpp/#SN#  # ` + note + "\n"},
	} {
		if strings.Contains(tc.out, "endpoint-pw") || !strings.Contains(tc.out, tc.want) || set.Value != nil {
			t.Errorf("%s: got\n%s\nwant the line\n%s", tc.name, tc.out, tc.want)
		}
	}
}

// TestImportReadOnlyCommentedOut: a key the controller reports read-only
// is imported commented out, so that the file plans without a block.
func TestImportReadOnlyCommentedOut(t *testing.T) {
	in := importInput()
	in.ReadOnly = []string{"chg_StationMaxCurrent"}
	out := renderHCL(in)
	if !strings.Contains(out, "# the controller reports it read-only: ecc never writes it") ||
		!strings.Contains(out, "# chg_StationMaxCurrent = 32") {
		t.Fatalf("read-only key not commented out:\n%s", out)
	}
	if !strings.Contains(out, "\n    chg_MinChargingCurrent = ") {
		t.Errorf("the other keys must stay managed:\n%s", out)
	}
}

// A station that reports its product name over OCPP ("ECC-AC") is imported
// without a model, with a note, so that the file validates ("ECC-AC.x"
// did not); a controller family is kept.
func TestImportProductNameModel(t *testing.T) {
	for _, tc := range []struct{ reported, want string }{{"ECC-AC", ""}, {"EVC5.1", "EVC5.x"}} {
		in := importInput()
		in.Model = tc.reported
		out := renderHCL(in)
		site, src, diags := model.LoadSiteBytes("cp.hcl", []byte(out))
		if diags.HasErrors() {
			t.Fatalf("%s: %s\n%s", tc.reported, model.RenderDiagnostics(diags, src), out)
		}
		if got := site.Stations[0].Model; got != tc.want {
			t.Errorf("%s: model %q, want %q", tc.reported, got, tc.want)
		}
		if tc.want == "" && !strings.Contains(out, `reports "ECC-AC", which names no controller family`) {
			t.Errorf("no note:\n%s", out)
		}
	}
}

// TestImportStationsHeader: the header of a fleet's import counts the
// controllers in good English ("Imported from 1 controllers." before).
func TestImportStationsHeader(t *testing.T) {
	for _, c := range []struct {
		serials []string
		want    string
	}{
		{[]string{"G1"}, "Imported from 1 controller."},
		{[]string{"G1", "G2"}, "Imported from 2 controllers."},
	} {
		r := newRig(t)
		ports := map[string][]string{}
		for i, s := range c.serials {
			port := fmt.Sprintf("p%d", i)
			r.fake(port, s)
			ports[s] = []string{port}
		}
		site, errs := ImportStations(context.Background(), r.opts().Connect, ports)
		if len(errs) > 0 || len(site.Header) != 1 || site.Header[0] != c.want {
			t.Errorf("%v: header %q, errors %v; want %q", c.serials, site.Header, errs, c.want)
		}
	}
}
