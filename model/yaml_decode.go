package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ecotap-tools/ecc/internal/bom"
	goyaml "github.com/goccy/go-yaml"
	goyamlparser "github.com/goccy/go-yaml/parser"
	"github.com/hashicorp/hcl/v2"
	"gopkg.in/yaml.v3"
)

// yamlSiteFields are the top-level fields of a YAML site file.
var yamlSiteFields = []string{"site", "description", "defaults", "stations", "substitutions", "inventory"}

// yamlDecoder turns a yaml.v3 node tree into a rawSite, with hcl ranges
// (line, column and byte offset) for every element.
type yamlDecoder struct {
	diagSink
	file  string
	src   []byte
	dir   string
	lines []int // byte offset of each line's start
	// subs are the file's substitutions; vars those of the inventory row
	// being decoded (see yaml_inventory.go).
	subs, vars map[string]string
	// failedSubs are the substitutions that are in error (reported at
	// their definition): a value using one is skipped without a second
	// error, as an HCL expression using a failed local is.
	failedSubs map[string]bool
	// extra are the inventory files read, for diagnostics.
	extra Sources
	// deferSecrets: an unavailable !env / !file is an Unknown node.
	deferSecrets bool
	// written is where a substituted plain scalar ends as written, by its
	// start (noteWritten).
	written map[int]int
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decodeYAML parses a YAML site file (site-files.md §1).
func decodeYAML(filename string, src []byte, deferSecrets bool) (*rawSite, hcl.Diagnostics) {
	d := newYAMLDecoder(filename, src)
	d.deferSecrets = deferSecrets
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // nothing, or comments only
			return emptySite(filename)
		}
		return nil, hcl.Diagnostics{d.syntaxError(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		r := d.rangeOf(&extra)
		d.add(errAt(r.Ptr(), "More than one document", "A site file holds one site: one YAML document."))
	} else if !errors.Is(err, io.EOF) {
		d.add(d.syntaxError(err))
	}
	if d.diags.HasErrors() {
		return nil, d.diags
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return emptySite(filename)
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" && root.Value == "" && root.Anchor == "" {
		return emptySite(filename) // a document with nothing in it: "---" alone
	}
	rs := &rawSite{file: filename}
	if !d.isMap(root, "site file") {
		return nil, d.diags
	}
	d.substitutions(root)
	d.mapping(root, yamlSiteFields, func(k string, kr hcl.Range, v *yaml.Node) {
		if k != "substitutions" && k != "inventory" {
			d.substituteFrom(v, varSource{}, d.subs) // inventory templates: per row
		}
		switch k {
		case "site":
			if s, ok := d.str(k, v); ok {
				rs.name, rs.nameRange, rs.hasName = s.s, s.rng, true
			}
		case "description":
			if s, ok := d.str(k, v); ok {
				rs.description = s.s
			}
		case "defaults":
			if !d.isMap(v, "defaults") {
				return
			}
			def := &rawDefaults{}
			yamlFields(d, v, defaultsSection, def)
			rs.defaults = def
		case "stations":
			if !d.isMap(v, "stations") {
				return
			}
			// Duplicate station names are reported by the site checks,
			// the same way for HCL and YAML.
			d.pairs(v, false, func(name string, nr hcl.Range, sv *yaml.Node) {
				if st := d.station(name, nr, sv); st != nil {
					rs.stations = append(rs.stations, st)
				}
			})
		case "inventory":
			rs.stations = append(rs.stations, d.inventory(v)...)
		}
	})
	rs.extra = d.extra
	return rs, d.diags
}

// newYAMLDecoder indexes src's lines for positions.
func newYAMLDecoder(filename string, src []byte) *yamlDecoder {
	d := &yamlDecoder{file: filename, src: src, dir: filepath.Dir(filename), lines: make([]int, 1, 1+bytes.Count(src, []byte{'\n'}))}
	if bytes.HasPrefix(src, bom.UTF8) {
		// Line 1 starts after a byte order mark, as yaml.v3 and
		// encoding/csv count its columns and an editor shows it.
		d.lines[0] = len(bom.UTF8)
	}
	for i, b := range src {
		if b == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	return d
}

// syntaxError places a yaml.v3 parse error at the line it names.
func (d *yamlDecoder) syntaxError(err error) *hcl.Diagnostic {
	msg := err.Error()
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil {
			line = n
		}
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		// yaml.v3's reader names no place for a character it refuses
		// (invalid UTF-8, a control character): the first such is it.
		if i, n := yamlBadChar(d.src); i >= 0 {
			if !utf8.Valid(d.src[i : i+n]) {
				msg += " (a site file is UTF-8: was this one saved in another encoding?)"
			}
			r := d.byteRange(i, n)
			return errAt(&r, "Invalid YAML", msg+".")
		}
	}
	col := 1
	if l, c, m, ok := yamlErrorAt(d.src); ok {
		line, col, msg = l, c, m
	}
	r := d.posRange(line, col, 0)
	return errAt(r.Ptr(), "Invalid YAML", msg+".")
}

// yamlBadChar is the offset and length of the first character of src
// that yaml.v3's reader refuses (readerc.go): a byte that is not UTF-8,
// or a character outside YAML's printable set (a control character other
// than tab and line breaks, a surrogate, U+FFFE). i is -1 when there is
// none, and for UTF-16, which yaml.v3 reads itself.
func yamlBadChar(src []byte) (i, n int) {
	if bom.HasUTF16(src) {
		return -1, 0
	}
	for i := 0; i < len(src); i += n {
		var r rune
		r, n = utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && n == 1:
		case r == '\t', r == '\n', r == '\r', r >= 0x20 && r <= 0x7e, r == 0x85,
			r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
			continue
		}
		return i, n
	}
	return -1, 0
}

