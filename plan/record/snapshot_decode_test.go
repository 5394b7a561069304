package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
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
	`{"writeonlY":["a"],"Observed-At":"2026-12-01T12:00:00Z"}`,            // names that differ by more than case
	`{"serial":"G1","values":{"a":"1","\u0061":"2"}}`,                     // a repeated key, escaped
	`{"serial":"G1","values":{"a":null}}`,                                 // null in values
	`{"serial":"G1","values":{"a":"1"},"Values":{"b":"2"}}`,               // a field given twice in two cases
	`{"serial":"G1","observed_at":"2026-12-01T24:00:00Z"}`,                // a time v2 refuses
	`{"serial":"G1","write_only":["a",null],"hashes":{"k":"v"}}`,          // a null in a list
	`{"serial":"G1","values":{"a":"1"}}{}`,                                // two values
	`{"serial":"G1","channel":"ocpp","model":"\ud800","firmware":"x\ty"}`, // an invalid escape
	`{"serial":"G1","values":{"a":"1"},"read_only":["a"]}`,                // keys reported read-only
}

func TestSnapshotRoundTrips(t *testing.T) {
	st := &State{Dir: t.TempDir()}
	want := &Snapshot{
		Serial: "G1", Model: "EVC5.1", Firmware: "V32R17",
		ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		Values:     map[string]string{"chg_RatedCurrent": "16,16", "com_Options": "Events=1,BlockBeforeBoot=1", "q": `"quoted"`},
		Hashes:     map[string]string{"com_AuthorizationKey": "argon2id:x"},
		WriteOnly:  []string{"gsm_Pin"}, Unknown: []string{"x"}, Channel: "ocpp",
		ReadOnly: []string{"chg_StationMaxCurrent"},
	}
	if err := st.save(st.snapshotPath(want.Serial), want); err != nil {
		t.Fatal(err)
	}
	got, err := st.LoadSnapshot(want.Serial)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadSnapshot = %+v, %v; want %+v", got, err, want)
	}
}

// writtenSnapshot is a snapshot with every field set, as ecc writes it.
func writtenSnapshot(t testing.TB) []byte {
	s := &Snapshot{
		Serial: "G1", Model: "EVC5.1", Firmware: "V32R17",
		ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 5, time.UTC),
		Values:     map[string]string{"chg_RatedCurrent": "16,16", "q": `"quoted" <b> & é \\`, "e": ""},
		Hashes:     map[string]string{"com_AuthorizationKey": "$argon2id$v=19$m=65536,t=1,p=1$x$y"},
		WriteOnly:  []string{"gsm_Pin"}, Unknown: []string{"x", "y"}, Channel: "ocpp",
		ReadOnly: []string{"chg_StationMaxCurrent"},
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

// TestSnapshotAsWrittenTakesFastPath: a snapshot as ecc writes it is read
// by the streaming path, not read twice.
func TestSnapshotAsWrittenTakesFastPath(t *testing.T) {
	for _, data := range [][]byte{writtenSnapshot(t), []byte(snapshotSeeds[0]), []byte(snapshotSeeds[1])} {
		r := snapshotReaders.Get().(*snapshotReader)
		r.file.Reset()
		r.file.Write(data)
		var got, want Snapshot
		if !r.decodeAsWritten(&got) {
			t.Fatalf("%s: not read by decodeAsWritten", data)
		}
		r.release()
		if err := jsonv2.Unmarshal(data, &want, snapshotOptions); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: read as %+v; the general decoder reads %+v, %v", data, got, want, err)
		}
	}
}

// FuzzDecodeSnapshot: decodeSnapshot never panics; it reads what the
// general JSON v2 decoder reads, with its errors (its fast path is no
// second opinion); and what it accepts it reads as encoding/json (which
// wrote it) reads it. Both are given the file without a leading byte
// order mark, which decodeSnapshot drops (a Windows editor's).
func FuzzDecodeSnapshot(f *testing.F) {
	for _, s := range snapshotSeeds {
		f.Add([]byte(s))
	}
	f.Add(writtenSnapshot(f))
	f.Add(append([]byte("\xef\xbb\xbf"), writtenSnapshot(f)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got, want, v2 Snapshot
		err := decodeSnapshot(data, &got)
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		errV2 := jsonv2.Unmarshal(data, &v2, snapshotOptions)
		if fmt.Sprint(err) != fmt.Sprint(errV2) || !reflect.DeepEqual(got, v2) {
			t.Fatalf("%q: %+v, %v; the general decoder says %+v, %v", data, got, err, v2, errV2)
		}
		if err != nil {
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

// decodeSnapshot reads one snapshot file's content as LoadSnapshot does.
func decodeSnapshot(data []byte, s *Snapshot) error {
	r := snapshotReaders.Get().(*snapshotReader)
	defer r.release()
	r.file.Reset()
	r.file.Write(data)
	return r.decode(s)
}

// TestReadInto checks that readInto reads what os.ReadFile reads, over
// its buffer's earlier content, and fails as os.ReadFile does.
func TestReadInto(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 1000) // many reads' worth
	for _, tc := range []struct {
		name    string
		content []byte // nil: no such file
		dir     bool
	}{
		{name: "empty", content: []byte{}},
		{name: "small", content: []byte(`{"serial":"G1"}`)},
		{name: "big", content: big},
		{name: "missing"},
		{name: "directory", dir: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			switch {
			case tc.dir:
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			case tc.content != nil:
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, wantErr := os.ReadFile(path)
			buf := bytes.NewBufferString("left from the last file")
			err := readInto(buf, path)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("error %v, os.ReadFile's %v", err, wantErr)
			}
			if errors.Is(wantErr, fs.ErrNotExist) != errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("error %v: not-exist differs from os.ReadFile's", err)
			}
			if err == nil && !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("read %d bytes, want %d", buf.Len(), len(want))
			}
		})
	}
}
