package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// trickyHCL has braces in strings, templates, comments and heredocs at
// every station.
func trickyHCL(n int) []byte {
	var b strings.Builder
	b.WriteString("site \"s\" {\n  description = \"braces } { in a string\"\n}\n")
	for i := range n {
		fmt.Fprintf(&b, `
# a comment with a brace }
station "cp-%d" { // another }
  serial = "G%d"
  /* block comment { */
  settings {
    com_OCPPID = "${upper("nl")}ECO%d"
    com_Endpoint = "ws.evc.net:80/#SN#/${"}"}$${x}"
    chg_RatedCurrent = [16, 16]
  }
}
`, i, 100000+i, i)
		if i%7 == 0 {
			fmt.Fprintf(&b, "station \"h-%d\" {\n  serial = \"H%d\"\n  port = <<-EOT\n    /dev/ttyUSB0 } {\n    EOT\n}\n", i, i)
		}
	}
	return []byte(b.String())
}

func TestSplitTopLevel(t *testing.T) {
	src := trickyHCL(400)
	cuts := splitTopLevel(src, 2048)
	if len(cuts) < 10 || cuts[len(cuts)-1] != len(src) {
		t.Fatalf("cuts %v (len %d)", cuts, len(src))
	}
	chunked, ok := parseChunks(src, "t.hcl", cuts)
	if !ok {
		t.Fatal("chunks did not parse")
	}
	f, diags := hclsyntax.ParseConfig(src, "t.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	whole := f.Body.(*hclsyntax.Body)
	if len(whole.Blocks) != len(chunked.Blocks) {
		t.Fatalf("%d blocks whole, %d chunked", len(whole.Blocks), len(chunked.Blocks))
	}
	for i, b := range whole.Blocks {
		c := chunked.Blocks[i]
		if b.Type != c.Type || strings.Join(b.Labels, ",") != strings.Join(c.Labels, ",") || b.TypeRange != c.TypeRange {
			t.Fatalf("block %d: %s %v %v vs %s %v %v", i, b.Type, b.Labels, b.TypeRange, c.Type, c.Labels, c.TypeRange)
		}
	}
	// The whole pipeline gives the same stations either way.
	site, _, diags := LoadSiteBytes("t.hcl", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(site.Stations) != 400+58 {
		t.Errorf("%d stations", len(site.Stations))
	}
	if s := setting(site.Stations[3], "com_Endpoint"); s == nil || s.Value.Canonical() != "ws.evc.net:80/#SN#/}${x}" {
		t.Errorf("endpoint %+v", s)
	}

	for _, bad := range []string{"a {\n", "a { \"x\n}\n", "a {\n x = <<EOT\n y\n}\n", "}\n", "a { /* x }\n"} {
		if c := splitTopLevel([]byte(bad), 1); c != nil {
			t.Errorf("%q: cuts %v, want nil", bad, c)
		}
	}
}

// TestHCLErrorsSameAsWhole: a syntax error in a file parsed in chunks
// (sequentially, or in parallel for a large file) is reported exactly as
// the whole-file parse reports it.
func TestHCLErrorsSameAsWhole(t *testing.T) {
	for _, n := range []int{60, 3000} {
		src := trickyHCL(n)
		if n > 60 && len(src) < hclParallelBytes {
			t.Fatalf("source only %d bytes", len(src))
		}
		i := strings.LastIndex(string(src), "[16, 16]")
		bad := append(append([]byte{}, src[:i]...), append([]byte("[16, 16"), src[i+len("[16, 16]"):]...)...)
		_, _, diags := LoadSiteBytes("t.hcl", bad)
		_, want := hclsyntax.ParseConfig(bad, "t.hcl", hcl.InitialPos)
		if len(diags) == 0 || len(diags) != len(want) || diags[0].Error() != want[0].Error() {
			t.Errorf("%d stations: got %v, want %v", n, diags, want)
		}
	}
}

// TestChunkStartingWithBOM: hclsyntax skips a byte order mark at the
// start of its input only; one in the middle of a file is the whole
// parse's to report, never skipped by a chunk.
func TestChunkStartingWithBOM(t *testing.T) {
	first := "station \"a\" {\n  serial = \"G1\"\n}\n"
	src := []byte(first + "\uFEFFstation \"b\" {\n  serial = \"G2\"\n}\n")
	if _, ok := parseChunks(src, "t.hcl", []int{len(first), len(src)}); ok {
		t.Error("a chunk starting with a byte order mark was accepted")
	}
	if _, diags := hclsyntax.ParseConfig(src, "t.hcl", hcl.InitialPos); !diags.HasErrors() {
		t.Error("the whole file parses: the test no longer shows why")
	}
	if _, ok := parseChunks(src[len(first):], "t.hcl", []int{len(src) - len(first)}); !ok {
		t.Error("a file starting with a byte order mark did not parse")
	}
}
