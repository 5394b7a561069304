package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// maxSecretFile bounds what file() / !file read: a secret is a line, not a
// disk image (and /dev/zero must not hang validation).
const maxSecretFile = 64 << 10

// secretSourceError is a missing environment variable or unreadable file
// behind env() / file() / !env / !file.
type secretSourceError struct {
	kind, name string
	msg        string
}

func (e *secretSourceError) Error() string { return e.msg }

// readSecret resolves a secret reference: an environment variable, or a
// file relative to dir with its byte order mark and trailing newline
// dropped.
func readSecret(kind, name, dir string) (string, error) {
	return readSource(kind, name, dir, maxSecretFile)
}

// readSource is readSecret with a size limit for file(): inventories read
// with file() in locals and for_each may be as large as a site file.
func readSource(kind, name, dir string, limit int64) (string, error) {
	switch kind {
	case "env":
		if name == "" {
			return "", &secretSourceError{kind, name, "the environment variable name is empty"}
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			return "", &secretSourceError{kind, name, fmt.Sprintf("the environment variable %s is not set", name)}
		}
		return v, nil
	case "file":
		p := inSiteDir(dir, name)
		b, err := readSmallFile(p, limit)
		if err != nil {
			return "", &secretSourceError{kind, name, fmt.Sprintf("cannot read %s: %s", p, shortErr(err))}
		}
		// Windows PowerShell 5.1's `"..." > key.txt` writes UTF-16.
		b, _, bad := fromUTF16(p, b)
		if bad != nil {
			return "", &secretSourceError{kind, name, fmt.Sprintf("%s: %s", p, bad.Detail)}
		}
		// A Windows editor saving "UTF-8 with BOM", or Excel its "CSV
		// UTF-8", starts the file with U+FEFF: not part of the value, as
		// it is not of a site file's (csvdecode kept it in the first
		// column's name, and jsondecode refused the file).
		s := bom.TrimString(string(b))
		s = strings.TrimSuffix(s, "\n")
		return strings.TrimSuffix(s, "\r"), nil
	}
	return "", fmt.Errorf("unknown secret source %q", kind)
}

