package model

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// RenderDiagnosticsGitHub renders diagnostics as GitHub Actions workflow
// commands, one a line:
//
//	::error file=F,line=L,col=C,endLine=L2,endColumn=C2::MESSAGE
//
// which GitHub shows as annotations on the pull request's diff. Values are
// escaped by the runner's rules (toolkit's command.ts): % CR LF in the
// message; also : and , in properties.
func RenderDiagnosticsGitHub(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("::" + severityName(d.Severity))
		if r := d.Subject; r != nil && r.Filename != "" {
			// Forward slashes: GitHub matches the path against the
			// repository's, also from a Windows runner (sites\depot.hcl).
			fmt.Fprintf(&b, " file=%s,line=%d,col=%d", ghProperty(filepath.ToSlash(r.Filename)), r.Start.Line, r.Start.Column)
			if r.End.Line > 0 {
				fmt.Fprintf(&b, ",endLine=%d,endColumn=%d", r.End.Line, r.End.Column)
			}
		}
		b.WriteString("::" + ghData(diagMessage(d)) + "\n")
	}
	return b.String()
}

var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func ghData(s string) string     { return ghDataEscaper.Replace(s) }
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
