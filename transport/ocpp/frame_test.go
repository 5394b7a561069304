package ocpp

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFrames(t *testing.T) {
	tests := []struct {
		in     string
		typ    MessageType
		code   ErrorCode // of the FrameError, "" when it parses
		wantID string
	}{
		{`[2,"1","Heartbeat",{}]`, Call, "", "1"},
		{`[3,"1",{"currentTime":"x"}]`, CallResult, "", "1"},
		{`[4,"1","NotImplemented","no",{}]`, CallError, "", "1"},
		{`{"a":1}`, 0, FormationViolation, ""},
		{`[2,"7","Heartbeat"`, 0, FormationViolation, "7"},
		{`[2,"7"]`, 0, ProtocolError, "7"},
		{`[2,"7","Heartbeat"]`, 0, ProtocolError, "7"},
		{`[2,"7","Heartbeat",{},1]`, 0, FormationViolation, "7"},
		{`[2,"7","Heartbeat",[]]`, 0, FormationViolation, "7"},
		{`[2,7,"Heartbeat",{}]`, 0, FormationViolation, ""},
		{`[9,"7",{}]`, 0, FormationViolation, "7"},
		{`[2,"` + strings.Repeat("a", 37) + `","Heartbeat",{}]`, 0, FormationViolation, strings.Repeat("a", 37)},
		{`[2,"7",5,{}]`, 0, FormationViolation, "7"},
		{`[4,"7",1,"x",{}]`, 0, FormationViolation, "7"},
	}
	for _, tt := range tests {
		f, err := Parse([]byte(tt.in))
		var fe *FrameError
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.code == "" && (f.Type != tt.typ || f.ID != tt.wantID):
			t.Errorf("%s: %+v", tt.in, f)
		case tt.code != "" && (!errors.As(err, &fe) || fe.Code != tt.code || fe.ID != tt.wantID):
			t.Errorf("%s: %v (id %q), want %s id %q", tt.in, err, idOf(fe), tt.code, tt.wantID)
		}
	}
}

func idOf(fe *FrameError) string {
	if fe == nil {
		return ""
	}
	return fe.ID
}

func TestNewIDIsOwnAndFits(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if len(id) > MaxIDLen || !IsOwnID(id) || seen[id] {
			t.Fatalf("id %q", id)
		}
		seen[id] = true
	}
	if IsOwnID("12345") {
		t.Fatal("a backend's id taken for ecc's")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	b, _ := EncodeCall("ecc-1", ActionReset, ResetReq{Type: ResetSoft})
	f, err := Parse(b)
	if err != nil || f.Action != ActionReset || string(f.Payload) != `{"type":"Soft"}` {
		t.Fatalf("%s: %+v %v", b, f, err)
	}
	f, err = Parse(EncodeError("", NotImplemented, "x"))
	if err != nil || f.ID != "-1" || f.Code != NotImplemented {
		t.Fatalf("%+v %v", f, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`[2,"1","Heartbeat",{}]`, `[3,"1",{}]`, `[4,"1","GenericError","",{}]`, `[`, `[2,"1","BootNotification",{"chargePointVendor":"E","chargePointModel":"M"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := Parse(b)
		if err != nil {
			return
		}
		if fr.ID == "" || len(fr.ID) > MaxIDLen {
			t.Fatalf("bad id accepted: %q", fr.ID)
		}
		if fr.Type == Call && Known(fr.Action) {
			_ = Validate(fr.Action, false, fr.Payload) // must not panic
		}
	})
}
