package apply

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
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

	// clear holds the values as read, secrets included, only in memory:
	// the rollback of the same run can restore them.
	clear map[string]string
}

// Clear returns the value of key as read (secret parts in clear when the
// backup was taken by this process), and whether it is known.
func (b *Backup) Clear(key string) (string, bool) {
	if v, ok := b.clear[key]; ok {
		return v, true
	}
	if b.isHashed(key) {
		return "", false
	}
	v, ok := b.Values[key]
	return v, ok
}

func (b *Backup) isHashed(key string) bool {
	for _, k := range b.Hashed {
		if k == key {
			return true
		}
	}
	return false
}

// ReadBackup reads every readable key (RW and RO as keys lists them) of a
// controller.
func ReadBackup(ctx context.Context, c transport.Controller, id transport.Identity, st *plan.State, now time.Time) (*Backup, error) {
	keys, err := c.Keys(ctx)
	if err != nil {
		return nil, err
	}
	var readable []string
	for _, k := range keys {
		if k.Access == string(model.RW) || k.Access == string(model.RO) {
			readable = append(readable, k.Key)
		}
	}
	readings, _, err := c.Get(ctx, readable)
	if err != nil {
		return nil, err
	}
	b := &Backup{
		Serial: id.Serial, Model: id.Model, Firmware: id.Firmware,
		TakenAt: now.UTC(), Values: map[string]string{}, clear: map[string]string{},
	}
	for _, r := range readings {
		if r.WriteOnly {
			continue
		}
		b.clear[r.Key] = r.Value
		b.Values[r.Key] = r.Value
		if kd, ok := model.Lookup(r.Key); ok {
			if v, err := kd.Decode(r.Value); err == nil && v.Sensitive() {
				b.Values[r.Key] = v.Display()
				b.Hashed = append(b.Hashed, r.Key)
				if b.Hashes == nil {
					b.Hashes = map[string]string{}
				}
				b.Hashes[r.Key] = st.Hash(v.Canonical())
			}
		}
	}
	sort.Strings(b.Hashed)
	return b, nil
}

// BackupStamp is the UTC time format of backup file names.
const BackupStamp = "20060102T150405Z"

// SaveBackup writes the backup atomically under st.BackupDir and returns
// its path. A second backup within the same second gets a suffix.
func SaveBackup(st *plan.State, b *Backup) (string, error) {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return "", err
	}
	dir := st.BackupDir(b.Serial)
	base := b.TakenAt.UTC().Format(BackupStamp)
	path := filepath.Join(dir, base+".json")
	for i := 2; ; i++ {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d.json", base, i))
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return "", fmt.Errorf("backup %s: %w", path, err)
	}
	return path, nil
}

// LoadBackup reads a backup file.
func LoadBackup(path string) (*Backup, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Backup
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("backup %s: %w", path, err)
	}
	if b.Serial == "" || b.Values == nil {
		return nil, fmt.Errorf("backup %s: not an ecc backup (no serial or values)", path)
	}
	return &b, nil
}
