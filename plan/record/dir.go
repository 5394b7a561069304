package record

import (
	"os"
	"path/filepath"
)

// DirName is the state directory's name beside a site file.
const DirName = ".ecc"

// DirFor is the state directory of a site file: override (--state-dir)
// when given, else .ecc beside the file. Every command that has a site
// file uses it, so that they share one record.
func DirFor(file, override string) string {
	if override != "" {
		return override
	}
	return filepath.Join(filepath.Dir(file), DirName)
}

// Nearest is the state directory for a file that belongs to no site file
// (a restore's factory file, often in a factory/ folder beside the site
// files): an existing .ecc in the file's folder or in the folder above it,
// so that a restore shares the record of the site's plans and applies;
// else DirFor(file, ""). It looks no further up, so that an unrelated .ecc
// higher in the tree is never taken.
func Nearest(file string) string {
	here := DirFor(file, "")
	for _, cand := range []string{here, filepath.Join(filepath.Dir(filepath.Dir(file)), DirName)} {
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
	}
	return here
}
