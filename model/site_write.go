package model

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"gopkg.in/yaml.v3"
)

// The site-file writer: what ecc prints for users to keep (import's
// stations, firmware inspect's pins) is built here, HCL through hclwrite
// and YAML through yaml.v3 nodes, so that one quoter per format escapes
// every string and the output reads back as written.

// SiteOut is a site file to print: optional header comments, then
// stations. Without a site name the file is a complete site named after
// the file it is saved as.
type SiteOut struct {
	Header   []string // comment lines at the top (without "# ")
	Site     string
	Stations []StationOut
}

// StationOut is one station to print.
type StationOut struct {
	Name, Serial, Model string
	Notes               []string // comment lines before the settings
	Firmware            *PinOut
	Settings            []SettingOut
	// OCPP is the ocpp block: OCPP standard keys (read over OCPP).
	OCPP []SettingOut
}

// SettingOut is one KEY = value of a settings block. Value nil writes
// only Comment as a comment line, after KEY and Shown in the file's
// syntax when Shown is set (a value that cannot be written, quoted);
// Disabled writes the entry commented out (left unmanaged) with Comment
// as its trailing note. A Value with a Secret is written as env("NAME") /
// !env NAME (or file).
type SettingOut struct {
	Key      string
	Value    *Node
	Shown    *Node
	Disabled bool
	Comment  string
}

// PinOut is a firmware pin to print. File is as the site file must say it
// (relative to the site file).
type PinOut struct {
	Version, File, SHA256 string
}

// WriteHCL prints a site file in HCL, formatted as `ecc fmt` formats it.
func WriteHCL(s SiteOut) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	for _, h := range s.Header {
		body.AppendUnstructuredTokens(commentTokens(h))
	}
	if s.Site != "" {
		body.AppendNewBlock("site", []string{s.Site})
		body.AppendNewline()
	}
	for i, st := range s.Stations {
		if i > 0 {
			body.AppendNewline()
		}
		b := body.AppendNewBlock("station", []string{st.Name}).Body()
		b.SetAttributeValue("serial", cty.StringVal(st.Serial))
		if st.Model != "" {
			b.SetAttributeValue("model", cty.StringVal(st.Model))
		}
		for _, n := range st.Notes {
			b.AppendUnstructuredTokens(commentTokens(n))
		}
		if st.Firmware != nil {
			b.AppendNewline()
			writePinHCL(b, *st.Firmware)
		}
		writeKeysHCL(b, "settings", st.Settings)
		writeKeysHCL(b, "ocpp", st.OCPP)
	}
	return hclwrite.Format(f.Bytes())
}

// writeKeysHCL prints a block of KEY = value (settings, ocpp), if any.
func writeKeysHCL(b *hclwrite.Body, name string, keys []SettingOut) {
	if len(keys) == 0 {
		return
	}
	b.AppendNewline()
	sb := b.AppendNewBlock(name, nil).Body()
	for _, set := range keys {
		switch {
		case set.Value == nil && set.Shown != nil:
			sb.AppendUnstructuredTokens(commentTokens(set.Key + " = " + string(hclwrite.Format(hclValue(set.Shown).Bytes())) + ": " + set.Comment))
		case set.Value == nil:
			sb.AppendUnstructuredTokens(commentTokens(set.Comment))
		case set.Disabled:
			line := set.Key + " = " + string(hclwrite.Format(hclValue(set.Value).Bytes())) // spaced as outside a comment
			if set.Comment != "" {
				line += "  # " + set.Comment
			}
			sb.AppendUnstructuredTokens(commentTokens(line))
		default:
			sb.SetAttributeRaw(set.Key, hclValue(set.Value))
		}
	}
}

// WritePinHCL prints a firmware block.
func WritePinHCL(p PinOut) []byte {
	f := hclwrite.NewEmptyFile()
	writePinHCL(f.Body(), p)
	return hclwrite.Format(f.Bytes())
}

func writePinHCL(body *hclwrite.Body, p PinOut) {
	b := body.AppendNewBlock("firmware", nil).Body()
	b.SetAttributeValue("version", cty.StringVal(p.Version))
	b.SetAttributeValue("file", cty.StringVal(p.File))
	b.SetAttributeValue("sha256", cty.StringVal(p.SHA256))
}

func commentTokens(text string) hclwrite.Tokens {
	return hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte("# " + strings.TrimRight(text, "\n") + "\n")}}
}

// hclValue writes a value on one line: a number as written, a string
// quoted by hclwrite, a list as [a, b], a map as { name = value, ... } in
// its order, a secret as env("NAME") or file("PATH").
func hclValue(n *Node) hclwrite.Tokens {
	if n.Secret != nil {
		return hclwrite.TokensForFunctionCall(n.Secret.Kind, hclwrite.TokensForValue(cty.StringVal(n.Secret.Name)))
	}
	switch n.Kind {
	case NodeNumber:
		if _, err := cty.ParseNumberVal(n.Str); err == nil {
			return hclwrite.Tokens{{Type: hclsyntax.TokenNumberLit, Bytes: []byte(n.Str)}} // as written
		}
	case NodeBool:
		return hclwrite.TokensForValue(cty.BoolVal(n.Str == "true"))
	case NodeNull:
		return hclwrite.TokensForValue(cty.NullVal(cty.DynamicPseudoType))
	case NodeList:
		elems := make([]hclwrite.Tokens, len(n.List))
		for i, e := range n.List {
			elems[i] = hclValue(e)
		}
		return hclwrite.TokensForTuple(elems)
	case NodeMap:
		toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrace, Bytes: []byte("{")}}
		for i, e := range n.Map {
			if i > 0 {
				toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")})
			}
			if hclsyntax.ValidIdentifier(e.Key) {
				toks = append(toks, hclwrite.TokensForIdentifier(e.Key)...)
			} else {
				toks = append(toks, hclwrite.TokensForValue(cty.StringVal(e.Key))...)
			}
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenEqual, Bytes: []byte("=")})
			toks = append(toks, hclValue(e.Value)...)
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrace, Bytes: []byte("}")})
	}
	return hclwrite.TokensForValue(cty.StringVal(n.Str))
}

