package model

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// A secret written in a site file itself (authorizationKey = "user:pw")
// works, but the file is in git: whoever reads the repository, a pull
// request or a CI log reads the secret. Such a value gets a warning at
// its place, and its text is hidden from every diagnostic's source line,
// as it is from messages (FromNode), three ways:
//   - a value that decodes has its secret parts starred within its range
//     in the sources the loader returns (hideSecrets);
//   - in a file that does not parse, every line that gives a secret key a
//     value is starred (HideSecretLines), and a URL's password in any
//     quoted line (quoteLine);
//   - the inventories of a site file that sets a secret key are not quoted
//     at all (quietData): a CSV row is a line of values with no key names.

// hiddenText is where a site file holds a secret in clear: the texts to
// hide within rng of its file.
type hiddenText struct {
	rng   hcl.Range
	texts []string
}

// guardSecret looks at the value n of a key that holds a secret, typed as
// v (nil when it did not type): a secret part written in clear gets a
// warning, and its text is hidden from source lines.
func (b *builder) guardSecret(kd *KeyDef, n *Node, v Value) {
	var lits []string
	if v != nil {
		refs, _ := secretTexts(n, nil, false)
		for _, p := range secretParts(v) {
			if !slices.ContainsFunc(refs, func(r string) bool { return strings.Contains(r, p) }) {
				lits = append(lits, p)
			}
		}
	} else {
		lits = writtenSecrets(kd, n)
	}
	if len(lits) == 0 {
		return
	}
	b.add(&hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Secret written in clear",
		Detail: "The secret of " + kd.Name + " is written in the site file (or its inventory): whoever can read the file or its " +
			"repository can read the secret. Give it with " + secretHint(b.raw.file) + ".",
		Subject: n.Range.Ptr()})
	b.l.mu.Lock()
	b.l.hidden = append(b.l.hidden, hiddenText{rng: n.Range, texts: lits})
	b.l.mu.Unlock()
}

// writtenSecrets is, for a value of kd that did not type, the texts
// written in the file where its secret parts go: all of a value secret
// as a whole; the fields from the first secret one on (gsm_APN's
// password) of a list, a map or a raw string.
func writtenSecrets(kd *KeyDef, n *Node) []string {
	c, ok := codecFor(kd).(fieldsCodec)
	if !ok {
		return literalTexts(n, nil)
	}
	var out []string
	sec := c.spec.secret
	switch {
	case n.Kind == NodeString:
		if f := splitList(n.Str); n.Secret == nil && len(f) > sec {
			out = slices.DeleteFunc(f[sec:], func(s string) bool { return s == "" })
		}
	case n.Kind == NodeList:
		for _, e := range n.List[min(sec, len(n.List)):] {
			out = literalTexts(e, out)
		}
	case n.Kind == NodeMap:
		for _, e := range n.Map {
			if i := slices.Index(c.spec.names, e.Key); i < 0 || i >= sec {
				out = literalTexts(e.Value, out) // an unknown name may be the secret's, misspelt
			}
		}
	}
	return out
}

// secretHint is how a secret is given in the format of file.
func secretHint(file string) string {
	if ext := strings.ToLower(filepath.Ext(file)); ext == ".yaml" || ext == ".yml" {
		return "!env NAME or !file PATH"
	}
	return `env("NAME") or file("PATH")`
}

// secretParts is the non-empty texts of v's secret parts: all of a value
// secret as a whole, the secret fields of a list (gsm_APN's password).
func secretParts(v Value) []string {
	v, _ = unwrap(v)
	switch v := v.(type) {
	case secretValue:
		if v.s != "" {
			return []string{v.s}
		}
	case fieldsValue:
		if v.spec.secret >= 0 && v.spec.secret < len(v.fields) {
			return slices.DeleteFunc(slices.Clone(v.fields[v.spec.secret:]), func(s string) bool { return s == "" })
		}
	}
	return nil
}

// literalTexts appends the texts written in the file of n's leaves (not
// those from env() / file()).
func literalTexts(n *Node, acc []string) []string {
	if n == nil {
		return acc
	}
	if n.Secret == nil && n.Str != "" && (n.Kind == NodeString || n.Kind == NodeNumber) {
		acc = append(acc, n.Str)
	}
	for _, e := range n.List {
		acc = literalTexts(e, acc)
	}
	for _, e := range n.Map {
		acc = literalTexts(e.Value, acc)
	}
	return acc
}

