package model

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// A secret written in a site file itself (authorizationKey = "user:pw")
// works, but the file is in git: whoever reads the repository, a pull
// request or a CI log reads the secret. Such a value gets a warning at
// its place, and its text is hidden from every diagnostic's source line,
// as it is from messages (FromNode), three ways:
//   - a value that decodes has its secret parts starred within its range
//     in the sources the loader returns (hideSecrets), as has the value
//     of a key refused that names a secret (guardRefused);
//   - in a file that does not parse, every line that gives a secret key a
//     value is starred (HideSecretLines), and a URL's password in any
//     quoted line (quoteLine);
//   - the inventories of a site file that gives a secret key a value from
//     them are not quoted at all (quietData).

// hiddenText is where a site file holds a secret in clear: the texts to
// hide within rng of its file.
type hiddenText struct {
	rng   hcl.Range
	texts []string
	// field, for a list written as one string ("name,user,password"),
	// is its first secret field: of what rng writes, only the text from
	// that field on is starred elsewhere too (hideSecrets). 0: all of it.
	field int
	// url: of what rng writes, only a URL's password is (com_Endpoint).
	url bool
}

// guardSecret looks at the value n of a key that holds a secret, typed as
// v (nil when it did not type): a secret part written in clear gets a
// warning, and its text is hidden from source lines.
func (b *builder) guardSecret(kd *KeyDef, n *Node, v Value) {
	var lits []string
	if kd.HoldsURL() { // com_Endpoint: its password is refused, and hidden
		for _, t := range literalTexts(n, nil) {
			if from, to, ok := urlPassword(t); ok {
				lits = append(lits, t[from:to])
			}
		}
		b.hide(hiddenText{rng: n.Range, texts: lits, url: true})
		return
	}
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
	b.hideWritten(kd, n, lits)
}

// hideWritten hides lits, the secret texts of n (a value of kd), from
// source lines.
func (b *builder) hideWritten(kd *KeyDef, n *Node, lits []string) {
	if len(lits) == 0 {
		return
	}
	// Each text within the element or map value that holds it, where the
	// fallback of one not written as its value ("s3cr\u0065t", a
	// decomposed accent HCL composes) stars that element only; the rest
	// (a raw "name,user,password", a value built by a function) within n.
	// A field is the element's text trimmed (gsm_APN's "pw ").
	rest := lits
	anyNode(n, func(x *Node) bool {
		holds := func(t string) bool { return t == x.Str || t == strings.TrimSpace(x.Str) }
		if x != n && x.Secret == nil && slices.ContainsFunc(rest, holds) {
			b.hide(hiddenText{rng: x.Range, texts: []string{x.Str}})
			rest = slices.DeleteFunc(slices.Clone(rest), holds)
		}
		return false // every node
	})
	field := 0
	if c, ok := codecFor(kd).(fieldsCodec); ok && n.Kind == NodeString {
		field = c.spec.secret
	}
	b.hide(hiddenText{rng: n.Range, texts: rest, field: field})
}

// guardRefused hides the value of a key refused in its block that names
// a secret key in any spelling (OCPP's AuthorizationKey, which ecc does
// not plan; AUTHORIZATIONKEY in settings), or misspells one
// (authorisationKey, the "did you mean"'s rule): the error quotes its
// line, and what is written there is a secret all the same. No warning:
// the error says what to do with the key.
func (b *builder) guardRefused(rs rawSetting) {
	kd, ok := DefFold(rs.key)
	if !ok {
		if near := nearest(strings.ToLower(rs.key), secretKeyNames); near != "" {
			kd, ok = DefFold(near)
		}
	}
	if ok && kd.HoldsSecret() {
		b.hideWritten(kd, rs.node, writtenSecrets(kd, rs.node))
	}
}

// hide has hideSecrets star h's texts within its range.
func (b *builder) hide(h hiddenText) {
	if len(h.texts) == 0 {
		return
	}
	b.l.mu.Lock()
	b.l.hidden = append(b.l.hidden, h)
	b.l.mu.Unlock()
}

// HoldsURL reports a key whose value is a URL (com_Endpoint): a password
// in it is a secret, refused in site files and masked wherever a
// controller's value is shown or kept.
func (k *KeyDef) HoldsURL() bool {
	c, ok := codecFor(k).(textCodec)
	return ok && c.url
}