// readSmallFile reads a regular file of at most limit bytes. It asks the
// file's type before opening it: opening a named pipe waits for a writer,
// and one FIFO in a fleet folder would hang the whole run. What was
// opened is asked again, for its size (and a directory put in its place
// since is refused there).
func readSmallFile(path string, limit int64) ([]byte, error) {
	if st, err := os.Stat(path); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	// Room for the size stat reports (a fleet is thousands of files:
	// io.ReadAll would grow its buffer a dozen times for each).
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

var errNotRegular = errors.New("not a regular file")

// shortErr drops the "open PATH: " prefix of a *PathError: messages name
// the path themselves.
func shortErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// secretRecorder notes the env() / file() calls of the expression being
// evaluated, so that its value is marked secret. In data mode (locals,
// for_each) file() reads inventories: nothing is recorded and the size
// limit is a site file's.
type secretRecorder struct {
	refs  []*SecretRef
	data  bool
	files Sources // inventories read in data mode
	// local: a local is being evaluated, which may be a secret (a string
	// from env() / file()). With deferSecrets its missing source is an
	// unknown string as a setting's is, and deferred says so: the local
	// is a secret when its value is an unknown string, and data that
	// must be at hand otherwise (locals).
	local, deferred bool
}

// stdFunctions are the go-cty standard functions site files may call.
var stdFunctions = map[string]function.Function{
	"abs":        stdlib.AbsoluteFunc,
	"ceil":       stdlib.CeilFunc,
	"chomp":      stdlib.ChompFunc,
	"coalesce":   stdlib.CoalesceFunc,
	"concat":     stdlib.ConcatFunc,
	"floor":      stdlib.FloorFunc,
	"format":     stdlib.FormatFunc,
	"formatlist": stdlib.FormatListFunc,
	"indent":     stdlib.IndentFunc,
	"join":       stdlib.JoinFunc,
	"length":     stdlib.LengthFunc,
	"lower":      stdlib.LowerFunc,
	"max":        stdlib.MaxFunc,
	"merge":      stdlib.MergeFunc,
	"min":        stdlib.MinFunc,
	"range":      stdlib.RangeFunc,
	"replace":    stdlib.ReplaceFunc,
	"reverse":    stdlib.ReverseListFunc,
	"sort":       stdlib.SortFunc,
	"split":      stdlib.SplitFunc,
	"strlen":     stdlib.StrlenFunc,
	"substr":     stdlib.SubstrFunc,
	"title":      stdlib.TitleFunc,
	"trim":       stdlib.TrimFunc,
	"trimprefix": stdlib.TrimPrefixFunc,
	"trimspace":  stdlib.TrimSpaceFunc,
	"trimsuffix": stdlib.TrimSuffixFunc,
	"upper":      stdlib.UpperFunc,
	// Inventories: decode a file read with file(), pick from rows.
	"csvdecode":  spreadsheetCSV,
	"jsondecode": stdlib.JSONDecodeFunc,
	"yamldecode": ctyyaml.YAMLDecodeFunc,
	"keys":       stdlib.KeysFunc,
	"values":     stdlib.ValuesFunc,
	"lookup":     stdlib.LookupFunc,
	"contains":   stdlib.ContainsFunc,
	"distinct":   stdlib.DistinctFunc,
	"element":    stdlib.ElementFunc,
	"flatten":    stdlib.FlattenFunc,
	"zipmap":     stdlib.ZipmapFunc,
	"regex":      stdlib.RegexFunc,
	"regexall":   stdlib.RegexAllFunc,
	// Conversions, and an optional column: try(each.value.max, 20).
	"tostring": stdlib.MakeToFunc(cty.String),
	"tonumber": stdlib.MakeToFunc(cty.Number),
	"tobool":   stdlib.MakeToFunc(cty.Bool),
	"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
	"try":      noSecretFallback(tryfunc.TryFunc),
	"can":      noSecretFallback(tryfunc.CanFunc),
}

// errSecretFallback is noSecretFallback's refusal, which eval reports as
// it is (it quotes nothing).
var errSecretFallback = errors.New("try() and can() do not take env() or file(): a secret that is missing is an error, not a fallback; give the secret, or set no default")

// noSecretFallback is try or can refusing an argument that calls env() or
// file(): a missing secret is an error (site-files.md), not a fallback
// to another value, a literal one written in clear.
func noSecretFallback(f function.Function) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			for _, a := range args {
				if e, ok := customdecode.ExpressionClosureFromVal(a).Expression.(hclsyntax.Expression); ok && usesSecretFn(e) {
					return cty.NilType, errSecretFallback
				}
			}
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.Call(args) },
	})
}

