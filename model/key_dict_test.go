package model

import (
	"slices"
	"testing"
)

func TestDictionaryTable(t *testing.T) {
	want := []string{
		"authorizationKey", "chg_Debug", "chg_KWH1", "chg_KWH2", "chg_KWH3", "chg_Reader1", "chg_Reader2",
		"chg_MinChargingCurrent", "chg_RatedCurrent", "chg_StationMaxCurrent", "chg_Ch1Options", "chg_Ch2Options",
		"com_Options", "com_Endpoint", "com_OCPPID", "com_OCPPInfo", "com_ProtCh", "com_ProtType", "eth_cfg",
		"grid_InstallationMaxcurrent", "grid_InstallationSaveCurrent", "grid_Role", "gsm_APN", "gsm_Oper",
		"gsm_Options", "gsm_SigQ",
	}
	reboot := []string{"com_Endpoint", "com_ProtCh", "com_ProtType", "com_OCPPID", "eth_cfg", "gsm_APN",
		"gsm_Oper", "gsm_Options", "authorizationKey", "com_Options"}
	partial := []string{"com_Options", "chg_Ch1Options", "chg_Ch2Options", "gsm_Options", "chg_Debug", "eth_cfg", "com_OCPPInfo"}

	dict := Dictionary()
	if len(dict) != len(want) {
		t.Fatalf("Dictionary has %d keys, want %d", len(dict), len(want))
	}
	for i, k := range dict {
		if k.Name != want[i] {
			t.Errorf("key %d = %s, want %s", i, k.Name, want[i])
		}
		wantAccess, wantClass := RW, Editable
		switch k.Name {
		case "authorizationKey":
			wantAccess, wantClass = WO, WriteOnly
		case "gsm_SigQ":
			wantAccess, wantClass = RO, ReadOnly
		}
		if k.Access != wantAccess || k.Class != wantClass {
			t.Errorf("%s: access %s class %s, want %s %s", k.Name, k.Access, k.Class, wantAccess, wantClass)
		}
		if k.Reboot != slices.Contains(reboot, k.Name) {
			t.Errorf("%s: Reboot = %v", k.Name, k.Reboot)
		}
		if k.Partial != slices.Contains(partial, k.Name) {
			t.Errorf("%s: Partial = %v", k.Name, k.Partial)
		}
		if k.Summary == "" {
			t.Errorf("%s: no Summary", k.Name)
		}
		if (k.Example == "") != (k.Name == "authorizationKey") {
			t.Errorf("%s: Example %q", k.Name, k.Example)
		}
		got, ok := Lookup(k.Name)
		if !ok || got.Name != k.Name {
			t.Errorf("Lookup(%s) failed", k.Name)
		}
	}
	if _, ok := Lookup("chg_ratedcurrent"); ok {
		t.Error("Lookup must be exact")
	}
	// Callers cannot change the table.
	dict[0].Name = "mutated"
	if Dictionary()[0].Name != "authorizationKey" {
		t.Error("Dictionary returned the table itself")
	}
	for name, ex := range map[string]string{ // the guide's own examples
		"chg_RatedCurrent": "16,16",
		"com_Options":      "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0",
		"chg_KWH3":         "EASTR_SDM72D,3,9600,N,1",
		"grid_Role":        "Station_ctrl",
		"gsm_APN":          "m2mservices,,",
	} {
		if k, _ := Lookup(name); k.Example != ex {
			t.Errorf("%s example %q, want %q", name, k.Example, ex)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		want Class
	}{
		{"chg_RatedCurrent", Editable},
		{"com_Options", Editable},
		{"gsm_APN", Editable},
		{"authorizationKey", WriteOnly},
		{"gsm_SigQ", ReadOnly},
		{"HeartbeatInterval", BackendOnly},
		{"MeterValueSampleInterval", BackendOnly},
		{"ConnectionTimeOut", BackendOnly},
		{"LocalAuthListEnabled", BackendOnly},
		{"ReserveConnectorZeroSupported", ReadOnly}, // OCPP makes it read-only
		{"ChargeProfileMaxStackLevel", ReadOnly},
		{"GetConfigurationMaxKeys", ReadOnly},
		{"SecurityProfile", BackendOnly},
		{"AuthorizationKey", BackendOnly}, // the security extension's key, not ours
		{"cal_X", Forbidden},
		{"hw_Relay", Forbidden},
		{"chg_ratedcurrent", Forbidden},
		{"", Forbidden},
	}
	for _, tt := range tests {
		if got := Classify(tt.name); got != tt.want {
			t.Errorf("Classify(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
	for _, k := range OCPPStandardKeys() {
		d, _ := LookupOCPP(k)
		if want := map[bool]Class{true: ReadOnly, false: BackendOnly}[d.Access == RO]; Classify(k) != want {
			t.Errorf("OCPP key %s is %s, want %s", k, Classify(k), want)
		}
		if _, ok := Lookup(k); ok {
			t.Errorf("OCPP key %s is also a dictionary key", k)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"chg_RatedCurent", "chg_RatedCurrent"},
		{"AuthorizationKey", "authorizationKey"},
		{"CHG_KWH1", "chg_KWH1"},
		{"com_Endpiont", "com_Endpoint"},
		{"grid_InstallationMaxCurrent", "grid_InstallationMaxcurrent"},
		{"gsm_Opr", "gsm_Oper"},
		{"chg_RatedCurrent", ""}, // exact: nothing to suggest
		{"HeartbeatInterval", ""},
		{"cal_X", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"usetsl", "usetls", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
