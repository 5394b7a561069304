package record

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
)

// gitignoreMark opens the .gitignore ecc writes; a file without it is the
// user's and is left alone.
const gitignoreMark = "# Written by ecc"

// Gitignore is the state directory's .gitignore: snapshots are meant to be
// committed (each station's last observed configuration, firmware and
// time, secrets only as fingerprints), everything else stays on the
// machine that ran ecc. An allow-list, so that a file a later version adds
// is local until said otherwise.
const Gitignore = gitignoreMark + ` (rewritten while this line stays first).
# Commit snapshots/: each station's last observed configuration, firmware
# and time; secrets appear only as argon2id fingerprints.
# Everything else stays local: backups (every readable value before an
# apply), journals of applies in flight, the legacy salt (key material),
# an ecc gateway's control API token.
/*
!/.gitignore
!/snapshots/
/snapshots/.*
`

// writeGitignore writes Gitignore into the state directory when there is
// none or when the one there is ecc's own.
func (s *State) writeGitignore() error { return WriteGitignore(s.Dir) }

// WriteGitignore writes Gitignore into the state directory dir when there
// is none or when the one there is ecc's own: also for what is not a
// record but lives in a state directory, the gateway's token.
func WriteGitignore(dir string) error {
	path := filepath.Join(dir, ".gitignore")
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !bytes.HasPrefix(old, []byte(gitignoreMark)) || string(old) == Gitignore:
		return nil
	}
	return atomicfile.WriteFile(path, []byte(Gitignore), 0o644)
}
