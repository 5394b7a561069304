package record

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id costs of a fingerprint. Each fingerprint carries
// its own, so raising Default later leaves older fingerprints readable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is what new fingerprints cost. It is bounded by the offline plan
// of a 1,000-station fleet with a distinct secret per station, which
// verifies one fingerprint per station and must stay under 5 s on a
// two-core machine (BenchmarkFingerprint, BenchmarkOfflinePlan1000Secrets;
// figures in the README).
var Default = Params{Memory: 4 << 10, Time: 1, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	phcID   = "$argon2id$v=19$"
	legacy  = "sha256:"
)

var b64 = base64.RawStdEncoding

// Bounds on the parameters of a fingerprint read: a snapshot comes from
// the repository, and a pull request must not make CI derive a key with
// gigabytes of memory or for minutes. Far above Default, room to raise it.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 32
	maxThreads = 16
)

// newFingerprint derives a PHC-style string
// "$argon2id$v=19$m=M,t=T,p=P$<salt>$<hash>" with a fresh random salt: two
// fingerprints of one secret differ, so a published one says nothing about
// which stations share a secret, and every guess costs a full derivation.
func newFingerprint(secret string, p Params) string {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcID, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parseFingerprint splits an argon2id fingerprint; ok is false for any
// other text (a legacy sha256 fingerprint included).
func parseFingerprint(fp string) (p Params, salt, key []byte, ok bool) {
	rest, found := strings.CutPrefix(fp, phcID)
	if !found {
		return p, nil, nil, false
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return p, nil, nil, false
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[0], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 ||
		p.Time == 0 || p.Time > maxTime || threads == 0 || threads > maxThreads || p.Memory < 8*threads || p.Memory > maxMemory {
		return p, nil, nil, false
	}
	p.Threads = uint8(threads)
	salt, err1 := b64.DecodeString(parts[1])
	key, err2 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, false
	}
	return p, salt, key, true
}

// IsLegacy reports a fingerprint of the older sha256(salt || secret) kind:
// still read, replaced by an argon2id one whenever the secret is at hand.
func IsLegacy(fp string) bool { return strings.HasPrefix(fp, legacy) }

// CanVerify reports whether Matches can tell anything from fp: not for a
// legacy fingerprint whose salt stayed on another machine (a CI checkout).
func (s *State) CanVerify(fp string) bool {
	return !IsLegacy(fp) || s.salt != nil
}

// Hash returns a fingerprint of secret to keep instead of it. Within one
// State the same secret always gets the same fingerprint, so that one run
// derives each distinct secret once and what it records agrees with itself.
func (s *State) Hash(secret string) string {
	s.mu.Lock()
	fp, ok := s.made[secret]
	s.mu.Unlock()
	if ok {
		return fp
	}
	fp = newFingerprint(secret, Default)
	s.mu.Lock()
	defer s.mu.Unlock()
	if prev, ok := s.made[secret]; ok {
		return prev // another goroutine got there first: keep one string
	}
	s.made[secret] = fp
	s.matched[match{fp, secret}] = true
	return fp
}

// Matches reports whether fp is a fingerprint of secret. Answers are
// remembered for the State's life: a fleet sharing one secret and one
// fingerprint costs one derivation, not one per station.
func (s *State) Matches(fp, secret string) bool {
	if fp == "" {
		return false
	}
	m := match{fp, secret}
	s.mu.Lock()
	ok, known := s.matched[m]
	s.mu.Unlock()
	if known {
		return ok
	}
	ok = s.verify(fp, secret)
	s.mu.Lock()
	s.matched[m] = ok
	if ok && IsLegacy(fp) {
		s.upgrades[fp] = secret
	}
	s.mu.Unlock()
	return ok
}

type match struct{ fp, secret string }

func (s *State) verify(fp, secret string) bool {
	if IsLegacy(fp) {
		if s.salt == nil {
			return false // the salt stayed on another machine: cannot tell
		}
		h := sha256.New()
		h.Write(s.salt)
		h.Write([]byte(secret))
		want := legacy + hex.EncodeToString(h.Sum(nil))
		return subtle.ConstantTimeCompare([]byte(fp), []byte(want)) == 1
	}
	p, salt, key, ok := parseFingerprint(fp)
	if !ok {
		return false
	}
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// HashFor is the fingerprint of a secret just read from key of the
// controller serial: the recorded one when it still matches (so a
// snapshot does not change when the controller did not, and a live read
// and its snapshot agree), else a new one.
func (s *State) HashFor(serial, key, secret string) string {
	if fp := s.recorded(serial)[key]; fp != "" && !IsLegacy(fp) && s.Matches(fp, secret) {
		return fp
	}
	return s.Hash(secret)
}

// recorded returns the fingerprints of serial's snapshot, read once.
func (s *State) recorded(serial string) map[string]string {
	s.mu.Lock()
	h, ok := s.hashes[serial]
	s.mu.Unlock()
	if ok {
		return h
	}
	snap, _ := s.LoadSnapshot(serial) // unreadable: nothing to reuse
	if snap != nil {
		h = snap.Hashes
	}
	s.mu.Lock()
	s.hashes[serial] = h
	s.mu.Unlock()
	return h
}

// upgrade replaces, in place, every legacy fingerprint whose secret this
// State has seen match it by an argon2id one.
func (s *State) upgrade(h map[string]string) {
	for k, fp := range h {
		if !IsLegacy(fp) {
			continue
		}
		s.mu.Lock()
		secret, ok := s.upgrades[fp]
		s.mu.Unlock()
		if ok {
			h[k] = s.Hash(secret)
		}
	}
}
