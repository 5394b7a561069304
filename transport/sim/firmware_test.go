package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/transport"
)

// image builds a firmware image with the given header line.
func image(header string, size int) []byte {
	img := []byte(header + "\n")
	for len(img) < size {
		img = append(img, byte(len(img)*7))
	}
	return img
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (h *host) fwBegin(version string, img []byte) reply {
	h.t.Helper()
	return h.call("fw.begin", map[string]any{"version": version, "size": len(img), "sha256": sum(img)})
}

// fwSend sends img[from:] in chunks and fails on any error.
func (h *host) fwSend(img []byte, from int) {
	h.t.Helper()
	for off := from; off < len(img); off += Chunk {
		end := min(off+Chunk, len(img))
		r := h.call("fw.data", map[string]any{"offset": off, "data": base64.StdEncoding.EncodeToString(img[off:end])})
		if !r.ok() || r.num("next") != end {
			h.t.Fatalf("fw.data at %d: %s", off, r.raw)
		}
	}
}

func TestFirmwareUpdate(t *testing.T) {
	opts := fast()
	opts.CommitDuration = 200 * time.Millisecond
	h := newHost(t, opts)
	h.waitReady()
	img := image("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC", 3000)
	r := h.fwBegin("V32R17", img)
	must(t, r.ok() && r.num("chunk") == 512 && r.num("offset") == 0, "fw.begin: %s", r.raw)

	// Data only at the expected offset.
	r = h.call("fw.data", map[string]any{"offset": 512, "data": base64.StdEncoding.EncodeToString(img[512:1024])})
	must(t, r.code() == transport.CodeFWOffset && r.num("expected") == 0 && r.m["message"] != "", "wrong offset: %s", r.raw)
	h.fwSend(img[:1024], 0)
	r = h.call("fw.data", map[string]any{"offset": 0, "data": base64.StdEncoding.EncodeToString(img[:512])})
	must(t, r.code() == transport.CodeFWOffset && r.num("expected") == 1024, "old offset: %s", r.raw)

	// Resume: same image, no reboot since.
	r = h.fwBegin("V32R17", img)
	must(t, r.ok() && r.num("offset") == 1024, "resume: %s", r.raw)
	r = h.call("fw.commit", nil)
	must(t, r.code() == transport.CodeFWIncomplete, "early commit: %s", r.raw)
	h.fwSend(img, 1024)

	r = h.call("fw.commit", nil)
	must(t, r.ok() && len(r.m) == 2, "fw.commit: %s", r.raw)
	// Busy while flashing.
	r = h.fwBegin("V32R18", img)
	must(t, r.code() == transport.CodeBusy, "fw.begin during commit: %s", r.raw)
	must(t, h.call("hello", nil).ok(), "hello during commit")
	t0 := time.Now()
	_, log := h.waitLine("Firmware V32R17", 5*time.Second, func(l string) bool { return l == "Firmware V32R17" })
	must(t, time.Since(t0) >= 100*time.Millisecond, "commit took %v", time.Since(t0))
	var erase, copyFlash int
	for _, l := range log {
		if strings.Contains(l, "erase") {
			erase++
		}
		if strings.Contains(l, "copy flash") {
			copyFlash++
			must(t, erase > 0, "copy flash before erase")
		}
	}
	must(t, erase >= 2 && copyFlash >= 2, "progress lines: %d erase, %d copy flash in %q", erase, copyFlash, log)
	h.waitReady()
	must(t, h.call("hello", nil).m["fw"] == "V32R17", "hello after update")
	must(t, h.c.State().Firmware == "V32R17" && !h.c.State().Bricked, "state %+v", h.c.State())
	disk, _ := ReadState(h.c.opts.StateFile)
	must(t, disk.Firmware == "V32R17" && !disk.Flashing, "state file %+v", disk)

	// A resent commit after the reboot holds no transfer.
	r = h.call("fw.commit", nil)
	must(t, r.code() == transport.CodeFWIncomplete, "commit after update: %s", r.raw)
	// The same version again, and an older one, are refused.
	must(t, h.fwBegin("V32R17", img).code() == transport.CodeFWSame, "fw_same refusal")
	r = h.fwBegin("V32R16", img)
	must(t, r.code() == transport.CodeFWDowngrade && r.m["message"] == "running V32R17; V32R16 is older", "fw_downgrade: %s", r.raw)
}

func TestFirmwareErrors(t *testing.T) {
	h := newHost(t, fast())
	h.waitReady()
	good := "ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC"
	for _, tc := range []struct {
		name, begin, header string
		corrupt             bool
		code                transport.ErrorCode
	}{
		{"checksum", "V32R17", good, true, transport.CodeFWChecksum},
		{"no header", "V32R17", "MZ not a firmware image", false, transport.CodeFWHeader},
		{"header version", "V32R18", good, false, transport.CodeFWHeader},
		{"model", "V32R17", "ECCFW/1 version=V32R17 models=EVC4,ECC", false, transport.CodeFWModel},
		{"downgrade", "V32R17", "ECCFW/1 version=V32R15 models=EVC5", false, transport.CodeFWDowngrade},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			img := image(tc.header, 1200)
			r := h.fwBegin(tc.begin, img)
			must(t, r.ok() && r.num("offset") == 0, "fw.begin: %s", r.raw)
			send := img
			if tc.corrupt {
				send = append([]byte(nil), img...)
				send[700] ^= 1
			}
			h.fwSend(send, 0)
			r = h.call("fw.commit", nil)
			must(t, r.code() == tc.code && r.m["message"] != "", "commit: %s, want %s", r.raw, tc.code)
			must(t, h.c.State().Firmware == "V32R16", "firmware changed on error")
			must(t, h.call("fw.abort", nil).ok(), "fw.abort")
			r = h.call("fw.commit", nil)
			must(t, r.code() == transport.CodeFWIncomplete, "commit after abort: %s", r.raw)
		})
	}
	h.t = t
	for _, size := range []int{0, MaxImage + 1} {
		r := h.call("fw.begin", map[string]any{"version": "V33R1", "size": size, "sha256": strings.Repeat("a", 64)})
		must(t, r.code() == transport.CodeFWSize, "size %d: %s", size, r.raw)
	}
	r := h.call("fw.begin", map[string]any{"version": "V33R1", "size": 10, "sha256": "xyz"})
	must(t, r.code() == transport.CodeBadRequest, "bad sha256: %s", r.raw)
	// A reboot drops a transfer: no resume.
	img := image(good, 1500)
	h.fwBegin("V32R17", img)
	h.fwSend(img[:512], 0)
	must(t, h.fwBegin("V32R17", img).num("offset") == 512, "resume")
	h.call("reset", nil)
	h.waitReady()
	must(t, h.fwBegin("V32R17", img).num("offset") == 0, "resume after a reboot")
}