// spreadsheetCSV is csvdecode for the CSV a spreadsheet exports, or a
// hand writes (its byte order mark file() drops): without the rows whose cells
// are all empty (rows once used, then cleared, come out as ",,,,"): each
// was a station named "" (a duplicate key from the second on), and with
// the blanks around cells and column names trimmed ("name, serial" made a
// column " serial", and " G1 " a serial refused): as YAML inventories
// read a CSV.
// A CSV separated by semicolons is refused, and when it fails, every row
// of another width is named (csvExplained).
var spreadsheetCSV = csvExplained(cleaned(stdlib.CSVDecodeFunc, func(s string) string {
	if !hasBlankLine(s) && !hasPaddedCell(s) {
		return s // nothing to drop or trim: not parsed twice
	}
	recs, _, err := csvRecords(s)
	if err != nil {
		return s // csvdecode reports what is wrong with it
	}
	for _, rec := range recs {
		for i, c := range rec {
			rec[i] = strings.TrimSpace(c)
		}
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.WriteAll(slices.DeleteFunc(recs, emptyRow)) // a strings.Builder does not fail
	return b.String()
}))

// semicolonDetail says why a CSV separated by semicolons is refused, in
// both forms.
const semicolonDetail = `header row is separated by semicolons, not commas (Excel saves "CSV" so where the decimal separator is a comma, in Dutch or German); save it as "CSV UTF-8 (Comma delimited)", or replace its semicolons by commas`

var errSemicolonCSV = errors.New("the " + semicolonDetail)

// semicolonCSV reports whether a CSV's header row is separated by
// semicolons: it holds some and no comma.
func semicolonCSV(header string) bool {
	return strings.Contains(header, ";") && !strings.Contains(header, ",")
}

// csvExplained is csvdecode saying why a CSV does not read as meant. One
// separated by semicolons (semicolonCSV) is refused: read with commas,
// each of its rows is one cell, and the error came later, at
// each.value.serial, naming no cause. When csvdecode fails, every row
// whose number of cells is not the header row's is named, by its line in
// the file: csvdecode names only the first, by its line in the text left
// after the cleaning.
func csvExplained(f function.Function) function.Function {
	before := func(args []cty.Value) error {
		if s, ok := firstString(args); ok {
			if line, _, _ := strings.Cut(s, "\n"); semicolonCSV(line) {
				return function.NewArgError(0, errSemicolonCSV)
			}
		}
		return nil
	}
	better := func(args []cty.Value, err error) error {
		text, ok := firstString(args)
		if err == nil || !ok {
			return err
		}
		if recs, lines, rerr := csvRecords(text); rerr == nil {
			if rerr := raggedRows(recs, lines); rerr != nil {
				return function.NewArgError(0, rerr)
			}
		}
		return err
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			if err := before(args); err != nil {
				return cty.NilType, err
			}
			t, err := f.ReturnTypeForValues(args)
			return t, better(args, err)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := f.Call(args)
			return v, better(args, err)
		},
	})
}

// csvRecords reads every record of a CSV, as YAML inventories read one,
// with the line each starts on.
func csvRecords(s string) (recs [][]string, lines []int, err error) {
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1    // raggedRows names every row that differs
	r.TrimLeadingSpace = true // `a, "b"`: as the YAML form reads it
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return recs, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		recs, lines = append(recs, rec), append(lines, line)
	}
}

// raggedRows names every row whose number of cells is not the header
// row's (cleared rows aside), by its line.
func raggedRows(recs [][]string, lines []int) error {
	var bad []string
	for i, rec := range recs {
		if i > 0 && len(rec) != len(recs[0]) && !emptyRow(rec) {
			bad = append(bad, fmt.Sprintf("line %d has %d", lines[i], len(rec)))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("the header row has %s, but %s", words.Plural(len(recs[0]), "cell", "cells"), words.Some(bad, 10))
}

// hasPaddedCell reports a blank at either end of a line or beside a
// comma: a cell or column name that may need trimming. Like hasBlankLine
// it only spares the second parse (a quoted cell "a, b" says yes).
func hasPaddedCell(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			continue
		}
		if i == 0 || s[i-1] == ',' || s[i-1] == '\n' || i+1 == len(s) || strings.IndexByte(",\r\n", s[i+1]) >= 0 {
			return true
		}
	}
	return false
}

// hasBlankLine reports a line of nothing but commas, quotes and blanks
// after the first: what a cleared row looks like (a blank line the reader
// skips), quoted or not. It only spares the second parse: it may say yes
// to a line that is no empty row (emptyRow decides), never no to one.
func hasBlankLine(s string) bool {
	for rest := s; ; {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
		line, _, _ := strings.Cut(rest, "\n")
		if line != "" && strings.TrimFunc(line, blankCell) == "" {
			return true
		}
	}
}

// blankCell is what a line of empty cells holds: the separators, quotes
// and what emptyRow trims (unicode.IsSpace, as strings.TrimSpace).
func blankCell(r rune) bool { return r == ',' || r == '"' || unicode.IsSpace(r) }

