package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// TestFingerprintPinned pins the bytes a Fingerprint hashes: fingerprints
// are stored in saved plans and compared by apply, so a faster Fingerprint
// must still give these. The observations cover what it formats: every
// example value, a value that does not decode (as text), one that needs
// quoting, a sensitive value without a state to hash it, an OCPP key, a
// snapshot's redacted value (by its hash) and unknown keys (sorted).
// Over the cable, the OCPP keys are left out.
func TestFingerprintPinned(t *testing.T) {
	values := func() map[string]string {
		v := map[string]string{}
		for k, raw := range baseValues {
			v[k] = raw
		}
		v["chg_RatedCurrent"] = " 16, 16 "
		v["chg_Reader2"] = "bad | value"
		v["com_OCPPID"] = "NLECO\u00e9\"1"
		v["gsm_APN"] = "m2m.example,user,Pa55word"
		v["HeartbeatInterval"] = "0300"
		v["NotAKey"] = "ignored"
		return v
	}
	live := &Observation{
		Identity: transport.Identity{Model: "EVC5.1", Serial: "G48229", Firmware: "V32R16"},
		Values:   values(),
		Unknown:  []string{"chg_KWH3", "chg_KWH2"},
		Channel:  model.ChannelOCPP,
	}
	snap := &Observation{
		Identity:     live.Identity,
		Values:       values(),
		FromSnapshot: true,
		Hashes:       map[string]string{"gsm_APN": "sha256:" + "0101010101010101010101010101010101010101010101010101010101010101"},
		Channel:      model.ChannelOCPP,
	}
	snap.Values["gsm_APN"] = "m2m.example,user,(sensitive)"
	for _, c := range []struct {
		name string
		o    *Observation
		st   *record.State
		want string
	}{
		{"live", live, nil, "sha256:f6a74e2b7b0979e1b9112d3c598dc711d243f8e653c263ac2e0b191dfeea11e2"},
		{"snapshot", snap, nil, "sha256:732951146c4f9f2ec6a12b9d320fb6aa9cfeaf613a3eaef843b30cf8ca51a629"},
		{"snapshot with state", snap, testState(t), "sha256:732951146c4f9f2ec6a12b9d320fb6aa9cfeaf613a3eaef843b30cf8ca51a629"},
	} {
		if got := Fingerprint(c.o, c.st); got != c.want {
			t.Errorf("%s: Fingerprint = %s, want %s", c.name, got, c.want)
		}
	}

	// Over the cable the OCPP standard keys read (a station's ocpp block)
	// are not fingerprinted: apply reads the block only when the station
	// it holds declares one.
	cable := &Observation{Identity: live.Identity, Values: values(), Unknown: live.Unknown}
	without := &Observation{Identity: live.Identity, Values: values(), Unknown: live.Unknown}
	delete(without.Values, "HeartbeatInterval")
	if a, b := Fingerprint(cable, nil), Fingerprint(without, nil); a != b {
		t.Errorf("over the cable, an OCPP key read changed the fingerprint: %s, %s", a, b)
	}
	if Fingerprint(cable, nil) == Fingerprint(live, nil) {
		t.Error("over OCPP, the OCPP keys are fingerprinted: the fingerprints should differ")
	}
}

// The decode cache keeps at most maxDecoded values of a key (one whose
// values differ per station would hold one per station); values past it
// still decode.
func TestDecodeCacheBounded(t *testing.T) {
	kd := defByName["com_OCPPID"]
	cache := &decodeCache{}
	for i := range maxDecoded + 44 {
		raw := fmt.Sprintf(" NLECO%06d ", i)
		d, err := decodeShared(kd, cache, raw)
		if err != nil || d.canon != strings.TrimSpace(raw) || d.forRules.Canonical() != d.canon {
			t.Fatalf("%q: %+v, %v", raw, d, err)
		}
	}
	n := 0
	cache.m.Range(func(any, any) bool { n++; return true })
	if n != maxDecoded || cache.n.Load() != maxDecoded {
		t.Errorf("cache holds %d values (counted %d), want %d", n, cache.n.Load(), maxDecoded)
	}
}
