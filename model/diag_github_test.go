package model

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
)

func TestRenderDiagnosticsGitHub(t *testing.T) {
	rng := &hcl.Range{Filename: "sites/a,b:c%.hcl", Start: hcl.Pos{Line: 3, Column: 5}, End: hcl.Pos{Line: 3, Column: 9}}
	for _, tc := range []struct {
		name string
		d    *hcl.Diagnostic
		want string
	}{
		{"error at a range, property escaped", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad value", Detail: "50% too high, really:\nsee\rhere", Subject: rng},
			"::error file=sites/a%2Cb%3Ac%25.hcl,line=3,col=5,endLine=3,endColumn=9::Bad value: 50%25 too high, really:%0Asee%0Dhere\n"},
		{"warning without a file", &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Something"},
			"::warning::Something\n"},
	} {
		if got := RenderDiagnosticsGitHub(hcl.Diagnostics{tc.d}); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
