package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/apparentlymart/go-textseg/v15/textseg"
	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/hashicorp/hcl/v2"
)

// RenderDiagnostics renders diagnostics as text, one block per diagnostic:
//
//	FILE:LINE:COL: error: SUMMARY: DETAIL
//	   12 |     chg_RatedCurrent = [16, 99]
//	      |                             ^~
//
// The source line and marker come from src when it holds the file. Nothing
// is printed: the caller writes the result (to stderr), of the
// diagnostics FoldWarnings shows.
func RenderDiagnostics(diags hcl.Diagnostics, src Sources) string {
	var b strings.Builder
	for _, d := range diags {
		writeDiagnostic(&b, d, src)
	}
	return b.String()
}

// FoldWarnings splits diags into those to show, in order, and the
// warnings to fold into a count: warnings alike (the same summary) are
// shown maxAlike times, then counted, as Terraform consolidates them (a
// fleet with a secret written in every one of its 100,000 stations would
// bury its errors). The view words the count, and where the JSON form
// lists them all; validate's "N warnings above" counts the same.
func FoldWarnings(diags hcl.Diagnostics) (shown, folded hcl.Diagnostics) {
	alike := map[string]int{}
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			if alike[d.Summary]++; alike[d.Summary] > maxAlike {
				folded = append(folded, d)
				continue
			}
		}
		shown = append(shown, d)
	}
	return shown, folded
}

// maxAlike is how many warnings alike FoldWarnings shows.
const maxAlike = 3

// severityName is "error" or "warning".
func severityName(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "warning"
	}
	return "error"
}

// diagMessage joins summary and detail, dropping a detail's "KEY: " prefix
// when the summary already ends with KEY.
func diagMessage(d *hcl.Diagnostic) string {
	summary := strings.TrimSuffix(strings.TrimSpace(d.Summary), ".")
	detail := strings.TrimSpace(d.Detail)
	if detail == "" {
		return summary
	}
	if i := strings.LastIndexByte(summary, ' '); i >= 0 {
		if last := summary[i+1:]; strings.HasPrefix(detail, last+": ") {
			detail = detail[len(last)+2:]
		}
	}
	if summary == "" {
		return detail
	}
	return summary + ": " + detail
}

func writeDiagnostic(b *strings.Builder, d *hcl.Diagnostic, src Sources) {
	sev := severityName(d.Severity)
	r := d.Subject
	switch {
	case r == nil || r.Filename == "":
		fmt.Fprintf(b, "%s: %s\n", sev, diagMessage(d))
		return
	case r.Start.Line == 0:
		fmt.Fprintf(b, "%s: %s: %s\n", r.Filename, sev, diagMessage(d))
		return
	}
	fmt.Fprintf(b, "%s:%d:%d: %s: %s\n", r.Filename, r.Start.Line, r.Start.Column, sev, diagMessage(d))
	text, ok := src[r.Filename]
	if !ok {
		return
	}
	line, prefix, width, ok := snippet(text, *r)
	if !ok {
		return
	}
	num := fmt.Sprint(r.Start.Line)
	pad := strings.Repeat(" ", len(num))
	fmt.Fprintf(b, "  %s | %s\n", num, line)
	fmt.Fprintf(b, "  %s | %s^%s\n", pad, prefix, strings.Repeat("~", max(width-1, 0)))
}

// snippet finds the subject's first line, the blank prefix under which the
// marker starts (tabs kept so that it lines up) and the marker's width
// (to the end of the line for a multi-line subject), in characters of the
// line as printed: grapheme clusters (HCL's columns), a starred one a
// single '*' (starBytes), a byte that is not UTF-8 a '?'.
func snippet(src []byte, r hcl.Range) (line, prefix string, width int, ok bool) {
	start := r.Start.Byte
	if start < 0 || start > len(src) {
		return "", "", 0, false
	}
	ls := bytes.LastIndexByte(src[:start], '\n') + 1
	if ls == 0 && start >= len(bom.UTF8) && bytes.HasPrefix(src, bom.UTF8) {
		ls = len(bom.UTF8) // not a character of the line: hclsyntax skips it too
	}
	le := bytes.IndexByte(src[start:], '\n')
	if le < 0 {
		le = len(src)
	} else {
		le += start
	}
	l := validLine(HideURLPasswords(strings.TrimRight(string(src[ls:le]), "\r")))
	var p strings.Builder
	for c := range characters(src[ls:start]) {
		if c[0] == '\t' {
			p.WriteByte('\t')
		} else {
			p.WriteByte(' ')
		}
	}
	end := min(max(r.End.Byte, start), le)
	for range characters(src[start:end]) {
		width++
	}
	return l, p.String(), max(width, 1), true
}

