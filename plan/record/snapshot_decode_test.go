package record

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// snapshotSeeds are snapshots as ecc writes them and as a hand might edit
// or damage them.
var snapshotSeeds = []string{
	`{"serial":"G1","model":"EVC5.1","firmware":"V32R17","observed_at":"2026-12-01T12:00:00Z","values":{"a":"1","b":"x,y"}}`,
	`{"serial":"G1","values":{},"hashes":{"k":"argon2id:..."},"write_only":[],"unknown":["x","y"],"channel":"ocpp"}`,
	`{"serial":"G1","values":{"a":"1","a":"2"}}`,   // a repeated key
	`{"serial":"G1","serial":"G2"}`,                // a repeated field
	`{"Serial":"G1"}`,                              // names match loosely
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
	`{"writeonlY":["a"],"Observed-At":"2026-12-01T12:00:00Z"}`, // names that differ by more than case
}

func TestSnapshotRoundTrips(t *testing.T) {
	st := &State{Dir: t.TempDir()}
	want := &Snapshot{
		Serial: "G1", Model: "EVC5.1", Firmware: "V32R17",
		ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		Values:     map[string]string{"chg_RatedCurrent": "16,16", "com_Options": "Events=1,BlockBeforeBoot=1", "q": `"quoted"`},
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
}

// FuzzDecodeSnapshot: decodeSnapshot never panics, and what it accepts it
// reads as encoding/json (which wrote it) reads it.
func FuzzDecodeSnapshot(f *testing.F) {
	for _, s := range snapshotSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want Snapshot
		if decodeSnapshot(data, &got) != nil {
			return
		}
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%q: accepted, but encoding/json says %v", data, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %+v, encoding/json says %+v", data, got, want)
		}
	})
}

// BenchmarkDecodeSnapshot compares the snapshot decoder with encoding/json
// on a snapshot of a station's 26 editable keys.
func BenchmarkDecodeSnapshot(b *testing.B) {
	s := &Snapshot{Serial: "G1", Model: "EVC5.1", Firmware: "V32R17", ObservedAt: time.Now().UTC(), Values: map[string]string{}}
	for i := range 26 {
		s.Values[fmt.Sprintf("chg_Key%02d", i)] = "Events=1,BlockBeforeBoot=1,useTLS=0"
	}
	data, _ := json.MarshalIndent(s, "", "  ")
	for name, decode := range map[string]func([]byte, *Snapshot) error{
		"record":        decodeSnapshot,
		"encoding_json": func(d []byte, v *Snapshot) error { return json.Unmarshal(d, v) },
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				var v Snapshot
				if err := decode(data, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
