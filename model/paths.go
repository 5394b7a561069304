package model

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// NativePath is a path as a site file or a saved plan writes it, in this
// system's form: a backslash is a separator as '/' is, so that a file
// written on Windows (firmware\V32R17.bin, sites\depot.hcl) resolves the
// same on the Linux of a CI job.
func NativePath(p string) string { return filepath.FromSlash(strings.ReplaceAll(p, "\\", "/")) }

// inSiteDir is where a path written in a site file points: relative to
// dir, the site file's folder (NativePath).
func inSiteDir(dir, p string) string {
	p = NativePath(p)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// IsSiteFile reports whether a path names a site file by its extension
// (.hcl, .yaml, .yml).
func IsSiteFile(path string) bool { return hclFile(path) || yamlFile(path) }

// yamlFile reports a YAML site file by its name (a hint shows what to
// write in the syntax of the file it is about).
func yamlFile(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// hclFile reports an HCL site file by its name.
func hclFile(name string) bool { return strings.EqualFold(filepath.Ext(name), ".hcl") }

// skipDir reports a folder a directory walk does not enter: hidden ones,
// which include the state directory .ecc and version control.
func skipDir(name string) bool { return strings.HasPrefix(name, ".") && name != "." && name != ".." }

// ExpandPaths turns the FILE|DIR arguments of a command into site files:
// a file stays as given (whatever its extension: it is then reported as of
// an unknown format); a directory gives every .hcl, .yaml and .yml file
// below it (only in it unless recursive) in lexical order, skipping hidden
// folders (state directories, .git). A symbolic link given as an argument
// is followed; links to folders met on the way are not (as terraform fmt
// -recursive: no loops, no station counted twice), links to files are. A path named twice is kept once. A
// directory holding no site file, or a path that cannot be read, is an
// error; the other paths are still expanded. fromDir tells which files
// came from a directory walk.
func ExpandPaths(args []string, recursive bool) (files []string, fromDir map[string]bool, diags hcl.Diagnostics) {
	seen := map[string]bool{}
	fromDir = map[string]bool{}
	same := sameFiles{}
	add := func(p string, walked bool) {
		key := filepath.Clean(p)
		if seen[key] || same.seen(p) {
			return
		}
		seen[key] = true
		files = append(files, p)
		if walked {
			fromDir[p] = true
		}
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil || !st.IsDir() {
			add(arg, false) // the loader reports what is wrong with it
			continue
		}
		// WalkDir does not follow a root that is a link to a folder; its
		// target, named with a trailing separator, it walks. Not only a
		// symbolic link: Go reports a Windows junction (mklink /J) as
		// irregular, so any root that only Stat sees as a folder.
		root := arg
		if lst, err := os.Lstat(arg); err == nil && !lst.IsDir() {
			root = arg + string(filepath.Separator)
		}
		n := 0
		werr := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				diags = append(diags, errAt(fileStart(p), "Cannot read directory", shortErr(err)+"."))
				if e != nil && e.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if e.IsDir() {
				if p != root && (!recursive || skipDir(e.Name())) {
					return fs.SkipDir
				}
				return nil
			}
			if IsSiteFile(p) && !strings.HasPrefix(e.Name(), ".") {
				n++
				add(p, true)
			}
			return nil
		})
		if werr != nil {
			diags = append(diags, errAt(fileStart(arg), "Cannot read directory", shortErr(werr)+"."))
			continue
		}
		switch {
		case n > 0:
		case recursive:
			diags = append(diags, errAt(fileStart(arg), "No site files",
				"The directory "+arg+" holds no site file (.hcl, .yaml or .yml) outside hidden folders."))
		default:
			diags = append(diags, errAt(fileStart(arg), "No site files",
				"The directory "+arg+" holds no site file (.hcl, .yaml or .yml) of its own; -recursive takes the folders below too."))
		}
	}
	return files, fromDir, diags
}

// fileStart is the first position of a file (or directory): where errors
// about the file as a whole are reported, so that they read FILE:1:1.
func fileStart(path string) *hcl.Range {
	p := hcl.Pos{Line: 1, Column: 1}
	return &hcl.Range{Filename: path, Start: p, End: p}
}

// sameFiles finds a file named again another way (relative and absolute,
// through a link to it or to its folder): its stations would otherwise be
// counted twice, each a duplicate of itself. Files are compared by
// identity (os.SameFile), among those of the same size and time only.
type sameFiles map[[2]int64][]fs.FileInfo

// seen reports whether the file at p was met before, and remembers it.
// A file that cannot be stat'ed is never a duplicate: the loader reports
// it.
func (m sameFiles) seen(p string) bool { return m.match(p, true) }

// has reports whether the file at p was met before.
func (m sameFiles) has(p string) bool { return m.match(p, false) }

func (m sameFiles) match(p string, remember bool) bool {
	st, err := os.Stat(p)
	if err != nil {
		return false
	}
	k := [2]int64{st.Size(), st.ModTime().UnixNano()}
	for _, o := range m[k] {
		if os.SameFile(o, st) {
			return true
		}
	}
	if remember {
		m[k] = append(m[k], st)
	}
	return false
}
