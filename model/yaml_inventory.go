package model

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/hashicorp/hcl/v2"
	"gopkg.in/yaml.v3"
)

// Inventories in YAML, in the manner of ESPHome's substitutions: values
// written once under substitutions, and stations made from the rows of an
// inventory (a CSV file with a header row, a YAML or JSON list of
// mappings, or the list inline) through a template in which ${column} is
// the row's cell:
//
//	substitutions:
//	  host: devices.ecotap.com
//	inventory:
//	  rows: stations.csv
//	  name: ${name}            # the default
//	  station:
//	    serial: ${serial}
//	    settings:
//	      com_OCPPID: ${ocpp_id}
//	      com_Endpoint: wss://${host}/ocpp/#SN#
//
// $${ is a literal ${.

// substRE matches ${NAME} and the escape $${.
var substRE = regexp.MustCompile(`\$\$\{|\$\{([^}]*)\}`)

// substName is what a substitution or column may be called.
var substName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// substitutions reads the top-level substitutions mapping.
func (d *yamlDecoder) substitutions(root *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "substitutions" {
			continue
		}
		v := root.Content[i+1]
		if !d.isMap(v, "substitutions") {
			return
		}
		d.subs = map[string]string{}
		var order []string
		at := map[string]hcl.Range{}
		d.pairs(v, true, func(k string, kr hcl.Range, vn *yaml.Node) {
			if !substName.MatchString(k) {
				d.add(errAt(kr.Ptr(), "Invalid substitution name", "A substitution is named with letters, digits, _ and -, starting with a letter or _."))
				d.failSub(k)
				return
			}
			if vn.Kind != yaml.ScalarNode || strings.HasPrefix(vn.Tag, "!") && !strings.HasPrefix(vn.Tag, "!!") {
				r := d.rangeOf(vn)
				d.add(errAt(r.Ptr(), "Invalid substitution", fmt.Sprintf("%s must be a single plain value; got %s.", k, yamlKindName(vn))))
				d.failSub(k)
				return
			}
			d.subs[k] = vn.Value
			order, at[k] = append(order, k), d.rangeOf(vn)
		})
		d.resolveSubs(order, at)
	}
}

// resolveSubs expands, in each substitution's value, the substitutions
// it names, as ESPHome's refer to one another; $${ stays a literal ${.
// A name that is no substitution (columns are a row's, not the file's),
// or a substitution that refers to itself, is an error at the value.
func (d *yamlDecoder) resolveSubs(order []string, at map[string]hcl.Range) {
	raw := maps.Clone(d.subs)
	const resolving, done = 1, 2
	state := map[string]int{}
	var stack []string // the substitutions being resolved, outermost first
	var resolve func(k string) bool
	resolve = func(k string) bool {
		switch state[k] {
		case done:
			return true
		case resolving:
			return false // the caller reports the cycle
		}
		state[k] = resolving
		stack = append(stack, k)
		defer func() { stack = stack[:len(stack)-1] }()
		var b strings.Builder
		ok := true
		for _, p := range parseSubst(raw[k]).parts {
			switch _, known := raw[p.name]; {
			case !p.isVar:
				b.WriteString(p.lit)
			case !known && d.failedSubs[p.name]:
				ok = false // reported at its definition
			case !known:
				r := at[k]
				d.add(errAt(r.Ptr(), "Unknown substitution", fmt.Sprintf("The substitution %s uses ${%s}, which is not defined under substitutions "+
					"(a substitution uses only other substitutions, not an inventory's columns). Write $${ for a literal ${.", k, p.name)+didYouMean(p.name, order)))
				ok = false
			case state[p.name] == resolving:
				r := at[k]
				chain := append(slices.Clone(stack[slices.Index(stack, p.name):]), p.name)
				d.add(errAt(r.Ptr(), "Substitution cycle", fmt.Sprintf("The substitution %s uses ${%s}, which leads back to it: %s.", k, p.name, strings.Join(chain, " → "))))
				ok = false
			case !resolve(p.name):
				ok = false
			default:
				b.WriteString(d.subs[p.name])
			}
		}
		state[k] = done
		if ok {
			d.subs[k] = b.String()
		} else {
			d.failSub(k)
		}
		return ok
	}
	for _, k := range order {
		resolve(k)
	}
}

