package model

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestFormatIdempotent formats every site file of sites/ and testdata/
// (those that parse): formatting the result again changes nothing, byte
// for byte; the examples in sites/ are formatted already.
func TestFormatIdempotent(t *testing.T) {
	n := 0
	for _, root := range []string{"../sites", "../testdata"} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !IsSiteFile(p) {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return nil // a broken link among the test cases
			}
			once, diags := FormatSite(p, src)
			if diags.HasErrors() {
				if strings.Contains(p, "sites/") && !strings.Contains(p, "testdata") {
					t.Errorf("%s: %s", p, diags.Error())
				}
				return nil // invalid syntax on purpose
			}
			n++
			twice, diags := FormatSite(p, once)
			if diags.HasErrors() || string(twice) != string(once) {
				t.Errorf("%s: formatting is not stable:\n%s", p, twice)
			}
			if root == "../sites" && string(once) != string(src) {
				t.Errorf("%s is not formatted (ecc fmt %s):\n%s", p, p, once)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 50 {
		t.Errorf("only %d files formatted", n)
	}
}

// TestFormatReadmeExamples: the site files the README shows (its hcl and
// yaml blocks) are formatted already, as sites/ is: a reader copies them.
func TestFormatReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(hcl|yaml)\n(.*?)```").FindAllSubmatchIndex(readme, -1)
	if len(blocks) < 4 {
		t.Fatalf("only %d site file examples in README.md", len(blocks))
	}
	for _, b := range blocks {
		line := 1 + bytes.Count(readme[:b[0]], []byte("\n"))
		name := fmt.Sprintf("README.md:%d.%s", line, readme[b[2]:b[3]])
		src := readme[b[4]:b[5]]
		got, diags := FormatSite(name, src)
		if diags.HasErrors() {
			t.Errorf("%s: %s", name, diags.Error())
		} else if !bytes.Equal(got, src) {
			t.Errorf("%s is not formatted; formatted it reads:\n%s", name, got)
		}
	}
}

// TestFormatYAML: two-space indentation, comments and blank lines between
// entries kept, flow collections normalised; tags kept.
func TestFormatYAML(t *testing.T) {
	src := "# top\nsite:   depot   # the name\n\n\ndefaults:\n    settings:\n        a: 1\n        b: [1,2]\n\n        # about c\n        c: {x: 1,   y: 2}\n        k: !env ECC_K\nstations:\n- a\n-   b\n"
	want := "# top\nsite: depot # the name\n\ndefaults:\n  settings:\n    a: 1\n    b: [1, 2]\n\n    # about c\n    c: {x: 1, y: 2}\n    k: !env ECC_K\nstations:\n  - a\n  - b\n"
	got, diags := FormatSite("x.yaml", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, diags := FormatSite("bad.yaml", []byte("a: [1,\n")); !diags.HasErrors() || diags[0].Subject.Filename != "bad.yaml" {
		t.Errorf("syntax error: %v", diags)
	}
}

// TestFormatKeepsBlankAfterComment: a blank line between a comment and
// the key it heads stays, at the top level and below (yaml.v3 drops it),
// and the file is then formatted already.
func TestFormatKeepsBlankAfterComment(t *testing.T) {
	for _, src := range []string{
		"site: depot\n\n# The stations of the depot.\n\nstations:\n  cp-01:\n    serial: G1\n",
		"site: depot\nstations:\n  # first\n\n  cp-01:\n    serial: G1\n\n  # second\n  cp-02:\n    serial: G2\n",
		"# one\n# two\n\nsite: depot\nstations:\n  cp-01:\n    # about the serial\n\n    serial: G1\n",
	} {
		got, diags := FormatSite("x.yaml", []byte(src))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		if string(got) != src {
			t.Errorf("formatted\n%s\nas\n%s", src, got)
		}
	}
}

// TestFormatLineEndings: a file written on Windows (CRLF) formats as the
// same file with LF does, keeping its line endings; yaml.v3 took the CR
// of each comment line for a line break of its own and put a blank line
// after every comment line.
func TestFormatLineEndings(t *testing.T) {
	lf := "# head comment\n# second line\n\nsite: depot # trailing\nstations:\n  # before cp\n  cp-1:\n    serial: G83001\n\n    settings: {chg_StationMaxCurrent: 25}\n"
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	for _, tc := range []struct {
		name, src, want string
	}{
		{"x.yaml", lf, lf},
		{"x.yaml", crlf, crlf},
		{"x.yaml", "site: depot\r\nstations:\n  cp-1: {serial: G83001}\r\n", "site: depot\r\nstations:\r\n  cp-1: {serial: G83001}\r\n"},
		{"x.hcl", "station \"a\" {\r\n  serial = \"G1\"\r\n}\r\n", "station \"a\" {\r\n  serial = \"G1\"\r\n}\r\n"},
	} {
		got, diags := FormatSite(tc.name, []byte(tc.src))
		if diags.HasErrors() {
			t.Fatalf("%q: %v", tc.src, diags)
		}
		if string(got) != tc.want {
			t.Errorf("%s %q:\ngot  %q\nwant %q", tc.name, tc.src, got, tc.want)
		}
		again, _ := FormatSite(tc.name, got)
		if string(again) != string(got) {
			t.Errorf("%s %q: not stable:\n%q\n%q", tc.name, tc.src, got, again)
		}
	}
}

// TestFormatRefusesUTF16: fmt leaves a UTF-16 file (which validate
// reads) as it is, with an error, in both formats: yaml.v3 wrote it back
// as UTF-8 unasked, hclwrite as garbage.
func TestFormatRefusesUTF16(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"le.hcl":  "\xff\xfes\x00i\x00t\x00e\x00 \x00\"\x00s\x00\"\x00 \x00{\x00}\x00\n\x00",
		"be.yaml": "\xfe\xff\x00s\x00i\x00t\x00e\x00:\x00 \x00 \x00s\x00\n",
	}
	var paths []string
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		if _, _, diags := LoadSiteBytes(p, []byte(src)); diags.HasErrors() {
			t.Fatalf("%s does not load: %v", name, diags)
		}
	}
	_, _, diags := FormatFiles(paths, false, true)
	if len(diags) != len(files) {
		t.Fatalf("want one error a file, got %v", diags)
	}
	for _, d := range diags {
		if d.Summary != "Cannot format" || !strings.Contains(d.Detail, "UTF-16") {
			t.Errorf("got %s: %s", d.Summary, d.Detail)
		}
	}
	for name, src := range files {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != src {
			t.Errorf("%s rewritten: %q", name, got)
		}
	}
}

// TestFormatLeavesForeignYAML: a directory walk formats site files and
// inventories but leaves another tool's YAML alone (mkdocs.yml beside the
// sites); named on the command line, that file is formatted as asked.
func TestFormatLeavesForeignYAML(t *testing.T) {
	dir := t.TempDir()
	unformatted := "  # indented four\nnav:\n    - Home: index.md\n"
	files := map[string]string{
		"mkdocs.yml":   "site_name: docs\n" + unformatted,
		"compose.yaml": "services:\n    web: {image: nginx}\n",
		"site.yaml":    "stations:\n    cp: {serial: G1, model: EVC5.x}\n",
		"typo.yaml":    "site: x\nstattions:\n    cp: {}\n",
		"rows.yaml":    "-   {name: a}\n",
		"note.yaml":    "just a note\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	res, _, diags := FormatFiles([]string{dir}, false, false)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, r := range res {
		got[filepath.Base(r.File)] = r.Changed()
	}
	for name, want := range map[string]bool{"site.yaml": true, "typo.yaml": true, "rows.yaml": true} {
		if got[name] != want {
			t.Errorf("%s: changed %v, want %v (all: %v)", name, got[name], want, got)
		}
	}
	for _, name := range []string{"mkdocs.yml", "compose.yaml", "note.yaml"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s, another tool's file, was formatted", name)
		}
	}
	res, _, _ = FormatFiles([]string{filepath.Join(dir, "mkdocs.yml")}, false, false)
	if len(res) != 1 || !res[0].Changed() {
		t.Errorf("mkdocs.yml named: %v, want it formatted", res)
	}
}

// TestFormatYAMLKeepsCommentsStable: a file that yaml.v3 cannot format
// without deleting a comment, or without moving one again at the next
// run, is refused with an error at that comment and left as it is;
// a # inside quotes or a block scalar is data, not a comment, and a file
// holding one is formatted.
func TestFormatYAMLKeepsCommentsStable(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string // want: the error's LINE:COL and a part of it, "" when it formats
	}{
		{"moved comments", "defaults:\n  settings:\n    chg_MinChargingCurrent: 6\n\n  # OCPP keys\n\n  # go through the gateway\n   # indented by one more\n  ocpp:\n    HeartbeatInterval: 120\n",
			"7:3 move the comment \"# go through the gateway\""},
		{"comment in empty flow list", "defaults:\n  settings:\n    chg_Ch1Options: [\n      # inside flow seq\n    ]\n",
			"4:7 delete the comment \"# inside flow seq\""},
		{"comment in empty flow map", "stations:\n  cp-01: {\n    # none yet\n  }\n", "3:5 delete the comment \"# none yet\""},
		{"twice the same comment", "stations:\n  cp-01: {\n    # x\n  }\n  # x\n  cp-02: {}\n", "3:5 delete the comment \"# x\""},
		{"hash in quotes", "site: \"a #1\"\nstations:\n    cp-01: {serial: 'G #1', model: \"it's # not\"}\n", ""},
		{"hash in block scalar", "site: depot\nstations:\n    cp-01:\n        serial: G1\n        note: |\n            # data, not a comment\n            x: 1 # also data\n        model: x\n", ""},
		{"comments kept", "# top\nsite:   depot   # the name\nstations:\n    # first\n    cp-01: {serial: G1}   # trailing\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "x.yaml")
			if err := os.WriteFile(p, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			res, _, diags := FormatFiles([]string{p}, false, true)
			got, _ := os.ReadFile(p)
			if tc.want == "" {
				if diags.HasErrors() || len(res) != 1 {
					t.Fatalf("refused: %v", diags)
				}
				again, diags := FormatSite(p, got)
				if diags.HasErrors() || !bytes.Equal(again, got) {
					t.Errorf("not stable: %v\n%s\nthen\n%s", diags, got, again)
				}
				for _, c := range yamlComments([]byte(tc.src)) {
					if !bytes.Contains(got, []byte(c.text)) {
						t.Errorf("comment %q lost:\n%s", c.text, got)
					}
				}
				return
			}
			if string(got) != tc.src {
				t.Errorf("rewritten:\n%s", got)
			}
			if len(res) != 0 || len(diags) != 1 || diags[0].Summary != "Cannot format" {
				t.Fatalf("got %v, %v", res, diags)
			}
			at, part, _ := strings.Cut(tc.want, " ")
			d := diags[0]
			if where := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); where != at || !strings.Contains(d.Detail, part) {
				t.Errorf("got %s %s, want %s %s", where, d.Detail, at, part)
			}
		})
	}
}

// A file is formatted by its extension: one without is no site file.
func TestFormatSiteNeedsAnExtension(t *testing.T) {
	if _, diags := FormatSite("Sitefile", []byte("station \"a\" {}\n")); !diags.HasErrors() || diags[0].Summary != "Unknown site file format" {
		t.Errorf("got %v", diags)
	}
}

// FuzzFormatYAML: formatting a YAML site file (a mapping) either fails or
// gives a file that formatting leaves as it is, byte for byte, and that
// has every comment of the file (FormatSite itself checks that the data
// is unchanged). Other documents
// are no site files: yaml.v3 puts a blank line before the comment after
// a lone scalar each time it writes one.
func FuzzFormatYAML(f *testing.F) {
	addSeeds(f, ".yaml")
	f.Add([]byte("site: depot\n\n# c\n\nstations:\n  # d\n\n  cp-01:\n    serial: G1\n"))
	f.Add([]byte("defaults:\n  settings:\n    a: 6\n\n  # b\n\n  # c\n   # d\n  ocpp:\n    e: 120\n"))
	f.Add([]byte("defaults:\n  settings:\n    a: [\n      # inside\n    ]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var m map[string]any
		if yaml.Unmarshal(src, &m) != nil || m == nil {
			return
		}
		out, diags := FormatSite("x.yaml", src)
		if diags.HasErrors() {
			return
		}
		again, diags := FormatSite("x.yaml", out)
		if diags.HasErrors() {
			t.Fatalf("formatted text does not format: %v\n%s", diags, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("formatting twice changes the text:\n%q\nthen\n%q", out, again)
		}
		if c, ok := lostComment(src, out); ok {
			t.Fatalf("comment %q lost:\n%q\nthen\n%q", c.text, src, out)
		}
	})
}

// TestFormatFilesGoesOnAfterUnreadable: a file that cannot be read (here
// larger than a site file may be) is reported, and the files after it are
// still formatted.
func TestFormatFilesGoesOnAfterUnreadable(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "a.hcl")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxSiteFile+1); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	b := filepath.Join(dir, "b.hcl")
	if err := os.WriteFile(b, []byte("station \"a\" {\nserial=\"G1\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, _, diags := FormatFiles([]string{dir}, false, true)
	if len(diags) != 1 || diags[0].Summary != "Cannot read site file" || diags[0].Subject.Filename != big {
		t.Errorf("diagnostics %v, want a.hcl cannot be read", diags)
	}
	if len(res) != 1 || res[0].File != b || !res[0].Changed() {
		t.Fatalf("formatted %v, want b.hcl", res)
	}
	if got, _ := os.ReadFile(b); string(got) != "station \"a\" {\n  serial = \"G1\"\n}\n" {
		t.Errorf("b.hcl not rewritten: %q", got)
	}
}
