package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// go generate (or make docs) regenerates the command reference.
//go:generate go test -run ^TestDocs$ -update-docs

var updateDocs = flag.Bool("update-docs", false, "regenerate docs/cli from the command tree")

// docsDir is the command reference: markdown/ and man/ (section 1).
const docsDir = "../../docs/cli"

// TestDocs fails when docs/cli differs from what the command tree
// generates; -update-docs (make docs) rewrites it.
func TestDocs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("flag defaults name Unix paths")
	}
	t.Setenv("TMPDIR", "/tmp") // ecc sim's --state default
	gen := t.TempDir()
	root := newRoot(&globals{})
	root.DisableAutoGenTag = true // no generation date: the files change only with the commands
	root.InitDefaultCompletionCmd()
	if err := doc.GenMarkdownTree(root, mkdir(t, gen, "markdown")); err != nil {
		t.Fatal(err)
	}
	placeholders := manPlaceholders(root, map[string][]string{})
	manText(root)
	date := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	hdr := &doc.GenManHeader{Title: "ECC", Section: "1", Source: "ecc", Manual: "ecc manual", Date: &date}
	if err := doc.GenManTree(root, hdr, mkdir(t, gen, "man")); err != nil {
		t.Fatal(err)
	}
	// Every <placeholder> of a command's help is in its man page (they
	// were dropped as HTML tags).
	man := readDir(t, filepath.Join(gen, "man"))
	for page, names := range placeholders {
		for _, n := range names {
			if !bytes.Contains(man[page], []byte(n)) {
				t.Errorf("man page %s lacks %s of the help", page, n)
			}
		}
	}
	for _, sub := range []string{"markdown", "man"} {
		want := readDir(t, filepath.Join(gen, sub))
		if *updateDocs {
			dir := filepath.Join(docsDir, sub)
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			for name, data := range want {
				if err := os.WriteFile(filepath.Join(mkdir(t, docsDir, sub), name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			continue
		}
		got := readDir(t, filepath.Join(docsDir, sub))
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("docs/cli/%s/%s is stale: run make docs (go generate ./cmd/ecc)", sub, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("docs/cli/%s/%s documents no command: run make docs", sub, name)
			}
		}
	}
}

// manText escapes, in every command's long help, what the man pages'
// markdown reader (go-md2man) would take for HTML and drop: a placeholder
// such as <state>/backups/<serial>/ or ECC_AUTH_<NAME> came out as
// /backups// and ECC_AUTH_. The markdown reference shows the help as text
// and is generated before.
func manText(c *cobra.Command) {
	if c.Name() == "completion" {
		return // cobra's own help: shell code blocks, shown as written
	}
	c.Long = manEscape.Replace(c.Long)
	for _, sub := range c.Commands() {
		manText(sub)
	}
}

// manPlaceholders lists, by man page, the <placeholders> of each
// command's long help.
func manPlaceholders(c *cobra.Command, out map[string][]string) map[string][]string {
	if c.Name() == "completion" {
		return out
	}
	page := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
	out[page] = placeholderRE.FindAllString(c.Long, -1)
	for _, sub := range c.Commands() {
		manPlaceholders(sub, out)
	}
	return out
}

var placeholderRE = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9]*>`)

// manEscape escapes "<" (a placeholder taken for an HTML tag) and "_" (a
// pair of them, as in ECC_AUTH_<NAME>, taken for emphasis).
var manEscape = strings.NewReplacer("<", `\<`, "_", `\_`)

func mkdir(t *testing.T, parts ...string) string {
	dir := filepath.Join(parts...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readDir reads every file of dir by name (none when dir is missing).
func readDir(t *testing.T, dir string) map[string][]byte {
	files := map[string][]byte{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}