// yamlErrorAt asks a second parser, goccy/go-yaml, where the syntax error
// that yaml.v3 refused src for is. yaml.v3's errors give a line only, and
// often the enclosing block's (a key mis-indented on line 5 is "line 2:
// did not find expected key"); goccy's name the token, line and column,
// and its message fits that token. ok is false when it finds no error (or
// fails: it has panicked on malformed input before), and yaml.v3's line
// is kept. Only syntax errors come here: the site file is read by yaml.v3.
func yamlErrorAt(src []byte) (line, col int, msg string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := goyamlparser.ParseBytes(src, 0)
	var se *goyaml.SyntaxError
	if !errors.As(err, &se) || se.Token == nil || se.Token.Position == nil || se.Token.Position.Line < 1 {
		return 0, 0, "", false
	}
	msg = strings.ReplaceAll(se.Message, "'\t'", `'\t'`) // a tab shown as one
	for _, h := range yamlHints {
		if strings.Contains(msg, h.in) {
			msg += h.hint
			break
		}
	}
	return se.Token.Position.Line, max(se.Token.Position.Column, 1), msg, true
}

// yamlHints name the likely cause of the commonest YAML syntax errors in
// a hand-edited site file.
var yamlHints = []struct{ in, hint string }{
	{"is not allowed in this context", " (is this line indented as the lines of its block?)"},
	{`found character '\t'`, " (YAML indents with spaces, not tabs)"},
}

// isMap reports a node that must be a mapping.
func (d *yamlDecoder) isMap(n *yaml.Node, what string) bool {
	if n.Kind == yaml.MappingNode {
		return true
	}
	if n.Kind == yaml.AliasNode {
		d.alias(n)
		return false
	}
	r := d.rangeOf(n)
	d.add(errAt(r.Ptr(), "Invalid "+what, fmt.Sprintf("%s must be a mapping (name: value lines); got %s.", upperFirst(theField(what)), yamlKindName(n))))
	return false
}

