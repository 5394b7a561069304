package model

import "testing"

func TestMeaning(t *testing.T) {
	tests := []struct {
		name      string
		key, raw  string
		canonical string
		display   string
		sensitive bool
	}{
		{"list respaced", "chg_RatedCurrent", " 16, 16 ", "16,16", "16,16", false},
		{"options sorted and respelled", "com_Options", "useTLS=1,events=1", "Events=1,useTLS=1", "Events=1,useTLS=1", false},
		{"integer", "chg_StationMaxCurrent", "032", "32", "32", false},
		{"undecodable integer as text", "chg_StationMaxCurrent", " abc ", "abc", "abc", false},
		{"unknown key as text", "Factory_Calib", " 7 ", "7", "7", false},
		// A station that spells OCPP's AuthorizationKey its own way.
		{"a secret key in another case", "Authorizationkey", "CP01:s3cret", "CP01:s3cret", "(sensitive)", true},
		{"secret as a whole", "authorizationKey", "user:Sup3rS3cret", "user:Sup3rS3cret", "(sensitive)", true},
		{"secret field", "gsm_APN", "m2m,user,hunter2", "m2m,user,hunter2", "m2m,user,(sensitive)", true},
		{"no secret in the field", "gsm_APN", "m2m,,", "m2m,,", "m2m,,", false},
		{"password in a URL", "com_Endpoint", "wss://cp:hunter2@h/ocpp/#SN#", "wss://cp:hunter2@h/ocpp/#SN#", "wss://cp:(sensitive)@h/ocpp/#SN#", true},
		{"password in a URL without scheme", "com_Endpoint", "cp:pw@h:80/#SN#", "cp:pw@h:80/#SN#", "cp:(sensitive)@h:80/#SN#", true},
		{"#SN# as the user", "com_Endpoint", "wss://#SN#:pw@h/ocpp/#SN#", "wss://#SN#:pw@h/ocpp/#SN#", "wss://#SN#:(sensitive)@h/ocpp/#SN#", true},
		{"user without password", "com_Endpoint", "wss://cp@h/x", "wss://cp@h/x", "wss://cp@h/x", false},
		{"@ after the host", "com_Endpoint", "wss://h/a:b@c", "wss://h/a:b@c", "wss://h/a:b@c", false},
		{"/ and @ in the password", "com_Endpoint", "wss://ops:Hun/ter@2Pw@h/x", "wss://ops:Hun/ter@2Pw@h/x", "wss://ops:(sensitive)@h/x", true},
		{"port, no user information", "com_Endpoint", "ws.evc.net:80/#SN#", "ws.evc.net:80/#SN#", "ws.evc.net:80/#SN#", false},
		{"not a URL key", "com_OCPPID", "a:b@c", "a:b@c", "a:b@c", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Canonical(tc.key, tc.raw); got != tc.canonical {
				t.Errorf("Canonical = %q, want %q", got, tc.canonical)
			}
			if got := Display(tc.key, tc.raw); got != tc.display {
				t.Errorf("Display = %q, want %q", got, tc.display)
			}
			if got := Sensitive(tc.key, tc.raw); got != tc.sensitive {
				t.Errorf("Sensitive = %v, want %v", got, tc.sensitive)
			}
		})
	}
}

func TestEqualRaw(t *testing.T) {
	tests := []struct {
		key, a, b string
		want      bool
	}{
		{"chg_RatedCurrent", "16, 16", "16,16", true},
		{"chg_RatedCurrent", "16,16", "16,32", false},
		{"com_Options", "useTLS=1,Events=1", "events=1,useTLS=1", true},
		{"chg_StationMaxCurrent", "32", "032", true},
		{"chg_StationMaxCurrent", "abc", "abc", true},   // undecodable: as text
		{"chg_StationMaxCurrent", "abc", " abc", false}, // undecodable: exactly
		{"Factory_Calib", "1", "1", true},
		{"Factory_Calib", "1", "01", false},
	}
	for _, tc := range tests {
		if got := Equal(tc.key, tc.a, tc.b); got != tc.want {
			t.Errorf("Equal(%s, %q, %q) = %v, want %v", tc.key, tc.a, tc.b, got, tc.want)
		}
	}
}

func TestHoldsSecret(t *testing.T) {
	for _, kd := range Dictionary() {
		want := kd.Name == "authorizationKey" || kd.Name == "gsm_APN"
		if got := kd.HoldsSecret(); got != want {
			t.Errorf("%s: HoldsSecret = %v, want %v", kd.Name, got, want)
		}
	}
}
