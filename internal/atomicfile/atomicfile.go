// Package atomicfile writes files so that a reader (or a crash) sees either
// the old content or the new, never a torn file: state, backups, journals
// and saved plans all go through WriteFile.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// maxLinks bounds the links followed from one path, as the kernel's
// MAXSYMLINKS (40 on Linux) does: a loop is an error, not a hang.
const maxLinks = 40

// target is the file a write to path means: path itself, or the file its
// symbolic links lead to. EvalSymlinks answers for a target that exists;
// a dangling link (its target not written yet) is followed by hand, its
// relative target taken from the link's real folder, as the kernel does.
func target(path string) (string, error) {
	p := path
	for range maxLinks {
		if t, err := filepath.EvalSymlinks(p); err == nil {
			return t, nil
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return p, nil // a new file; any other error is the write's to report
		}
		to, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			dir, err := filepath.EvalSymlinks(filepath.Dir(p))
			if err != nil {
				return "", err
			}
			to = filepath.Join(dir, to)
		}
		p = to
	}
	return "", &os.PathError{Op: "write", Path: path, Err: errors.New("too many levels of symbolic links")}
}

// WriteFile writes data to a temporary file in path's directory, syncs it,
// and renames it over path. Missing parent directories are created. A path
// that is a symbolic link has its target rewritten (or created, for a
// dangling link), as os.WriteFile would: the rename would otherwise
// replace the link by a file of its own.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	path, err := target(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		return err
	}
	// Make the rename itself durable where the OS allows syncing a directory.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