// theField is what isMap names in its detail: "The site file", as its
// summary says "Invalid site file".
func theField(what string) string {
	if what == "site file" {
		return "the site file"
	}
	return what
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (d *yamlDecoder) alias(n *yaml.Node) {
	r := d.rangeOf(n)
	d.add(errAt(r.Ptr(), "Unsupported YAML alias",
		"Aliases (*name) are not supported in site files; put shared settings in defaults."))
}

// pairs walks a mapping's key/value pairs, reporting non-scalar keys and
// (when dups) duplicate keys with both locations.
func (d *yamlDecoder) pairs(n *yaml.Node, dups bool, fn func(k string, kr hcl.Range, v *yaml.Node)) {
	// A small mapping (a station's fields, its settings) is searched for
	// an earlier use of a key; a large one (stations) is indexed.
	var seen map[string]hcl.Range
	if dups && len(n.Content) > 2*smallMapping {
		seen = make(map[string]hcl.Range, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		kr := d.rangeOf(kn)
		if !plainKey(kn) {
			d.add(errAt(kr.Ptr(), "Invalid name", "A name in a mapping must be plain text."))
			continue
		}
		if dups {
			prev, ok := seen[kn.Value]
			if seen == nil {
				prev, ok = d.earlierKey(n, i)
			}
			if ok {
				d.add(errAt(kr.Ptr(), "Duplicate key",
					fmt.Sprintf("%q is already defined at %s; a mapping names each key once.", kn.Value, where(prev))))
				continue
			}
			if seen != nil {
				seen[kn.Value] = kr
			}
		}
		fn(kn.Value, kr, vn)
	}
}

// smallMapping is the size up to which pairs searches for duplicate keys.
const smallMapping = 16

// plainKey reports a mapping key pairs accepts.
func plainKey(kn *yaml.Node) bool {
	return kn.Kind == yaml.ScalarNode && kn.Tag != "!env" && kn.Tag != "!file"
}

// earlierKey finds where the key at n.Content[i] was first used in n.
func (d *yamlDecoder) earlierKey(n *yaml.Node, i int) (hcl.Range, bool) {
	k := n.Content[i].Value
	for j := 0; j < i; j += 2 {
		if kn := n.Content[j]; plainKey(kn) && kn.Value == k {
			return d.rangeOf(kn), true
		}
	}
	return hcl.Range{}, false
}

// mapping walks a mapping whose keys are fields of the site layout,
// reporting unknown and duplicate ones.
func (d *yamlDecoder) mapping(n *yaml.Node, allowed []string, fn func(k string, kr hcl.Range, v *yaml.Node)) {
	d.pairs(n, true, func(k string, kr hcl.Range, v *yaml.Node) {
		for _, a := range allowed {
			if a == k {
				fn(k, kr, v)
				return
			}
		}
		d.add(errAt(kr.Ptr(), "Unsupported field",
			fmt.Sprintf("A field named %q is not expected here. Allowed: %s.%s", k, strings.Join(allowed, ", "), didYouMean(k, allowed))))
	})
}

// str reads a plain string field.
func (d *yamlDecoder) str(field string, n *yaml.Node) (rawString, bool) {
	r := d.rangeOf(n)
	switch {
	case n.Tag == failedTag:
	case n.Kind == yaml.AliasNode:
		d.alias(n)
	case n.Kind != yaml.ScalarNode:
		d.add(errAt(r.Ptr(), "Invalid value for "+field, fmt.Sprintf("%s must be a string; got %s.", field, yamlKindName(n))))
	case n.Tag == "!env" || n.Tag == "!file":
		d.add(errAt(r.Ptr(), "Secret not allowed here",
			fmt.Sprintf("%s must be written literally; !env and !file are for settings values.", field)))
	case n.Tag == "!!null":
		d.add(errAt(r.Ptr(), "Invalid value for "+field, fmt.Sprintf("%s must be a string; got null.", field)))
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		d.add(errAt(r.Ptr(), "Unsupported tag", fmt.Sprintf("The tag %s is not supported here.", n.Tag)))
	default:
		return rawString{set: true, s: n.Value, rng: r}, true
	}
	return rawString{failed: true}, false
}

// station decodes one station's mapping.
func (d *yamlDecoder) station(name string, nr hcl.Range, sv *yaml.Node) *rawStation {
	st := &rawStation{name: name, nameRange: nr}
	if sv.Kind == yaml.ScalarNode && sv.Tag == "!!null" {
		return st // reported: no serial
	}
	if !d.isMap(sv, "station "+name) {
		return nil
	}
	yamlFields(d, sv, stationSection, &st.rawBody)
	return st
}

// yamlFields decodes a mapping by its schema (site_schema.go).
func yamlFields[T any](d *yamlDecoder, n *yaml.Node, sec *section[T], t *T) {
	d.mapping(n, sec.all, func(k string, kr hcl.Range, v *yaml.Node) {
		f, _ := lookupField(sec.fields, k)
		switch f.kind {
		case stringField:
			*f.slot(t).(*rawString), _ = d.str(k, v)
		case boolField:
			if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" {
				*f.slot(t).(*bool) = strings.EqualFold(v.Value, "true")
				return
			}
			r := d.rangeOf(v)
			d.add(errAt(r.Ptr(), "Invalid value for "+k, k+" must be true or false."))
		case firmwareField:
			if !d.isMap(v, k) {
				return
			}
			fw := &rawFirmware{rng: kr}
			yamlFields(d, v, firmwareSection, fw)
			*f.slot(t).(**rawFirmware) = fw
		case settingsField:
			*f.slot(t).(*[]rawSetting) = d.settings(k, v)
		}
	})
}

// settings reads a mapping of KEY: value (settings) into raw settings.
func (d *yamlDecoder) settings(field string, n *yaml.Node) []rawSetting {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if !d.isMap(n, field) {
		return nil
	}
	out := make([]rawSetting, 0, len(n.Content)/2)
	d.pairs(n, true, func(k string, kr hcl.Range, v *yaml.Node) {
		if node := d.node(v); node != nil {
			out = append(out, rawSetting{key: k, keyRange: kr, node: node})
		}
	})
	return out
}

// node converts a settings value.
func (d *yamlDecoder) node(n *yaml.Node) *Node {
	r := d.rangeOf(n)
	switch n.Kind {
	case yaml.AliasNode:
		d.alias(n)
		return nil
	case yaml.SequenceNode:
		return listNode(r, n.Content, d.node)
	case yaml.MappingNode:
		out := &Node{Kind: NodeMap, Range: r, Map: make([]MapEntry, 0, len(n.Content)/2)}
		ok := true
		d.pairs(n, true, func(k string, kr hcl.Range, v *yaml.Node) {
			cn := d.node(v)
			if cn == nil {
				ok = false
				return
			}
			out.Map = append(out.Map, MapEntry{Key: k, KeyRange: kr, Value: cn})
		})
		if !ok {
			return nil
		}
		return out
	case yaml.ScalarNode:
		switch n.Tag {
		case failedTag:
			return nil
		case "!!str", "!!timestamp", "!!binary":
			return &Node{Kind: NodeString, Str: n.Value, Range: r}
		case "!!int", "!!float":
			return &Node{Kind: NodeNumber, Str: n.Value, Range: r}
		case "!!bool":
			return &Node{Kind: NodeBool, Str: strings.ToLower(n.Value), Range: r}
		case "!!null":
			return &Node{Kind: NodeNull, Range: r}
		case "!env", "!file":
			kind := n.Tag[1:]
			v, err := readSecret(kind, n.Value, d.dir)
			var se *secretSourceError
			if err != nil && d.deferSecrets && errors.As(err, &se) {
				return &Node{Kind: NodeString, Range: r, Secret: &SecretRef{Kind: kind, Name: n.Value}, Unknown: true}
			}
			if err != nil {
				summary := "Missing environment variable"
				if kind == "file" {
					summary = "Missing file"
				}
				d.add(errAt(r.Ptr(), summary, fmt.Sprintf("!%s %s: %s.", kind, n.Value, err)))
				return nil
			}
			return &Node{Kind: NodeString, Str: v, Range: r, Secret: &SecretRef{Kind: kind, Name: n.Value}}
		}
		d.add(errAt(r.Ptr(), "Unsupported tag", fmt.Sprintf("The tag %s is not supported; values may be tagged !env NAME or !file PATH.", n.Tag)))
		return nil
	}
	d.add(errAt(r.Ptr(), "Unsupported value", "This YAML value cannot be a setting."))
	return nil
}

func yamlKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a single value"
	}
	return "nothing"
}

