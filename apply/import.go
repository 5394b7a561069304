package apply

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/ecotap-tools/ecc/model"
)

// ImportInput is what `ecc import` read from a controller.
type ImportInput struct {
	Name     string // station name for the block
	Serial   string
	Model    string // as reported, e.g. EVC5.1
	Firmware string
	// Values are the controller's values of its keys (editable ones are
	// rendered, others ignored); WriteOnly the write-only keys it has.
	Values    map[string]string
	WriteOnly []string
}

// item is one rendered setting: a typed value, or a commented line.
type item struct {
	key     string
	node    *model.Node // nil: commented out
	comment string      // the whole commented line's text after "# "
	note    string      // trailing comment
}

var numeric = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func isNumeric(s string) bool { return numeric.MatchString(s) && len(s) < 16 }

func scalar(s string, numbers bool) *model.Node {
	if numbers && isNumeric(s) {
		return &model.Node{Kind: model.NodeNumber, Str: s}
	}
	return &model.Node{Kind: model.NodeString, Str: s}
}

// typed proposes the readable typed form of a controller string: a map
// for name=value lists, a list for comma-separated lists, a number, or a
// string.
func typed(kd *model.KeyDef, raw string) *model.Node {
	exampleNumeric := kd.Example == "" || isNumeric(kd.Example)
	switch {
	case kd.Partial:
		n := &model.Node{Kind: model.NodeMap}
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		for _, part := range strings.Split(raw, ",") {
			name, val, ok := strings.Cut(part, "=")
			if !ok {
				return nil
			}
			n.Map = append(n.Map, model.MapEntry{Key: strings.TrimSpace(name), Value: scalar(strings.TrimSpace(val), true)})
		}
		return n
	case strings.Contains(raw, ",") && strings.Contains(kd.Example, ","):
		n := &model.Node{Kind: model.NodeList}
		for _, part := range strings.Split(raw, ",") {
			n.List = append(n.List, scalar(strings.TrimSpace(part), true))
		}
		return n
	default:
		return scalar(raw, exampleNumeric)
	}
}

// importItem renders one key: the typed form when it means exactly the
// controller's value, else the raw string; a value that does not pass
// validation, or holds a secret, is commented out (left unmanaged).
func importItem(kd *model.KeyDef, raw string, envName string) item {
	cur, err := kd.Decode(raw)
	if err != nil {
		return item{key: kd.Name, comment: fmt.Sprintf("%s: the controller's value cannot be read as this key (%v)", kd.Name, err)}
	}
	if cur.Sensitive() {
		return item{key: kd.Name, comment: fmt.Sprintf("%s = %s", kd.Name, "%ENV%"), note: fmt.Sprintf("holds a secret: put the full value (%s) in %s", cur.Display(), envName)}
	}
	tries := []*model.Node{typed(kd, raw), {Kind: model.NodeString, Str: raw}}
	var firstErr string
	for _, n := range tries {
		if n == nil {
			continue
		}
		v, diags := kd.FromNode(n)
		if diags.HasErrors() {
			if firstErr == "" {
				firstErr = diags[0].Summary
				if diags[0].Detail != "" {
					firstErr = diags[0].Detail
				}
			}
			continue
		}
		if kd.Equal(v, cur) {
			return item{key: kd.Name, node: n}
		}
	}
	return item{key: kd.Name, comment: fmt.Sprintf("%s = %q", kd.Name, raw), note: "not valid in a site file: " + firstErr}
}

// EnvName is the environment variable suggested for a station's secret:
// ECC_<WHAT>_<NAME> with the name in upper case, letters and digits only.
func EnvName(what, station string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(station) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return "ECC_" + what + "_" + b.String()
}

func importItems(in ImportInput) []item {
	var items []item
	for _, kd := range model.Dictionary() {
		switch model.Classify(kd.Name) {
		case model.Editable:
			raw, ok := in.Values[kd.Name]
			if !ok {
				continue
			}
			items = append(items, importItem(kd, raw, EnvName("APN", in.Name)))
		case model.WriteOnly:
			for _, k := range in.WriteOnly {
				if k == kd.Name {
					items = append(items, item{key: k, comment: k + " = %ENV%",
						note: "write-only: cannot be read; set it from the environment"})
				}
			}
		}
	}
	return items
}

func envFor(key, station string) string {
	if key == "authorizationKey" {
		return EnvName("AUTH", station)
	}
	return EnvName("APN", station)
}

