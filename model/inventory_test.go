package model

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// stationSummary is what a station decodes to, for comparing forms.
func stationSummary(st *Station) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s serial=%s model=%s", st.Name, st.Serial, st.Model)
	for _, s := range st.Settings {
		fmt.Fprintf(&b, " %s=%s(%s)", s.Key, s.Value.Canonical(), s.Layer)
	}
	return b.String()
}

// TestInventoriesDecodeAsWritten: every inventory form (HCL for_each over
// csvdecode, jsondecode and yamldecode; YAML inventories of a CSV, a YAML
// list file) decodes to the same stations as the hand-written blocks, in
// both formats.
func TestInventoriesDecodeAsWritten(t *testing.T) {
	t.Chdir("..")
	load := func(p string) []string {
		t.Helper()
		sites, src, diags := LoadSites(p)
		if len(diags) > 0 {
			t.Fatalf("%s:\n%s", p, RenderDiagnostics(diags, src))
		}
		var out []string
		for _, st := range sites[0].Stations {
			out = append(out, stationSummary(st))
		}
		return out
	}
	want := load("testdata/inventory/written.hcl")
	if len(want) != 4 {
		t.Fatalf("%d stations written", len(want))
	}
	for _, p := range []string{"testdata/inventory/written.yaml", "sites/fleet/north.hcl",
		"testdata/inventory/json.hcl", "testdata/inventory/yaml.hcl", "testdata/inventory/csv.yaml", "testdata/inventory/list.yaml"} {
		got := load(p)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s decodes to\n%s\nwant\n%s", p, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestInventorySpreadsheetExport: the CSV a spreadsheet program writes
// (Excel's "CSV UTF-8": a byte order mark first, CRLF line endings,
// quoted cells) decodes to the same stations as the plain file, through
// HCL's csvdecode and YAML's inventory alike, and so does a JSON file
// written with a byte order mark. csvdecode took the mark for part of the
// first column's name ("no attribute named name"). Rows whose cells are
// all empty (a spreadsheet's cleared rows) are skipped in both forms:
// they were a duplicate key "" (HCL) and a station without a name (YAML).
func TestInventorySpreadsheetExport(t *testing.T) {
	t.Chdir("..")
	plain, err := os.ReadFile("sites/fleet/stations.csv")
	if err != nil {
		t.Fatal(err)
	}
	bom := "\ufeff"
	crlf := strings.ReplaceAll(string(plain), "\n", "\r\n")
	quoted := strings.Replace(string(plain), "north-01,G60001", `"north-01","G60001"`, 1)
	copies := map[string]string{"north.hcl": "sites/fleet/north.hcl", "csv.yaml": "testdata/inventory/csv.yaml",
		"json.hcl": "testdata/inventory/json.hcl", "stations.json": "testdata/inventory/stations.json"}
	summaries := func(p string) string {
		t.Helper()
		sites, src, diags := LoadSites(p)
		if len(diags) > 0 {
			t.Fatalf("%s:\n%s", p, RenderDiagnostics(diags, src))
		}
		var out []string
		for _, st := range sites[0].Stations {
			out = append(out, stationSummary(st))
		}
		return strings.Join(out, "\n")
	}
	want := summaries("sites/fleet/north.hcl")
	for _, tc := range []struct{ name, csv, jsonPrefix string }{
		{"byte order mark", bom + string(plain), bom},
		{"CRLF", crlf, ""},
		{"Excel CSV UTF-8", bom + crlf, bom},
		{"quoted cells", bom + quoted, ""},
		// A sheet whose cells were cleared exports rows of commas; a
		// blank line is skipped by the CSV reader already.
		{"empty rows", strings.Replace(string(plain), "\n", "\n,,,,\n\n", 2) + ",,,,\r\n, ,,,\n,,\n", ""},
		// A program that quotes every cell quotes the empty ones too.
		{"empty quoted rows", string(plain) + `"","","","",""` + "\r\n" + `" ",""` + "\n", ""},
		// Written by hand: blanks around cells and column names.
		{"padded cells", strings.ReplaceAll(strings.ReplaceAll(string(plain), ",", " , "), "\n", " \n\t"), ""},
		{"padded quoted cells", strings.Replace(strings.ReplaceAll(string(plain), ",", ", "), "north-01, G60001", `north-01, " G60001 "`, 1), ""},
		// A sheet that once had a column more: its name and cells empty.
		{"empty last column", strings.ReplaceAll(string(plain), "\n", ",\n"), ""},
	} {
		dir := t.TempDir()
		for dst, from := range copies {
			b, err := os.ReadFile(from)
			if err != nil {
				t.Fatal(err)
			}
			b = []byte(strings.ReplaceAll(string(b), "../../sites/fleet/stations.csv", "stations.csv"))
			if dst == "stations.json" {
				b = append([]byte(tc.jsonPrefix), b...)
			}
			if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, "stations.csv"), []byte(tc.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"north.hcl", "csv.yaml", "json.hcl"} {
			if got := summaries(filepath.Join(dir, f)); got != want {
				t.Errorf("%s, %s decodes to\n%s\nwant\n%s", tc.name, f, got, want)
			}
		}
	}
}

// TestInventoryEmpty: an inventory without rows (a CSV with its header
// row only, or only cleared rows; an empty list) makes no station, with
// a warning at the rows in the site file, in both forms: HCL's for_each
// over an empty csvdecode was no error, the YAML form's was.
func TestInventoryEmpty(t *testing.T) {
	const hclSite = "station \"cp\" {\n  for_each = { for r in csvdecode(file(\"s.csv\")) : r.name => r }\n  serial   = each.value.serial\n}\n"
	const yamlSite = "inventory:\n  rows: s.csv\n  station:\n    serial: ${serial}\n"
	for _, tc := range []struct {
		name, file, site, csv string
		at                    string // LINE:COL of the warning
	}{
		{"hcl header only", "a.hcl", hclSite, "name,serial,max\n", "2:14"},
		{"yaml header only", "a.yaml", yamlSite, "name,serial,max\n", "2:9"},
		{"hcl header without newline", "a.hcl", hclSite, "name,serial,max", "2:14"},
		{"yaml header without newline", "a.yaml", yamlSite, "name,serial,max", "2:9"},
		{"hcl cleared rows", "a.hcl", hclSite, "\ufeffname,serial,max\r\n,,\r\n", "2:14"},
		{"yaml cleared rows", "a.yaml", yamlSite, "\ufeffname,serial,max\r\n,,\r\n", "2:9"},
		{"yaml inline list", "a.yaml", "inventory:\n  rows: []\n  station:\n    serial: ${serial}\n", "", "2:9"},
		{"yaml rows file", "a.yaml", strings.Replace(yamlSite, "s.csv", "r.yaml", 1), "", "2:9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{tc.file: tc.site, "s.csv": tc.csv, "r.yaml": "[]\n"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p := filepath.Join(dir, tc.file)
			sites, src, diags := LoadSites(p)
			if diags.HasErrors() || len(diags) != 1 {
				t.Fatalf("want one warning, got:\n%s", RenderDiagnostics(diags, src))
			}
			d := diags[0]
			if at := fmt.Sprintf("%d:%d", d.Subject.Start.Line, d.Subject.Start.Column); d.Summary != "Empty inventory" || d.Subject.Filename != p || at != tc.at {
				t.Errorf("got %s:%s %s, want %s:%s Empty inventory", d.Subject.Filename, at, d.Summary, p, tc.at)
			}
			if len(sites) != 1 || len(sites[0].Stations) != 0 {
				t.Errorf("got %v", sites)
			}
		})
	}
}

// TestInventoryCSVErrorColumns: a CSV inventory's errors are at the
// column an editor shows, counting characters: encoding/csv counts bytes
// (é is two), and the byte order mark it was not given is no column.
func TestInventoryCSVErrorColumns(t *testing.T) {
	const site = "inventory:\n  rows: s.csv\n  station:\n    serial: ${serial}\n"
	for _, tc := range []struct {
		name, csv, summary string
		want               string // LINE:COL-LINE:COL of the error
		text               string // what the range covers in the file, if anything
	}{
		{"bare quote", "name,serial,max\ncp-01,\"G1\",é\"bad\n", "Invalid CSV", "2:13-2:13", ""},
		{"bare quote, ASCII", "name,serial,max\ncp-01,\"G1\",e\"bad\n", "Invalid CSV", "2:13-2:13", ""},
		{"bare quote after a mark", "\ufeffname,sérial,max\"\n", "Invalid CSV", "1:16-1:16", ""},
		{"quote in a quoted cell", "name,serial\n\"été\"x,G1\n", "Invalid CSV", "2:5-2:5", ""},
		{"column name", "name,sérial,max\n", "Invalid column name", "1:6-1:12", "sérial"},
		{"column name after a mark", "\ufeffname,sérial,max\n", "Invalid column name", "1:6-1:12", "sérial"},
		{"semicolons after a mark", "\ufeffnàme;sérial\n", "Invalid CSV", "1:1-1:12", "nàme;sérial"},
		{"duplicate column after a mark", "\ufeffname,serial,serial\n", "Duplicate column", "1:13-1:19", "serial"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{"a.yaml": site, "s.csv": tc.csv} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, src, diags := LoadSites(filepath.Join(dir, "a.yaml"))
			if len(diags) != 1 || diags[0].Summary != tc.summary {
				t.Fatalf("want one %s, got:\n%s", tc.summary, RenderDiagnostics(diags, src))
			}
			r := diags[0].Subject
			if got := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Column, r.End.Line, r.End.Column); got != tc.want {
				t.Errorf("at %s, want %s:\n%s", got, tc.want, RenderDiagnostics(diags, src))
			}
			if got := tc.csv[r.Start.Byte:r.End.Byte]; tc.text != "" && got != tc.text {
				t.Errorf("covers %q, want %q", got, tc.text)
			}
		})
	}
}