// writeKeysYAML adds a mapping of KEY: value (settings, ocpp), if any, to
// m; pending are the comments waiting for the next key, and what it
// returns.
func writeKeysYAML(m *yaml.Node, name string, keys []SettingOut, pending []string) []string {
	if len(keys) == 0 {
		return pending
	}
	k := yamlKey(name)
	k.HeadComment = yamlComment(pending)
	pending = nil
	sm := &yaml.Node{Kind: yaml.MappingNode}
	for _, set := range keys {
		switch {
		case set.Value == nil && set.Shown != nil:
			pending = append(pending, set.Key+": "+yamlInline(set.Shown)+"  # "+set.Comment)
		case set.Value == nil:
			pending = append(pending, set.Comment)
		case set.Disabled:
			line := set.Key + ": " + yamlInline(set.Value)
			if set.Comment != "" {
				line += "  # " + set.Comment
			}
			pending = append(pending, line)
		default:
			kn := yamlKey(set.Key)
			kn.HeadComment = yamlComment(pending)
			pending = nil
			sm.Content = append(sm.Content, kn, yamlValue(set.Value))
		}
	}
	sm.FootComment = yamlComment(pending)
	m.Content = append(m.Content, k, sm)
	return nil
}

// WriteYAML prints the same site file in YAML.
func WriteYAML(s SiteOut) []byte {
	root := &yaml.Node{Kind: yaml.MappingNode}
	if len(s.Header) > 0 {
		root.HeadComment = yamlComment(s.Header)
	}
	if s.Site != "" {
		root.Content = append(root.Content, yamlKey("site"), yamlStr(s.Site))
	}
	stations := &yaml.Node{Kind: yaml.MappingNode}
	for _, st := range s.Stations {
		m := &yaml.Node{Kind: yaml.MappingNode}
		m.Content = append(m.Content, yamlKey("serial"), yamlStr(st.Serial))
		if st.Model != "" {
			m.Content = append(m.Content, yamlKey("model"), yamlStr(st.Model))
		}
		var pending []string // comments for the next key
		pending = append(pending, st.Notes...)
		if st.Firmware != nil {
			k := yamlKey("firmware")
			k.HeadComment = yamlComment(pending)
			pending = nil
			m.Content = append(m.Content, k, pinYAML(*st.Firmware))
		}
		pending = writeKeysYAML(m, "settings", st.Settings, pending)
		pending = writeKeysYAML(m, "ocpp", st.OCPP, pending)
		if len(pending) > 0 {
			m.FootComment = yamlComment(pending)
		}
		stations.Content = append(stations.Content, yamlKey(st.Name), m)
	}
	root.Content = append(root.Content, yamlKey("stations"), stations)
	return encodeNode(root)
}

// WritePinYAML prints a firmware mapping (under defaults: or a station).
func WritePinYAML(p PinOut) []byte {
	return encodeNode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{yamlKey("firmware"), pinYAML(p)}})
}

func pinYAML(p PinOut) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		yamlKey("version"), yamlStr(p.Version), yamlKey("file"), yamlStr(p.File), yamlKey("sha256"), yamlStr(p.SHA256)}}
}

func encodeNode(n *yaml.Node) []byte {
	out, err := encodeYAML([]*yaml.Node{{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}})
	if err != nil { // cannot happen: the nodes are built here
		panic(err)
	}
	return out
}

func yamlComment(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return "# " + strings.Join(lines, "\n# ")
}

func yamlKey(k string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k} }

// yamlStr is a string value; "${" is written "$${" so that it is not read
// as a substitution.
func yamlStr(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: strings.ReplaceAll(s, "${", "$${")}
}

// yamlValue is a value in flow style (one line), strings quoted by the
// encoder only where YAML needs it.
func yamlValue(n *Node) *yaml.Node {
	if n.Secret != nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!" + n.Secret.Kind, Value: n.Secret.Name}
	}
	switch n.Kind {
	case NodeNumber:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: n.Str}
	case NodeBool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: n.Str}
	case NodeNull:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case NodeList:
		out := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, e := range n.List {
			out.Content = append(out.Content, yamlValue(e))
		}
		return out
	case NodeMap:
		out := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
		for _, e := range n.Map {
			out.Content = append(out.Content, yamlKey(e.Key), yamlValue(e.Value))
		}
		return out
	}
	return yamlStr(n.Str)
}

// yamlInline is a value as it would be written after "KEY: ", for a
// commented-out entry.
func yamlInline(n *Node) string {
	out := encodeNode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{yamlKey("k"), yamlValue(n)}})
	return string(bytes.TrimSuffix(bytes.TrimPrefix(out, []byte("k: ")), []byte("\n")))
}