// failSub notes a substitution in error, reported where it is defined.
func (d *yamlDecoder) failSub(k string) {
	if d.failedSubs == nil {
		d.failedSubs = map[string]bool{}
	}
	d.failedSubs[k] = true
}

// usesFailed reports whether text t uses a substitution in error (and
// not a row's cell of that name, which comes first).
func (d *yamlDecoder) usesFailed(t substText, vs varSource) bool {
	if len(d.failedSubs) == 0 {
		return false
	}
	for _, p := range t.parts {
		if _, cell := vs.vars[p.name]; p.isVar && d.failedSubs[p.name] && !cell {
			return true
		}
	}
	return false
}

// varSource says where ${NAME} comes from, for messages.
type varSource struct {
	vars  map[string]string // the row's cells, then the substitutions
	file  string            // the inventory ("" outside inventories)
	names []string          // the row's columns
}

func (vs varSource) lookup(name string, subs map[string]string) (string, bool) {
	if v, ok := vs.vars[name]; ok {
		return v, true
	}
	v, ok := subs[name]
	return v, ok
}

// substituteFrom replaces ${NAME} in every scalar value below n (not in
// mapping keys), in place, from the row's cells (vs) then the
// substitutions. A plain scalar that was only ${NAME} is typed again from
// its new text (25 a number, true a bool), as YAML would have.
func (d *yamlDecoder) substituteFrom(n *yaml.Node, vs varSource, subs map[string]string) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			d.substituteFrom(n.Content[i], vs, subs)
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			d.substituteFrom(c, vs, subs)
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "${") {
			d.noteWritten(n)
			d.substitute(n, parseSubst(n.Value), vs, subs)
		}
	}
}

// substText is a scalar's text cut at its ${NAME} and $${, once per
// template rather than once per inventory row.
type substText struct {
	parts []substPart
	whole bool // the text is one ${NAME} (or $${)
}

// substPart is literal text, or (isVar) a ${NAME}.
type substPart struct {
	lit, name string
	isVar     bool
}

func parseSubst(s string) substText {
	var t substText
	last := 0
	for i, m := range substRE.FindAllStringSubmatchIndex(s, -1) {
		if i == 0 {
			t.whole = m[0] == 0 && m[1] == len(s)
		}
		if m[0] > last {
			t.parts = append(t.parts, substPart{lit: s[last:m[0]]})
		}
		if m[2] < 0 { // $${
			t.parts = append(t.parts, substPart{lit: "${"})
		} else {
			t.parts = append(t.parts, substPart{name: s[m[2]:m[3]], isVar: true})
		}
		last = m[1]
	}
	if last < len(s) {
		t.parts = append(t.parts, substPart{lit: s[last:]})
	}
	return t
}

// expand is the text with its substitutions, or (not ok) the first name
// that has none.
func (t substText) expand(vs varSource, subs map[string]string) (text, missing string, ok bool) {
	if len(t.parts) == 1 && t.parts[0].isVar { // most cells: the value itself
		v, ok := vs.lookup(t.parts[0].name, subs)
		if !ok {
			return "", t.parts[0].name, false
		}
		return v, "", true
	}
	var b strings.Builder
	ok = true
	for _, p := range t.parts {
		if !p.isVar {
			b.WriteString(p.lit)
			continue
		}
		v, found := vs.lookup(p.name, subs)
		if !found && ok {
			missing, ok = p.name, false
		}
		b.WriteString(v)
	}
	if !ok {
		return "", missing, false
	}
	return b.String(), "", true
}