// hideSecrets replaces, in l.sources, every text of l.hidden with '*'
// (as many: source lines keep their columns) within its range; where
// none is found as written because of escapes ("p\u0061ss"), the whole
// range but its quotes. (Not found and no escape: the range is an
// expression, each.value.key or ${key}, and the text is an inventory's.) Sources are copied before they change: they are the files'
// contents, read for diagnostics only.
func (l *loader) hideSecrets() {
	copied := map[string]bool{}
	for _, h := range l.hidden {
		src, ok := l.sources[h.rng.Filename]
		if !ok {
			continue
		}
		if !copied[h.rng.Filename] {
			src = bytes.Clone(src)
			l.sources[h.rng.Filename], copied[h.rng.Filename] = src, true
		}
		from, to := max(h.rng.Start.Byte, 0), min(h.rng.End.Byte, len(src))
		if from >= to {
			continue
		}
		// Longest first: a password that is part of another is hidden
		// with it.
		slices.SortFunc(h.texts, func(a, b string) int { return len(b) - len(a) })
		if star(src[from:to], h.texts) == 0 && bytes.IndexByte(src[from:to], '\\') >= 0 {
			for i, c := range src[from:to] {
				if c != '"' && c != '\'' && c != '\n' {
					src[from+i] = '*'
				}
			}
		}
	}
	l.hidden = nil
}

// star overwrites every occurrence of each text in b with '*' and says
// how many it found.
func star(b []byte, texts []string) int {
	n := 0
	for _, t := range texts {
		for i := 0; t != ""; {
			j := bytes.Index(b[i:], []byte(t))
			if j < 0 {
				break
			}
			for k := range len(t) {
				b[i+j+k] = '*'
			}
			i += j + len(t)
			n++
		}
	}
	return n
}

// secretKeyNames are the names, lower case, of the keys that may hold a
// secret (authorizationKey, gsm_APN, OCPP's AuthorizationKey).
var secretKeyNames = func() []string {
	var out []string
	for _, kd := range append(Dictionary(), OCPPKeys()...) {
		if kd.HoldsSecret() && !slices.Contains(out, strings.ToLower(kd.Name)) {
			out = append(out, strings.ToLower(kd.Name))
		}
	}
	return out
}()

// quietData reports whether the inventories a site file reads must not be
// quoted in diagnostics: the file names a key that holds a secret, which
// may come from a column of theirs.
func quietData(site []byte) bool {
	lower := bytes.ToLower(site)
	return slices.ContainsFunc(secretKeyNames, func(k string) bool { return bytes.Contains(lower, []byte(k)) })
}

var (
	// secretLineRE is a line that gives a secret key (or gsm_APN's
	// password field) a value: KEY = VALUE, KEY: VALUE, quoted or not.
	secretLineRE = regexp.MustCompile(`(?i)^(\s*(?:-\s+)?["']?(?:` + strings.Join(append(slices.Clone(secretKeyNames), "password"), "|") +
		`)["']?\s*[=:]\s*)(.*)$`)
	// urlPasswordRE is the password of a URL's user information.
	urlPasswordRE = regexp.MustCompile(`(://[^/\s@"':]*:)([^/\s@"']+)@`)
)

// HideSecretLines is a copy of src, a site file that does not parse, with
// the value of every line that gives a secret key one starred, unless it
// is a reference (env(), file(), !env, !file, ${...}): the sources its
// diagnostics quote, when no value could be decoded to hide it precisely.
func HideSecretLines(src []byte) []byte {
	lines := strings.SplitAfter(string(src), "\n")
	for i, l := range lines {
		m := secretLineRE.FindStringSubmatchIndex(strings.TrimRight(l, "\r\n"))
		if m == nil {
			continue
		}
		value := l[m[4]:m[5]]
		if !slices.ContainsFunc([]string{"env(", "file(", "!env ", "!file ", "${"}, func(p string) bool { return strings.HasPrefix(value, p) }) {
			lines[i] = l[:m[4]] + starRunes(value) + l[m[5]:]
		}
	}
	return []byte(strings.Join(lines, ""))
}

// quoteLine is a source line as a diagnostic prints it: a URL's password
// starred (a controller's com_Endpoint, refused in site files).
func quoteLine(line string) string {
	return urlPasswordRE.ReplaceAllStringFunc(line, func(s string) string {
		m := urlPasswordRE.FindStringSubmatch(s)
		return m[1] + starRunes(m[2]) + "@"
	})
}

// starRunes is s with each character but spaces and quotes a '*'.
func starRunes(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '"' {
			return r
		}
		return '*'
	}, s)
}

// SecretFromEnv is a value of kd as a site file would give it with its
// secret part from the environment variable name: a list whose secret is
// one field (gsm_APN's password) as the map of its fields, that field
// env(name), the others as they are; a value secret as a whole, or one
// whose secret spans fields, as env(name). What ecc import writes.
func SecretFromEnv(kd *KeyDef, v Value, name string) *Node {
	ref := &Node{Kind: NodeString, Secret: &SecretRef{Kind: "env", Name: name}}
	f, ok := v.(fieldsValue)
	if !ok || f.spec.secret < 0 || f.spec.secret >= len(f.fields) ||
		slices.ContainsFunc(f.fields[f.spec.secret+1:], func(s string) bool { return s != "" }) {
		return ref
	}
	n := &Node{Kind: NodeMap}
	for i, s := range f.fields[:f.spec.secret] {
		if s != "" {
			n.Map = append(n.Map, MapEntry{Key: f.spec.names[i], Value: &Node{Kind: NodeString, Str: s}})
		}
	}
	n.Map = append(n.Map, MapEntry{Key: f.spec.names[f.spec.secret], Value: ref})
	return n
}
