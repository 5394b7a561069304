package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/plan"
)

// savedPlan writes a small plan as plan -out would and returns its path.
func savedPlan(t *testing.T) string {
	t.Helper()
	p := &plan.Plan{FormatVersion: plan.FormatVersion, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		SiteFiles: []string{"sites/depot.hcl"},
		Stations: []*plan.Station{{Name: "cp-01", Serial: "G48229", Model: "EVC5.1", SiteFile: "sites/depot.hcl",
			ObservedAt: time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC), Fingerprint: "f",
			Firmware: plan.Firmware{Current: "V32R17", Desired: "V32R17", Action: "none"},
			Changes: []plan.Change{{Key: "chg_StationMaxCurrent", Action: "update", Before: "32", After: "25"},
				{Key: "authorizationKey", Action: "set", Sensitive: true}},
			Errors: []plan.Problem{}}}}
	path := filepath.Join(t.TempDir(), "plan.out")
	if err := plan.Save(path, p); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestShow: a saved plan rendered in each format exactly as the plan
// views render the loaded plan; anything else is refused.
func TestShow(t *testing.T) {
	path := savedPlan(t)
	loaded, err := plan.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := runECC(t, "show", path, "--format", format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			render, _ := planRenderer(format)
			var want bytes.Buffer
			if err := render(&want, loaded, planRenderOptions{}); err != nil {
				t.Fatal(err)
			}
			if out != want.String() || !strings.Contains(out, "chg_StationMaxCurrent") {
				t.Errorf("got\n%s\nwant\n%s", out, want.String())
			}
			if format == "json" && !json.Valid([]byte(out)) {
				t.Errorf("not JSON: %s", out)
			}
		})
	}
	for _, tc := range []struct{ arg, want, wantNot string }{
		{"../../sites/depot.hcl", "not a saved plan", ""},
		// A missing file is said to be missing (a typo, or a plan not
		// yet saved), not "not a saved plan".
		{filepath.Join(t.TempDir(), "plan.out"), "no such file", "not a saved plan"},
	} {
		_, errOut, code := runECC(t, "show", tc.arg)
		if code != 1 || !strings.Contains(errOut, tc.want) || tc.wantNot != "" && strings.Contains(errOut, tc.wantNot) {
			t.Errorf("show %s: exit %d, %s", tc.arg, code, errOut)
		}
	}
	for _, args := range [][]string{{"plan", path, "--offline"}, {"validate", path}} {
		_, errOut, code := runECC(t, args...)
		if code != 1 || !strings.Contains(errOut, "is a saved plan") || !strings.Contains(errOut, "ecc show "+path) || !strings.Contains(errOut, "ecc apply "+path) {
			t.Errorf("%s of a saved plan: exit %d, %s", args[0], code, errOut)
		}
	}
}

// TestFmt: -check lists and exits 3 writing nothing, -diff shows the
// change, plain fmt rewrites and a second run changes nothing; a file with
// a syntax error exits 1 while the others are still formatted.
func TestFmt(t *testing.T) {
	dir := t.TempDir()
	ugly := "station \"a\" {\nserial=\"G1\"\n}\n"
	pretty := "station \"a\" {\n  serial = \"G1\"\n}\n"
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o640); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.hcl", ugly)
	b := write("sub/b.yaml", "stations:\n    cp-01:\n        serial: G1\n")
	ok := write("ok.hcl", pretty)
	read := func(p string) string { s, _ := os.ReadFile(p); return string(s) }

	out, _, code := runECC(t, "fmt", "-check", "-recursive", dir)
	if code != 3 || out != a+"\n"+b+"\n" || read(a) != ugly {
		t.Errorf("-check: exit %d, %q", code, out)
	}
	out, _, code = runECC(t, "fmt", "-diff", dir)
	if code != 0 || !strings.Contains(out, "-serial=\"G1\"\n+  serial = \"G1\"\n") || read(a) != pretty || read(ok) != pretty {
		t.Errorf("-diff: exit %d, %q", code, out)
	}
	if read(b) == "stations:\n  cp-01:\n    serial: G1\n" {
		t.Error("not -recursive, yet sub/b.yaml was formatted")
	}
	if st, _ := os.Stat(a); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode())
	}
	out, _, code = runECC(t, "fmt", "-recursive", dir)
	if code != 0 || out != b+"\n" || read(b) != "stations:\n  cp-01:\n    serial: G1\n" {
		t.Errorf("-recursive: exit %d, %q", code, out)
	}
	if out, _, code = runECC(t, "fmt", "-check", "-recursive", dir); code != 0 || out != "" {
		t.Errorf("second run: exit %d, %q", code, out)
	}
	bad := write("bad.hcl", "station {\n")
	c := write("c.hcl", ugly)
	out, errOut, code := runECC(t, "fmt", dir)
	if code != 1 || !strings.HasPrefix(errOut, bad+":") || out != c+"\n" || read(c) != pretty {
		t.Errorf("syntax error: exit %d, %q, %q", code, out, errOut)
	}
}