// substitute sets scalar n to its text t with the row's substitutions.
func (d *yamlDecoder) substitute(n *yaml.Node, t substText, vs varSource, subs map[string]string) {
	whole := t.whole && n.Style == 0 && n.Tag == "!!str"
	if d.usesFailed(t, vs) {
		n.Tag = failedTag // reported at the substitution: skipped silently
		return
	}
	out, missing, ok := t.expand(vs, subs)
	if !ok {
		r := d.rangeOf(n)
		d.add(errAt(r.Ptr(), "Unknown substitution", vs.missing(missing, subs)))
		n.Tag = failedTag // reported: the decoder skips it silently
		return
	}
	n.Value = out
	if whole {
		n.Tag = plainTag(out)
	}
}

// noteWritten keeps where plain scalar n, to be substituted, ends as
// written: its value (a copy's for each row) then no longer tells, and
// the range found by scanning ended at a '#' or ',' within it
// ("ops:pw#1$${x}": a secret's rest was quoted in clear, beside the
// range starred).
func (d *yamlDecoder) noteWritten(n *yaml.Node) {
	if n.Style != 0 || n.Value == "" {
		return
	}
	start := d.pos(n.Line, n.Column).Byte
	if _, ok := d.written[start]; ok || start >= len(d.src) {
		return
	}
	// (Not a node made for a default, "${name}", found nowhere.)
	if e, ok := plainEnd(d.src, skipTags(d.src, start), n.Value); ok {
		if d.written == nil {
			d.written = map[int]int{}
		}
		d.written[start] = e
	}
}

// template is an inventory's station template, read once: which scalars
// hold ${NAME}, and which nodes have such a scalar below them (copied
// for each row: copies nodes, with slots Content entries in all).
type template struct {
	subst         map[*yaml.Node]substText
	has           map[*yaml.Node]bool
	copies, slots int
}

func newTemplate(root *yaml.Node) *template {
	t := &template{subst: map[*yaml.Node]substText{}, has: map[*yaml.Node]bool{}}
	t.scan(root)
	return t
}

// scan finds the scalars to substitute below n, as substituteFrom does.
func (t *template) scan(n *yaml.Node) bool {
	found := false
	switch n.Kind {
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			found = t.scan(n.Content[i]) || found
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, c := range n.Content {
			found = t.scan(c) || found
		}
	case yaml.ScalarNode:
		if strings.Contains(n.Value, "${") {
			t.subst[n] = parseSubst(n.Value)
			found = true
		}
	}
	if found {
		t.has[n] = true
		t.copies++
		t.slots += len(n.Content)
	}
	return found
}

// rowNodes is where one row's copies of template nodes are made: two
// allocations per row instead of two per copied node.
type rowNodes struct {
	nodes []yaml.Node
	slots []*yaml.Node
}

// instantiate is the template with one row's substitutions: the nodes on
// the way to a substituted scalar are copied, the others shared (the
// decoder only reads them).
func (d *yamlDecoder) instantiate(t *template, n *yaml.Node, vs varSource, subs map[string]string) *yaml.Node {
	a := &rowNodes{nodes: make([]yaml.Node, t.copies), slots: make([]*yaml.Node, t.slots)}
	return d.copyNode(t, a, n, vs, subs)
}

func (d *yamlDecoder) copyNode(t *template, a *rowNodes, n *yaml.Node, vs varSource, subs map[string]string) *yaml.Node {
	if !t.has[n] {
		return n
	}
	c := &a.nodes[0]
	a.nodes = a.nodes[1:]
	*c = *n
	if n.Kind == yaml.ScalarNode {
		d.substitute(c, t.subst[n], vs, subs)
		return c
	}
	k := len(n.Content)
	c.Content, a.slots = a.slots[:k:k], a.slots[k:]
	for i, e := range n.Content {
		if i%2 == 1 || n.Kind != yaml.MappingNode { // a mapping's keys are not substituted
			e = d.copyNode(t, a, e, vs, subs)
		}
		c.Content[i] = e
	}
	return c
}

// inlineRows names, in messages, an inventory whose rows are written in
// the site file.
const inlineRows = "the inventory"