// hclIdent is a bare HCL identifier; the same shape is a plain YAML key.
var hclIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// flowSyntax writes a value inline (flow style). HCL and YAML differ only
// in quoting, the key/value separator and the braces' padding.
type flowSyntax struct {
	quote, key  func(string) string
	assign      string
	open, close string
}

var (
	hclFlow  = flowSyntax{quote: hclString, key: hclKey, assign: " = ", open: "{ ", close: " }"}
	yamlFlow = flowSyntax{quote: yamlString, key: yamlKey, assign: ": ", open: "{", close: "}"}
)

func (f flowSyntax) value(n *model.Node) string {
	switch n.Kind {
	case model.NodeNumber:
		return n.Str
	case model.NodeList:
		parts := make([]string, len(n.List))
		for i, e := range n.List {
			parts[i] = f.value(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case model.NodeMap:
		parts := make([]string, len(n.Map))
		for i, e := range n.Map {
			parts[i] = f.key(e.Key) + f.assign + f.value(e.Value)
		}
		return f.open + strings.Join(parts, ", ") + f.close
	}
	return f.quote(n.Str)
}

func hclKey(s string) string {
	if hclIdent.MatchString(s) {
		return s
	}
	return hclString(s)
}

func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func yamlKey(s string) string {
	if hclIdent.MatchString(s) && !yamlReserved(s) {
		return s
	}
	return yamlString(s)
}

func yamlReserved(s string) bool {
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		return true
	}
	return false
}

func header(in ImportInput) string {
	return fmt.Sprintf("# Imported from controller %s (%s), running firmware %s.", in.Serial, in.Model, in.Firmware)
}

// RenderImportHCL prints a station block that plans as no change against
// the controller it was read from.
func RenderImportHCL(in ImportInput) string {
	var b strings.Builder
	fmt.Fprintln(&b, header(in))
	fmt.Fprintf(&b, "station %s {\n", hclString(in.Name))
	fmt.Fprintf(&b, "  serial = %s\n", hclString(in.Serial))
	fmt.Fprintf(&b, "  model  = %s\n", hclString(model.Family(in.Model)))
	fmt.Fprintf(&b, "  # firmware: %s running (pin it with a firmware { version, file, sha256 } block)\n", in.Firmware)
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "  settings {")
	items := importItems(in)
	width := 0
	for _, it := range items {
		if it.node != nil && len(it.key) > width {
			width = len(it.key)
		}
	}
	for _, it := range items {
		if it.node == nil {
			line := strings.Replace(it.comment, "%ENV%", fmt.Sprintf("env(%q)", envFor(it.key, in.Name)), 1)
			fmt.Fprintf(&b, "    # %s", line)
			if it.note != "" {
				fmt.Fprintf(&b, "  # %s", it.note)
			}
			fmt.Fprintln(&b)
			continue
		}
		fmt.Fprintf(&b, "    %-*s = %s\n", width, it.key, hclFlow.value(it.node))
	}
	fmt.Fprintln(&b, "  }")
	fmt.Fprintln(&b, "}")
	return b.String()
}

// RenderImportYAML prints the same station under "stations:", ready to be
// merged into a YAML site file.
func RenderImportYAML(in ImportInput) string {
	var b strings.Builder
	fmt.Fprintln(&b, header(in))
	fmt.Fprintln(&b, "stations:")
	fmt.Fprintf(&b, "  %s:\n", yamlKey(in.Name))
	fmt.Fprintf(&b, "    serial: %s\n", yamlString(in.Serial))
	fmt.Fprintf(&b, "    model: %s\n", yamlString(model.Family(in.Model)))
	fmt.Fprintf(&b, "    # firmware: %s running (pin it with firmware: {version, file, sha256})\n", in.Firmware)
	fmt.Fprintln(&b, "    settings:")
	for _, it := range importItems(in) {
		if it.node == nil {
			line := strings.Replace(it.comment, "%ENV%", "!env "+envFor(it.key, in.Name), 1)
			line = strings.Replace(line, " = ", ": ", 1)
			fmt.Fprintf(&b, "      # %s", line)
			if it.note != "" {
				fmt.Fprintf(&b, "  # %s", it.note)
			}
			fmt.Fprintln(&b)
			continue
		}
		fmt.Fprintf(&b, "      %s: %s\n", it.key, yamlFlow.value(it.node))
	}
	return b.String()
}
