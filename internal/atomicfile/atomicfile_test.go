package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a", "b", "state.json")
	for _, content := range []string{"first", "second, longer"} {
		if err := WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

// TestWriteFileThroughSymlink: a path that is a symbolic link (a site file
// shared between folders of a fleet, formatted by ecc fmt) has its target
// rewritten; the link stays a link. Renaming over the link had replaced
// it with a copy and left the target as it was.
func TestWriteFileThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "common", "shared.yaml")
	link := filepath.Join(dir, "sites", "shared.yaml")
	for _, d := range []string{filepath.Dir(target), filepath.Dir(link)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../common/shared.yaml", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", fi.Mode(), err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target holds %q, want %q", got, "new")
	}
	if entries, _ := os.ReadDir(filepath.Dir(link)); len(entries) != 1 {
		t.Errorf("temporary files left beside the link: %v", entries)
	}
}

// TestWriteFileLinks: what a write to a symbolic link does, link by link.
// A dangling link (its target not written yet: a plan -out path linked
// into a shared folder) has its target created, as os.WriteFile would;
// EvalSymlinks fails on it, and the rename had replaced the link by a
// file of its own. A link to a folder is an error that leaves both as
// they were.
func TestWriteFileLinks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		links   map[string]string // link -> its target, as written
		dirs    []string
		write   string // the path written
		target  string // the file that must hold the data
		wantErr bool
	}{
		{name: "dangling", links: map[string]string{"sites/plan.out": "../shared/plan.out"},
			dirs: []string{"sites", "shared"}, write: "sites/plan.out", target: "shared/plan.out"},
		{name: "dangling, absolute", links: map[string]string{"sites/plan.out": "@/shared/plan.out"},
			dirs: []string{"sites", "shared"}, write: "sites/plan.out", target: "shared/plan.out"},
		{name: "chain to a dangling link", links: map[string]string{"a": "b", "b": "shared/c"},
			dirs: []string{"shared"}, write: "a", target: "shared/c"},
		{name: "dangling, in a linked folder", links: map[string]string{"linked": "real/sub", "real/sub/plan.out": "../plan.out"},
			dirs: []string{"real/sub"}, write: "linked/plan.out", target: "real/plan.out"},
		{name: "loop", links: map[string]string{"a": "b", "b": "a"}, write: "a", wantErr: true},
		{name: "to a folder", links: map[string]string{"a": "shared"}, dirs: []string{"shared"}, write: "a", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, d := range tc.dirs {
				if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for link, to := range tc.links {
				if strings.HasPrefix(to, "@") {
					to = filepath.Join(dir, to[1:])
				}
				if err := os.Symlink(to, filepath.Join(dir, link)); err != nil {
					t.Skip("no symbolic links here:", err)
				}
			}
			err := WriteFile(filepath.Join(dir, tc.write), []byte("new"), 0o644)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
			} else if err != nil {
				t.Fatal(err)
			} else if got, err := os.ReadFile(filepath.Join(dir, tc.target)); err != nil || string(got) != "new" {
				t.Errorf("target %s holds %q (%v), want %q", tc.target, got, err, "new")
			}
			for link := range tc.links {
				if fi, err := os.Lstat(filepath.Join(dir, link)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a link (%v)", link, err)
				}
			}
		})
	}
}