// missing explains an unknown ${name}.
func (vs varSource) missing(name string, subs map[string]string) string {
	var subNames []string
	for k := range subs {
		subNames = append(subNames, k)
	}
	sort.Strings(subNames)
	if vs.file != "" {
		what := "The inventory " + vs.file
		if vs.file == inlineRows {
			what = "The inventory"
		}
		msg := fmt.Sprintf("%s has no column %q and there is no such substitution.", what, name)
		if len(vs.names) > 0 {
			msg += " Columns: " + strings.Join(vs.names, ", ") + "."
		}
		return msg + didYouMean(name, append(vs.names, subNames...))
	}
	msg := fmt.Sprintf("${%s} is not defined under substitutions.", name)
	if len(subNames) > 0 {
		msg += " Defined: " + strings.Join(subNames, ", ") + "." + didYouMean(name, subNames)
	}
	return msg + " Write $${ for a literal ${."
}

// failedTag marks a scalar whose substitution failed (and was reported).
const failedTag = "!ecc-substitution-failed"

// plainTag types a substituted plain scalar as YAML types plain text.
func plainTag(s string) string {
	switch {
	case isInteger(s):
		return "!!int"
	case s == "true" || s == "false":
		return "!!bool"
	}
	return "!!str"
}

// isInteger reports an optionally signed run of digits, as YAML reads
// an integer (checked for a substituted cell of every inventory row).
func isInteger(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// row is one inventory row: its cells and where it is written.
type row struct {
	vars map[string]string
	rng  hcl.Range
	n    int // 1-based row number
}

// inventory decodes an inventory mapping (or a list of them) into
// stations, one per row.
func (d *yamlDecoder) inventory(n *yaml.Node) []*rawStation {
	if n.Kind == yaml.SequenceNode {
		var out []*rawStation
		for _, c := range n.Content {
			out = append(out, d.inventory(c)...)
		}
		return out
	}
	if !d.isMap(n, "inventory") {
		return nil
	}
	var rowsNode, nameNode, tmpl *yaml.Node
	var rowsKey hcl.Range
	d.mapping(n, []string{"rows", "name", "station"}, func(k string, kr hcl.Range, v *yaml.Node) {
		switch k {
		case "rows":
			rowsNode, rowsKey = v, kr
		case "name":
			nameNode = v
		case "station":
			tmpl = v
		}
	})
	if rowsNode == nil || tmpl == nil {
		r := d.rangeOf(n)
		d.add(errAt(r.Ptr(), "Incomplete inventory", "An inventory gives rows (a CSV, YAML or JSON file, or a list) and a station template."))
		return nil
	}
	if !d.isMap(tmpl, "station") {
		return nil
	}
	nameTmpl := "${name}"
	nameRange := rowsKey
	if nameNode != nil {
		if s, ok := d.str("name", nameNode); ok {
			nameTmpl, nameRange = s.s, s.rng
		} else {
			return nil
		}
	}
	rows, file, columns := d.rows(rowsNode)
	if rows == nil {
		return nil
	}
	vsName := inlineRows
	if file != "" {
		vsName = file
	}
	seen := map[string]row{}
	out := make([]*rawStation, 0, len(rows))
	nameText, station := parseSubst(nameTmpl), newTemplate(tmpl)
	for n := range station.subst {
		d.noteWritten(n) // once, not for each row's copy
	}
	for _, rw := range rows {
		vs := varSource{vars: rw.vars, file: vsName, names: columns}
		name := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: nameTmpl,
			Line: nameRange.Start.Line, Column: nameRange.Start.Column}
		before := len(d.diags)
		if strings.Contains(nameTmpl, "${") {
			d.substitute(name, nameText, vs, d.subs)
		}
		if len(d.diags) > before {
			continue
		}
		key := name.Value
		if prev, dup := seen[key]; dup {
			d.add(errAt(rw.rng.Ptr(), "Duplicate key",
				fmt.Sprintf("Rows %d and %d of %s are both named %q; each row makes one station.", prev.n, rw.n, vsName, key)))
			continue
		}
		seen[key] = rw
		d.instance = key
		if s := d.station(key, rw.rng, d.instantiate(station, tmpl, vs, d.subs)); s != nil {
			s.instance, s.instanceWhat = key, "row"
			out = append(out, s)
		}
		d.instance = ""
	}
	d.finishInstances("row")
	return out
}

