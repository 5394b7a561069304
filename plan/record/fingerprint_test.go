package record

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFingerprints(t *testing.T) {
	st, _ := Open(t.TempDir())
	fp := st.Hash("user:pw")
	if !strings.HasPrefix(fp, "$argon2id$v=19$m=") || strings.Contains(fp, "user") {
		t.Fatalf("fingerprint %q", fp)
	}
	if st.Hash("user:pw") != fp {
		t.Fatal("one run gave one secret two fingerprints")
	}
	other, _ := Open(t.TempDir())
	if other.Hash("user:pw") == fp {
		t.Fatal("two runs gave one secret the same salt")
	}
	for _, tc := range []struct {
		name, fp, secret string
		want             bool
	}{
		{"same secret", fp, "user:pw", true},
		{"other run's fingerprint", other.Hash("user:pw"), "user:pw", true},
		{"other secret", fp, "user:pW", false},
		{"empty", "", "", false},
		{"truncated", fp[:len(fp)-10], "user:pw", false},
		{"garbage parameters", "$argon2id$v=19$m=x,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "user:pw", false},
		{"absurd memory", "$argon2id$v=19$m=4194304,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "user:pw", false},
		{"legacy without salt", "sha256:00", "user:pw", false},
	} {
		fresh, _ := Open(t.TempDir()) // no cached answer
		if got := fresh.Matches(tc.fp, tc.secret); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Raised parameters later: an older fingerprint keeps its own.
	old := Default
	Default = Params{Memory: 8 << 10, Time: 2, Threads: 1}
	raised, _ := Open(t.TempDir())
	rfp := raised.Hash("s")
	Default = old
	if !strings.Contains(rfp, "m=8192,t=2,p=1") || !st.Matches(rfp, "s") {
		t.Fatalf("raised fingerprint %q not read back", rfp)
	}
}

// TestLegacyFingerprintUpgraded: a sha256(salt||secret) fingerprint is
// still read, and the next snapshot written with the secret at hand
// replaces it by an argon2id one.
func TestLegacyFingerprintUpgraded(t *testing.T) {
	dir := t.TempDir()
	salt := []byte("0123456789abcdef0123456789abcdef")
	os.WriteFile(filepath.Join(dir, "salt"), salt, 0o600)
	h := sha256.Sum256(append(append([]byte{}, salt...), "user:pw"...))
	legacyFP := "sha256:" + hex.EncodeToString(h[:])
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Matches(legacyFP, "user:pw") || st.Matches(legacyFP, "user:other") {
		t.Fatal("legacy fingerprint not read")
	}
	snap := &Snapshot{Serial: "G1", Hashes: map[string]string{"authorizationKey": legacyFP, "gsm_APN": "sha256:unknown"}}
	if err := st.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	got, _ := st.LoadSnapshot("G1")
	if fp := got.Hashes["authorizationKey"]; IsLegacy(fp) || !st.Matches(fp, "user:pw") {
		t.Fatalf("not rewritten: %q", fp)
	}
	if got.Hashes["gsm_APN"] != "sha256:unknown" {
		t.Fatal("a fingerprint whose secret was never seen changed")
	}
}

func TestHashForKeepsTheRecordedFingerprint(t *testing.T) {
	dir := t.TempDir()
	first, _ := Open(dir)
	fp := first.Hash("apn,user,pw")
	first.SaveSnapshot(&Snapshot{Serial: "G1", Hashes: map[string]string{"gsm_APN": fp}})
	next, _ := Open(dir) // a later run
	if got := next.HashFor("G1", "gsm_APN", "apn,user,pw"); got != fp {
		t.Fatalf("unchanged secret got a new fingerprint %q", got)
	}
	if got := next.HashFor("G1", "gsm_APN", "apn,user,new"); got == fp || !next.Matches(got, "apn,user,new") {
		t.Fatalf("changed secret kept %q", got)
	}
}

func TestGitignore(t *testing.T) {
	for _, tc := range []struct {
		name, before, after string
	}{
		{"absent", "", Gitignore},
		{"ecc's older one", gitignoreMark + "\n/old\n", Gitignore},
		{"the user's", "*\n", "*\n"},
	} {
		dir := t.TempDir()
		if tc.before != "" {
			os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(tc.before), 0o644)
		}
		st, _ := Open(dir)
		if err := st.SaveSnapshot(&Snapshot{Serial: "G1"}); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
		if string(got) != tc.after {
			t.Errorf("%s: .gitignore = %q", tc.name, got)
		}
	}
}

// BenchmarkFingerprint is the cost of one guess against a published
// fingerprint: one argon2id derivation with Default (ns/op, and
// MiB/guess of memory that cannot be traded away).
func BenchmarkFingerprint(b *testing.B) {
	fp := newFingerprint("user:pw", Default)
	p, _, _, _ := parseFingerprint(fp)
	b.ResetTimer()
	for b.Loop() {
		st := &State{matched: map[match]bool{}, upgrades: map[string]string{}}
		if !st.verify(fp, "user:pw") {
			b.Fatal("no match")
		}
	}
	b.ReportMetric(float64(p.Memory)/1024, "MiB/guess")
}

// FuzzParseFingerprint: a fingerprint read from a committed snapshot is
// untrusted text. Parsing never panics, never accepts parameters that
// would make a verification unbounded, and what it accepts verifies
// without panicking.
func FuzzParseFingerprint(f *testing.F) {
	f.Add(newFingerprint("user:pw", Params{Memory: 64, Time: 1, Threads: 1}))
	f.Add("$argon2id$v=19$m=4096,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("$argon2id$v=19$m=4096,t=1,p=1$$")
	f.Add("$argon2id$v=19$m=-1,t=0,p=300$x$y")
	f.Add("sha256:0000")
	f.Add("")
	f.Fuzz(func(t *testing.T, fp string) {
		p, salt, key, ok := parseFingerprint(fp)
		if !ok {
			return
		}
		if p.Time == 0 || p.Time > maxTime || p.Threads == 0 || p.Threads > maxThreads || p.Memory > maxMemory ||
			p.Memory < 8*uint32(p.Threads) || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
			t.Fatalf("accepted %q: %+v", fp, p)
		}
		if p.Memory <= 1<<10 && p.Time <= 4 { // keep each run fast
			st := &State{matched: map[match]bool{}, upgrades: map[string]string{}}
			st.verify(fp, "x")
		}
	})
}