// pos turns a yaml line and (character) column into an hcl.Pos.
func (d *yamlDecoder) pos(line, col int) hcl.Pos {
	if line < 1 {
		line = 1
	}
	if line > len(d.lines) {
		line = len(d.lines)
	}
	b := d.lines[line-1]
	for c := 1; c < col && b < len(d.src) && d.src[b] != '\n'; c++ {
		_, w := utf8.DecodeRune(d.src[b:])
		b += w
	}
	return hcl.Pos{Line: line, Column: col, Byte: b}
}

// posAt turns a byte offset into an hcl.Pos.
func (d *yamlDecoder) posAt(b int) hcl.Pos {
	b = min(max(b, d.lines[0]), len(d.src))
	line := sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > b })
	start := d.lines[line-1]
	return hcl.Pos{Line: line, Column: utf8.RuneCount(d.src[start:b]) + 1, Byte: b}
}

// posRange is a range of n bytes at line:col.
func (d *yamlDecoder) posRange(line, col, n int) hcl.Range {
	return d.byteRange(d.pos(line, col).Byte, n)
}

// byteRange is the range of n bytes at byte offset b.
func (d *yamlDecoder) byteRange(b, n int) hcl.Range {
	return hcl.Range{Filename: d.file, Start: d.posAt(b), End: d.posAt(b + n)}
}

// rangeOf is a node's source range: a scalar's text (with its tag and
// quotes), a flow collection up to its closing bracket, a block collection
// up to the end of its last element.
func (d *yamlDecoder) rangeOf(n *yaml.Node) hcl.Range {
	start := d.pos(n.Line, n.Column)
	r := hcl.Range{Filename: d.file, Start: start, End: start}
	end := d.endOf(n, start.Byte)
	switch {
	case end <= start.Byte:
	// Most nodes end on the line they start on. endOf may run past the
	// file (an alias where YAML, which also breaks lines at NEL and a
	// lone CR, counts more lines than d.lines): posAt clamps it.
	case end <= len(d.src) && bytes.IndexByte(d.src[start.Byte:end], '\n') < 0:
		r.End = hcl.Pos{Line: start.Line, Column: start.Column + utf8.RuneCount(d.src[start.Byte:end]), Byte: end}
	default:
		r.End = d.posAt(end)
	}
	return r
}