// rows reads an inventory's rows: a file (CSV with a header row, YAML or
// JSON list of mappings) relative to the site file, or an inline list.
func (d *yamlDecoder) rows(n *yaml.Node) (rows []row, file string, columns []string) {
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) == 0 {
			r := d.rangeOf(n)
			d.add(emptyInventory(r.Ptr(), "The inventory has no rows: it makes no station."))
		}
		return d.rowList(d, n), "", nil
	}
	s, ok := d.str("rows", n)
	if !ok {
		return nil, "", nil
	}
	p := inSiteDir(d.dir, s.s)
	data, err := readSmallFile(p, MaxSiteFile)
	if err != nil {
		d.add(errAt(s.rng.Ptr(), "Cannot read inventory", fmt.Sprintf("%s: %s.", p, shortErr(err))))
		return nil, "", nil
	}
	if d.extra == nil {
		d.extra = Sources{}
	}
	d.extra[p] = data
	switch strings.ToLower(filepath.Ext(p)) {
	case ".csv":
		rows, columns = d.csvRows(p, data)
		if columns != nil && len(rows) == 0 {
			d.add(emptyInventory(s.rng.Ptr(), fmt.Sprintf("%s has a header row and no rows: it makes no station.", s.s)))
		}
		return rows, p, columns
	case ".yaml", ".yml", ".json":
		sub := newYAMLDecoder(p, data)
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			d.add(sub.syntaxError(err))
			return nil, p, nil
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
			r := fileStart(p)
			d.add(errAt(r, "Invalid inventory", "An inventory file in YAML or JSON holds a list of mappings, one per station."))
			return nil, p, nil
		}
		if len(doc.Content[0].Content) == 0 {
			d.add(emptyInventory(s.rng.Ptr(), fmt.Sprintf("%s has no rows: it makes no station.", s.s)))
		}
		return d.rowList(sub, doc.Content[0]), p, nil
	}
	d.add(errAt(s.rng.Ptr(), "Unknown inventory format", "An inventory is a .csv file with a header row, or a .yaml, .yml or .json list of mappings."))
	return nil, "", nil
}

// rowList reads a list of mappings of plain values; at positions in the
// file pos decodes.
func (d *yamlDecoder) rowList(pos *yamlDecoder, n *yaml.Node) []row {
	out := make([]row, 0, len(n.Content))
	for i, c := range n.Content {
		r := pos.rangeOf(c)
		if c.Kind != yaml.MappingNode {
			d.add(errAt(r.Ptr(), "Invalid inventory row", fmt.Sprintf("Row %d must be a mapping of column: value; got %s.", i+1, yamlKindName(c))))
			continue
		}
		vars := make(map[string]string, len(c.Content)/2)
		ok := true
		for j := 0; j+1 < len(c.Content); j += 2 {
			k, v := c.Content[j], c.Content[j+1]
			if v.Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode {
				vr := pos.rangeOf(v)
				d.add(errAt(vr.Ptr(), "Invalid inventory cell", fmt.Sprintf("A cell is a single plain value; got %s.", yamlKindName(v))))
				ok = false
				continue
			}
			if _, dup := vars[k.Value]; dup {
				kr, prev := pos.rangeOf(k), hcl.Range{}
				prev, _ = pos.earlierKey(c, j)
				d.add(errAt(kr.Ptr(), "Duplicate key",
					fmt.Sprintf("Row %d gives %q twice (also at %s); a row names each column once.", i+1, k.Value, where(prev))))
				ok = false
				continue
			}
			if v.Tag == "!!null" {
				vars[k.Value] = ""
				continue
			}
			vars[k.Value] = v.Value
		}
		if ok {
			out = append(out, row{vars: vars, rng: r, n: i + 1})
		}
	}
	return out
}