// emptyRow reports a CSV row whose cells are all blank.
func emptyRow(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// firstString is a function's first argument, when it is a known string.
func firstString(args []cty.Value) (string, bool) {
	if len(args) == 0 || !args[0].IsKnown() || args[0].IsNull() || args[0].IsMarked() || args[0].Type() != cty.String {
		return "", false
	}
	return args[0].AsString(), true
}

// cleaned is f with clean applied to its first argument, a string.
func cleaned(f function.Function, clean func(string) string) function.Function {
	apply := func(args []cty.Value) []cty.Value {
		s, ok := firstString(args)
		if !ok {
			return args
		}
		c := clean(s)
		if c == s {
			return args
		}
		out := slices.Clone(args)
		out[0] = cty.StringVal(c)
		return out
	}
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        func(args []cty.Value) (cty.Type, error) { return f.ReturnTypeForValues(apply(args)) },
		Impl:        func(args []cty.Value, _ cty.Type) (cty.Value, error) { return f.Call(apply(args)) },
	})
}

// evalContext offers env(), file() and the standard functions.
// With deferSecrets, an unavailable secret evaluates to an unknown string
// (which makes everything computed from it unknown) instead of an error.
func evalContext(dir string, rec *secretRecorder, deferSecrets bool) *hcl.EvalContext {
	fns := make(map[string]function.Function, len(stdFunctions)+2)
	for k, v := range stdFunctions {
		fns[k] = v
	}
	secretFn := func(kind, param string) function.Function {
		return function.New(&function.Spec{
			Params: []function.Parameter{{Name: param, Type: cty.String}},
			Type:   function.StaticReturnType(cty.String),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
				name := args[0].AsString()
				limit := int64(maxSecretFile)
				if rec.data {
					limit = MaxSiteFile
				} else {
					rec.refs = append(rec.refs, &SecretRef{Kind: kind, Name: name})
				}
				v, err := readSource(kind, name, dir, limit)
				var se *secretSourceError
				if err != nil && deferSecrets && (!rec.data || rec.local) && errors.As(err, &se) {
					rec.deferred = rec.deferred || rec.data
					return cty.UnknownVal(cty.String), nil // a secret, not data: known at apply
				}
				if err != nil {
					return cty.NilVal, err
				}
				if rec.data && kind == "file" {
					p := inSiteDir(dir, name)
					if rec.files == nil {
						rec.files = Sources{}
					}
					rec.files[p] = []byte(v)
				}
				return cty.StringVal(v), nil
			},
		})
	}
	fns["env"] = secretFn("env", "name")
	fns["file"] = secretFn("file", "path")
	return &hcl.EvalContext{Functions: fns, Variables: map[string]cty.Value{}}
}

// hclDecoder turns an hclsyntax body into a rawSite.
type hclDecoder struct {
	diagSink
	src []byte
	ctx *hcl.EvalContext
	rec *secretRecorder
	// localSecrets are the locals whose string value came from env() or
	// file(), or from such a local (locals): a setting that uses one is
	// a secret.
	localSecrets map[string]*SecretRef
	// deferredLocals are the locals left unknown by a secret not at hand
	// (DeferSecrets), directly or through another such local: a for_each
	// reading one cannot know its stations.
	deferredLocals map[string]bool
	attrLists      map[*hclsyntax.Body][]*hclsyntax.Attribute // see sortedAttrs
}

