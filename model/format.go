package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"gopkg.in/yaml.v3"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
)

// FormatSite returns the canonical text of a site file, as `ecc fmt`
// writes it: HCL through hclwrite.Format (indentation, aligned equals
// signs, spacing), YAML through a yaml.v3 node round trip at two spaces
// per level. Comments and blank lines between entries are kept, and
// formatting formatted text changes nothing. A file that does not parse is
// returned with its diagnostics and no text. The format is chosen by the
// name's extension.
func FormatSite(name string, src []byte) ([]byte, hcl.Diagnostics) {
	return FormatSiteAs(name, name, src)
}

// FormatSiteAs is FormatSite of a text that is not a file of its own
// (ecc fmt -): src is named name in diagnostics and has the format of the
// file name as.
func FormatSiteAs(name, as string, src []byte) ([]byte, hcl.Diagnostics) {
	if int64(len(src)) > MaxSiteFile {
		return nil, hcl.Diagnostics{errAt(fileStart(name), "Cannot read site file", fmt.Sprintf("larger than %d bytes.", MaxSiteFile))}
	}
	if _, utf16, _ := fromUTF16(name, src); utf16 {
		// Written back, it would be UTF-8 (yaml.v3) or broken (hclwrite):
		// a file is never rewritten in another encoding unasked. No line
		// is quoted: the caller's copy of the text is UTF-16.
		return nil, hcl.Diagnostics{errAt(&hcl.Range{Filename: name}, "Cannot format",
			"The file is UTF-16 (Notepad's \"Unicode\"): ecc reads it, but fmt writes UTF-8 only and leaves it alone. Save it as UTF-8, then format it.")}
	}
	switch strings.ToLower(filepath.Ext(as)) {
	case ".hcl":
		if _, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos); diags.HasErrors() {
			return nil, diags
		}
		return hclwrite.Format(src), nil
	case ".yaml", ".yml":
		return formatYAML(name, src)
	}
	return nil, hcl.Diagnostics{errAt(fileStart(name), "Unknown site file format", "A site file is HCL (.hcl) or YAML (.yaml, .yml).")}
}

// formatYAML re-encodes every document of src and puts back the blank
// lines that separated entries (yaml.v3 drops them). The result must read
// back to the same data, keep every comment and be stable, or the file is
// left alone (formatYAMLText). A file
// whose first line ends in CRLF keeps CRLF (as hclwrite keeps an HCL
// file's); it is formatted as LF text, because yaml.v3 keeps the CR in
// comments and writes it back as a line break of its own.
func formatYAML(name string, src []byte) ([]byte, hcl.Diagnostics) {
	if !bytes.Contains(src, []byte("\r\n")) {
		return formatYAMLText(name, src)
	}
	lf := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	out, diags := formatYAMLText(name, lf)
	if out == nil || !firstLineCRLF(src) {
		return out, diags
	}
	return bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n")), diags
}

// foreignYAML reports whether a file a directory walk found is YAML of
// another tool (mkdocs.yml, docker-compose.yml, action.yml): a mapping none
// of whose top-level fields is a site file's (siteOwnFields) or a
// misspelling of one (stations:
// written station: is a site file's error), or a lone scalar. fmt leaves
// it alone, validate and plan leave it out with a warning (skipForeign).
// A site file with one field right and another misspelt is a site file
// (validate reports the misspelling), as are inventories (lists) and
// files that do not parse (their error is reported).
func foreignYAML(name string, src []byte) bool {
	if !yamlFile(name) {
		return false
	}
	root := yamlRoot(src)
	if root == nil || root.Kind != yaml.MappingNode {
		return root != nil && root.Kind == yaml.ScalarNode
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; slices.Contains(siteOwnFields, k) || nearest(k, siteOwnFields) != "" {
			return false
		}
	}
	return len(root.Content) > 0
}

