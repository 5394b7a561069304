package transport

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// sessionFrames returns every frame line of the recorded example session.
func sessionFrames(t testing.TB) []string {
	t.Helper()
	f, err := os.Open("../testdata/protocol/example-session.txt")
	if err != nil {
		t.Fatalf("example session (test vectors from the protocol spec): %v", err)
	}
	defer f.Close()
	var frames []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.SplitN(strings.TrimSpace(sc.Text()), " ", 3)
		if len(fields) == 3 && strings.HasPrefix(fields[2], "@") {
			frames = append(frames, fields[2])
		}
	}
	return frames
}

func TestExampleSessionFrames(t *testing.T) {
	frames := sessionFrames(t)
	if len(frames) < 15 {
		t.Fatalf("found %d frames in the example session, want at least 15", len(frames))
	}
	for _, line := range frames {
		obj, ok := DecodeFrame([]byte(line))
		if !ok {
			t.Errorf("DecodeFrame(%s) rejected a recorded frame", line)
			continue
		}
		// Re-encoding the same JSON must give the recorded CRC exactly.
		if got := strings.TrimSuffix(string(EncodeFrame(obj)), "\n"); got != line {
			t.Errorf("EncodeFrame = %s, recorded %s", got, line)
		}
	}
}

func TestDecodeFrame(t *testing.T) {
	good := `@{"id":1,"op":"hello"}*E8BFEE4B`
	cases := []struct {
		name string
		line string
		ok   bool
	}{
		{"spec example", good, true},
		{"CRLF tolerated", good + "\r", true},
		{"lower-case hex", strings.ToLower(good[:len(good)-8]) + "e8bfee4b", false},
		{"bit flip in json", `@{"id":2,"op":"hello"}*E8BFEE4B`, false},
		{"bad crc", `@{"id":1,"op":"hello"}*E8BFEE4C`, false},
		{"short crc", `@{"id":1,"op":"hello"}*E8BFEE4`, false},
		{"no star", `@{"id":1,"op":"hello"}E8BFEE4B0`, false},
		{"log line", `{"boot":"debug json-like line, not a frame"}`, false},
		{"empty", ``, false},
		{"at only", `@`, false},
		{"array not object", string(EncodeFrame([]byte(`[1,2]`))[:len(EncodeFrame([]byte(`[1,2]`)))-1]), false},
		{"invalid json right crc", string(bytes.TrimSuffix(EncodeFrame([]byte(`{"id":`)), []byte("\n"))), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ok := DecodeFrame([]byte(c.line))
			if ok != c.ok {
				t.Fatalf("DecodeFrame(%q) ok = %v, want %v", c.line, ok, c.ok)
			}
		})
	}
}

func TestMarshalFrameRoundTrip(t *testing.T) {
	in := map[string]any{"id": 7, "op": "set", "values": map[string]string{"com_OCPPID": "é*@\n"}}
	fr, err := MarshalFrame(in)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(fr, []byte("\n")) != 1 || fr[len(fr)-1] != '\n' {
		t.Fatalf("frame must be exactly one line: %q", fr)
	}
	obj, ok := DecodeFrame(fr[:len(fr)-1])
	if !ok {
		t.Fatalf("own frame rejected: %q", fr)
	}
	var out map[string]any
	if err := json.Unmarshal(obj, &out); err != nil || out["op"] != "set" {
		t.Fatalf("round trip: %v %v", out, err)
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{`@{"id":1,"op":"hello"}*E8BFEE4B`, "@{}*00000000", "READY", "@*", "@{\"a\":\"\xff\"}*12345678"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		obj, ok := DecodeFrame(line)
		if !ok {
			return
		}
		// Anything accepted must re-encode to the same line.
		want := bytes.TrimSuffix(line, []byte{'\r'})
		if got := bytes.TrimSuffix(EncodeFrame(obj), []byte("\n")); !bytes.Equal(got, want) {
			t.Fatalf("accepted %q but re-encodes as %q", line, got)
		}
	})
}
