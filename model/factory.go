package model

import (
	"fmt"
	"sort"

	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/hashicorp/hcl/v2"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// loadFactory implements LoadFactory.
func loadFactory(path string) ([]Setting, Sources, hcl.Diagnostics) {
	src, err := readSmallFile(path, maxFactoryFile)
	if err != nil {
		return nil, nil, hcl.Diagnostics{errAt(&hcl.Range{Filename: path}, "Cannot read factory file", shortErr(err)+".")}
	}
	src = bom.Trim(src)
	settings, diags := parseFactory(path, src)
	// A factory file's secrets are written in clear (JSON has no env()):
	// its lines are quoted with them starred, parsed or not.
	return settings, Sources{path: HideSecretLines(src)}, diags
}

// parseFactory decodes a factory file's bytes: a JSON object of key ->
// controller-format string or JSON number.
func parseFactory(path string, src []byte) ([]Setting, hcl.Diagnostics) {
	f, diags := hcljson.Parse(src, path)
	if diags.HasErrors() {
		return nil, firstSyntaxError(diags)
	}
	attrs, diags := f.Body.JustAttributes()
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].NameRange.Start.Byte < list[j].NameRange.Start.Byte })
	out := make([]Setting, 0, len(list))
	for _, a := range list {
		kd, d := writableKey(a.Name, a.NameRange)
		if d != nil {
			d.Summary = "Key " + a.Name + " not allowed in a factory file"
			d.Detail += " A factory file names only editable and write-only keys."
			diags = append(diags, d)
			continue
		}
		r := a.Expr.Range()
		v, vd := a.Expr.Value(nil)
		if vd.HasErrors() {
			diags = append(diags, vd...)
			continue
		}
		n := &Node{Range: r}
		switch {
		case v.IsNull():
			diags = append(diags, errAt(&r, "Invalid value for "+a.Name,
				fmt.Sprintf("%s must be a string in the controller's format or a number; got null.", a.Name)))
			continue
		case v.Type() == cty.String:
			n.Kind, n.Str = NodeString, v.AsString()
		case v.Type() == cty.Number:
			n.Kind, n.Str = NodeNumber, string(src[r.Start.Byte:r.End.Byte])
		default:
			diags = append(diags, errAt(&r, "Invalid value for "+a.Name,
				fmt.Sprintf("%s must be a string in the controller's format (e.g. \"16,16\") or a number; got %s.", a.Name, v.Type().FriendlyName())))
			continue
		}
		val, vd2 := kd.FromNode(n)
		diags = append(diags, vd2...)
		if vd2.HasErrors() || val == nil {
			continue
		}
		if len(secretParts(val)) > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Secret written in clear",
				Detail: "The secret of " + kd.Name + " is written in the factory file: whoever can read the file can read the secret. " +
					"Leave it out of the file, and give it in the site file with env(\"NAME\") or !env NAME.",
				Subject: r.Ptr()})
		}
		out = append(out, Setting{Key: a.Name, Value: val, Layer: "factory", Range: r})
	}
	return layerSettings(out), diags
}

// maxJSONFile bounds CheckJSON: a backup of every readable key is a few
// kilobytes.
const maxJSONFile = 16 << 20

// CheckJSON reads a JSON file that ecc wrote and a user may have edited
// (a backup) for its syntax: the diagnostics point into the file, with
// its source for the snippets; none means it parses.
func CheckJSON(path string) (Sources, hcl.Diagnostics) {
	src, err := readSmallFile(path, maxJSONFile)
	if err != nil {
		return nil, hcl.Diagnostics{errAt(&hcl.Range{Filename: path}, "Cannot read file", shortErr(err)+".")}
	}
	src = bom.Trim(src)
	_, diags := hcljson.Parse(src, path)
	return Sources{path: src}, firstSyntaxError(diags)
}

// firstSyntaxError keeps the first error of a JSON file that does not
// parse: the parser stops there, and what it adds after (every enclosing
// object unclosed, "Root value must be object") follows from it.
func firstSyntaxError(diags hcl.Diagnostics) hcl.Diagnostics {
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			return hcl.Diagnostics{d}
		}
	}
	return diags
}