// characters yields the characters of b as printed: grapheme clusters,
// as HCL counts columns (a byte that is not UTF-8 is one), the starFill
// after a '*' skipped (a starred character is its '*'; a 0xFF of the
// file's own is a character, as unfill keeps it).
func characters(b []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		filling := false
		for len(b) > 0 {
			c := nextCharacter(b)
			b = b[len(c):]
			if fill := len(c) == 1 && c[0] == starFill; fill && filling {
				continue
			}
			filling = len(c) == 1 && c[0] == '*'
			if !yield(c) {
				return
			}
		}
	}
}

// nextCharacter is the first character of b (a grapheme cluster), or its
// first byte when that is not UTF-8.
func nextCharacter(b []byte) []byte {
	if n, c, _ := textseg.ScanGraphemeClusters(b, true); n > 0 {
		return c
	}
	return b[:min(len(b), 1)]
}

// validLine is l with each byte that is not UTF-8 a '?': one a byte, as
// characters counts them (strings.ToValidUTF8 makes one of a run).
func validLine(l string) string {
	if utf8.ValidString(l) {
		return l
	}
	var b strings.Builder
	for i := 0; i < len(l); {
		r, n := utf8.DecodeRuneInString(l[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte('?')
		} else {
			b.WriteString(l[i : i+n])
		}
		i += n
	}
	return b.String()
}

// JSON diagnostics, in the shape of `terraform validate -json`.
type (
	jsonValidate struct {
		FormatVersion string           `json:"format_version"`
		Valid         bool             `json:"valid"`
		ErrorCount    int              `json:"error_count"`
		WarningCount  int              `json:"warning_count"`
		Diagnostics   []JSONDiagnostic `json:"diagnostics"`
	}
	// JSONDiagnostic is one diagnostic as `terraform validate -json`
	// writes it; the JSON plan carries the site files' diagnostics so.
	JSONDiagnostic struct {
		Severity string     `json:"severity"`
		Summary  string     `json:"summary"`
		Detail   string     `json:"detail"`
		Range    *jsonRange `json:"range,omitempty"`
	}
	jsonRange struct {
		Filename string  `json:"filename"`
		Start    jsonPos `json:"start"`
		End      jsonPos `json:"end"`
	}
	jsonPos struct {
		Line   int `json:"line"`
		Column int `json:"column"`
		Byte   int `json:"byte"`
	}
)

// JSONDiagnostics converts diagnostics to their JSON form, never nil.
func JSONDiagnostics(diags hcl.Diagnostics) []JSONDiagnostic {
	out := make([]JSONDiagnostic, 0, len(diags))
	for _, d := range diags {
		jd := JSONDiagnostic{Severity: severityName(d.Severity), Summary: d.Summary, Detail: d.Detail}
		if r := d.Subject; r != nil && r.Filename != "" {
			jd.Range = &jsonRange{Filename: r.Filename,
				Start: jsonPos{r.Start.Line, r.Start.Column, r.Start.Byte},
				End:   jsonPos{r.End.Line, r.End.Column, r.End.Byte}}
		}
		out = append(out, jd)
	}
	return out
}

// RenderDiagnosticsJSON renders diagnostics as `terraform validate -json`
// does: {"format_version":"1.0","valid":...,"error_count":...,
// "warning_count":...,"diagnostics":[...]}, with a trailing newline.
func RenderDiagnosticsJSON(diags hcl.Diagnostics) []byte {
	out := jsonValidate{FormatVersion: "1.0", Diagnostics: JSONDiagnostics(diags)}
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out.WarningCount++
		} else {
			out.ErrorCount++
		}
	}
	out.Valid = out.ErrorCount == 0
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil { // cannot happen: plain strings and ints
		return []byte(`{"format_version":"1.0","valid":false}` + "\n")
	}
	return append(b, '\n')
}