// decodeHCL parses an HCL site file.
func decodeHCL(filename string, src []byte, deferSecrets bool) (*rawSite, hcl.Diagnostics) {
	body, diags := parseHCLBody(src, filename)
	if diags.HasErrors() {
		return nil, diags
	}
	if len(body.Attributes) == 0 && len(body.Blocks) == 0 {
		return emptySite(filename)
	}
	rec := &secretRecorder{}
	d := &hclDecoder{src: src, ctx: evalContext(filepath.Dir(filename), rec, deferSecrets), rec: rec}
	rs := &rawSite{file: filename}
	d.unexpectedAttrs(body, nil, "a site file holds site, defaults, locals and station blocks")
	d.locals(body)
	var siteSeen, defaultsSeen *hcl.Range
	for _, b := range body.Blocks {
		switch b.Type {
		case "locals":
			// evaluated first (d.locals)
		case "site":
			if !d.labels(b, 1, "site \"NAME\"") {
				continue
			}
			if siteSeen != nil {
				d.add(errAt(b.TypeRange.Ptr(), "Duplicate site block",
					fmt.Sprintf("A site file holds one site; the site block is already at %s.", where(*siteSeen))))
				continue
			}
			siteSeen = b.TypeRange.Ptr()
			rs.name, rs.nameRange, rs.hasName = b.Labels[0], b.LabelRanges[0], true
			d.unexpectedBlocks(b.Body, nil)
			for _, a := range d.attrs(b.Body, "description") {
				if s, ok := d.str(a); ok {
					rs.description = s.s
				}
			}
		case "defaults":
			if !d.labels(b, 0, "defaults") {
				continue
			}
			if defaultsSeen != nil {
				d.add(errAt(b.TypeRange.Ptr(), "Duplicate defaults block",
					fmt.Sprintf("The defaults block is already at %s.", where(*defaultsSeen))))
				continue
			}
			defaultsSeen = b.TypeRange.Ptr()
			def := &rawDefaults{}
			hclFields(d, b.Body, defaultsSection, def)
			rs.defaults = def
		case "station":
			rs.stations = d.stationBlocks(rs.stations, b)
		default:
			d.add(errAt(b.TypeRange.Ptr(), "Unsupported block type",
				fmt.Sprintf("Blocks of type %q are not expected here; a site file holds site, defaults, locals and station blocks.%s",
					b.Type, didYouMean(b.Type, []string{"site", "defaults", "locals", "station"}))))
		}
	}
	rs.extra = rec.files
	return rs, d.diags
}

// didYouMean is a " Did you mean "x"?" hint for a near miss, or "".
func didYouMean(s string, allowed []string) string {
	if m := nearest(s, allowed); m != "" {
		return fmt.Sprintf(" Did you mean %q?", m)
	}
	return ""
}

// labels checks a block's label count.
func (d *hclDecoder) labels(b *hclsyntax.Block, n int, form string) bool {
	if len(b.Labels) == n {
		return true
	}
	r := b.TypeRange
	if len(b.LabelRanges) > 0 {
		r = hcl.RangeBetween(b.LabelRanges[0], b.LabelRanges[len(b.LabelRanges)-1])
	}
	takes := "no label"
	if n > 0 {
		takes = words.Plural(n, "label", "labels")
	}
	d.add(errAt(r.Ptr(), "Wrong number of labels",
		fmt.Sprintf("A %s block takes %s; this one has %d. Write it as %s { ... }.", b.Type, takes, len(b.Labels), form)))
	return false
}

// sortedAttrs lists a body's attributes in source order. The bodies of a
// station block with for_each are decoded once per instance: their lists
// are kept.
func (d *hclDecoder) sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	if d.instance == "" {
		return sortedAttrs(body)
	}
	if l, ok := d.attrLists[body]; ok {
		return l
	}
	if d.attrLists == nil {
		d.attrLists = map[*hclsyntax.Body][]*hclsyntax.Attribute{}
	}
	l := sortedAttrs(body)
	d.attrLists[body] = l
	return l
}

func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b *hclsyntax.Attribute) int { return a.SrcRange.Start.Byte - b.SrcRange.Start.Byte })
	return out
}

// attrs returns the allowed attributes of body in source order and reports
// the others.
func (d *hclDecoder) attrs(body *hclsyntax.Body, allowed ...string) []*hclsyntax.Attribute {
	var out []*hclsyntax.Attribute
	for _, a := range d.sortedAttrs(body) {
		ok := false
		for _, n := range allowed {
			ok = ok || a.Name == n
		}
		if ok {
			out = append(out, a)
			continue
		}
		d.unexpectedAttr(a, allowed, "")
	}
	return out
}

func (d *hclDecoder) unexpectedAttrs(body *hclsyntax.Body, allowed []string, why string) {
	for _, a := range d.sortedAttrs(body) {
		d.unexpectedAttr(a, allowed, why)
	}
}

func (d *hclDecoder) unexpectedAttr(a *hclsyntax.Attribute, allowed []string, why string) {
	detail := fmt.Sprintf("An argument named %q is not expected here", a.Name)
	if why != "" {
		detail += "; " + why
	}
	detail += "."
	if len(allowed) > 0 {
		detail += " Allowed: " + strings.Join(allowed, ", ") + "." + didYouMean(a.Name, allowed)
	}
	d.add(errAt(a.NameRange.Ptr(), "Unsupported argument", detail))
}