// TestFmtStdin: fmt - formats standard input to standard output, as
// terraform fmt - does (HCL), or as the format --stdin-filename names;
// -check writes nothing and exits 3, -diff writes the diff; a syntax
// error is at <stdin>:LINE:COL (or the name given), exit 1, no output.
func TestFmtStdin(t *testing.T) {
	ugly, pretty := "station \"a\" {\nserial=\"G1\"\n}\n", "station \"a\" {\n  serial = \"G1\"\n}\n"
	for _, tc := range []struct {
		name, in     string
		args         []string
		code         int
		out, errPart string
	}{
		{"hcl", ugly, nil, 0, pretty, ""},
		{"formatted", pretty, nil, 0, pretty, ""},
		{"yaml by name", "stations:\n    a: {serial: G1}\n", []string{"--stdin-filename", "sites/x.yaml"}, 0, "stations:\n  a: {serial: G1}\n", ""},
		{"check", ugly, []string{"-check"}, 3, "", ""},
		{"check formatted", pretty, []string{"-check"}, 0, "", ""},
		{"diff", ugly, []string{"-diff"}, 0, "--- old/<stdin>\n+++ new/<stdin>\n@@ -1,3 +1,3 @@\n station \"a\" {\n-serial=\"G1\"\n+  serial = \"G1\"\n }\n", ""},
		{"syntax", "station {\n", nil, 1, "", "<stdin>:1:9: error: Unclosed configuration block"},
		{"syntax named", "a: [1,\n", []string{"--stdin-filename", "x.yml"}, 1, "", "x.yml:"},
		{"yaml unstable", "defaults:\n  settings:\n    a: 6\n\n  # b\n\n  # c\n   # d\n  ocpp:\n    e: 120\n", []string{"-check", "--stdin-filename", "x.yaml"}, 1, "", "x.yaml:7:3: error: Cannot format"},
		{"yaml comment lost", "a: [\n  # inside\n]\n", []string{"--stdin-filename", "x.yaml"}, 1, "", "x.yaml:2:3: error: Cannot format"},
		{"unknown format", ugly, []string{"--stdin-filename", "x.txt"}, 1, "", "x.txt:1:1: error: Unknown site file format"},
		{"with files", ugly, []string{"a.hcl"}, 1, "", "cannot be given with other files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"fmt", "-"}, tc.args...), strings.NewReader(tc.in), &out, &errOut)
			if code != tc.code || out.String() != tc.out || !strings.Contains(errOut.String(), tc.errPart) {
				t.Errorf("exit %d (want %d)\nstdout %q\nwant   %q\nstderr %q (want %q in it)", code, tc.code, out.String(), tc.out, errOut.String(), tc.errPart)
			}
		})
	}
	if _, errOut, code := runECC(t, "fmt", "--stdin-filename", "x.hcl", "."); code != 1 || !strings.Contains(errOut, "goes with -") {
		t.Errorf("--stdin-filename without -: exit %d, %q", code, errOut)
	}
}