// endOf finds the byte after node n, which starts at b.
func (d *yamlDecoder) endOf(n *yaml.Node, b int) int {
	src := d.src
	if b >= len(src) {
		return b
	}
	if e, ok := d.written[b]; ok && n.Kind == yaml.ScalarNode && n.Style == 0 {
		return e
	}
	b = skipTags(src, b)
	if b >= len(src) {
		return b
	}
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0 && src[b] == '"':
			for i := b + 1; i < len(src); i++ {
				if src[i] == '\\' {
					i++
					continue
				}
				if src[i] == '"' {
					return i + 1
				}
			}
			return len(src)
		case n.Style&yaml.SingleQuotedStyle != 0 && src[b] == '\'':
			for i := b + 1; i < len(src); i++ {
				if src[i] == '\'' {
					if i+1 < len(src) && src[i+1] == '\'' {
						i++
						continue
					}
					return i + 1
				}
			}
			return len(src)
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			return b + 1
		}
		if n.Kind == yaml.AliasNode && src[b] == '*' {
			return b + 1 + len(n.Value)
		}
		if e, ok := plainEnd(src, b, n.Value); ok {
			return e
		}
		// A '#' within a word is text, not a comment.
		e := b
		for e < len(src) && src[e] != '\n' && src[e] != ',' && src[e] != '}' && src[e] != ']' &&
			(src[e] != '#' || e > b && src[e-1] != ' ' && src[e-1] != '\t') {
			e++
		}
		for e > b && (src[e-1] == ' ' || src[e-1] == '\t') {
			e--
		}
		return e
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 && (src[b] == '{' || src[b] == '[') {
			return flowEnd(src, b)
		}
		if len(n.Content) == 0 {
			return b
		}
		last := n.Content[len(n.Content)-1]
		lp := d.pos(last.Line, last.Column)
		return max(b, d.endOf(last, lp.Byte))
	}
	return b
}

// skipTags is where the value that starts at b starts past the tag or
// anchor written before it.
func skipTags(src []byte, b int) int {
	for b < len(src) && (src[b] == '!' || src[b] == '&') {
		for b < len(src) && src[b] != ' ' && src[b] != '\t' && src[b] != '\n' {
			b++
		}
		for b < len(src) && (src[b] == ' ' || src[b] == '\t') {
			b++
		}
	}
	return b
}

// plainEnd finds the byte after a plain scalar that starts at b, whose
// value v is the text written there, on one line or more (foldedEnd).
func plainEnd(src []byte, b int, v string) (int, bool) {
	if v != "" && bytes.HasPrefix(src[b:], []byte(v)) {
		return b + len(v), true
	}
	return foldedEnd(src, b, v)
}

// foldedEnd finds the byte after a plain scalar over several lines that
// starts at b, its value v: each line break of the source, with the
// blanks around it, is a space of v (n breaks, n-1 line feeds). Scanned
// to the first line's end, its range left the rest out: a secret's next
// lines were not starred.
func foldedEnd(src []byte, b int, v string) (int, bool) {
	if !strings.ContainsAny(v, " \n") {
		return 0, false
	}
	i, k := b, 0
	for k < len(v) {
		j, breaks := i, 0
		for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\n') {
			if src[j] == '\n' {
				breaks++
			}
			j++
		}
		switch {
		case breaks == 1 && v[k] == ' ':
			i, k = j, k+1
		case breaks > 1 && strings.HasPrefix(v[k:], strings.Repeat("\n", breaks-1)):
			i, k = j, k+breaks-1
		case breaks == 0 && i < len(src) && src[i] == v[k]:
			i, k = i+1, k+1
		default:
			return 0, false
		}
	}
	return i, true
}

// flowEnd finds the byte after the bracket closing the flow collection
// that opens at b, skipping quoted text.
func flowEnd(src []byte, b int) int {
	depth := 0
	for i := b; i < len(src); i++ {
		switch src[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(src) && src[i] != '\''; i++ {
			}
		case '#':
			if i > b && (src[i-1] == ' ' || src[i-1] == '\t') {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			}
		}
	}
	return len(src)
}
