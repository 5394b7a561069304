package model

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/internal/golden"
)

// TestDirectoriesGolden loads each folder of testdata/dirs as one argument
// and compares the diagnostics with testdata/dirs/NAME.golden: duplicates
// across files (both places), a folder without site files, an unreadable
// file among good ones (the others are still checked), the YAML of other
// tools (left out with a warning) beside a misspelt site file (an error).
func TestDirectoriesGolden(t *testing.T) {
	t.Chdir("..")
	dirs, _ := filepath.Glob("testdata/dirs/*")
	n := 0
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(d), func(t *testing.T) {
			_, got := loadInvalid(t, d)
			golden.Assert(t, d+".golden", []byte(got))
		})
	}
	if n < 3 {
		t.Fatalf("only %d cases", n)
	}
}

// TestExpandPaths: lexical order, hidden folders skipped, a file named
// twice kept once, files given by name kept whatever their extension.
func TestExpandPaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.hcl", "a/z.yaml", "a/y.yml", ".git/x.hcl", ".ecc/snap.yaml", "notes.txt", "c.HCL", "a/.hidden.hcl"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	j := func(f string) string { return filepath.Join(dir, f) }
	flat, _, _ := ExpandPaths([]string{dir}, false)
	if want := []string{j("b.hcl"), j("c.HCL")}; !slices.Equal(flat, want) {
		t.Errorf("not recursive: got %q, want %q", flat, want)
	}
	files, fromDir, diags := ExpandPaths([]string{dir, j("b.hcl"), j("notes.txt")}, true)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	want := []string{j("a/y.yml"), j("a/z.yaml"), j("b.hcl"), j("c.HCL"), j("notes.txt")}
	if !slices.Equal(files, want) {
		t.Errorf("got %q\nwant %q", files, want)
	}
	if !fromDir[j("b.hcl")] || fromDir[j("notes.txt")] {
		t.Errorf("fromDir = %v", fromDir)
	}
}