func (d *hclDecoder) unexpectedBlocks(body *hclsyntax.Body, allowed []string) {
	for _, b := range body.Blocks {
		ok := false
		for _, n := range allowed {
			ok = ok || b.Type == n
		}
		if ok {
			continue
		}
		detail := fmt.Sprintf("Blocks of type %q are not expected here.", b.Type)
		if len(allowed) > 0 {
			detail += " Allowed: " + strings.Join(allowed, ", ") + "." + didYouMean(b.Type, allowed)
		} else {
			detail += " This block takes only arguments."
		}
		d.add(errAt(b.TypeRange.Ptr(), "Unsupported block type", detail))
	}
}

// hclFields decodes a body by its schema (site_schema.go): string and
// bool fields are arguments, the others blocks. The section's HCL-only
// arguments are returned for the caller; anything else is reported.
func hclFields[T any](d *hclDecoder, body *hclsyntax.Body, sec *section[T], t *T) []*hclsyntax.Attribute {
	var extras []*hclsyntax.Attribute
	for _, a := range d.attrs(body, sec.args...) {
		f, ok := lookupField(sec.fields, a.Name)
		switch {
		case !ok:
			extras = append(extras, a)
		case f.kind == boolField:
			*f.slot(t).(*bool) = d.boolean(a)
		default:
			*f.slot(t).(*rawString), _ = d.str(a)
		}
	}
	d.unexpectedBlocks(body, sec.blocks)
	seen := map[string]hcl.Range{}
	for _, b := range body.Blocks {
		f, ok := lookupField(sec.fields, b.Type)
		if !ok || (f.kind != firmwareField && f.kind != settingsField) || !d.labels(b, 0, b.Type) {
			continue
		}
		if prev, dup := seen[b.Type]; dup {
			d.add(errAt(b.TypeRange.Ptr(), "Duplicate "+b.Type+" block",
				fmt.Sprintf("The %s block is already at %s.", b.Type, where(prev))))
			continue
		}
		seen[b.Type] = b.TypeRange
		if f.kind == firmwareField {
			fw := &rawFirmware{rng: b.TypeRange}
			hclFields(d, b.Body, firmwareSection, fw)
			*f.slot(t).(**rawFirmware) = fw
			continue
		}
		*f.slot(t).(*[]rawSetting) = d.settings(b)
	}
	return extras
}

// settings decodes a block of KEY = value.
func (d *hclDecoder) settings(b *hclsyntax.Block) []rawSetting {
	for _, sb := range b.Body.Blocks {
		d.add(errAt(sb.TypeRange.Ptr(), "Unexpected block in "+b.Type,
			fmt.Sprintf("Settings are written as %s = value; for a name=value list write %s = { name = value, ... }.", sb.Type, sb.Type)))
	}
	attrs := d.sortedAttrs(b.Body)
	out := make([]rawSetting, 0, len(attrs))
	for _, a := range attrs {
		if n := d.node(a.Expr); n != nil {
			out = append(out, rawSetting{key: a.Name, keyRange: a.NameRange, node: n})
		}
	}
	return out
}