// yamlRoot is the root node of src's first document, or nil when src
// does not parse or is empty.
func yamlRoot(src []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// siteOwnFields are the top-level fields that make a YAML file a site
// file: all but description, which other tools' files have too (a GitHub
// action.yml, a Helm Chart.yaml), and which alone declares nothing.
var siteOwnFields = slices.DeleteFunc(slices.Clone(yamlSiteFields), func(f string) bool { return f == "description" })

// dataOnlyYAML reports whether a YAML file another site file reads as
// data is only that: a list of rows, a mapping without a field of a site
// file's own (siteOwnFields; spelt exactly: rows keyed station1, station2
// are data, not misspellings of stations), or what does not parse (its
// reader reports it).
func dataOnlyYAML(name string, src []byte) bool {
	if !yamlFile(name) {
		return false
	}
	root := yamlRoot(src)
	if root == nil || root.Kind != yaml.MappingNode {
		return true
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if slices.Contains(siteOwnFields, root.Content[i].Value) {
			return false
		}
	}
	return true
}

// firstLineCRLF reports whether the first line break of src is CRLF: the
// line ending a formatted file keeps.
func firstLineCRLF(src []byte) bool {
	i := bytes.IndexByte(src, '\n')
	return i > 0 && src[i-1] == '\r'
}

// formatYAMLText formats LF text. Besides reading back to the same data
// (formatYAMLOnce), the result must keep every comment of src and be
// stable: yaml.v3 drops a comment it has no node to attach to (inside an
// empty flow collection) and moves one that heads nothing it can place
// (a comment indented unlike the entry below it) a little further each
// time. Either way the file is refused with an error at the comment, and
// left alone, rather than changed at every run.
func formatYAMLText(name string, src []byte) ([]byte, hcl.Diagnostics) {
	out, diags := formatYAMLOnce(name, src)
	if diags.HasErrors() || bytes.Equal(out, src) {
		return out, diags
	}
	pos := newYAMLDecoder(name, src)
	if c, ok := lostComment(src, out); ok {
		return nil, hcl.Diagnostics{errAt(pos.byteRange(c.at, len(c.text)).Ptr(), "Cannot format",
			fmt.Sprintf("Formatting would delete the comment %q: yaml.v3 keeps no comment there (inside an empty flow collection, for one). Move it above the entry it describes, then format.", c.text))}
	}
	again, diags := formatYAMLOnce(name, out)
	if diags.HasErrors() || !bytes.Equal(again, out) {
		r := fileStart(name)
		detail := "Formatting the file again would change it again (yaml.v3 cannot place its comments stably), so it is left as it is."
		if c, ok := movedComment(src, out, again); ok {
			r = pos.byteRange(c.at, len(c.text)).Ptr()
			detail = fmt.Sprintf("Formatting again would move the comment %q (or one next to it) once more: yaml.v3 places a comment indented unlike the entry below it differently at each pass. The file is left as it is: indent the comments above an entry as that entry, then format.", c.text)
		}
		return nil, hcl.Diagnostics{errAt(r, "Cannot format", detail)}
	}
	return out, nil
}

// fmtComment is a comment of a YAML text: its text, from # to the end
// of its line without trailing blanks, and the byte offset of its #.
type fmtComment struct {
	text string
	at   int
}

// yamlComments lists the comments of a YAML text, in order: a # at the
// start of a line or after a blank, outside quoted scalars and block
// scalars (| and >, whose lines are data).
func yamlComments(src []byte) []fmtComment {
	var out []fmtComment
	var quote byte
	block := -1 // the indentation a block scalar's lines are deeper than
	start := 0
	for start < len(src) {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		line := src[start:end]
		indent := len(line) - len(bytes.TrimLeft(line, " "))
		if block >= 0 {
			if len(bytes.TrimSpace(line)) == 0 || indent > block {
				start = end + 1
				continue
			}
			block = -1
		}
		content := len(line)
		for i := 0; i < len(line); i++ {
			c := line[i]
			switch {
			case quote == '"':
				if c == '\\' {
					i++
				} else if c == '"' {
					quote = 0
				}
			case quote == '\'':
				if c == '\'' && i+1 < len(line) && line[i+1] == '\'' {
					i++
				} else if c == '\'' {
					quote = 0
				}
			case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
				out = append(out, fmtComment{text: string(bytes.TrimRight(line[i:], " \t\r")), at: start + i})
				content = i
				i = len(line)
			case (c == '"' || c == '\'') && (i == 0 || bytes.IndexByte([]byte(" \t[{,"), line[i-1]) >= 0):
				quote = c
			}
		}
		if quote == 0 && blockIndicator(line[:content]) {
			block = indent
			for rest := line[indent:]; bytes.HasPrefix(rest, []byte("- ")); {
				rest = bytes.TrimLeft(rest[2:], " ")
				block = len(line) - len(rest)
			}
		}
		start = end + 1
	}
	return out
}

// blockIndicator reports whether a line (its comment cut off) ends in a
// block scalar's header: | or > with a chomping or indentation indicator.
func blockIndicator(line []byte) bool {
	f := bytes.Fields(line)
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	if last[0] != '|' && last[0] != '>' {
		return false
	}
	for _, c := range last[1:] {
		if c != '+' && c != '-' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// lostComment returns the first comment of src whose text out has fewer
// times than src.
func lostComment(src, out []byte) (fmtComment, bool) {
	have := map[string]int{}
	for _, c := range yamlComments(out) {
		have[c.text]++
	}
	cs := yamlComments(src)
	for _, c := range cs {
		have[c.text]--
	}
	for _, c := range cs {
		if have[c.text] < 0 {
			return c, true
		}
	}
	return fmtComment{}, false
}

// movedComment finds the comment of src that formatting out again moves:
// the first comment line of out at or after the first line that changes.
func movedComment(src, out, again []byte) (fmtComment, bool) {
	a, b := strings.Split(string(out), "\n"), strings.Split(string(again), "\n")
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for ; i < len(a); i++ {
		t := strings.TrimSpace(a[i])
		if !strings.HasPrefix(t, "#") {
			continue
		}
		for _, c := range yamlComments(src) {
			if c.text == t {
				return c, true
			}
		}
	}
	return fmtComment{}, false
}

// formatYAMLOnce re-encodes src once: the text must read back to the same
// data.
func formatYAMLOnce(name string, src []byte) ([]byte, hcl.Diagnostics) {
	pos := newYAMLDecoder(name, src)
	docs, err := yamlDocs(src)
	if err != nil {
		return nil, hcl.Diagnostics{pos.syntaxError(err)}
	}
	if len(docs) == 0 {
		return src, nil
	}
	var want []blanks
	for _, d := range docs {
		want = blankLines(d, pos, want)
	}
	out, err := encodeYAML(docs)
	if err == nil {
		out, err = restoreBlanks(out, want)
	}
	if err == nil {
		err = sameYAML(src, out)
	}
	if err != nil {
		return nil, hcl.Diagnostics{errAt(fileStart(name), "Cannot format", "The file cannot be re-encoded without changing it: "+err.Error()+".")}
	}
	return out, nil
}

func yamlDocs(src []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &n)
	}
}

func encodeYAML(docs []*yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// entries lists the entries of block collections below n in document
// order: mapping keys and sequence items (flow collections sit on one
// line and have no blank lines to keep).
func entries(n *yaml.Node, out []*yaml.Node) []*yaml.Node {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			out = entries(c, out)
		}
	case yaml.MappingNode:
		if n.Style&yaml.FlowStyle != 0 {
			return out
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, n.Content[i])
			out = entries(n.Content[i+1], out)
		}
	case yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			return out
		}
		for _, c := range n.Content {
			out = append(out, c)
			out = entries(c, out)
		}
	}
	return out
}

