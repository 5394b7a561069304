package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDist runs `make dist` for this machine's platform only (make test
// stays fast; the release builds all five) and checks the archive: the
// files, the SHA256SUMS line, and the version stamped into the binary.
func TestDist(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds a release archive with make, tar and sha256sum")
	}
	for _, tool := range []string{"make", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	dist := t.TempDir()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	make := exec.Command("make", "-s", "dist", "DIST="+dist, "DIST_PLATFORMS="+platform, "VERSION=v9.8.7-test")
	make.Dir = "../.."
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	name := "ecc_v9.8.7-test_" + runtime.GOOS + "_" + runtime.GOARCH
	archive := filepath.Join(dist, name+".tar.gz")
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	check := exec.Command("sha256sum", "-c", "SHA256SUMS")
	check.Dir = dist
	if out, err := check.CombinedOutput(); err != nil || !strings.Contains(string(sums), name+".tar.gz") {
		t.Fatalf("SHA256SUMS %q: %v %s", sums, err, out)
	}
	if out, err := exec.Command("tar", "-xzf", archive, "-C", dist).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	for _, f := range []string{"ecc", "LICENSE", "README.md", "CHANGELOG.md", "docs/cli/man/ecc.1", "docs/cli/markdown/ecc.md"} {
		if _, err := os.Stat(filepath.Join(dist, name, f)); err != nil {
			t.Error(err)
		}
	}
	out, err := exec.Command(filepath.Join(dist, name, "ecc"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "ecc v9.8.7-test ") {
		t.Errorf("ecc version: %q %v", out, err)
	}
}

// TestGoreleaserMatchesMakeDist: .goreleaser.yaml (which needs goreleaser,
// not run here) builds what `make dist` builds: the same platforms, the
// same stamp, the same archive names and files.
func TestGoreleaserMatchesMakeDist(t *testing.T) {
	data, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Builds []struct {
			Main    string   `yaml:"main"`
			Ldflags []string `yaml:"ldflags"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ignore  []struct{ Goos, Goarch string }
		}
		Archives []struct {
			NameTemplate    string   `yaml:"name_template"`
			Formats         []string `yaml:"formats"`
			FormatOverrides []struct {
				Goos    string
				Formats []string
			} `yaml:"format_overrides"`
			Files []string
		}
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
		}
	}
	if err := yaml.Unmarshal(data, &g); err != nil || len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf("%v %+v", err, g)
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(mk), "\n") {
		if p, ok := strings.CutPrefix(l, "DIST_PLATFORMS = "); ok {
			want = strings.Fields(p)
		}
	}
	b := g.Builds[0]
	var got []string
	for _, goos := range b.Goos {
	arch:
		for _, arch := range b.Goarch {
			for _, ig := range b.Ignore {
				if ig.Goos == goos && ig.Goarch == arch {
					continue arch
				}
			}
			got = append(got, goos+"/"+arch)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) != 5 {
		t.Errorf("goreleaser builds %v, make dist %v", got, want)
	}
	a := g.Archives[0]
	if b.Main != "./cmd/ecc" || len(b.Ldflags) != 1 || !strings.Contains(b.Ldflags[0], "-X main.version=v{{ .Version }} -X main.commit={{ .FullCommit }}") ||
		a.NameTemplate != "ecc_v{{ .Version }}_{{ .Os }}_{{ .Arch }}" || !slices.Equal(a.Formats, []string{"tar.gz"}) ||
		len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) ||
		!slices.Equal(a.Files, []string{"LICENSE", "README.md", "CHANGELOG.md", "docs/cli/**/*"}) || g.Checksum.NameTemplate != "SHA256SUMS" {
		t.Errorf("%+v", g)
	}
	if !strings.Contains(string(mk), "cp LICENSE README.md CHANGELOG.md ") || !strings.Contains(string(mk), "name=ecc_$(VERSION)_$${os}_$${arch}") {
		t.Error("the Makefile's dist target no longer packs what the test expects")
	}
}