// TestFirmwareInspectSite: the pin names the image relative to the site
// file given with --site, in text and JSON; without --site, as given.
func TestFirmwareInspectSite(t *testing.T) {
	img := "../../sites/firmware/V32R17.bin"
	out, errOut, code := runECC(t, "firmware", "inspect", img, "--site", "../../sites/depot.hcl")
	if code != 0 || !strings.Contains(out, "file    = \"firmware/V32R17.bin\"") || !strings.Contains(out, "file: firmware/V32R17.bin") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
	out, _, _ = runECC(t, "firmware", "inspect", img, "--site", "../../sites/fleet/north.hcl", "--format", "json")
	var v struct{ PinFile, PinHCL string }
	if err := json.Unmarshal([]byte(out), &struct {
		PinFile *string `json:"pin_file"`
		PinHCL  *string `json:"pin_hcl"`
	}{&v.PinFile, &v.PinHCL}); err != nil || v.PinFile != "../firmware/V32R17.bin" || !strings.Contains(v.PinHCL, `"../firmware/V32R17.bin"`) {
		t.Errorf("%v %+v\n%s", err, v, out)
	}
	if out, _, _ = runECC(t, "firmware", "inspect", img); !strings.Contains(out, `"../../sites/firmware/V32R17.bin"`) || !strings.Contains(out, "see --site") {
		t.Errorf("without --site:\n%s", out)
	}
	// Through the real binary: a site file, and a folder of site files.
	for site, want := range map[string]string{"../../sites/depot.yaml": "file: firmware/V32R17.bin\n", "../../sites/fleet/": `file    = "../firmware/V32R17.bin"`} {
		out, errOut, code := runBinary(t, nil, "firmware", "inspect", img, "--site", site)
		if code != 0 || !strings.Contains(out, "Pin for "+site+" (file relative to it):") || !strings.Contains(out, want) {
			t.Errorf("--site %s: exit %d, want %q:\n%s%s", site, code, want, out, errOut)
		}
	}
}

// TestFmtDiffApplies: fmt -diff writes what terraform fmt -diff writes,
// a unified diff labelled old/FILE and new/FILE, that git apply (and
// patch -p1) take: a reviewer's suggestion can be applied as it is.
// "FILE (before)" / "FILE (formatted)" named no file git could find; a
// folder named by its absolute path gave "old//tmp/...", which git refuses.
func TestFmtDiffApplies(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	for _, arg := range []string{".", dir} {
		files := map[string]string{
			"a.hcl":       "station \"a\" {\nserial=\"G1\"\n}\n",
			"sub/b.yaml":  "stations:\n    cp-01:\n        serial: G1\n",
			"sub/ok.yaml": "stations:\n  cp-02:\n    serial: G2\n",
			"crlf/c.yaml": "stations:\r\n    cp-03:  {serial: G3}\r\n",
		}
		for name, src := range files {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		diff, errOut, code := runECC(t, "fmt", "-check", "-diff", "-recursive", arg)
		if code != 3 {
			t.Fatalf("%s: exit %d: %s", arg, code, errOut)
		}
		cmd := exec.Command(gitBin, "apply", "-")
		cmd.Stdin = strings.NewReader(diff)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: git apply: %v\n%s\nthe diff:\n%s", arg, err, out, diff)
		}
		if out, _, code := runECC(t, "fmt", "-check", "-recursive", "."); code != 0 {
			t.Errorf("%s: after git apply, still to format:\n%s", arg, out)
		}
	}
}

// fmt -diff stars secret values on both sides, as every text ecc prints
// for a CI log does: the file's and standard input's.
func TestFmtDiffHidesSecrets(t *testing.T) {
	dir := t.TempDir()
	src := "station \"a\" {\nserial=\"G1\"\nsettings {\nauthorizationKey=\"user:ZZFMT1\"\ngsm_APN=[\"m2m\",\"bob\",\n\"ZZFMT2\"]\n}\n}\n"
	p := filepath.Join(dir, "j.hcl")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	diff, errOut, code := runECC(t, "fmt", "-diff", "-check", p)
	if code != 3 || !strings.Contains(diff, "+  serial = \"G1\"") {
		t.Fatalf("exit %d, no diff:\n%s%s", code, diff, errOut)
	}
	var stdin strings.Builder
	run([]string{"fmt", "-diff", "-"}, strings.NewReader(src), &stdin, &stdin)
	if out := diff + errOut + stdin.String(); strings.Contains(out, "ZZFMT") || !strings.Contains(stdin.String(), "***") {
		t.Errorf("a secret shows, or the diff is empty:\n%s", out)
	}
}

// A saved plan cut short (a copy interrupted, an edit gone wrong) is
// reported as a plan that does not read, at FILE:LINE:COL, by apply and
// show alike; apply took it for a site file of unknown format.
func TestDamagedSavedPlan(t *testing.T) {
	data, err := os.ReadFile(savedPlan(t))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "p.plan")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"apply", "show"} {
		_, errOut, code := runECC(t, cmd, cut)
		if code != 1 || !strings.Contains(errOut, cut+":") || !strings.Contains(errOut, "not a saved plan ecc can read") || strings.Contains(errOut, "Unknown site file format") {
			t.Errorf("ecc %s of a damaged plan: exit %d\n%s", cmd, code, errOut)
		}
	}
}