// blanks says where an entry had blank lines in the source: before it
// (before its head comment, if any), and between its head comment and
// its key, both of which yaml.v3's encoder drops.
type blanks struct{ before, gap bool }

// entryLines returns the line of an entry's key and the first line of
// the entry (its head comment's, if any), and whether a blank line
// separates the two. yaml.v3 places a key that a blank line separates
// from its head comment on the blank line (at the top level) or ends the
// comment with a newline (below): both are read from the text.
func entryLines(n *yaml.Node, pos *yamlDecoder) (key, start int, gap bool) {
	key = n.Line
	if n.HeadComment == "" {
		return key, key, false
	}
	for key < len(pos.lines) && strings.TrimSpace(pos.lineText(key)) == "" {
		key++
	}
	gap = key > 1 && strings.TrimSpace(pos.lineText(key-1)) == ""
	start = key - strings.Count(strings.TrimRight(n.HeadComment, "\n"), "\n") - 1
	if gap {
		start--
	}
	return key, start, gap
}

// blankLines appends, per entry of doc, where blank lines were around it
// in the source.
func blankLines(doc *yaml.Node, pos *yamlDecoder, out []blanks) []blanks {
	for _, e := range entries(doc, nil) {
		_, l, gap := entryLines(e, pos)
		out = append(out, blanks{before: l > 1 && strings.TrimSpace(pos.lineText(l-1)) == "", gap: gap})
	}
	return out
}

