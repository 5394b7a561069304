package record

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// snapshotSeeds are snapshots as ecc writes them and as a hand might edit
// them: the fast path's form and every way out of it.
var snapshotSeeds = []string{
	`{"serial":"G1","model":"EVC5.1","firmware":"V32R17","observed_at":"2026-12-01T12:00:00Z","values":{"a":"1","b":"x,y"}}`,
	`{"serial":"G1","values":{},"hashes":{"k":"argon2id:..."},"write_only":[],"unknown":["x","y"],"channel":"ocpp"}`,
	`{"serial":"G1","values":{"a":"1","a":"2"}}`,   // a repeated key: the last wins
	`{"serial":"G1","serial":"G2"}`,                // a repeated field
	`{"Serial":"G1"}`,                              // json matches names loosely
	`{"serial":"G\u00e9","values":{"a":"\"q\""}}`,  // escapes
	`{"serial":"Gé"}`,                              // UTF-8
	`{"serial":null,"values":null,"unknown":null}`, // nulls
	`{"serial":"G1","extra":[1,2,{"x":true}]}`,     // another field
	`{"observed_at":"not a time"}`,                 // time's own error
	`{"serial":"G1"} trailing`,                     // syntax errors
	`{"serial":"G1",}`,
	`{"values":{"a":1}}`, // a wrong type
	`  {  "serial" : "G1" , "unknown" : [ "a" , "b" ] }  `,
	`[]`, ``, `{`,
}

func TestDecodeSnapshotFastPath(t *testing.T) {
	st := &State{Dir: t.TempDir()}
	want := &Snapshot{
		Serial: "G1", Model: "EVC5.1", Firmware: "V32R17",
		ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		Values:     map[string]string{"chg_RatedCurrent": "16,16", "com_Options": "Events=1,BlockBeforeBoot=1"},
		Hashes:     map[string]string{"com_AuthorizationKey": "argon2id:x"},
		WriteOnly:  []string{"gsm_Pin"}, Unknown: []string{"x"}, Channel: "ocpp",
	}
	if err := st.save(st.snapshotPath(want.Serial), want); err != nil {
		t.Fatal(err)
	}
	got, err := st.LoadSnapshot(want.Serial)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadSnapshot = %+v, %v; want %+v", got, err, want)
	}
	// What ecc writes must take the fast path, or the speed-up is gone
	// without any test noticing.
	data, _ := json.MarshalIndent(want, "", "  ")
	if !(&snapshotScanner{data: data}).snapshot(new(Snapshot)) {
		t.Fatalf("ecc's own snapshot left the fast path:\n%s", data)
	}
}

// FuzzDecodeSnapshot: decodeSnapshot agrees with json.Unmarshal on any
// input, in the value and in whether (and how) it fails.
func FuzzDecodeSnapshot(f *testing.F) {
	for _, s := range snapshotSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Snapshot
		errGot := decodeSnapshot(data, &got)
		errWant := json.Unmarshal(data, &want)
		if (errGot == nil) != (errWant == nil) || errGot != nil && errGot.Error() != errWant.Error() {
			t.Fatalf("%q: error %v, json says %v", data, errGot, errWant)
		}
		if errWant == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, json says %+v", data, got, want)
		}
	})
}
