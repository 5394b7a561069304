// Package record is ecc's record of what it saw and did, kept in a state
// directory (.ecc/ beside the site file unless --state-dir says otherwise):
// snapshots of what was read, backups taken before an apply, journals of
// applies in flight, and the fingerprints that stand in for secrets.
//
// It owns the layout and the file formats of that directory and nothing
// else: it never talks to a controller, never decides what to change, never
// prints, and never stores a secret (only its fingerprint). plan and apply
// both use it; every file is written atomically (internal/atomicfile).
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
	"github.com/ecotap-tools/ecc/internal/bom"
)

// State is one state directory, as one command sees it (see LoadJournal).
// It is safe for concurrent use.
type State struct {
	Dir string
	// salt is the key of legacy sha256 fingerprints (.ecc/salt), nil when
	// absent; new fingerprints do not use it.
	salt []byte

	mu       sync.Mutex
	made     map[string]string // secret -> its fingerprint in this run
	matched  map[match]bool
	upgrades map[string]string // legacy fingerprint -> secret it matched
	hashes   map[string]map[string]string
	ignore   sync.Once
	journals journalIndex
}

// Open opens a state directory; it is created on the first write.
func Open(dir string) (*State, error) {
	s := &State{Dir: dir, made: map[string]string{}, matched: map[match]bool{},
		upgrades: map[string]string{}, hashes: map[string]map[string]string{}}
	salt, err := os.ReadFile(filepath.Join(dir, "salt"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("state directory %s: %w", dir, err)
	case len(salt) < 16:
		return nil, fmt.Errorf("state directory %s: salt file is damaged (%d bytes)", dir, len(salt))
	default:
		s.salt = salt
	}
	return s, nil
}

// Snapshot is the last observed state of one controller.
type Snapshot struct {
	Serial     string    `json:"serial"`
	Model      string    `json:"model"`
	Firmware   string    `json:"firmware"`
	ObservedAt time.Time `json:"observed_at"`
	// Values holds every editable key's canonical value as read; a
	// sensitive value is stored in Display form (secret parts redacted).
	Values map[string]string `json:"values"`
	// Hashes holds the fingerprint (State.Hash) of each sensitive value:
	// as read for readable keys, as last written by ecc for write-only keys.
	Hashes map[string]string `json:"hashes,omitempty"`
	// WriteOnly lists the keys the controller reported write-only, Unknown
	// those it reported in unknownKey.
	WriteOnly []string `json:"write_only,omitempty"`
	Unknown   []string `json:"unknown,omitempty"`
	// ReadOnly lists the keys of a class ecc may write over Channel that
	// the controller reported read-only: never written
	// (controller-protocol.md §6).
	ReadOnly []string `json:"read_only,omitempty"`
	// Channel is how the controller was read: "ocpp" (Values then hold
	// the OCPP standard keys too), or "" for the service cable.
	Channel string `json:"channel,omitempty"`
}

func (s *State) snapshotPath(serial string) string {
	return s.serialPath("snapshots", serial)
}

// serialPath is the file of a serial's record in the folder sub: its safe
// name, built on the stack (a plan asks for one per station).
func (s *State) serialPath(sub, serial string) string {
	var buf [64]byte
	name := append(appendSafeName(buf[:0], serial), ".json"...)
	return filepath.Join(s.Dir, sub, string(name))
}

// LoadSnapshot returns the snapshot of a serial, or nil if there is none.
func (s *State) LoadSnapshot(serial string) (*Snapshot, error) {
	path := s.snapshotPath(serial)
	r := snapshotReaders.Get().(*snapshotReader)
	defer r.release()
	switch err := r.readFile(path); {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	}
	data := r.file.Bytes() // decode consumes r.file, not its bytes
	var v Snapshot
	if err := r.decode(&v); err != nil {
		if bytes.Contains(data, []byte("\n<<<<<<< ")) {
			return nil, fmt.Errorf("snapshot %s holds a git merge conflict (two branches read the station): keep either side, or plan the station again to read it anew", path)
		}
		return nil, fmt.Errorf("snapshot %s: %w", path, err)
	}
	// Serials that differ only in case (or in characters a file name
	// cannot hold) share a file on Windows and macOS: a station must not
	// be planned against another controller's values.
	if v.Serial != "" && v.Serial != serial {
		return nil, fmt.Errorf("snapshot %s is of serial %q, not %q: give the serial exactly as the controller reports it", path, v.Serial, serial)
	}
	return &v, nil
}

// SaveSnapshot writes a snapshot atomically, replacing the legacy
// fingerprints whose secret this run has seen by argon2id ones.
func (s *State) SaveSnapshot(snap *Snapshot) error {
	s.upgrade(snap.Hashes)
	if err := s.save(s.snapshotPath(snap.Serial), snap); err != nil {
		return err
	}
	s.mu.Lock()
	s.hashes[snap.Serial] = snap.Hashes
	s.mu.Unlock()
	return nil
}

// load reads one JSON record; a missing file is (nil, nil), since "never
// seen" and "no apply in flight" are normal answers, not errors.
func load[T any](path, what string) (*T, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var v T
	if err := json.Unmarshal(bom.Trim(data), &v); err != nil { // as LoadBackup, LoadSnapshot
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return &v, nil
}

// save writes one JSON record atomically, indented so that a diff of a
// committed snapshot reads well.
func (s *State) save(path string, v any) error {
	s.ignore.Do(func() { _ = s.writeGitignore() }) // best effort: the record matters more
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o600)
}

// safeName keeps a serial usable as a file name on every OS.
func safeName(s string) string { return string(appendSafeName(nil, s)) }

// appendSafeName appends safeName(s) to dst.
func appendSafeName(dst []byte, s string) []byte {
	if s == "" || s[0] == '.' {
		dst = append(dst, '_')
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}
