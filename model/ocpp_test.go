package model

import (
	"strings"
	"testing"
)

func TestOCPPKeysTyped(t *testing.T) {
	tests := []struct {
		key, in, canon string
		wantErr        string // substring of Check's (or Decode's) error
	}{
		{"HeartbeatInterval", "120", "120", ""},
		{"HeartbeatInterval", " 0120 ", "120", ""},
		{"HeartbeatInterval", "-1", "", "HeartbeatInterval must be an integer from 0 to 2147483647; got -1"},
		{"HeartbeatInterval", "two", "", "not an integer"},
		{"LightIntensity", "101", "", "from 0 to 100"},
		{"LocalPreAuthorize", "TRUE", "true", ""},
		{"LocalPreAuthorize", "yes", "", "not true or false"},
		{"MeterValuesSampledData", "Energy.Active.Import.Register, Power.Active.Import", "Energy.Active.Import.Register,Power.Active.Import", ""},
		{"MeterValuesSampledData", "", "", ""},
		{"MeterValuesSampledData", "Energy.Active.Import.Register,Power.Active.Imprt", "", `has no measurand "Power.Active.Imprt". Did you mean "Power.Active.Import"?`},
		{"MeterValuesSampledData", "Voltage,Voltage", "", `lists "Voltage" more than once`},
		{"MeterValuesSampledData", "Voltage,,SoC", "", "item 2 is empty"},
		{"ConnectorPhaseRotation", "0.RST,1.TSR,2.NotApplicable", "0.RST,1.TSR,2.NotApplicable", ""},
		{"ConnectorPhaseRotation", "1.XYZ", "", `has rotation "XYZ"`},
		{"ConnectorPhaseRotation", "RST", "", "must be connectorId.rotation"},
		{"ConnectorPhaseRotation", "", "", "at least one rotation"},
		{"SecurityProfile", "4", "", "from 0 to 3"},
		{"SupportedFeatureProfiles", "Core,RemoteTrigger", "Core,RemoteTrigger", ""},
	}
	for _, tt := range tests {
		d, ok := LookupOCPP(tt.key)
		if !ok {
			t.Fatalf("LookupOCPP(%s) not found", tt.key)
		}
		v, err := d.Decode(tt.in)
		if err == nil {
			err = d.Check(v)
		}
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s=%q: %v", tt.key, tt.in, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s=%q: error %v, want %q", tt.key, tt.in, err, tt.wantErr)
		case err == nil && v.Canonical() != tt.canon:
			t.Errorf("%s=%q: canonical %q, want %q", tt.key, tt.in, v.Canonical(), tt.canon)
		}
	}
}

func TestOCPPEqual(t *testing.T) {
	d, _ := LookupOCPP("MeterValuesSampledData")
	a, _ := d.Decode("Voltage,SoC")
	b, _ := d.Decode("SoC, Voltage")
	c, _ := d.Decode("SoC")
	if !d.Equal(a, b) || d.Equal(a, c) {
		t.Errorf("measurand lists compare as sets: %v %v", d.Equal(a, b), d.Equal(a, c))
	}
	hb, _ := LookupOCPP("LocalPreAuthorize")
	x, _ := hb.Decode("True")
	y, _ := hb.Decode("true")
	if !hb.Equal(x, y) {
		t.Error("booleans compare by meaning")
	}
}

func TestOCPPListNodeEqualsString(t *testing.T) {
	d, _ := LookupOCPP("MeterValuesSampledData")
	r := rg(1, 1, 1)
	list, diags := d.FromNode(nList(r, nStr("Energy.Active.Import.Register", rg(1, 2, 1)), nStr("Power.Active.Import", rg(1, 40, 1))))
	str, diags2 := d.FromNode(nStr("Energy.Active.Import.Register,Power.Active.Import", r))
	if diags.HasErrors() || diags2.HasErrors() {
		t.Fatal(diags, diags2)
	}
	if list.Canonical() != str.Canonical() {
		t.Errorf("list %q != string %q", list.Canonical(), str.Canonical())
	}
	_, bad := d.FromNode(nList(r, nStr("Voltage", rg(1, 2, 1)), nStr("Volts", rg(1, 14, 5))))
	if len(bad) != 1 || bad[0].Subject.Start.Column != 14 {
		t.Errorf("bad item not pointed at: %v", bad)
	}
}

func TestOCPPPlannable(t *testing.T) {
	for _, d := range OCPPKeys() {
		why := ocppPlannable(d)
		if (d.Access == RW) != (why == "") {
			t.Errorf("%s (%s): plannable reason %q", d.Name, d.Access, why)
		}
		if d.Class == ReadOnly && d.Access != RO {
			t.Errorf("%s: class %s with access %s", d.Name, d.Class, d.Access)
		}
	}
	if _, ok := Def("HeartbeatInterval"); !ok {
		t.Error("Def misses OCPP keys")
	}
	if _, ok := Lookup("HeartbeatInterval"); ok {
		t.Error("Lookup is the dictionary only")
	}
}

func TestOCPPListBounds(t *testing.T) {
	if MaxLengthKey("MeterValuesSampledData") != "MeterValuesSampledDataMaxLength" || MaxLengthKey("HeartbeatInterval") != "" {
		t.Error("MaxLengthKey")
	}
	d, _ := LookupOCPP("StopTxnSampledData")
	v, _ := d.Decode("Voltage, SoC")
	if n, ok := ListLen(v); !ok || n != 2 {
		t.Errorf("ListLen = %d, %v", n, ok)
	}
	hb, _ := LookupOCPP("HeartbeatInterval")
	v, _ = hb.Decode("60")
	if _, ok := ListLen(v); ok {
		t.Error("an integer is not a list")
	}
}
