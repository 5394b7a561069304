package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// addSeeds adds the example and invalid site files with the given
// extensions as seeds.
func addSeeds(f *testing.F, exts ...string) {
	var files []string
	for _, ext := range exts {
		for _, pat := range []string{"../sites/*" + ext, "../testdata/sites/*" + ext, "../sites/factory/*" + ext, "../testdata/sites/factory/*" + ext} {
			m, _ := filepath.Glob(pat)
			files = append(files, m...)
		}
	}
	if len(files) == 0 {
		f.Fatalf("no seed files for %v", exts)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// fuzzSite loads src as a site file named name and checks the result is
// consistent; it must never panic.
func fuzzSite(t *testing.T, name string, src []byte) {
	site, srcs, diags := LoadSiteBytes(name, src)
	_ = RenderDiagnostics(diags, srcs)
	_ = RenderDiagnosticsJSON(diags)
	for _, d := range diags {
		if d.Subject != nil && d.Subject.Filename == "" {
			t.Fatalf("diagnostic with a subject but no file: %s", d.Summary)
		}
	}
	if diags.HasErrors() {
		return
	}
	if site == nil {
		t.Fatal("no site and no error")
	}
	for _, st := range site.Stations {
		if st.Serial == "" {
			t.Fatalf("station %q valid without a serial", st.Name)
		}
		for _, s := range st.Settings {
			if s.Value == nil || !Classify(s.Key).Writable() {
				t.Fatalf("station %q: bad setting %s", st.Name, s.Key)
			}
		}
	}
}

func FuzzLoadHCL(f *testing.F) {
	addSeeds(f, ".hcl")
	f.Add([]byte(`site "s" {}` + "\nstation \"a\" {\n serial = \"G1\"\n settings { x = [{a = 1}] }\n}\n"))
	f.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:fuzz")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzSite(t, filepath.Join(dir, "site.hcl"), src)
		// Chunked parsing never accepts what the whole-file parse refuses.
		if cuts := splitTopLevel(src, 16); len(cuts) > 1 {
			if body, ok := parseChunks(src, "c.hcl", cuts); ok {
				f, diags := hclsyntax.ParseConfig(src, "c.hcl", hcl.InitialPos)
				if diags.HasErrors() || len(f.Body.(*hclsyntax.Body).Blocks) != len(body.Blocks) {
					t.Fatalf("chunks parsed but the whole file gives %v", diags)
				}
			}
		}
	})
}

func FuzzLoadYAML(f *testing.F) {
	addSeeds(f, ".yaml")
	f.Add([]byte("site: s\nstations:\n  a:\n    serial: G1\n    settings:\n      chg_Debug: [{a: 1}, !env X]\n"))
	f.Add([]byte("a: &nnnnnnnnnn 1\u0085b: 2\nsite: *nnnnnnnnnn\n#  *")) // YAML counts a line more than the position table
	f.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:fuzz")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		fuzzSite(t, filepath.Join(dir, "site.yaml"), src)
	})
}

func FuzzLoadFactory(f *testing.F) {
	addSeeds(f, ".json")
	f.Fuzz(func(t *testing.T, src []byte) {
		settings, diags := parseFactory("factory.json", src)
		_ = RenderDiagnostics(diags, Sources{"factory.json": src})
		if diags.HasErrors() {
			return
		}
		for _, s := range settings {
			if s.Value == nil || !Classify(s.Key).Writable() || strings.TrimSpace(s.Key) == "" {
				t.Fatalf("bad setting %q", s.Key)
			}
		}
	})
}

// FuzzSecretNeverQuoted: a secret written in a site file, valid or not,
// whatever else the file holds (the fuzzer's before and after), never
// appears in the diagnostics as text or JSON, nor in the source lines
// they quote. The secret is the authorizationKey's password or gsm_APN's,
// in HCL and in YAML.
func FuzzSecretNeverQuoted(f *testing.F) {
	f.Add(false, "station \"cp\" {\n  serial = \"G1\"\n  model = \"EVC5.x\"\n  settings {\n    ", "\n  }\n}\n", "Qx7Secret9")
	f.Add(false, "station \"cp\" {\n  serial = \"G1\"\n  settings {\n    chg_StationMaxCurrent = 99\n    ", " }\n", "Zz8Secret1")
	f.Add(false, "station \"cp\" {\n  settings {\n    ", "\n    com_Options = { useTLS = 1 ", "Kk5Secret5")
	f.Add(true, "stations:\n  cp:\n    serial: G1\n    model: EVC5.x\n    settings:\n      ", "\n      chg_StationMaxCurrent: 99\n", "Yy2Secret2")
	f.Add(true, "stations:\n  cp:\n    settings:\n      ", "\n     bad: [\n", "Ww3Secret3")
	f.Fuzz(func(t *testing.T, yaml bool, before, after, secret string) {
		last := before[strings.LastIndexByte(before, '\n')+1:]
		if len(secret) < 6 || strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" ||
			strings.Contains(before+after, secret[:6]) || strings.TrimLeft(last, " \t") != "" {
			// A word found only where it was written as the secret, its
			// key at the start of a line ("0authorizationKey" is no key).
			return
		}
		lines := []string{
			`authorizationKey = "ops:` + secret + `"`,
			`gsm_APN = "internet,ops,` + secret + `"`,
			`gsm_APN = ["internet", "ops", "` + secret + `"]`,
			`gsm_APN = { name = "internet", password = "` + secret + `" }`,
			// over several lines, indented under the key (last)
			"gsm_APN = [\n" + last + `  "internet", "ops",` + "\n" + last + `  "` + secret + `",` + "\n" + last + "]",
		}
		toYAML := strings.NewReplacer(" = ", ": ", `"`, "", "{ ", "{", " }", "}")
		if yaml {
			for i := range lines {
				lines[i] = toYAML.Replace(lines[i])
			}
			lines = append(lines,
				"authorizationKey: |\n"+last+"  ops:"+secret,
				"gsm_APN:\n"+last+"  name: internet\n"+last+"  password: "+secret,
				"gsm_APN:\n"+last+"  - internet\n"+last+"  - ops\n"+last+"  - "+secret)
		} else {
			lines = append(lines, "authorizationKey = <<EOT\nops:"+secret+"\nEOT")
		}
		for _, line := range lines {
			name := "s.hcl"
			if yaml {
				name = "s.yaml"
			}
			_, srcs, diags := LoadSiteBytes(name, []byte(before+line+after))
			out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags)) + RenderDiagnosticsGitHub(diags)
			if strings.Contains(out, secret[:6]) {
				t.Fatalf("the secret shows:\n%s", out)
			}
		}
	})
}
