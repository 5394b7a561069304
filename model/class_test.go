package model

import "testing"

func TestClassWritableOn(t *testing.T) {
	tests := []struct {
		key          string
		serial, ocpp bool
	}{
		{"chg_RatedCurrent", true, true},   // editable
		{"authorizationKey", true, true},   // write-only
		{"HeartbeatInterval", false, true}, // backend-only: OCPP only
		{"AuthorizationKey", false, true},  // the security extension's, not the dictionary's
		{"gsm_SigQ", false, false},         // read-only
		{"cal_X", false, false},            // forbidden
	}
	for _, tt := range tests {
		cl := Classify(tt.key)
		if got := cl.WritableOn(ChannelSerial); got != tt.serial {
			t.Errorf("%s (%s) on serial = %v, want %v", tt.key, cl, got, tt.serial)
		}
		if got := cl.WritableOn(ChannelOCPP); got != tt.ocpp {
			t.Errorf("%s (%s) on ocpp = %v, want %v", tt.key, cl, got, tt.ocpp)
		}
		if cl.Writable() != tt.serial {
			t.Errorf("%s: Writable() disagrees with the serial channel", tt.key)
		}
		if cl.WritableOn(0) {
			t.Errorf("%s: writable on an unknown channel", tt.key)
		}
	}
}