// TestFailedSubstitutionQuiet: a substitution in error is reported where
// it is defined, once; a value that uses it (directly, through another
// substitution, in every inventory row) is skipped without an error of
// its own ("${zz}" is not an integer), as an HCL expression using a
// failed local is. A row's cell of the same name is still used.
func TestFailedSubstitutionQuiet(t *testing.T) {
	const station = "stations:\n  cp-01:\n    serial: G1\n    settings:\n      chg_StationMaxCurrent: ${c}\n      com_OCPPID: \"x-${d}\"\n"
	const template = "inventory:\n  rows: [{name: a, serial: G1}, {name: b, serial: G2, c: 16}]\n  station:\n    serial: ${serial}\n    settings:\n      chg_StationMaxCurrent: ${c}\n"
	for _, tc := range []struct {
		name, src string
		want      []string // LINE:COL SUMMARY of each diagnostic
	}{
		{"undefined", "substitutions:\n  c: ${zz}\n  d: \"${c}\"\n" + station, []string{"2:6 Unknown substitution"}},
		{"cycle", "substitutions:\n  c: ${d}\n  d: ${c}\n" + station, []string{"3:6 Substitution cycle"}},
		{"not a plain value", "substitutions:\n  c: [1]\n  d: ok\n" + station, []string{"2:6 Invalid substitution"}},
		{"invalid name", "substitutions:\n  c d: 1\n  c: ${c d}\n  d: ok\n" + station, []string{"2:3 Invalid substitution name"}},
		{"inventory rows", "substitutions:\n  c: ${zz}\n" + template, []string{"2:6 Unknown substitution"}},
		{"undefined at the use", "substitutions:\n  d: ok\n" + station, []string{"7:30 Unknown substitution"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, diags := LoadSiteBytes("x.yaml", []byte(tc.src))
			var got []string
			for _, d := range diags {
				got = append(got, fmt.Sprintf("%d:%d %s", d.Subject.Start.Line, d.Subject.Start.Column, d.Summary))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q:\n%s", got, tc.want, RenderDiagnostics(diags, Sources{"x.yaml": []byte(tc.src)}))
			}
		})
	}
}

