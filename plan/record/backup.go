package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ecotap-tools/ecc/internal/bom"
)

// Backup is every readable key of a controller before an apply, as stored
// in <state>/backups/<serial>/<UTC>.json. Secrets are never stored: a value
// with a secret part (gsm_APN's password) is kept in its redacted form, its
// key is listed in Hashed and Hashes holds the salted hash of the full
// value. Write-only keys cannot be read and are absent.
type Backup struct {
	Serial   string            `json:"serial"`
	Model    string            `json:"model"`
	Firmware string            `json:"firmware"`
	TakenAt  time.Time         `json:"taken_at"`
	Values   map[string]string `json:"values"`
	Hashed   []string          `json:"hashed,omitempty"`
	Hashes   map[string]string `json:"hashes,omitempty"`

	// AsRead holds the values as read, secrets included, only in memory
	// (never written): the rollback of the same run can restore them.
	AsRead map[string]string `json:"-"`
}

// Clear returns the value of key as read (secret parts in clear when the
// backup was taken by this process), and whether it is known.
func (b *Backup) Clear(key string) (string, bool) {
	if v, ok := b.AsRead[key]; ok {
		return v, true
	}
	if b.IsHashed(key) {
		return "", false
	}
	v, ok := b.Values[key]
	return v, ok
}

// IsHashed reports whether key's value has a secret part, kept only as a hash.
func (b *Backup) IsHashed(key string) bool { return slices.Contains(b.Hashed, key) }

// BackupStamp is the UTC time format of backup file names.
const BackupStamp = "20060102T150405Z"

// backupsDir is the folder of a state directory that holds the backups,
// a folder per serial.
const backupsDir = "backups"

// BackupDir is where a serial's backups are kept.
func (s *State) BackupDir(serial string) string {
	return filepath.Join(s.Dir, backupsDir, safeName(serial))
}

// DirOfBackup is the state directory of a backup file: the one it was
// taken into (<state>/backups/<serial>/<file>), so that a restore from it
// shares the record of the site's plans and applies; else Nearest(path).
func DirOfBackup(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		if backups := filepath.Dir(filepath.Dir(abs)); filepath.Base(backups) == backupsDir {
			return filepath.Dir(backups)
		}
	}
	return Nearest(path)
}

// SaveBackup writes the backup atomically under BackupDir and returns its
// path. A second backup within the same second gets a suffix.
func (s *State) SaveBackup(b *Backup) (string, error) {
	dir := s.BackupDir(b.Serial)
	base := b.TakenAt.UTC().Format(BackupStamp)
	path := filepath.Join(dir, base+".json")
	for i := 2; ; i++ {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d.json", base, i))
	}
	if err := s.save(path, b); err != nil {
		return "", fmt.Errorf("backup %s: %w", path, err)
	}
	return path, nil
}

// LoadBackup reads a backup file (a path the user gives, so a missing file
// is an error here, unlike a missing snapshot).
func LoadBackup(path string) (*Backup, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Backup
	// A backup saved again by a Windows editor may start with a byte
	// order mark, which encoding/json refuses.
	data = bom.Trim(data)
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("backup %s: %w", path, err)
	}
	if b.Serial == "" || b.Values == nil {
		return nil, fmt.Errorf("backup %s: not an ecc backup (no serial or values)", path)
	}
	return &b, nil
}