// TestExpandPathsSymlinks: a symbolic link to a folder given as an
// argument is walked like the folder ("No site files" before); links to
// folders met during a walk are not followed, as terraform fmt -recursive
// does not (no loops, no station counted twice); links to site files are
// site files.
func TestExpandPathsSymlinks(t *testing.T) {
	dir := t.TempDir()
	j := func(f string) string { return filepath.Join(dir, f) }
	for _, f := range []string{"real/x.hcl", "real/sub/y.yaml", "common/shared.yaml"} {
		if err := os.MkdirAll(filepath.Dir(j(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(j(f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link": "real", "real/loop": "..", "real/shared.yaml": "../common/shared.yaml"} {
		if err := os.Symlink(target, j(link)); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	for _, tc := range []struct {
		arg       string
		recursive bool
		want      []string
	}{
		{"link", false, []string{"link/shared.yaml", "link/x.hcl"}},
		{"link", true, []string{"link/shared.yaml", "link/sub/y.yaml", "link/x.hcl"}},
		{"real", true, []string{"real/shared.yaml", "real/sub/y.yaml", "real/x.hcl"}},
	} {
		files, _, diags := ExpandPaths([]string{j(tc.arg)}, tc.recursive)
		if len(diags) > 0 {
			t.Errorf("%s: %v", tc.arg, diags)
		}
		var want []string
		for _, f := range tc.want {
			want = append(want, j(f))
		}
		if !slices.Equal(files, want) {
			t.Errorf("%s (recursive %v): got %q\nwant %q", tc.arg, tc.recursive, files, want)
		}
	}
}

// TestSiteNamedAfterFile: without a site block the site takes the file's
// base name.
func TestSiteNamedAfterFile(t *testing.T) {
	for name, src := range map[string]string{
		"north-depot.hcl":  "station \"cp-01\" {\n  serial = \"G48229\"\n}\n",
		"south-depot.yaml": "stations:\n  cp-01:\n    serial: G48229\n",
	} {
		s, srcs, diags := LoadSiteBytes(filepath.Join(t.TempDir(), name), []byte(src))
		if len(diags) > 0 {
			t.Fatal(RenderDiagnostics(diags, srcs))
		}
		if want := name[:len(name)-len(filepath.Ext(name))]; s.Name != want {
			t.Errorf("%s: site %q, want %q", name, s.Name, want)
		}
	}
}

// TestWindowsWrittenPaths: a site file written on Windows names its files
// with backslashes, and a secret file PowerShell 5.1 wrote is UTF-16: the
// same files load on the Linux of a CI job (they failed there: "no such
// file", and "must not contain control characters").
func TestWindowsWrittenPaths(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	key := []byte{0xFF, 0xFE}
	for _, r := range "ops:pw-utf16\r\n" {
		key = append(key, byte(r), 0)
	}
	for name, data := range map[string][]byte{
		"sub/key.txt":  key,
		"sub/rows.csv": []byte("name,serial\ncp-01,G1\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, src string }{
		{"site.hcl", `locals {
  rows = csvdecode(file("sub\\rows.csv"))
}
station "x" {
  for_each = { for r in local.rows : r.name => r }
  serial   = each.value.serial
  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = file("sub\\key.txt")
  }
}
`},
		{"site.yaml", `inventory:
  rows: sub\rows.csv
  station:
    serial: ${serial}
    settings:
      com_Options: {useTLS: 1}
      authorizationKey: !file sub\key.txt
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site, srcs, diags := LoadSiteBytes(filepath.Join(dir, tc.name), []byte(tc.src))
			if diags.HasErrors() || site == nil || len(site.Stations) != 1 {
				t.Fatalf("%s", RenderDiagnostics(diags, srcs))
			}
			for _, s := range site.Stations[0].Settings {
				if s.Key == "authorizationKey" && s.Value.Canonical() != "ops:pw-utf16" {
					t.Errorf("authorizationKey read as %q", s.Value.Canonical())
				}
			}
		})
	}
}

// TestExpandPathsSameFile: a file named again another way (relative and
// absolute, through a link to its folder or to itself) is kept once, under
// the name first met: each of its stations was a duplicate of itself.
func TestExpandPathsSameFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll("sites/sub", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sites/a.hcl", "sites/sub/b.hcl"} {
		if err := os.WriteFile(f, []byte("station \""+filepath.Base(f)+"\" {\n  serial = \"S"+filepath.Base(f)+"\"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("sub", "sites/current"); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink("a.hcl", "sites/link.hcl"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sites", filepath.Join(dir, "sites", "a.hcl")}, []string{"sites/a.hcl", "sites/sub/b.hcl"}},
		{[]string{"sites/sub", "sites/current"}, []string{"sites/sub/b.hcl"}},
		{[]string{filepath.Join(dir, "sites/a.hcl"), "sites"}, []string{filepath.Join(dir, "sites/a.hcl"), "sites/sub/b.hcl"}},
	} {
		files, _, diags := ExpandPaths(tc.args, true)
		if len(diags) > 0 {
			t.Errorf("%q: %v", tc.args, diags)
		}
		var want []string
		for _, f := range tc.want {
			want = append(want, filepath.FromSlash(f))
		}
		if !slices.Equal(files, want) {
			t.Errorf("%q: got %q\nwant %q", tc.args, files, want)
		}
		if _, srcs, diags := LoadSites(tc.args...); diags.HasErrors() {
			t.Errorf("%q: %s", tc.args, RenderDiagnostics(diags, srcs))
		}
	}
}

// TestDataFileNamedAnotherWay: an inventory a site file names through a
// link (on Windows, also in other letter case) is still the file a
// directory walk met: data, not a site file refused as a list.
func TestDataFileNamedAnotherWay(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll("sites/data", 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"sites/site.yaml":          "inventory:\n  rows: current/stations.yaml\n  station:\n    serial: ${serial}\n",
		"sites/data/stations.yaml": "- name: cp-1\n  serial: G1\n",
	}
	for f, src := range files {
		if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("data", "sites/current"); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	sites, srcs, diags := LoadSites("sites")
	if diags.HasErrors() || len(sites) != 1 || len(sites[0].Stations) != 1 {
		t.Fatalf("%d sites: %s", len(sites), RenderDiagnostics(diags, srcs))
	}
}

// TestLoadSitesGoesOnAfterEmptyDirectory: a directory that holds no site
// file is an error, and the other arguments are still loaded and checked:
// every problem of the run is reported at once.
func TestLoadSitesGoesOnAfterEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(bad, []byte("station \"a\" {\n  serial = \"G1\"\n  settings {\n    chg_StationMaxCurrent = 99\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.hcl")
	if err := os.WriteFile(good, []byte("station \"b\" {\n  serial = \"G2\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sites, _, diags := LoadSites(empty, bad, good)
	var got []string
	for _, d := range diags {
		got = append(got, fmt.Sprintf("%s: %s", where(*d.Subject), d.Summary))
	}
	want := []string{empty + ":1:1: No site files", bad + ":4:29: Invalid value for chg_StationMaxCurrent"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if len(sites) != 2 {
		t.Errorf("%d sites, want both files loaded", len(sites))
	}
}

// TestForeignYAMLNamed: the YAML of another tool that a directory walk
// leaves out with a warning is read as a site file when named as an
// argument (as the warning says to): its errors are reported.
func TestForeignYAMLNamed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "site.hcl")
	if err := os.WriteFile(good, []byte("station \"b\" {\n  serial = \"G2\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "mkdocs.yml")
	if err := os.WriteFile(other, []byte("site_name: docs\nnav:\n  - Home: index.md\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, walked := LoadSites(dir)
	if walked.HasErrors() || len(walked) != 1 || walked[0].Summary != "Not a site file" {
		t.Errorf("walked: %v, want one warning", walked)
	}
	_, src, named := LoadSites(good, other)
	if !named.HasErrors() {
		t.Fatalf("named: no error")
	}
	for _, d := range named {
		if d.Summary == "Not a site file" || d.Subject == nil || d.Subject.Filename != other {
			t.Errorf("named: %s", RenderDiagnostics(hcl.Diagnostics{d}, src))
		}
	}
}