// TestInventoryFileNotASite: a YAML inventory beside the site file that
// reads it is not taken for a site file when the folder is walked.
func TestInventoryFileNotASite(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"list.yaml", "stations.yaml"} {
		b, err := os.ReadFile(filepath.Join("../testdata/inventory", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sites, src, diags := LoadSites(dir)
	if len(diags) > 0 {
		t.Fatal(RenderDiagnostics(diags, src))
	}
	if len(sites) != 1 || filepath.Base(sites[0].File) != "list.yaml" {
		t.Errorf("got %d sites", len(sites))
	}
	// Rows keyed like a site file's field, misspelt (station1 for
	// stations): still data, as only a field spelt exactly makes a site
	// file of a file read as data (they were read as a site file's
	// misspellings, and failed the run).
	dir = t.TempDir()
	for name, text := range map[string]string{
		"site.hcl":      "station \"s\" {\n  for_each = yamldecode(file(\"stations.yaml\"))\n  serial   = each.value.serial\n}\n",
		"stations.yaml": "station1: {serial: G1}\nstation2: {serial: G2}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sites, src, diags = LoadSites(dir)
	if len(diags) > 0 || len(sites) != 1 || len(sites[0].Stations) != 2 {
		t.Errorf("got %d sites:\n%s", len(sites), RenderDiagnostics(diags, src))
	}
}

// FuzzInventory feeds arbitrary CSV to the same inventory in both formats:
// never a panic, and when both load, the same stations.
func FuzzInventory(f *testing.F) {
	for _, p := range []string{"../sites/fleet/stations.csv", "../sites/fleet/south.csv"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name,serial\ncp-01,G1\ncp-01,G2\n"))
	f.Add([]byte("name,serial,max_current\n\"a\"\"b\",G1,\n"))
	f.Add([]byte("\xef\xbb\xbfname,serial\r\nx,${serial}\r\n"))
	dir := f.TempDir()
	hcl := []byte(`station "s" {
  for_each = { for r in csvdecode(file("inv.csv")) : r.name => r }
  serial   = each.value.serial
  settings {
    chg_StationMaxCurrent = each.value.max_current
  }
}
`)
	yml := []byte(`inventory:
  rows: inv.csv
  station:
    serial: "${serial}"
    settings:
      chg_StationMaxCurrent: "${max_current}"
`)
	f.Fuzz(func(t *testing.T, csv []byte) {
		if err := os.WriteFile(filepath.Join(dir, "inv.csv"), csv, 0o644); err != nil {
			t.Fatal(err)
		}
		var got [2][]string
		var ok [2]bool
		for i, src := range [][]byte{hcl, yml} {
			name := filepath.Join(dir, []string{"inv.hcl", "inv.yaml"}[i])
			s, srcs, diags := LoadSiteBytes(name, src)
			_ = RenderDiagnostics(diags, srcs)
			ok[i] = !diags.HasErrors() && s != nil
			if ok[i] {
				for _, st := range s.Stations {
					got[i] = append(got[i], stationSummary(st))
				}
			}
		}
		// The same stations, not the same order: HCL's for_each visits a
		// map's keys sorted, as Terraform does; YAML keeps the rows' order.
		slices.Sort(got[0])
		slices.Sort(got[1])
		if ok[0] && ok[1] && strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
			t.Errorf("HCL and YAML differ:\n%s\nvs\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
		}
	})
}

// TestSubstTextAsRegexp: a template's text cut once and expanded per row
// gives what replacing every match of substRE in place gives.
func TestSubstTextAsRegexp(t *testing.T) {
	subs := map[string]string{"host": "h.example"}
	for _, vars := range []map[string]string{{"a": "1", "b": "x y"}, {"a": "1", "": "empty"}} {
		testSubstText(t, varSource{vars: vars}, subs)
	}
}

func testSubstText(t *testing.T, vs varSource, subs map[string]string) {
	for _, s := range []string{"${a}", "$${a}", "$$${a}", "x${a}y${b}z", "${a", "${}", "${a}${a}",
		"wss://${host}/#SN#", "$${", "${ab}", "${a}${missing}${other}", "a}${b}{", "${}${x}"} {
		var missing []string
		want := substRE.ReplaceAllStringFunc(s, func(m string) string {
			if m == "$${" {
				return "${"
			}
			v, ok := vs.lookup(m[2:len(m)-1], subs)
			if !ok {
				missing = append(missing, m[2:len(m)-1])
			}
			return v
		})
		loc := substRE.FindStringIndex(s)
		wantWhole := loc != nil && loc[0] == 0 && loc[1] == len(s)
		st := parseSubst(s)
		got, miss, ok := st.expand(vs, subs)
		switch {
		case len(missing) > 0 && (ok || miss != missing[0]):
			t.Errorf("%q: missing %q, want %q", s, miss, missing[0])
		case len(missing) == 0 && (!ok || got != want):
			t.Errorf("%q: got %q (missing %q), want %q", s, got, miss, want)
		case st.whole != wantWhole:
			t.Errorf("%q: whole %v, want %v", s, st.whole, wantWhole)
		}
	}
}

// TestYAMLDuplicateKeys: a key used again names its first use, in a
// small mapping (searched) as in a large one (indexed).
func TestYAMLDuplicateKeys(t *testing.T) {
	for _, n := range []int{2, smallMapping + 4} {
		var b strings.Builder
		b.WriteString("site: s\nsubstitutions:\n  x: 1\n")
		for i := range n {
			fmt.Fprintf(&b, "  v%d: %d\n", i, i)
		}
		b.WriteString("  x: 2\n  x: 3\n")
		_, _, diags := LoadSiteBytes("s.yaml", []byte(b.String()))
		var got []string
		for _, d := range diags {
			got = append(got, fmt.Sprintf("%d: %s", d.Subject.Start.Line, d.Detail))
		}
		want := []string{
			fmt.Sprintf(`%d: "x" is already defined at s.yaml:3:3; a mapping names each key once.`, n+4),
			fmt.Sprintf(`%d: "x" is already defined at s.yaml:3:3; a mapping names each key once.`, n+5),
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%d keys:\n%s\nwant\n%s", n, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestYAMLRangeEnds: a node's end found on its own line is where posAt
// puts it; so is the end of a node whose line YAML counts differently
// (YAML also breaks lines at NEL and a lone CR, the position table only
// at LF), even where endOf then runs past the end of the file.
func TestYAMLRangeEnds(t *testing.T) {
	for _, src := range []string{
		"site: \"ü ✓\"\nstations:\n  cp-01: {serial: G1, settings: {com_OCPPID: 'é''x', chg_RatedCurrent: [16, 16]}}\n" +
			"  cp-02:\n    serial: |\n      G2\n    port: \"a\\\"b\"   # ✓\n    settings:\n      com_Endpoint: wss://x/ü\n",
		"a: &nnnnnnnnnn 1\u0085b: 2\nsite: *nnnnnnnnnn\n#  *",
		"a: &nnnnnnnnnn 1\rb: 2\nsite: *nnnnnnnnnn\n#     *",
	} {
		d := newYAMLDecoder("s.yaml", []byte(src))
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			start := d.pos(n.Line, n.Column)
			want := start
			if end := d.endOf(n, start.Byte); end > start.Byte {
				want = d.posAt(end)
			}
			if got := d.rangeOf(n).End; got != want {
				t.Errorf("%q: %d:%d %q: end %v, want %v", src, n.Line, n.Column, n.Value, got, want)
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(&doc)
		LoadSiteBytes("s.yaml", []byte(src)) // reports, never panics
	}
}

func TestIsIntegerAsYAMLInt(t *testing.T) {
	intRE := regexp.MustCompile(`^[-+]?[0-9]+$`)
	for _, s := range []string{"", "+", "-", "1", "-1", "+12", "007", "1a", "a1", "１", "--1", "+-1", " 1", "1 ", "1.0", "1e3"} {
		if got, want := isInteger(s), intRE.MatchString(s); got != want {
			t.Errorf("isInteger(%q) = %v, want %v", s, got, want)
		}
	}
}

// The Terraform functions an inventory is written with: try and can for an
// optional or odd column, the conversions, regex.
func TestInventoryFunctions(t *testing.T) {
	src := `locals {
  rows = [{ name = "a", serial = "G1", max = "" }, { name = "b", serial = "G2", max = "24" }, { name = "c", serial = "x", max = "" }]
}
station "x" {
  for_each = { for r in local.rows : r.name => r if can(regex("^G[0-9]+$", r.serial)) }
  serial   = each.value.serial
  settings {
    chg_StationMaxCurrent = try(tonumber(each.value.max), 20)
    chg_RatedCurrent      = tolist([tostring(32), 32])
  }
}
`
	sites, srcs, diags := LoadSiteBytes("f.hcl", []byte(src))
	if len(diags) > 0 {
		t.Fatal(RenderDiagnostics(diags, srcs))
	}
	var got []string
	for _, st := range sites.Stations {
		got = append(got, stationSummary(st))
	}
	want := []string{
		"a serial=G1 model= chg_RatedCurrent=32,32(station) chg_StationMaxCurrent=20(station)",
		"b serial=G2 model= chg_RatedCurrent=32,32(station) chg_StationMaxCurrent=24(station)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInventoryCellsTyped: a value that is a single ${column} is typed
// from the cell's text as YAML types plain text (25 a number, true a
// bool), so that an inventory decodes as the hand-written values do,
// also where only a bool will do (a firmware pin's locked); a quoted
// "${column}" stays a string.
func TestInventoryCellsTyped(t *testing.T) {
	image, err := filepath.Abs("../sites/firmware/V32R17.bin")
	if err != nil {
		t.Fatal(err)
	}
	firmware := "    firmware:\n      version: V32R17\n      file: " + image +
		"\n      sha256: 56d10b85e0f96234f0cf5b0ff016de194984f2309b64222f67842e9f292bf6ff\n"
	const written = "stations:\n  a:\n    serial: G1\n    settings:\n      chg_StationMaxCurrent: 25\n      com_OCPPID: \"1001\"\n" +
		"    ocpp:\n      LocalAuthorizeOffline: true\n      HeartbeatInterval: 300\n"
	const template = "  station:\n    serial: ${serial}\n    settings:\n      chg_StationMaxCurrent: ${max}\n      com_OCPPID: \"${id}\"\n" +
		"    ocpp:\n      LocalAuthorizeOffline: ${offline}\n      HeartbeatInterval: ${heartbeat}\n"
	dir := t.TempDir()
	files := map[string]string{
		"written.yaml": written + firmware + "      locked: true\n",
		"inline.yaml": "inventory:\n  rows:\n    - {name: a, serial: G1, max: 25, id: 1001, offline: true, heartbeat: 300, locked: true}\n" +
			template + firmware + "      locked: ${locked}\n",
		"csv.yaml": "inventory:\n  rows: rows.csv\n" + template + firmware + "      locked: ${locked}\n",
		"rows.csv": "name,serial,max,id,offline,heartbeat,locked\na,G1,25,1001,true,300,true\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	summary := func(name string) string {
		t.Helper()
		sites, src, diags := LoadSites(filepath.Join(dir, name))
		if len(diags) > 0 {
			t.Fatalf("%s:\n%s", name, RenderDiagnostics(diags, src))
		}
		st := sites[0].Stations[0]
		s := stationSummary(st)
		for _, o := range st.OCPP {
			s += fmt.Sprintf(" %s=%s", o.Key, o.Value.Canonical())
		}
		if st.Firmware != nil {
			s += fmt.Sprintf(" firmware=%s locked=%v", st.Firmware.Version, st.Firmware.Locked)
		}
		return s
	}
	want := summary("written.yaml")
	if !strings.Contains(want, "LocalAuthorizeOffline=true") || !strings.Contains(want, "locked=true") {
		t.Fatalf("written: %s", want)
	}
	for _, name := range []string{"inline.yaml", "csv.yaml"} {
		if got := summary(name); got != want {
			t.Errorf("%s decodes to\n%s\nwant\n%s", name, got, want)
		}
	}
}
