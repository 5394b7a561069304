package transport

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func splitAll(s *LineSplitter, pieces ...[]byte) []string {
	var out []string
	for _, p := range pieces {
		s.Feed(p, func(l []byte) { out = append(out, string(l)) })
	}
	return out
}

// sessionStream returns the bytes the controller sent in the recorded
// example session (\xNN unescaped, lines ended with CRLF).
func sessionStream(t testing.TB) []byte {
	t.Helper()
	f, err := os.Open("../testdata/protocol/example-session.txt")
	if err != nil {
		t.Fatalf("example session (test vectors from the protocol spec): %v", err)
	}
	defer f.Close()
	var out []byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " ")
		fields := strings.SplitN(line, " ", 3)
		if len(fields) < 3 || fields[1] != "<" || strings.HasPrefix(line, "#") {
			continue
		}
		s := fields[2]
		for len(s) > 0 {
			if len(s) >= 4 && s[0] == '\\' && s[1] == 'x' {
				if b, err := strconv.ParseUint(s[2:4], 16, 8); err == nil {
					out = append(out, byte(b))
					s = s[4:]
					continue
				}
			}
			out = append(out, s[0])
			s = s[1:]
		}
		out = append(out, '\r', '\n')
	}
	return out
}

func TestLineSplitterExampleSession(t *testing.T) {
	stream := sessionStream(t)
	var whole LineSplitter
	want := splitAll(&whole, stream)
	if whole.Invalid != 3 {
		t.Errorf("%d lines discarded as invalid UTF-8, want the 3 noise lines", whole.Invalid)
	}
	var frames, readies int
	for _, l := range want {
		if strings.ContainsAny(l, "\r\n") || !utf8.ValidString(l) {
			t.Fatalf("bad line %q", l)
		}
		if IsFrame([]byte(l)) {
			if _, ok := DecodeFrame([]byte(l)); !ok {
				t.Errorf("recorded frame rejected: %s", l)
			}
			frames++
		}
		if l == "READY" {
			readies++
		}
	}
	if frames != 7 || readies != 2 || !slices.Contains(want, `{"boot":"debug json-like line, not a frame"}`) || want[0] != "ECC bootloader 2.1" {
		t.Fatalf("frames %d, READY %d, lines %q", frames, readies, want)
	}
	// Split at every byte boundary, and byte by byte: the same lines.
	for i := 0; i <= len(stream); i++ {
		var s LineSplitter
		if got := splitAll(&s, stream[:i], stream[i:]); !slices.Equal(got, want) {
			t.Fatalf("split at %d: %q", i, got)
		}
	}
	var s LineSplitter
	var got []string
	for i := range stream {
		got = append(got, splitAll(&s, stream[i:i+1])...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("byte by byte: %q", got)
	}
}

func TestLineSplitter(t *testing.T) {
	frame := strings.TrimSuffix(string(EncodeFrame([]byte(`{"id":1,"ok":true}`))), "\n")
	cases := []struct {
		name    string
		maxLine int
		in      string
		want    []string
	}{
		{"crlf and lf mixed", 0, "a\r\nb\nc\r\n" + frame + "\n", []string{"a", "b", "c", frame}},
		{"unterminated tail kept back", 0, "a\nb", []string{"a"}},
		{"empty lines skipped", 0, "\n\r\n\na\n", []string{"a"}},
		{"cr inside a line kept", 0, "a\rb\r\n", []string{"a\rb"}},
		{"only the last cr dropped", 0, "a\r\r\n", []string{"a\r"}},
		{"exactly maxLine", 8, "12345678\r\n12345678\n", []string{"12345678", "12345678"}},
		{"overlong then recovery", 8, "123456789\nok\n", []string{"ok"}},
		{"overlong with cr", 8, "123456789\r\nok\r\n", []string{"ok"}},
		{"very long then recovery", 8, strings.Repeat("x", 100) + "\r\n" + frame[:8] + "\n", []string{frame[:8]}},
		{"invalid utf-8 discarded", 0, "ok1\n\xff\xfeabc\nok2\n", []string{"ok1", "ok2"}},
		{"truncated utf-8 discarded", 0, "caf\xc3\nokay é\n", []string{"okay é"}},
		{"noise before banner", 0, "\xe7a^\xf3_0\xe4\x9bH.\xcaECC bootloader 2.1\r\nFirmware V32R16\r\nREADY\r\n", []string{"Firmware V32R16", "READY"}},
		{"json-looking log line", 0, "{\"id\":1,\"ok\":true}\n", []string{`{"id":1,"ok":true}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i := 0; i <= len(c.in); i++ {
				s := LineSplitter{MaxLine: c.maxLine}
				got := splitAll(&s, []byte(c.in[:i]), []byte(c.in[i:]))
				if !slices.Equal(got, c.want) {
					t.Fatalf("split at %d: got %q, want %q", i, got, c.want)
				}
			}
		})
	}
}

func TestLineSplitterOverlongAcrossReads(t *testing.T) {
	s := LineSplitter{MaxLine: 16}
	var got []string
	for range 100 {
		got = append(got, splitAll(&s, []byte("0123456789"))...)
	}
	if s.Pending() > 17 {
		t.Fatalf("buffers %d bytes of a line it will discard", s.Pending())
	}
	got = append(got, splitAll(&s, []byte("\nnext\n"))...)
	if !slices.Equal(got, []string{"next"}) || s.Overlong != 1 {
		t.Fatalf("got %q, overlong %d", got, s.Overlong)
	}
}

// chunkedReader returns data in pieces of the given sizes, cycling.
type chunkedReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkedReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := r.sizes[r.i%len(r.sizes)]
	r.i++
	n = max(1, min(n, len(p), len(r.data)))
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

func FuzzLineReader(f *testing.F) {
	frame := EncodeFrame([]byte(`{"id":7,"ok":true,"pending":0}`))
	f.Add([]byte("a\r\nb\n"), uint16(1), uint16(0))
	f.Add(append([]byte("\xe7a^\xf3\r\nREADY\r\n"), frame...), uint16(3), uint16(16))
	f.Add([]byte(strings.Repeat("x", 40)+"\n@{}*00000000\n"), uint16(7), uint16(32))
	f.Add([]byte("{\"id\":1}\n\xff\n\r\r\n\n"), uint16(2), uint16(0))
	if stream := sessionStream(f); len(stream) > 0 {
		f.Add(stream, uint16(13), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, piece, maxLine uint16) {
		ml := int(maxLine)
		var whole LineSplitter
		whole.MaxLine = ml
		want := splitAll(&whole, data)
		limit := whole.maxLine()

		s := LineSplitter{MaxLine: ml}
		var got []string
		r := &chunkedReader{data: data, sizes: []int{int(piece%64) + 1, 1, int(piece>>6) + 1}}
		buf := make([]byte, 256)
		for {
			n, err := r.Read(buf)
			got = append(got, splitAll(&s, buf[:n])...)
			if err != nil {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("pieces gave %q, whole %q", got, want)
		}
		for _, l := range got {
			if l == "" || len(l) > limit || strings.ContainsRune(l, '\n') || !utf8.ValidString(l) {
				t.Fatalf("bad line %q", l)
			}
			if IsFrame([]byte(l)) {
				if obj, ok := DecodeFrame([]byte(l)); ok {
					if !bytes.Equal(bytes.TrimSuffix(EncodeFrame(obj), []byte("\n")), []byte(l)) {
						t.Fatalf("frame %q does not re-encode", l)
					}
				}
			}
		}
		if s.Pending() > limit+1 {
			t.Fatalf("buffers %d bytes", s.Pending())
		}
	})
}

func TestParseFlashLine(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string // FlashProgress.String(), "" for not a flash line
	}{
		{"FW: erase 0%", "erase 0%"},
		{"FW: Erase 25 %", "erase 25%"},
		{"FW: copy flash 60%", "copy flash 60%"},
		{"FW: COPY FLASH 100%", "copy flash 100%"},
		{"erase sector 4", "erase"},
		{"copy flash 250%", "copy flash"},
		{"Firmware V32R17", "boot V32R17"},
		{"Firmware v32r17", ""},
		{" Firmware V32R17 ", "boot V32R17"},
		{"07:38:02 [ota] Firmware V33R01 offered", ""},
		{"Firmware V33R01 (build 7)", ""},
		{"READY", ""},
		{"SV CFG()", ""},
	} {
		p, ok := ParseFlashLine(tc.line)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tc.want {
			t.Errorf("ParseFlashLine(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// FuzzParseFlashLine: any log line parses to a known phase with a percent
// in -1..100, and only a banner line carries a version.
func FuzzParseFlashLine(f *testing.F) {
	for _, s := range []string{"FW: erase 0%", "FW: copy flash 60%", "Firmware V32R17", "erase 999%", "copy flash -5%", "READY"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		p, ok := ParseFlashLine(line)
		if !ok {
			return
		}
		switch p.Phase {
		case PhaseErase, PhaseCopy:
			if p.Version != "" {
				t.Errorf("%q: version %q on a flash line", line, p.Version)
			}
		case PhaseBoot:
			if p.Version == "" || p.Percent != -1 {
				t.Errorf("%q: %+v", line, p)
			}
		default:
			t.Errorf("%q: phase %q", line, p.Phase)
		}
		if p.Percent < -1 || p.Percent > 100 {
			t.Errorf("%q: percent %d", line, p.Percent)
		}
	})
}

// logState counts what the protocol makes of log lines: a boot is a banner
// line (the version line only as a whole line), a save SV CFG() anywhere
// in a line, a flash step an erase / copy flash line; READY ends a banner
// and keeps its version.
func TestLogStateObserve(t *testing.T) {
	for _, tc := range []struct {
		lines                 []string
		boots, saves, flashes uint64
		readyFW               string
	}{
		{[]string{"ECC bootloader 2.1", "Starting application", "Firmware V32R16", "Model EVC5.1", "READY"}, 4, 0, 0, "V32R16"},
		{[]string{"07:38:02 [ota] Firmware V33R01 offered", "07:38:02 CFG: SV CFG()"}, 0, 1, 0, ""},
		{[]string{"FW: erase 25%", "FW: copy flash 60%", "Firmware V32R17", "READY"}, 2, 0, 2, "V32R17"},
		{[]string{"x ECC bootloader", "not READY"}, 0, 0, 0, ""},
	} {
		var st logState
		for _, l := range tc.lines {
			st.observe(l, time.Time{})
		}
		if st.boots != tc.boots || st.saves != tc.saves || st.flashes != tc.flashes || st.readyFW != tc.readyFW {
			t.Errorf("%q: boots %d saves %d flashes %d readyFW %q, want %d %d %d %q",
				tc.lines, st.boots, st.saves, st.flashes, st.readyFW, tc.boots, tc.saves, tc.flashes, tc.readyFW)
		}
	}
}