// eval evaluates an expression, noting env() / file() calls, and rewrites
// function-call diagnostics: a missing variable or file gets a clear
// summary, and nothing derived from a secret is quoted.
func (d *hclDecoder) eval(e hclsyntax.Expression) (cty.Value, *SecretRef, bool) {
	d.rec.refs = d.rec.refs[:0]
	v, diags := e.Value(d.ctx)
	var ref *SecretRef
	if len(d.rec.refs) > 0 {
		ref = d.rec.refs[0]
	}
	if ref == nil && len(d.localSecrets) > 0 {
		ref = d.localSecret(e)
	}
	// Data mode reads inventories, not secrets. Walking the expression
	// for env() and file() waits for a problem to report: eval runs for
	// every value of every for_each instance.
	secret := ref != nil || (!d.rec.data && len(diags) > 0 && usesSecretFn(e))
	for _, diag := range diags {
		if diag.Summary == "Unknown variable" && strings.Contains(diag.Detail, `named "each"`) {
			diag.Detail = "each.key and each.value exist only in a station block with for_each."
		}
		if extra, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](diag); ok {
			if errors.Is(extra.FunctionCallError(), errSecretFallback) {
				diag.Summary, diag.Detail = "Secret with a fallback", errSecretFallback.Error()+"."
				diag.Expression, diag.EvalContext = nil, nil
				d.add(diag)
				continue
			}
			var se *secretSourceError
			if errors.As(extra.FunctionCallError(), &se) {
				if se.kind == "env" {
					diag.Summary = "Missing environment variable"
				} else {
					diag.Summary = "Missing file"
				}
				diag.Detail = fmt.Sprintf("%s(%q): %s.", se.kind, se.name, se.msg)
				if diag.Context != nil {
					diag.Subject = diag.Context // the whole call
				}
				diag.Expression, diag.EvalContext = nil, nil
				d.add(diag)
				continue
			}
		}
		if secret {
			diag.Detail = "The expression uses env() or file(); details are not shown because they could reveal the secret."
		}
		diag.Expression, diag.EvalContext = nil, nil
		d.add(diag)
	}
	if diags.HasErrors() {
		return cty.NilVal, nil, false
	}
	if d.diags.HasErrors() && !v.IsWhollyKnown() && d.readsDeferred(e) == "" { // (walking a for_each's rows only then)
		return cty.NilVal, nil, false // from a local that failed: reported there
	}
	return v, ref, true
}

// usesSecretFn reports whether an expression calls env() or file().
func usesSecretFn(e hclsyntax.Expression) bool {
	found := false
	_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		if c, ok := n.(*hclsyntax.FunctionCallExpr); ok && (c.Name == "env" || c.Name == "file") {
			found = true
		}
		return nil
	})
	return found
}

// str evaluates a plain string attribute (serial, model, a path...).
func (d *hclDecoder) str(a *hclsyntax.Attribute) (rawString, bool) {
	if lit, ok := literalString(a.Expr); ok {
		return rawString{set: true, s: lit, rng: a.Expr.Range()}, true
	}
	v, ref, ok := d.eval(a.Expr)
	if !ok {
		return rawString{failed: true}, false
	}
	r := a.Expr.Range()
	if ref != nil {
		d.add(errAt(r.Ptr(), "Secret not allowed here",
			fmt.Sprintf("%s must be written literally; env() and file() are for settings values.", a.Name)))
		return rawString{failed: true}, false
	}
	if v.IsNull() {
		d.add(errAt(r.Ptr(), "Invalid value for "+a.Name, fmt.Sprintf("%s must be a string; got null.", a.Name)))
		return rawString{failed: true}, false
	}
	sv, err := convert.Convert(v, cty.String)
	if err != nil || !sv.IsKnown() {
		d.add(errAt(r.Ptr(), "Invalid value for "+a.Name,
			fmt.Sprintf("%s must be a string; got %s.", a.Name, v.Type().FriendlyName())))
		return rawString{failed: true}, false
	}
	return rawString{set: true, s: sv.AsString(), rng: r}, true
}

// boolean evaluates a bool attribute (locked).
func (d *hclDecoder) boolean(a *hclsyntax.Attribute) bool {
	v, _, ok := d.eval(a.Expr)
	if !ok {
		return false
	}
	if v.IsNull() || v.Type() != cty.Bool {
		r := a.Expr.Range()
		d.add(errAt(r.Ptr(), "Invalid value for "+a.Name, fmt.Sprintf("%s must be true or false.", a.Name)))
		return false
	}
	return v.True()
}