// erasing sends an image of size bytes and commits it, and returns once
// the controller erases.
func erasing(t *testing.T, opts Options, size int) *host {
	t.Helper()
	h := newHost(t, opts)
	h.waitReady()
	img := image("ECCFW/1 version=V33R1 models=EVC5", size)
	h.fwBegin("V33R1", img)
	h.fwSend(img, 0)
	must(t, h.call("fw.commit", nil).ok(), "commit")
	h.waitLine("erase", time.Second, func(l string) bool { return strings.Contains(l, "erase") })
	return h
}

func TestBrick(t *testing.T) {
	opts := fast()
	opts.CommitDuration = 2 * time.Second
	h := erasing(t, opts, 900)
	must(t, h.call("reset", nil).code() == transport.CodeBusy, "reset request during commit")
	h.c.PowerCycle()
	st := h.c.State()
	must(t, st.Bricked && st.Firmware == "V32R16", "state after power loss: %+v", st)
	disk, _ := ReadState(h.c.opts.StateFile)
	must(t, disk.Bricked, "brick not persisted: %+v", disk)
	// It never answers again, not even in a new run.
	h.send("hello", nil)
	for l, ok := h.next(300 * time.Millisecond); ok; l, ok = h.next(300 * time.Millisecond) {
		must(t, !strings.Contains(l, "READY") && !strings.HasPrefix(l, "@{"), "bricked controller sent %q", l)
	}
	h.c.Close()
	opts.StateFile = h.c.opts.StateFile
	h2 := newHost(t, opts)
	h2.send("hello", nil)
	h2.noReply(300 * time.Millisecond)
	must(t, h2.c.Status().Bricked, "not bricked in the next run")
}

// A state file left with "flashing" (the simulator died mid-commit) loads
// bricked.
func TestCrashDuringCommitBricks(t *testing.T) {
	opts := fast()
	opts.CommitDuration = 5 * time.Second
	h := erasing(t, opts, 600)
	disk, err := ReadState(h.c.opts.StateFile)
	must(t, err == nil && disk.Bricked, "a crash now would not brick: %+v %v", disk, err)
	must(t, !h.c.State().Bricked, "running controller reports bricked")
}

func TestVersionAndHeader(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{{"V32R16", "V32R17", true}, {"V32R17", "V33R1", true}, {"V33R1", "V32R17", false}, {"V32R16", "V32R16", false}} {
		a, _ := parseVersion(tc.a)
		b, _ := parseVersion(tc.b)
		must(t, a.less(b) == tc.less, "%s < %s", tc.a, tc.b)
	}
	for _, bad := range []string{"", "V32", "32R1", "VxR1", "V-1R2", "V+1R2"} {
		_, err := parseVersion(bad)
		must(t, err != nil, "parseVersion(%q) ok", bad)
	}
	h, err := parseHeader([]byte("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC\nrest"))
	must(t, err == nil && h.version.String() == "V32R17" && fmt.Sprint(h.models) == "[EVC4 EVC5 ECC]", "%+v %v", h, err)
	_, err = parseHeader([]byte("ECCFW/1 version=V32R17 models=EVC4" + strings.Repeat(" ", 200) + "\n"))
	must(t, err != nil, "header over 128 bytes accepted")
}
