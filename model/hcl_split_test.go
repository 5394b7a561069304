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

// TestLargeHCLErrorsSameAsWhole: a syntax error in a large file is reported
// exactly as the whole-file parse reports it.
func TestLargeHCLErrorsSameAsWhole(t *testing.T) {
	src := trickyHCL(3000)
	if len(src) < hclChunkMin {
		t.Fatalf("source only %d bytes", len(src))
	}
	i := strings.LastIndex(string(src), "[16, 16]")
	bad := append(append([]byte{}, src[:i]...), append([]byte("[16, 16"), src[i+len("[16, 16]"):]...)...)
	_, _, diags := LoadSiteBytes("t.hcl", bad)
	_, want := hclsyntax.ParseConfig(bad, "t.hcl", hcl.InitialPos)
	if len(diags) == 0 || len(diags) != len(want) || diags[0].Error() != want[0].Error() {
		t.Errorf("got %v, want %v", diags, want)
	}
}