// csvRows reads a CSV inventory: a header row naming the columns, then one
// row per station.
func (d *yamlDecoder) csvRows(path string, data []byte) ([]row, []string) {
	pos := newYAMLDecoder(path, data)
	data = bom.Trim(data)
	at := func(line, col, n int) *hcl.Range { r := csvRange(pos, line, col, n); return &r }
	r := csv.NewReader(bytes.NewReader(data))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1 // a cleared row may be short; the others are checked below
	header, err := r.Read()
	if err != nil {
		d.csvError(pos, path, err)
		return nil, nil
	}
	if len(header) == 1 && semicolonCSV(header[0]) {
		line, col := r.FieldPos(0)
		d.add(errAt(at(line, col, len(header[0])), "Invalid CSV", "The "+semicolonDetail+"."))
		return nil, nil
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		line, col := r.FieldPos(i)
		if header[i] == "" {
			continue // a column a spreadsheet kept ("name,serial,"): no ${} names it, as no each.value does
		}
		if !substName.MatchString(header[i]) {
			d.add(errAt(at(line, col, len(h)), "Invalid column name", fmt.Sprintf("Column %d is named %q; a column is named with letters, digits, _ and -, starting with a letter or _.", i+1, h)))
			return nil, nil
		}
		for _, prev := range header[:i] {
			if prev == header[i] {
				d.add(errAt(at(line, col, len(h)), "Duplicate column", fmt.Sprintf("Column %q is named twice.", h)))
				return nil, nil
			}
		}
	}
	var rows []row
	ragged := false
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			d.csvError(pos, path, err)
			return nil, nil
		}
		if emptyRow(rec) {
			continue // a spreadsheet's cleared row (",,,,"), as csvdecode's
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) { // every such row is named, as in csvdecode (raggedRows)
			d.add(errAt(at(line, 1, 0), "Invalid CSV", fmt.Sprintf("This row has %d cells; the header row has %d.", len(rec), len(header))))
			ragged = true
			continue
		}
		vars := make(map[string]string, len(header))
		for i, h := range header {
			if h != "" {
				vars[h] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row{vars: vars, rng: *at(line, 1, len(pos.lineText(line))), n: n})
	}
	if ragged {
		return nil, nil
	}
	return rows, slices.DeleteFunc(header, func(h string) bool { return h == "" })
}

// csvError places an encoding/csv error at its line and column.
func (d *yamlDecoder) csvError(pos *yamlDecoder, path string, err error) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		if pe.Line > 0 {
			line = pe.Line
		}
		rg := csvRange(pos, line, max(pe.Column, 1), 0)
		d.add(errAt(&rg, "Invalid CSV", upperFirst(pe.Err.Error())+"."))
		return
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("the file is empty; an inventory starts with a header row naming its columns")
	}
	d.add(errAt(fileStart(path), "Invalid CSV", upperFirst(err.Error())+"."))
}

// csvRange is the range of n bytes at a line and column as encoding/csv
// gives them: its column counts bytes (é is two), from after a byte order
// mark on line 1, as the decoder's lines start.
func csvRange(pos *yamlDecoder, line, col, n int) hcl.Range {
	line = min(max(line, 1), len(pos.lines))
	return pos.byteRange(pos.lines[line-1]+col-1, n)
}

// lineText is line n (1-based) of the decoder's source.
func (d *yamlDecoder) lineText(n int) string {
	if n < 1 || n > len(d.lines) {
		return ""
	}
	s := d.src[d.lines[n-1]:]
	if e := bytes.IndexByte(s, '\n'); e >= 0 {
		s = s[:e]
	}
	return strings.TrimRight(string(s), "\r")
}

// emptyInventory is the warning for an inventory without rows (a CSV
// with its header row only, or an empty list), in both forms (an HCL
// for_each over an empty collection): it makes no station, as a site
// emptied of its stations may, but may be a file exported or cleared by
// mistake. It points into the site file, at the rows or for_each.
func emptyInventory(r *hcl.Range, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Empty inventory", Detail: detail, Subject: r}
}
