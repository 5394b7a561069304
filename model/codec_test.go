package model

import (
	"strings"
	"testing"
)

func mustKey(t testing.TB, name string) *KeyDef {
	t.Helper()
	k, ok := Lookup(name)
	if !ok {
		t.Fatalf("Lookup(%q) failed", name)
	}
	return k
}

func mustDecode(t testing.TB, k *KeyDef, s string) Value {
	t.Helper()
	v, err := k.Decode(s)
	if err != nil {
		t.Fatalf("%s.Decode(%q): %v", k.Name, s, err)
	}
	return v
}

// Every example decodes, passes Check (but the secret's empty example) and
// is already canonical; typed -> string -> typed gives an equal value.
func TestExamplesRoundTrip(t *testing.T) {
	for _, k := range Dictionary() {
		v := mustDecode(t, k, k.Example)
		if err := k.Check(v); err != nil && k.Name != "authorizationKey" {
			t.Errorf("%s: example %q fails Check: %v", k.Name, k.Example, err)
		}
		if got := v.Canonical(); got != k.Example {
			t.Errorf("%s: Canonical(example) = %q, want %q", k.Name, got, k.Example)
		}
		if v2 := mustDecode(t, k, v.Canonical()); !k.Equal(v, v2) {
			t.Errorf("%s: round trip not Equal", k.Name)
		}
	}
}