// restoreBlanks inserts the blank lines of the source (blankLines) into
// the encoded text (the entries come in the same order).
func restoreBlanks(out []byte, want []blanks) ([]byte, error) {
	docs, err := yamlDocs(out)
	if err != nil {
		return nil, err
	}
	var all []*yaml.Node
	for _, d := range docs {
		all = append(all, entries(d, nil)...)
	}
	if len(all) != len(want) {
		return out, nil // unexpected shape: keep yaml.v3's text
	}
	pos := newYAMLDecoder("", out)
	var lines []int
	for i, e := range all {
		key, l, gap := entryLines(e, pos)
		if want[i].gap && !gap {
			lines = append(lines, key)
		}
		if want[i].before && l > 1 && strings.TrimSpace(pos.lineText(l-1)) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return out, nil
	}
	sort.Sort(sort.Reverse(sort.IntSlice(lines)))
	res := out
	for _, l := range lines {
		at := pos.lines[l-1]
		res = append(res[:at:at], append([]byte{'\n'}, res[at:]...)...)
	}
	return res, nil
}

// sameYAML checks that two texts hold the same data (tags and values,
// not layout).
func sameYAML(a, b []byte) error {
	da, err := yamlDocs(a)
	if err != nil {
		return err
	}
	db, err := yamlDocs(b)
	if err != nil {
		return err
	}
	if len(da) != len(db) {
		return errors.New("the number of documents changed")
	}
	for i := range da {
		var va, vb any
		if err := da[i].Decode(&va); err != nil {
			return err
		}
		if err := db[i].Decode(&vb); err != nil {
			return err
		}
		if !reflect.DeepEqual(va, vb) || tagsOf(da[i], nil) != tagsOf(db[i], nil) {
			return errors.New("the data would change")
		}
	}
	return nil
}

// tagsOf lists the custom tags (!env, !file) of a tree, in order.
func tagsOf(n *yaml.Node, b *strings.Builder) string {
	if b == nil {
		b = &strings.Builder{}
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		b.WriteString(n.Tag + " ")
	}
	for _, c := range n.Content {
		tagsOf(c, b)
	}
	return b.String()
}

// Formatted is what `ecc fmt` found in one file.
type Formatted struct {
	File          string
	Before, After []byte
}

// Changed reports whether the file was not in the canonical format.
func (f Formatted) Changed() bool { return !bytes.Equal(f.Before, f.After) }

// FormatFiles formats the site files named by args (ExpandPaths; the
// folders' own files only unless recursive) and, when write is set,
// rewrites those that change, atomically and keeping their mode. Files
// that cannot be read or parsed are reported and left alone; the others
// are still formatted.
func FormatFiles(args []string, recursive, write bool) ([]Formatted, Sources, hcl.Diagnostics) {
	files, fromDir, diags := ExpandPaths(args, recursive)
	srcs := Sources{}
	var out []Formatted
	for _, f := range files {
		src, err := readSmallFile(f, MaxSiteFile)
		if err != nil {
			diags = append(diags, errAt(fileStart(f), "Cannot read site file", shortErr(err)+"."))
			continue
		}
		if fromDir[f] && foreignYAML(f, src) {
			continue
		}
		srcs[f] = src
		after, d := FormatSite(f, src)
		diags = append(diags, d...)
		if d.HasErrors() {
			srcs[f] = HideSecretLines(src)
			continue
		}
		res := Formatted{File: f, Before: src, After: after}
		if write && res.Changed() {
			mode := os.FileMode(0o644)
			if st, err := os.Stat(f); err == nil {
				mode = st.Mode().Perm()
			}
			if err := atomicfile.WriteFile(f, after, mode); err != nil {
				diags = append(diags, errAt(fileStart(f), "Cannot write site file", shortErr(err)+"."))
				continue
			}
		}
		out = append(out, res)
	}
	return out, srcs, diags
}