// node converts a settings value to a Node: object and tuple constructors
// element by element (each with its own range), anything else evaluated.
func (d *hclDecoder) node(e hclsyntax.Expression) *Node {
	switch x := e.(type) {
	case *hclsyntax.ParenthesesExpr:
		return d.node(x.Expression)
	case *hclsyntax.ObjectConsExpr:
		n := &Node{Kind: NodeMap, Range: x.SrcRange, Map: make([]MapEntry, 0, len(x.Items))}
		ok := true
		for _, it := range x.Items {
			key, kr, kok := d.objectKey(it.KeyExpr)
			val := d.node(it.ValueExpr)
			if !kok || val == nil {
				ok = false
				continue
			}
			n.Map = append(n.Map, MapEntry{Key: key, KeyRange: kr, Value: val})
		}
		if !ok {
			return nil
		}
		return n
	case *hclsyntax.TupleConsExpr:
		return listNode(x.SrcRange, x.Exprs, d.node)
	case *hclsyntax.LiteralValueExpr:
		if x.Val.Type() == cty.Number {
			r := x.SrcRange
			return &Node{Kind: NodeNumber, Str: string(d.src[r.Start.Byte:r.End.Byte]), Range: r}
		}
	case *hclsyntax.TemplateExpr:
		if lit, ok := literalString(x); ok {
			return &Node{Kind: NodeString, Str: lit, Range: x.SrcRange}
		}
	}
	v, ref, ok := d.eval(e)
	if !ok {
		return nil
	}
	n, err := ctyToNode(v, e.Range(), ref)
	if err != nil {
		r := e.Range()
		d.add(errAt(r.Ptr(), "Unsupported value", err.Error()))
		return nil
	}
	return n
}

// objectKey is the name of an object item: a bare word or a string.
func (d *hclDecoder) objectKey(e hclsyntax.Expression) (string, hcl.Range, bool) {
	r := e.Range()
	if kw := hcl.ExprAsKeyword(e); kw != "" {
		return kw, r, true
	}
	v, ref, ok := d.eval(e)
	if !ok {
		return "", r, false
	}
	if ref == nil && !v.IsNull() {
		if sv, err := convert.Convert(v, cty.String); err == nil && sv.IsKnown() {
			return sv.AsString(), r, true
		}
	}
	d.add(errAt(r.Ptr(), "Invalid name", "A name in a map must be a word or a string."))
	return "", r, false
}

// ctyToNode converts an evaluated value; every element gets rng.
func ctyToNode(v cty.Value, rng hcl.Range, ref *SecretRef) (*Node, error) {
	n := &Node{Range: rng, Secret: ref}
	if v.IsNull() {
		return n, nil // NodeNull
	}
	if !v.IsWhollyKnown() {
		if ref != nil { // a deferred secret (evalContext)
			n.Kind, n.Unknown = NodeString, true
			return n, nil
		}
		return nil, errors.New("the value is not known")
	}
	t := v.Type()
	switch {
	case t == cty.String:
		n.Kind, n.Str = NodeString, v.AsString()
	case t == cty.Number:
		n.Kind, n.Str = NodeNumber, numberText(v)
	case t == cty.Bool:
		n.Kind, n.Str = NodeBool, fmt.Sprint(v.True())
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		n.Kind = NodeList
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			c, err := ctyToNode(ev, rng, ref)
			if err != nil {
				return nil, err
			}
			n.List = append(n.List, c)
		}
	case t.IsMapType() || t.IsObjectType():
		n.Kind = NodeMap
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			c, err := ctyToNode(ev, rng, ref)
			if err != nil {
				return nil, err
			}
			n.Map = append(n.Map, MapEntry{Key: k.AsString(), KeyRange: rng, Value: c})
		}
	default:
		return nil, fmt.Errorf("a value of type %s cannot be a setting", t.FriendlyName())
	}
	return n, nil
}

// literalString is the text of a quoted string without interpolation
// ("G48229"): most values of a site file, read without evaluating.
func literalString(e hclsyntax.Expression) (string, bool) {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return "", false
	}
	l, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || l.Val.Type() != cty.String || l.Val.IsNull() {
		return "", false
	}
	return l.Val.AsString(), true
}

// numberText prints a computed number: plain digits for an integer of
// reasonable size, else %g (never a million digits for 1e1000000).
func numberText(v cty.Value) string {
	f := v.AsBigFloat()
	if f.IsInt() {
		if i, acc := f.Int64(); acc == big.Exact {
			return strconv.FormatInt(i, 10)
		}
	}
	return f.Text('g', -1)
}