func TestCanonicalAndDisplay(t *testing.T) {
	tests := []struct {
		key, in, canon, display string
		sensitive               bool
	}{
		{"chg_MinChargingCurrent", " 06 ", "6", "6", false},
		{"chg_StationMaxCurrent", "+25", "25", "25", false},
		{"chg_RatedCurrent", " 16 , 16 ", "16,16", "16,16", false},
		{"chg_RatedCurrent", "032", "32", "32", false},
		{"grid_InstallationMaxcurrent", "0250", "250", "250", false},
		{"grid_InstallationSaveCurrent", "100", "100", "100", false},
		{"gsm_SigQ", "15", "15", "15", false},
		{"grid_Role", " Master ", "Master", "Master", false},
		{"com_ProtCh", "ETH", "ETH", "ETH", false},
		{"com_ProtType", "OCPP1.6J", "OCPP1.6J", "OCPP1.6J", false},
		{"com_OCPPID", "NLECO1000", "NLECO1000", "NLECO1000", false},
		{"com_Endpoint", " wss://devices.ecotap.com/registry/ocpp/#SN# ", "wss://devices.ecotap.com/registry/ocpp/#SN#", "wss://devices.ecotap.com/registry/ocpp/#SN#", false},
		{"gsm_Oper", "20408", "20408", "20408", false},
		{"com_Options", "useTLS=1, events=0", "Events=0,useTLS=1", "Events=0,useTLS=1", false},
		{"com_Options", "USETLS=1,foo=3,Events=01", "Events=1,useTLS=1,foo=3", "Events=1,useTLS=1,foo=3", false},
		{"chg_Ch1Options", "OffLineStopOnDisconnect=1,Rel2OnLowCosPhi=0,PlugAndCharge=1", "PlugAndCharge=1,OfflineStopOnDisconnect=1,Rel2OnLowCosphi=0", "PlugAndCharge=1,OfflineStopOnDisconnect=1,Rel2OnLowCosphi=0", false},
		{"chg_Ch2Options", "", "", "", false},
		{"gsm_Options", "3g4g=0,nosmschk=1", "noSmsChk=1,3G4G=0", "noSmsChk=1,3G4G=0", false},
		{"chg_Debug", "ctrl=3, general=3,warn=1,", "warn=1,ctrl=3,general=3", "warn=1,ctrl=3,general=3", false},
		{"eth_cfg", "Type=dhcp,ip=0.0.0.0, netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0", "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0", "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0", false},
		{"com_OCPPInfo", "CpSn=G48229*1,modelname=ECC-AC", "modelname=ECC-AC,CpSn=G48229*1", "modelname=ECC-AC,CpSn=G48229*1", false},
		{"chg_KWH3", "EASTR_SDM72D, 03, 9600, N, 1", "EASTR_SDM72D,3,9600,N,1", "EASTR_SDM72D,3,9600,N,1", false},
		{"chg_KWH1", "S0_METER,,1000", "S0_METER,,1000,,", "S0_METER,,1000,,", false},
		{"chg_KWH2", "none,,,,", "none", "none", false},
		{"chg_Reader1", "sl032, any", "sl032,any", "sl032,any", false},
		{"chg_Reader2", "none,CH2", "none,CH2", "none,CH2", false},
		{"gsm_APN", "m2mservices", "m2mservices,,", "m2mservices,,", false},
		{"gsm_APN", "internet, user , s3cr3t", "internet,user,s3cr3t", "internet,user,(sensitive)", true},
		{"authorizationKey", "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", "ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", "(sensitive)", true},
		{"authorizationKey", "", "", "(sensitive)", true},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		v := mustDecode(t, k, tt.in)
		if got := v.Canonical(); got != tt.canon {
			t.Errorf("%s %q: Canonical = %q, want %q", tt.key, tt.in, got, tt.canon)
		}
		if got := v.Display(); got != tt.display {
			t.Errorf("%s %q: Display = %q, want %q", tt.key, tt.in, got, tt.display)
		}
		if v.Sensitive() != tt.sensitive {
			t.Errorf("%s %q: Sensitive = %v", tt.key, tt.in, v.Sensitive())
		}
		v2 := mustDecode(t, k, v.Canonical())
		if !k.Equal(v, v2) || v2.Canonical() != tt.canon {
			t.Errorf("%s %q: typed -> string -> typed changed the value", tt.key, tt.in)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ key, in, want string }{
		{"chg_MinChargingCurrent", "six", `"six" is not an integer`},
		{"chg_MinChargingCurrent", "6.0", `"6.0" is not an integer`},
		{"grid_InstallationMaxcurrent", "99999999999999999999", "out of range"},
		{"chg_RatedCurrent", "16,x", `item 2: "x" is not an integer`},
		{"chg_RatedCurrent", "16,,16", `item 2: "" is not an integer`},
		{"com_Options", "useTLS=1,Events", `item 2 "Events" is not name=value`},
	}
	for _, tt := range tests {
		_, err := mustKey(t, tt.key).Decode(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s.Decode(%q) = %v, want %q", tt.key, tt.in, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), tt.key) {
			t.Errorf("%s.Decode error repeats the key: %v", tt.key, err)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		key, a, b string
		want      bool
	}{
		{"chg_RatedCurrent", "16, 16", "16,16", true},
		{"chg_RatedCurrent", "16,16", "16,32", false},
		{"chg_RatedCurrent", "16", "16,16", false},
		{"chg_MinChargingCurrent", "06", "6", true},
		{"com_Options", "USETLS=1", "useTLS=1", true},
		{"com_Options", "useTLS=1,Events=1", "Events=1, useTLS=1", true},
		{"com_Options", "useTLS=1", "useTLS=0", false},
		{"com_Options", "useTLS=1", "useTLS=1,Events=1", false},
		{"com_Options", "useTLS=0,useTLS=1", "useTLS=1", true}, // the last wins
		{"chg_Ch1Options", "OffLineStopOnDisconnect=1", "OfflineStopOnDisconnect=1", true},
		{"chg_Debug", "ctrl=03", "ctrl=3", true},
		{"eth_cfg", "Type=dhcp", "type=dhcp", true},
		{"eth_cfg", "type=DHCP", "type=dhcp", false},
		{"com_OCPPInfo", "CpSn=a", "cpsn=a", true},
		{"com_OCPPInfo", "CpSn=a", "CpSn=A", false},
		{"com_Options", "Foo=1", "FOO=1", true}, // unknown names fold too
		{"com_Options", "Foo=1,useTLS=1", "foo=2,useTLS=1", false},
		{"chg_Debug", "ctrl=3,CTRL=04,general=1", "general=01,ctrl=4", true},
		// Names compare by their lower case: "İp" (which EqualFold does not
		// match with "ip") is eth_cfg's ip, but an unknown option's value
		// is not normalised.
		{"eth_cfg", "\u0130p=1.2.3.4", "ip=1.2.3.4", true},
		{"com_Options", "updSend\u0130nIdle=01", "updSendInIdle=1", false},
		{"com_Options", "updSend\u0130nIdle=1", "updSendInIdle=1", true},
		{"grid_Role", "Master", "master", false},
		{"chg_KWH1", "X,1,1000", "X, 1, 1000, ,", true},
		{"chg_KWH1", "none", "none,,,,", true},
		{"chg_Reader1", "sl032 ,CH1", "sl032,CH1", true},
		{"gsm_APN", "m2mservices", "m2mservices,,", true},
		{"gsm_APN", "a,b,c", "a,b,d", false},
		{"authorizationKey", "u:p", "u:p", true},
		{"authorizationKey", "u:p", "u:q", false},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		a, b := mustDecode(t, k, tt.a), mustDecode(t, k, tt.b)
		if got := k.Equal(a, b); got != tt.want {
			t.Errorf("%s: Equal(%q, %q) = %v, want %v", tt.key, tt.a, tt.b, got, tt.want)
		}
		if got := k.Equal(b, a); got != tt.want {
			t.Errorf("%s: Equal(%q, %q) = %v, want %v", tt.key, tt.b, tt.a, got, tt.want)
		}
	}
	k := mustKey(t, "chg_MinChargingCurrent")
	if !k.Equal(nil, nil) || k.Equal(nil, mustDecode(t, k, "6")) {
		t.Error("Equal with nil values")
	}
}

func TestMerge(t *testing.T) {
	const none = "<nil>"
	tests := []struct{ key, current, desired, want string }{
		{"com_Options", "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0", "USETLS=1",
			"Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0"},
		{"com_Options", "Events=1,useTLS=0", "useTLS=1,Wdt=1", "Events=1,Wdt=1,useTLS=1"},
		{"com_Options", "Events=1,legacyOpt=4", "Events=0", "Events=0,legacyOpt=4"},
		{"com_Options", none, "useTLS=1", "useTLS=1"},
		{"eth_cfg", "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0", "type=static,ip=10.0.0.5",
			"type=static,ip=10.0.0.5,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0"},
		{"chg_Debug", "warn=1,error=1", "ctrl=3", "warn=1,error=1,ctrl=3"},
		{"com_OCPPInfo", "modelname=ECC-AC,vendorname=Ecotap", "cpsn=G1", "modelname=ECC-AC,vendorname=Ecotap,CpSn=G1"},
		{"gsm_Options", "noSmsChk=0,AutoAPN=0,3G4G=0", "noSmsChk=1", "noSmsChk=1,AutoAPN=0,3G4G=0"},
		{"chg_Ch2Options", "PlugAndCharge=0", "PlugAndCharge=1", "PlugAndCharge=1"},
		// Not Partial: desired wins whole.
		{"chg_RatedCurrent", "16,16", "32", "32"},
		{"chg_KWH1", "EASTR_SDM72D,1,9600,N,1", "none", "none"},
		{"grid_Role", none, "Master", "Master"},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		var cur Value
		if tt.current != none {
			cur = mustDecode(t, k, tt.current)
		}
		got := k.Merge(cur, mustDecode(t, k, tt.desired))
		if got.Canonical() != tt.want {
			t.Errorf("%s: Merge(%q, %q) = %q, want %q", tt.key, tt.current, tt.desired, got.Canonical(), tt.want)
		}
	}
	// A secret desired value keeps the merged result sensitive.
	k := mustKey(t, "com_Options")
	got := k.Merge(mustDecode(t, k, "Events=1"), redacted{mustDecode(t, k, "useTLS=1")})
	if !got.Sensitive() || got.Display() != "(sensitive)" || got.Canonical() != "Events=1,useTLS=1" {
		t.Errorf("Merge with a secret desired value: %q sensitive=%v", got.Display(), got.Sensitive())
	}
	if got := k.Merge(mustDecode(t, k, "Events=1"), nil); got.Canonical() != "Events=1" {
		t.Errorf("Merge(current, nil) = %q", got.Canonical())
	}
}

func TestCheckValid(t *testing.T) {
	valid := map[string][]string{
		"chg_MinChargingCurrent":       {"0", "6", "63"},
		"chg_RatedCurrent":             {"16", "16,16", "0,63"},
		"chg_StationMaxCurrent":        {"0", "63"},
		"grid_InstallationMaxcurrent":  {"0", "9999"},
		"grid_InstallationSaveCurrent": {"0", "9999"},
		"gsm_SigQ":                     {"0", "99"},
		"grid_Role":                    {"No_ctrl", "Station_ctrl", "Slave", "Master"},
		"com_ProtType":                 {"LMS", "OCPP1.5J", "OCPP1.6J", "Clear"},
		"com_ProtCh":                   {"GSM", "ETH"},
		"chg_Reader1":                  {"none,CH2", "sl032,any", "Shared,CH1"},
		"chg_Debug":                    {"warn=1,gsm=7,events=15,com=15,ocpp=7,eth=7,grid=15,ctrl=7,general=3,sensors=3,fw=3,modbus=3,canbus=7,sys=7", ""},
		"com_Options":                  {"useTLS=1", "Events=0,BlockBeforeBoot=1,Wdt=0,updSendInIdle=1,blockLgFull=0,UseTLS=1,comMaster=0"},
		"chg_Ch1Options":               {"PlugAndCharge=1,OvercurrentSens=1,StopOnChargeComplete=1,OffLineStopOnDisconnect=1,StopOnLowCosphi=1,Rel2OnLowCosPhi=1"},
		"gsm_Options":                  {"noSmsChk=1,AutoAPN=0,3G4G=1"},
		"eth_cfg":                      {"type=static,ip=192.168.1.10,netmask=255.255.255.0,dns=8.8.8.8,gw=192.168.1.1", "netmask=255.255.255.255", "netmask=128.0.0.0"},
		"com_OCPPID":                   {"EcotapTestID", "1234567890123456789012345"},
		"com_OCPPInfo":                 {"modelname=ECC-AC,vendorname=Ecotap,CpSn=G48229*1", "modelname=1234567890123456789012345"},
		"gsm_APN":                      {"m2mservices,,", strings.Repeat("n", 39) + "," + strings.Repeat("u", 24) + "," + strings.Repeat("p", 24)},
		"gsm_Oper":                     {"0", "20404", "20416"},
		"chg_KWH1":                     {"EASTR_SDM72D,1,9600,N,1", "ABB_B23,247,115200,E,2", "S0_PULSE,,1000,,", "S0_PULSE,0,100000", "none", "X,1,1200,O,1"},
		"com_Endpoint":                 {"ws.evc.net:80/#SN#", "wss://devices.ecotap.com/registry/ocpp/#OSN#", "wss://h/x", strings.Repeat("a", 255), "wss://cp@h/x", "wss://h/#SN#?a=b:c@d"},
		"authorizationKey":             {"ECOTAP-1802500:9N8gGyS8Un7g4lY9dRICK", "u:p:with:colons"},
	}
	for name, ins := range valid {
		k := mustKey(t, name)
		for _, in := range ins {
			if err := k.Check(mustDecode(t, k, in)); err != nil {
				t.Errorf("%s %q: unexpected error: %v", name, in, err)
			}
		}
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct{ key, in, want string }{
		{"chg_MinChargingCurrent", "99", "chg_MinChargingCurrent must be an integer from 0 to 63; got 99."},
		{"chg_MinChargingCurrent", "-1", "from 0 to 63; got -1."},
		{"chg_StationMaxCurrent", "64", "chg_StationMaxCurrent must be an integer from 0 to 63; got 64."},
		{"grid_InstallationMaxcurrent", "10000", "from 0 to 9999; got 10000."},
		{"grid_InstallationSaveCurrent", "10000", "from 0 to 9999; got 10000."},
		{"gsm_SigQ", "100", "from 0 to 99; got 100."},
		{"chg_RatedCurrent", "16,16,16", "chg_RatedCurrent must list 1 to 2 channel values (at most 2 channels); got 3."},
		{"chg_RatedCurrent", "", "got 0."},
		{"chg_RatedCurrent", "16,64", "chg_RatedCurrent channel 2 must be an integer from 0 to 63; got 64."},
		{"grid_Role", "station_ctrl", `grid_Role must be one of No_ctrl, Station_ctrl, Slave, Master (exact case); got "station_ctrl". Did you mean "Station_ctrl"?`},
		{"grid_Role", "Boss", `got "Boss".`},
		{"com_ProtType", "ocpp1.6j", `Did you mean "OCPP1.6J"?`},
		{"com_ProtType", "OCPP2.0", "LMS, OCPP1.5J, OCPP1.6J, Clear"},
		{"com_ProtCh", "eth", `Did you mean "ETH"?`},
		{"chg_Reader1", "SL032,CH1", `chg_Reader1 reader type must be one of none, sl032, Shared (exact case); got "SL032". Did you mean "sl032"?`},
		{"chg_Reader1", "sl032,ch1", `chg_Reader1 channel must be one of CH1, CH2, any (exact case); got "ch1". Did you mean "CH1"?`},
		{"chg_Reader2", "sl032", `chg_Reader2 must be "type,channel"`},
		{"chg_Reader2", "sl032,CH1,x", "got 3 fields"},
		{"com_Options", "useTSL=1", `com_Options has no option "useTSL"; did you mean "useTLS"? Allowed: Events, BlockBeforeBoot, Wdt, updSendInIdle, blockLgFull, useTLS, comMaster.`},
		{"com_Options", "zzzzzz=1", `com_Options has no option "zzzzzz". Allowed: Events,`},
		{"com_Options", "useTLS=2", `com_Options option useTLS must be 0 (disabled) or 1 (enabled); got 2.`},
		{"com_Options", "useTLS=yes", `got "yes".`},
		{"com_Options", "useTLS=1,USETLS=0", "com_Options gives option useTLS more than once."},
		{"com_Options", "=1", "com_Options has a option with an empty name."},
		{"chg_Ch1Options", "PlugAndCharge=3", "chg_Ch1Options option PlugAndCharge must be 0 (disabled) or 1 (enabled); got 3."},
		{"chg_Ch2Options", "PlugNCharge=1", `did you mean "PlugAndCharge"?`},
		{"gsm_Options", "AutoAPN=2", "gsm_Options option AutoAPN must be 0 (disabled) or 1 (enabled); got 2."},
		{"chg_Debug", "warn=2", "chg_Debug option warn must be 0 or 1 (it has level 1 only); got 2."},
		{"chg_Debug", "gsm=8", "chg_Debug option gsm must be a bitmask of levels 1 to 3: an integer from 0 to 7"},
		{"chg_Debug", "events=16", "from 0 to 15"},
		{"chg_Debug", "general=4", "from 0 to 3"},
		{"chg_Debug", "canbus=8", "from 0 to 7"},
		{"chg_Debug", "sensor=1", `did you mean "sensors"?`},
		{"eth_cfg", "type=DHCP", `eth_cfg field type must be dhcp or static (exact case); got "DHCP". Did you mean "dhcp"?`},
		{"eth_cfg", "ip=300.1.1.1", `eth_cfg field ip must be a dotted IPv4 address such as 192.168.1.10; got "300.1.1.1".`},
		{"eth_cfg", "gw=::1", `eth_cfg field gw must be a dotted IPv4 address`},
		{"eth_cfg", "netmask=255.0.255.0", `eth_cfg field netmask must be a contiguous IPv4 netmask such as 255.255.255.0; got "255.0.255.0".`},
		{"eth_cfg", "mask=255.0.0.0", `eth_cfg has no field "mask"`},
		{"com_OCPPID", "", "com_OCPPID must be 1 to 25 printable characters without commas or spaces"},
		{"com_OCPPID", "12345678901234567890123456", "(26 characters)"},
		{"com_OCPPID", "a b", `got "a b"`},
		{"com_OCPPInfo", "modelname=12345678901234567890123456", "com_OCPPInfo field modelname must be at most 25 printable characters (it has 26)"},
		{"com_OCPPInfo", "modelnam=x", `did you mean "modelname"?`},
		{"gsm_APN", strings.Repeat("n", 40) + ",,", "gsm_APN name must be at most 39 printable characters"},
		{"gsm_APN", "a," + strings.Repeat("u", 25) + ",", "gsm_APN user must be at most 24"},
		{"gsm_APN", "a,b,c,d", "gsm_APN takes 3 fields (name,user,password); got 4."},
		{"gsm_Oper", "2040", `gsm_Oper must be 0 (automatic) or five digits LLLXX (country and provider code, e.g. 20408); got 2040.`},
		{"gsm_Oper", "2040a", `got "2040a"`},
		{"chg_KWH1", "", "chg_KWH1 needs a meter type"},
		{"chg_KWH1", "EASTR-SDM72D,1,9600,N,1", "meter type must be letters, digits and _"},
		{"chg_KWH1", "None", `did you mean "none"?`},
		{"chg_KWH1", "none,1", "chg_KWH1 of type none takes no other fields"},
		{"chg_KWH1", "X,0,9600,N,1", "chg_KWH1 Modbus address must be an integer from 1 to 247; got 0."},
		{"chg_KWH1", "X,1,9601,N,1", "chg_KWH1 baud rate must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200; got 9601."},
		{"chg_KWH1", "X,1,9600,n,1", `chg_KWH1 parity must be N (none), E (even) or O (odd); got "n". Did you mean "N"?`},
		{"chg_KWH1", "X,1,9600,N,3", "chg_KWH1 stop bits must be 1 or 2; got 3."},
		{"chg_KWH1", "X,1,9600,,1", "chg_KWH1 parity must be"},
		{"chg_KWH2", "X,1,0,,", "pulses per kWh (a pulse meter: no parity or stop bits) must be an integer from 1 to 100000; got 0."},
		{"chg_KWH2", "X,1", "needs its rate"},
		{"chg_KWH3", "X,1,9600,N,1,7", "takes at most 5 fields"},
		{"com_Endpoint", "", "com_Endpoint must not be empty"},
		{"com_Endpoint", "wss://h/#SERIAL#", `com_Endpoint uses the variable "#SERIAL#"; the only variables are #SN# (serial number) and #OSN# (OCPP ID).`},
		{"com_Endpoint", "wss://h/#sn#", `Did you mean #SN#?`},
		{"com_Endpoint", "wss://h/#SN", "unmatched '#'"},
		{"com_Endpoint", "wss://h/a b", "without spaces or commas"},
		{"com_Endpoint", "wss://h/a,b", "without spaces or commas"},
		{"com_Endpoint", strings.Repeat("a", 256), "com_Endpoint must be at most 255 characters; got 256."},
		{"com_Endpoint", "wss://cp:hunter2@h/ocpp/#SN#", "com_Endpoint must not hold a password (user:password@ before the host)"},
		{"com_Endpoint", "cp:hunter2@h:80/#SN#", "must not hold a password"},
		{"com_Endpoint", "ws://:hunter2@h", "must not hold a password"},
		{"authorizationKey", "nocolon", "authorizationKey must have the form user:password"},
		{"authorizationKey", ":pw", "non-empty user"},
		{"authorizationKey", "user:", "non-empty password"},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		err := k.Check(mustDecode(t, k, tt.in))
		if err == nil {
			t.Errorf("%s %q: no error, want %q", tt.key, tt.in, tt.want)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the password is quoted: %v", tt.key, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q:\n got  %s\n want %s", tt.key, tt.in, err, tt.want)
		}
	}
}

// Messages about secret parts never quote them.
func TestCheckSecretsNotQuoted(t *testing.T) {
	tests := []struct{ key, in, secret string }{
		{"authorizationKey", "topsecretnocolon", "topsecretnocolon"},
		{"authorizationKey", ":topsecret", "topsecret"},
		{"gsm_APN", "a,b," + strings.Repeat("Z", 30), strings.Repeat("Z", 30)},
		{"gsm_APN", "a,b,pa55,w0rd", "w0rd"},
	}
	for _, tt := range tests {
		k := mustKey(t, tt.key)
		err := k.Check(mustDecode(t, k, tt.in))
		if err == nil {
			t.Errorf("%s: no error", tt.key)
		} else if strings.Contains(err.Error(), tt.secret) {
			t.Errorf("%s: error quotes the secret: %v", tt.key, err)
		}
	}
	// A value from env() is quiet as a whole.
	k := mustKey(t, "com_Options")
	err := k.Check(redacted{mustDecode(t, k, "useTSL=1")})
	if err == nil || strings.Contains(err.Error(), "useTSL") {
		t.Errorf("redacted com_Options: %v", err)
	}
}

// A value typed by another key (or built elsewhere) is re-decoded.
func TestForeignValue(t *testing.T) {
	k := mustKey(t, "chg_RatedCurrent")
	other := mustKey(t, "chg_MinChargingCurrent")
	if !k.Equal(mustDecode(t, other, "16"), mustDecode(t, k, "16")) {
		t.Error("Equal across keys")
	}
	if err := k.Check(mustDecode(t, other, "16")); err != nil {
		t.Errorf("Check of a foreign value: %v", err)
	}
	if err := k.Check(mustDecode(t, mustKey(t, "grid_Role"), "x")); err == nil {
		t.Error("Check of an undecodable foreign value passed")
	}
	custom := &KeyDef{Name: "cal_X", Access: RW}
	v := mustDecode(t, custom, " raw ")
	if v.Canonical() != "raw" || custom.Check(v) != nil {
		t.Errorf("unknown key: %q", v.Canonical())
	}
}