// writtenSecrets is, for a value of kd that did not type, the texts
// written in the file where its secret parts go: all of a value secret
// as a whole; the fields from the first secret one on (gsm_APN's
// password) of a list, a map or a raw string.
func writtenSecrets(kd *KeyDef, n *Node) []string {
	if _, ok := codecFor(kd).(secretCodec); ok {
		return withPasswords(literalTexts(n, nil))
	}
	c, ok := codecFor(kd).(fieldsCodec)
	if !ok {
		return literalTexts(n, nil)
	}
	var out []string
	sec := c.spec.secret
	switch {
	case n.Kind == NodeString:
		if f := splitList(n.Str); n.Secret == nil && len(f) > sec {
			// The text from the secret's field on, too: fields after it
			// are the password's ("pw,1234" is one secret, each part
			// too short to be starred elsewhere).
			out = slices.DeleteFunc(f[sec:], func(s string) bool { return s == "" })
			if rest := strings.TrimSpace(strings.SplitN(n.Str, ",", sec+1)[sec]); len(f) > sec+1 && rest != "" {
				out = append(out, rest)
			}
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
	if yamlFile(file) {
		return "!env NAME or !file PATH"
	}
	return `env("NAME") or file("PATH")`
}

// secretParts is the non-empty texts of v's secret parts: all of a value
// secret as a whole (and an authorizationKey's password: withPasswords),
// the secret fields of a list (gsm_APN's password).
func secretParts(v Value) []string {
	v, _ = unwrap(v)
	switch v := v.(type) {
	case secretValue:
		if v.s != "" {
			return withPasswords([]string{v.s})
		}
	case fieldsValue:
		if v.spec.secret >= 0 && v.spec.secret < len(v.fields) {
			return slices.DeleteFunc(slices.Clone(v.fields[v.spec.secret:]), func(s string) bool { return s == "" })
		}
	}
	return nil
}

// withPasswords is texts, the texts of an authorizationKey
// ("user:password"), and the password of each after them: another key
// given it with more around it (com_OCPPID = "pw,x") quotes it alone, as
// gsm_APN's password, a field of its own, is. A password too short to be
// starred beyond its value (minStarred) is left out: the whole text holds
// it.
func withPasswords(texts []string) []string {
	out := slices.Clone(texts)
	for _, t := range texts {
		if _, pw, ok := strings.Cut(t, ":"); ok && len(pw) >= minStarred {
			out = append(out, pw)
		}
	}
	return out
}

// literalTexts appends the texts written in the file of n's leaves (not
// those from env() / file()).
func literalTexts(n *Node, acc []string) []string {
	if n != nil {
		anyNode(n, func(x *Node) bool {
			if x.Secret == nil && x.Str != "" && (x.Kind == NodeString || x.Kind == NodeNumber) {
				acc = append(acc, x.Str)
			}
			return false // every node
		})
	}
	return acc
}

// hideSecrets replaces, in l.sources, every text of l.hidden with '*'
// (as many: source lines keep their columns) within its range; where one
// is not found as written (or the range holds an escape), what the range
// writes out (starWritten). Sources are copied before they change: they
// are the files' contents, read for diagnostics only.
//
// A secret whose text is long enough not to be found by chance
// (minStarred) is also starred everywhere else in the sources and in the
// diagnostics' messages, as evaluated and as written (the secret's part
// of what starWritten starred): a local or substitution that holds it is
// written elsewhere in the file (or a package), and another key given the
// same value quotes it, as its line writes it and as its message does.
func (l *loader) hideSecrets(diags hcl.Diagnostics) {
	copied := map[string]bool{}
	byFile := map[string][]string{} // texts to star anywhere, by the file that holds them
	n := 0
	for _, h := range l.hidden {
		src, ok := l.sources[h.rng.Filename]
		if !ok {
			continue
		}
		if !copied[h.rng.Filename] {
			src = bytes.Clone(src)
			l.sources[h.rng.Filename], copied[h.rng.Filename] = src, true
		}
		for _, t := range h.texts {
			if len(t) >= minStarred {
				byFile[h.rng.Filename] = append(byFile[h.rng.Filename], t)
				n++
			}
		}
		from, to := max(h.rng.Start.Byte, 0), min(h.rng.End.Byte, len(src))
		if from >= to {
			continue
		}
		// Longest first: a password that is part of another is hidden
		// with it.
		slices.SortFunc(h.texts, func(a, b string) int { return len(b) - len(a) })
		seg := src[from:to]
		// A text found within an escape ("\u003000" holds "003000") is
		// not where the secret is written: a value with escapes has all
		// it writes starred.
		if slices.ContainsFunc(h.texts, func(t string) bool { return !bytes.Contains(seg, []byte(t)) }) || bytes.IndexByte(seg, '\\') >= 0 {
			// What the value writes is starred elsewhere too: the same
			// escapes given to com_OCPPID quote none of the secret.
			for _, w := range h.secretWritten(starWritten(seg, yamlFile(h.rng.Filename))) {
				if len(w) >= minStarred {
					byFile[h.rng.Filename] = append(byFile[h.rng.Filename], w)
					n++
				}
			}
		}
		star(seg, h.texts)
	}
	if n > 0 {
		// A few secrets (the usual case) are starred in every source (a
		// YAML package may hold the substitution); a fleet with a secret
		// in clear in every station has each file's starred in that file
		// only, one pass a file (a replacer), not a search per secret.
		var everywhere *strings.Replacer
		if n <= 32 {
			var all []string
			for _, ts := range byFile {
				all = append(all, ts...)
			}
			everywhere = newStarrer(all)
		}
		starrers := map[string]*strings.Replacer{}
		starrer := func(file string) *strings.Replacer {
			if everywhere != nil {
				return everywhere
			}
			r, ok := starrers[file]
			if !ok {
				r = newStarrer(byFile[file])
				starrers[file] = r
			}
			return r
		}
		for name, src := range l.sources {
			r := starrer(name)
			if r == nil {
				continue
			}
			if out := r.Replace(string(src)); out != string(src) {
				l.sources[name], copied[name] = []byte(out), true
			}
		}
		for _, d := range diags {
			file := ""
			if d.Subject != nil {
				file = d.Subject.Filename
			}
			if r := starrer(file); r != nil {
				d.Summary, d.Detail = unfill(r.Replace(d.Summary)), unfill(r.Replace(d.Detail))
			}
		}
	}
	for _, f := range l.undecoded {
		if src, ok := l.sources[f]; ok {
			l.sources[f] = HideSecretLines(src)
		}
	}
	for _, f := range l.unbuilt {
		if src, ok := l.sources[f]; ok {
			l.sources[f] = HideReferredSecrets(src)
		}
	}
	l.hidden, l.undecoded, l.unbuilt = nil, nil, nil
}

// secretWritten is, of the texts h's range writes, in order, those of the
// secret: all of them, or a URL's password (h.url), or the
// comma-separated fields from h.field on (a raw gsm_APN's password, not
// its name).
func (h hiddenText) secretWritten(written []string) []string {
	var out []string
	switch {
	case h.url:
		for _, w := range written {
			if from, to, ok := urlPassword(w); ok {
				out = append(out, w[from:to])
			}
		}
	case h.field > 0:
		// Each field, and the text from the first on ("pw,1234" is one
		// secret, its parts maybe too short to be starred elsewhere).
		commas := 0
		for _, w := range written {
			fields := strings.Split(w, ",")
			if from := max(h.field-commas, 0); from < len(fields) {
				out = append(out, strings.TrimSpace(strings.Join(fields[from:], ",")))
				for _, f := range fields[from:] {
					out = append(out, strings.TrimSpace(f)) // (the same text when it is one field)
				}
			}
			commas += len(fields) - 1
		}
	default:
		out = written
	}
	return out
}

// minStarred is the length from which a secret's text is starred wherever
// it appears, not only in the value it was found in: a shorter one
// ("123") would star the same digits in unrelated lines.
const minStarred = 4

// newStarrer replaces each of texts with it starred (starBytes; longest
// first: a password that is part of another is starred with it), or is
// nil when there are none.
func newStarrer(texts []string) *strings.Replacer {
	if len(texts) == 0 {
		return nil
	}
	texts = slices.Clone(texts)
	for _, t := range texts {
		// A key that trims its value (com_OCPPID given the same text)
		// quotes it without its blanks at either end.
		if tt := strings.TrimSpace(t); tt != t && len(tt) >= minStarred {
			texts = append(texts, tt)
		}
	}
	for _, t := range texts {
		// Messages quote values with %q: a secret with a quote or a
		// backslash shows escaped there.
		if q := strconv.Quote(t); q[1:len(q)-1] != t {
			texts = append(texts, q[1:len(q)-1])
		}
	}
	slices.SortFunc(texts, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(texts))
	for _, t := range texts {
		b := []byte(t)
		starBytes(b)
		pairs = append(pairs, t, string(b))
	}
	return strings.NewReplacer(pairs...)
}

// starWritten stars what a value's source seg writes out, for a secret
// text not found in it as written: escapes, an accent HCL composes, a
// value a function builds (join(":", ["ops", "pw"])), a YAML block folded.
// In HCL, every literal token (a quoted string's text, a number, a
// heredoc's lines), so that what it refers to stays readable
// (each.value.key, "${local.user}:${local.pw}": those values are starred
// where they are written); in YAML, the whole value but its quotes and
// line ends, unless it takes a substitution (${key}), which is starred
// where it is defined. It returns the texts it starred as written, the
// indentation of a value's next lines left out.
func starWritten(seg []byte, yaml bool) (written []string) {
	if !yaml {
		// The lexer cuts a string at each '$' and '%': a run of literal
		// tokens is one text written, blanks and all; a heredoc's lines
		// but their indentation.
		toks, _ := hclsyntax.LexExpression(seg, "", hcl.InitialPos)
		from, to, trim := 0, 0, ""
		for _, t := range toks {
			switch t.Type {
			case hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit, hclsyntax.TokenNumberLit:
				if t.Range.Start.Byte != to {
					written = starExcept(seg[from:to], "\r\n", trim, "", written)
					from = t.Range.Start.Byte
				}
				if to = t.Range.End.Byte; t.Type == hclsyntax.TokenStringLit {
					trim = " \t"
				} else {
					trim = ""
				}
			}
		}
		return starExcept(seg[from:to], "\r\n", trim, "", written)
	}
	if slices.ContainsFunc(parseSubst(string(seg)).parts, func(p substPart) bool { return p.isVar }) {
		return nil
	}
	// What is starred elsewhere is each line of the value whole (a
	// quoted scalar's but its quotes: 'it''s' given to com_OCPPID too is
	// one text), and each text between quotes (a flow collection's).
	// Lines after the first keep their indentation.
	inner := seg
	if q := seg[0]; len(seg) >= 2 && (q == '"' || q == '\'') && seg[len(seg)-1] == q {
		inner = seg[1 : len(seg)-1]
	}
	for i, l := range strings.Split(string(inner), "\n") {
		if l = strings.TrimRight(l, "\r"); i > 0 {
			l = strings.TrimLeft(l, " \t")
		}
		if strings.TrimSpace(l) != "" {
			written = append(written, l)
		}
	}
	for i, l := range bytes.Split(seg, []byte("\n")) {
		if i > 0 {
			l = bytes.TrimLeft(l, " \t")
		}
		written = starExcept(l, "\"'\r", " \t", " \t", written)
	}
	return written
}

// starExcept stars b (starBytes) but the bytes of keep, which keep the
// shape of the lines: their ends, a value's quotes; it appends the texts
// starred to acc, as they were but the blanks of trimLeft and trimRight
// at their ends (indentation), and none that is blank.
func starExcept(b []byte, keep, trimLeft, trimRight string, acc []string) []string {
	for len(b) > 0 {
		i := bytes.IndexAny(b, keep)
		if i < 0 {
			i = len(b)
		}
		t := strings.TrimRight(strings.TrimLeft(string(b[:i]), trimLeft), trimRight)
		if strings.TrimSpace(t) != "" && strings.IndexByte(t, starFill) < 0 {
			acc = append(acc, t)
		}
		starBytes(b[:i])
		b = b[min(i+1, len(b)):]
	}
	return acc
}

// star stars every occurrence of each text in b (starBytes) and says
// how many it found.
func star(b []byte, texts []string) int {
	n := 0
	for _, t := range texts {
		for i := 0; t != ""; {
			j := bytes.Index(b[i:], []byte(t))
			if j < 0 {
				break
			}
			starBytes(b[i+j : i+j+len(t)])
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
	for name, kd := range defByLower {
		if kd.HoldsSecret() {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}()

// quietData reports whether the inventories a site file reads must not be
// quoted in diagnostics: a secret key (or gsm_APN's password field) of
// the file takes a value from elsewhere (each.value.key, ${key}, a local),
// which may be a column of theirs. A CSV row is a line of values with no
// key names: it cannot be starred by line.
func quietData(site []byte) bool {
	return hideSecretLines(bytes.Clone(site))
}

// secretKeyRE finds where a secret key (or gsm_APN's password field) is
// given a value, at the start of a line or within it (a one-line block,
// a YAML flow mapping): KEY = VALUE, KEY: VALUE, the key quoted or not.
// The value starts at the match's end.
var secretKeyRE = assignRE("(?i)", append(slices.Clone(secretKeyNames), "password"))

// assignRE finds where one of names is given a value, as secretKeyRE
// does (flags "(?i)": in any case).
func assignRE(flags string, names []string) *regexp.Regexp {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(flags + `(?:^|[\s{,(\[])(?:-\s+)?["']?(?:` + strings.Join(q, "|") + `)["']?\s*[=:]\s*`)
}

// urlKeyRE finds where a key whose value is a URL (com_Endpoint) is given
// a value, as secretKeyRE does.
var urlKeyRE = func() *regexp.Regexp {
	var names []string
	for name, kd := range defByLower {
		if kd.HoldsURL() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return assignRE("(?i)", names)
}()

// refNameRE finds what a value refers to: local.NAME and each.value.NAME
// (or each.value["NAME"]) in HCL, ${NAME} in YAML.
var refNameRE = regexp.MustCompile(`(?:local\.|each\.value\.)([A-Za-z_][A-Za-z0-9_-]*)|each\.value\[\s*"([^"]+)"\s*\]|\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}`)

// HideSecretLines is a copy of src, a site file that does not (wholly)
// decode, with the literal text given to every secret key (or gsm_APN's
// password field) starred from the key to the end of its line
// (starValue), and a URL's password on any line: the sources its
// diagnostics quote, when no value could be decoded to hide it precisely.
// A value that goes on over the next lines (a bracket or a quote left
// open, an HCL heredoc, a YAML block scalar or a block indented under the
// key) has those lines starred too (secretRest). Bytes are replaced one
// for one, so that positions hold (starBytes): the text to print is
// HideSecretText.
//
// A text so starred that is long enough not to be found by chance
// (minStarred) is starred wherever else the file writes it, as
// hideSecrets stars a decoded secret's text (newStarrer): another key
// given the same value (chg_KWH1 = "ops:pw") quotes it too.
func HideSecretLines(src []byte) []byte {
	out := bytes.Clone(src)
	hideSecretLines(out)
	if r := newStarrer(starredTexts(src, out)); r != nil {
		copy(out, r.Replace(string(out))) // the same length: a star a byte replaced
	}
	return out
}

// starredTexts is what out, src starred in place, starred: each run of
// starred bytes of at least minStarred, as src writes it.
func starredTexts(src, out []byte) []string {
	var texts []string
	for i := 0; i < len(out); {
		j, changed := i, false
		for j < len(out) && (out[j] == '*' || out[j] == starFill) {
			changed = changed || out[j] != src[j]
			j++
		}
		if changed && j-i >= minStarred {
			texts = append(texts, string(src[i:j]))
		}
		i = max(j, i+1)
	}
	return withPasswords(texts)
}

// HideSecretText is src with its secrets starred as HideSecretLines
// stars them, as printed (a diff of a file's formatting): one '*' a
// character.
func HideSecretText(src []byte) string {
	return unfill(string(HideSecretLines(src)))
}

// hideSecretLines is HideSecretLines in place; it reports whether a
// secret's value refers to something else (quietData). What a secret's
// value refers to (a local, a substitution, an inline row's column) has
// its values starred too, and so on down the chain.
func hideSecretLines(out []byte) (refs bool) {
	refs, names := starAssigned(out, secretKeyRE)
	starReferred(out, names)
	return refs
}

// HideReferredSecrets is a copy of src, a site file that decoded but did
// not build, with the values starred that its secret keys' values refer
// to (a local, a substitution, an inline row's column) and that no
// decoded value showed (a row refused, a local that does not evaluate).
func HideReferredSecrets(src []byte) []byte {
	_, names := starAssigned(bytes.Clone(src), secretKeyRE)
	if len(names) == 0 {
		return src
	}
	out := bytes.Clone(src)
	starReferred(out, names)
	return out
}

// starReferred stars the values given to names, and to what those refer
// to, down the chain.
func starReferred(out []byte, names []string) {
	seen := map[string]bool{}
	for range 4 { // a chain of locals is short; each pass finds the next link
		var fresh []string
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				fresh = append(fresh, n)
			}
		}
		if len(fresh) == 0 {
			break
		}
		_, names = starAssigned(out, assignRE("", fresh))
	}
}

// starAssigned stars the values given to what re finds (and a URL's
// password on any line), and returns whether they refer to something
// else, and the names they refer to.
func starAssigned(out []byte, re *regexp.Regexp) (refs bool, names []string) {
	var rest secretRest // what the line before left open
	for from := 0; from < len(out); {
		to := bytes.IndexByte(out[from:], '\n')
		if to < 0 {
			to = len(out)
		} else {
			to += from
		}
		line := bytes.TrimRight(out[from:to], "\r")
		if !rest.star(line) {
			rest = secretRest{refs: rest.refs, names: rest.names}
			if m := re.FindIndex(line); m != nil {
				rest.open(line, m[1])
			}
		}
		starURLPasswords(line)
		from = to + 1
	}
	return rest.refs, rest.names
}

// secretRest is what a secret key's value left open at the end of its
// line, that the lines after it belong to.
type secretRest struct {
	depth  int      // brackets open
	quote  byte     // the quote open, or 0
	interp []int    // HCL: the templates' ${ open within quotes, each at its depth (their quotes nest)
	marker []byte   // an HCL heredoc's closing marker
	indent int      // YAML: lines indented more than this (the key's column) belong to the value
	block  bool     // YAML: a block scalar (| or >), literal text to its end
	nested bool     // YAML: a mapping or sequence under the key
	more   bool     // YAML: a plain scalar, which lines indented more go on
	refs   bool     // a value refers to something else (each., ${, local.)
	names  []string // ... and to what (refNameRE)
}

// refers notes whether v, secret text before it is starred, refers to
// something else: a column or a local, whose text is then elsewhere.
func (r *secretRest) refers(v []byte) {
	r.refs = r.refs || bytes.Contains(v, []byte("each.")) || bytes.Contains(v, []byte("${")) || bytes.Contains(v, []byte("local."))
	for _, m := range refNameRE.FindAllSubmatch(v, -1) {
		r.names = append(r.names, string(bytes.Join(m[1:], nil)))
	}
}

var (
	heredocRE     = regexp.MustCompile(`^\s*<<-?([A-Za-z_][A-Za-z0-9_-]*)\s*$`)
	blockScalarRE = regexp.MustCompile(`^\s*[|>][-+0-9]*\s*(#.*)?$`)
)

// open stars the value on a secret key's line, which starts at from,
// and sets r from what it leaves open.
func (r *secretRest) open(line []byte, from int) {
	v := line[from:]
	r.refers(v)
	if m := heredocRE.FindSubmatch(v); m != nil {
		r.marker = bytes.Clone(m[1])
		return
	}
	r.indent = len(line) - len(bytes.TrimLeft(line, " \t-"))
	t := bytes.TrimSpace(v)
	switch {
	case blockScalarRE.Match(v):
		r.block = true
		return
	case len(t) == 0 || t[0] == '#':
		r.nested = true
		return
	}
	r.scan(v) // on the text as written: starred, // and quotes are gone
	starValue(v, true, bytes.Count(line[:from], []byte("{"))-bytes.Count(line[:from], []byte("}")))
	// A plain scalar of a key that starts its line goes on over the
	// lines indented more (YAML); an HCL value does not, nor a key within
	// a line (a flow mapping).
	r.more = r.depth <= 0 && r.quote == 0 && len(r.interp) == 0 && bytes.IndexByte([]byte(`"'[{(`), t[0]) < 0 &&
		bytes.IndexAny(line[:from], "{[(,") < 0
}

// scan follows the brackets and quotes of v, the part of a value on one
// line, from r's state; a comment ends it.
func (r *secretRest) scan(v []byte) {
	for i := 0; i < len(v); i++ {
		var stop bool
		if i, stop = r.step(v, i); stop {
			return
		}
	}
}

// step follows v[i] (scan), and says where the next byte to follow is
// (less one), and whether a comment starts there. Within a double-quoted
// string, a template's ${ or %{ (not $${) opens an expression whose
// quotes nest ("${upper("pw")}"), up to its closing brace: the quote
// was taken for closed at "pw", and the next line for its rest.
func (r *secretRest) step(v []byte, i int) (int, bool) {
	c := v[i]
	switch {
	case r.quote == '"' && (c == '$' || c == '%') && i+2 < len(v) && v[i+1] == c && v[i+2] == '{':
		return i + 2, false // $${: text
	case r.quote == '"' && (c == '$' || c == '%') && i+1 < len(v) && v[i+1] == '{' && bytes.IndexByte(v[i+2:], '}') >= 0:
		// Only with its closing brace ahead: in YAML "50%{off" is text,
		// and its closing quote must still close the string.
		r.interp, r.quote = append(r.interp, r.depth), 0
		return i + 1, false
	case r.quote != 0:
		if c == '\\' && r.quote == '"' {
			return i + 1, false
		}
		if c == r.quote {
			r.quote = 0
		}
	case (c == '"' || c == '\'') && quoteStarts(v[:i]):
		r.quote = c
	case c == '}' && len(r.interp) > 0 && r.depth == r.interp[len(r.interp)-1]:
		r.interp, r.quote = r.interp[:len(r.interp)-1], '"'
	case c == '[' || c == '{' || c == '(':
		r.depth++
	case c == ']' || c == '}' || c == ')':
		r.depth--
	case c == '#' || c == '/' && i+1 < len(v) && v[i+1] == '/':
		return i, true
	}
	return i, false
}

// quoteStarts reports whether a quote after before opens a string: at a
// value's start or after punctuation or an operator, not within a word
// (YAML's plain "it's", "pa\"ss" hold quotes that open nothing).
func quoteStarts(before []byte) bool {
	before = bytes.TrimRight(before, " \t")
	return len(before) == 0 || bytes.IndexByte([]byte(":[{(,=?!<>&|+-*/%"), before[len(before)-1]) >= 0
}

// star stars line if it belongs to the value left open, and reports
// whether it did.
func (r *secretRest) star(line []byte) bool {
	text := bytes.TrimLeft(line, " \t")
	body := line[len(line)-len(text):] // the line but its indentation
	switch {
	case r.marker != nil:
		if bytes.Equal(bytes.TrimSpace(line), r.marker) {
			r.marker = nil // the value's end; the line after starts anew
			return true
		}
		r.refers(body)
		starBytes(body)
		return true
	case r.block || r.nested || r.more:
		indent := len(line) - len(text)
		item := r.nested && indent == r.indent && bytes.HasPrefix(text, []byte("- ")) // a sequence at the key's column
		if len(text) > 0 && indent <= r.indent && !item {
			return false // back at the key's level or above
		}
		r.refers(body)
		if r.block || r.more {
			starBytes(body)
		} else {
			starValue(bytes.TrimPrefix(body, []byte("- ")), false, 0) // an item's value, not its dash
		}
		return true
	case r.quote != 0 || len(r.interp) > 0:
		r.refers(body)
		end := r.closeQuote(body)
		starBytes(body[:end])
		if end < len(body) { // past the closing quote
			r.scan(body[end+1:])
			starValue(body[end+1:], false, 0)
		}
		return true
	case r.depth > 0:
		r.refers(line)
		r.scan(line)
		starValue(line, false, 0)
		return true
	}
	return false
}

// closeQuote is where the quote left open ends in line: the index of the
// closing quote (of the outer string, past the templates within it), or
// len(line).
func (r *secretRest) closeQuote(line []byte) int {
	for i := 0; i < len(line); i++ {
		i, _ = r.step(line, i) // a comment within a template's ${} is rare: its text is starred with the string's
		if r.quote == 0 && len(r.interp) == 0 && i < len(line) {
			return i
		}
	}
	return len(line)
}

// starValue stars, in place, the literal text of a value written on one
// line: each quoted string's content and each bare word (a YAML plain
// scalar), but not references (env("NAME"), file("PATH"), !env NAME,
// !file PATH, ${...}), map keys (name =, name:), punctuation, nor a
// comment. A key is a flow mapping's (within braces: braces are open
// before v), or the first word of a line; with atValue, v is what follows
// a key's separator, whose first word is the value ("ops:pw:" is no key).
func starValue(v []byte, atValue bool, braces int) {
	const delims = " \t\r[]{},=()\"'"
	ref := false // the next string or word is a reference's argument
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '"' || c == '\'':
			j := i + 1
			if c == '"' {
				// Past a template's strings: "${lower("a#b")}".
				j += (&secretRest{quote: '"'}).closeQuote(v[j:])
			} else {
				for j < len(v) && v[j] != c {
					j++
				}
			}
			if !ref && !quotedKey(v[:i], v[min(j+1, len(v)):]) {
				starBytes(v[i+1 : min(j, len(v))])
			}
			ref, i = false, j+1
		case (c == '#' || c == '/' && i+1 < len(v) && (v[i+1] == '/' || v[i+1] == '*')) && (i == 0 || v[i-1] == ' ' || v[i-1] == '\t'):
			return // a comment: YAML's and HCL's #, HCL's // and /*
		case c == '$' && i+1 < len(v) && v[i+1] == '{':
			j := bytes.IndexByte(v[i:], '}')
			if j < 0 {
				return
			}
			i += j + 1
		case bytes.IndexByte([]byte(delims), c) >= 0:
			switch c {
			case '{':
				braces++
			case '}':
				braces--
			}
			i++
		default:
			j := i
			for j < len(v) && bytes.IndexByte([]byte(delims), v[j]) < 0 {
				j++
			}
			word := string(v[i:j])
			switch {
			case word == "env" || word == "file" || word == "!env" || word == "!file":
				ref = true
			case (braces > 0 || !atValue && len(bytes.TrimLeft(v[:i], " \t")) == 0) && (strings.HasSuffix(word, ":") || hclKey(word, v[j:])) &&
				fieldName(strings.TrimSuffix(word, ":")):
				// a map key
			case ref:
				ref = false
			default:
				starBytes(v[i:j])
			}
			i = j
		}
	}
}

// fieldName reports a map key that is no secret's text: gsm_APN's
// fields, or a key of the dictionary (a flow mapping going on after the
// secret). Any other word in a key's place may be the secret itself
// ("- hunter2:" under gsm_APN), and is starred.
func fieldName(w string) bool {
	if slices.Contains(apnFields, strings.ToLower(w)) {
		return true
	}
	_, ok := Lookup(w)
	if !ok {
		_, ok = LookupOCPP(w)
	}
	return ok
}

// quotedKey reports whether a quoted string between before and rest is
// a key: of JSON, or of a YAML flow mapping ({"gsm_APN": ...}): an entry
// of a flow collection followed by ':' (not HCL's cond ? "a" : "b").
func quotedKey(before, rest []byte) bool {
	before, rest = bytes.TrimRight(before, " \t"), bytes.TrimLeft(rest, " \t")
	return len(before) > 0 && (before[len(before)-1] == '{' || before[len(before)-1] == ',') && len(rest) > 0 && rest[0] == ':'
}

// hclKey reports whether word, followed by rest, is the key of an HCL
// map entry: an identifier, then "=" and a quoted string or a reference
// (an HCL value written out is quoted; a YAML plain scalar "pw=x" is no
// key).
func hclKey(word string, rest []byte) bool {
	if !hclsyntax.ValidIdentifier(word) {
		return false
	}
	rest = bytes.TrimLeft(rest, " \t")
	if len(rest) == 0 || rest[0] != '=' {
		return false
	}
	rest = bytes.TrimLeft(rest[1:], " \t")
	return bytes.HasPrefix(rest, []byte(`"`)) || bytes.HasPrefix(rest, []byte("env(")) || bytes.HasPrefix(rest, []byte("file("))
}

// starURLPasswords stars, in place, the password of every URL in line
// (urlPassword's rules) that stands between quotes or blanks, or between
// blanks only, or is a quoted string's text: a password may hold quotes
// (a plain YAML "wss://ops:pa"ss@h/x"), blanks and the other quote
// ("wss://ops:it's a pw@h/x").
func starURLPasswords(line []byte) {
	for _, sep := range []string{" \t\"'", " \t"} {
		for _, f := range bytes.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(sep, r) }) {
			if from, to, ok := urlPassword(string(f)); ok {
				starBytes(f[from:to]) // f is a slice of line
			}
		}
	}
	// A URL key's plain value (YAML), to the line's end and to a flow
	// collection's next entry: a password may hold blanks
	// ("{com_Endpoint: wss://ops:a pw@h/x, ...}").
	for _, m := range urlKeyRE.FindAllIndex(line, -1) {
		v := line[m[1]:]
		if len(v) == 0 || v[0] == '"' || v[0] == '\'' {
			continue // the quoted string's pass
		}
		if i := bytes.Index(v, []byte(" #")); i >= 0 {
			v = v[:i]
		}
		for _, end := range []int{len(v), bytes.IndexAny(v, ",]}")} {
			if from, to, ok := urlPassword(string(v[:max(end, 0)])); ok {
				starBytes(v[from:to])
			}
		}
	}
	for i := 0; i < len(line); i++ {
		q := line[i]
		if q != '"' && (q != '\'' || !quoteStarts(line[:i])) {
			continue
		}
		j := i + 1
		for j < len(line) {
			if q == '"' && line[j] == '\\' || q == '\'' && line[j] == q && j+1 < len(line) && line[j+1] == q {
				j += 2 // an escape, YAML's ''
				continue
			}
			if line[j] == q {
				break
			}
			j++
		}
		text := line[i+1 : min(j, len(line))]
		if from, to, ok := urlPassword(string(text)); ok {
			starBytes(text[from:to])
		}
		i = j
	}
}

// HideURLPasswords is line with the password of every URL in it starred
// (a controller's com_Endpoint, refused in site files): a source line as
// a diagnostic quotes it, a controller's log line as the console shows
// it.
func HideURLPasswords(line string) string {
	b := []byte(line)
	starURLPasswords(b)
	return unfill(string(b))
}

// starBytes overwrites each character of b (a grapheme cluster, what
// HCL's columns count) with one '*' and the rest of its bytes with
// starFill: the bytes keep their places, which diagnostics point at,
// and the line as printed keeps its columns, so that the marker of a
// later diagnostic of the line stays under its text (a star a byte made
// "pässwörd" ten columns). A character starred already stays one.
func starBytes(b []byte) {
	for i := 0; i < len(b); {
		if b[i] == starFill {
			i++
			continue
		}
		n := max(len(nextCharacter(b[i:])), 1)
		b[i] = '*'
		for j := i + 1; j < i+n; j++ {
			b[j] = starFill
		}
		i += n
	}
}

// starFill is the bytes of a starred character after its '*': never in
// UTF-8, so never in the text of a site file that loads; what prints a
// source drops it (unfill, characters), with the marker counting alike.
const starFill = 0xFF

// unfill is s, starred by starBytes, as printed.
func unfill(s string) string {
	if strings.IndexByte(s, starFill) < 0 {
		return s
	}
	// Only the filler after a '*': a 0xFF of the file's own (invalid
	// UTF-8, which the diagnostic is about) stays, printed as '?'.
	var b strings.Builder
	filling := false
	for i := 0; i < len(s); i++ {
		if s[i] == starFill && filling {
			continue
		}
		filling = s[i] == '*'
		b.WriteByte(s[i])
	}
	return b.String()
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
