package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
)

// FuzzSecretNeverShown: a secret written in a site file, whatever its
// text and however it is written (the fuzzer's shape: HCL escapes, a
// template and a function, a heredoc, a local, a for_each row, a number,
// gsm_APN's list, map or raw text; YAML's plain, quoted, block and folded
// scalars, flow and block collections, a substitution, an inventory row),
// beside whatever makes its line quoted (trouble: an error on its line or
// the next, the same text given to com_OCPPID, a syntax error), never
// shows in the diagnostics (text, JSON, GitHub): no 6 characters of it,
// as evaluated or as written, as is or escaped as %q and JSON quote.
//
// What the diagnostics say whatever the secret (key names, "internet",
// the messages) is learnt from a control run with the secret's letters
// and digits rotated, its shape kept: a part of the secret found there
// too is no leak.
func FuzzSecretNeverShown(f *testing.F) {
	for _, s := range secretSeeds {
		f.Add(s.shape, s.trouble, s.style, s.secret)
	}
	f.Fuzz(func(t *testing.T, shape, trouble, style uint8, secret string) {
		if !plausibleSecret(secret) {
			return
		}
		c, ok := secretSiteFor(shape, trouble, style, secret)
		if !ok {
			return // the shape cannot write this text as a secret
		}
		ctl, ok := secretSiteFor(shape, trouble, style, rotSecret(secret))
		if !ok {
			return
		}
		out, faithful := loadSecretSite(c)
		if !faithful {
			t.Fatalf("the fuzz target wrote the secret wrong: %s evaluates to something else than %q:\n%s", c.name, c.eval, c.src)
		}
		vocab, _ := loadSecretSite(ctl)
		if w, shown := shownPart(out, vocab, c.texts); shown {
			t.Fatalf("%q of the secret shows:\n--- %s\n%s\n--- diagnostics\n%s", w, c.name, c.src, out)
		}
	})
}

// secretSeed is one input of FuzzSecretNeverShown.
type secretSeed struct {
	shape, trouble, style uint8
	secret                string
}

// secretSeeds cover each shape, and the troubles that quote the line.
var secretSeeds = func() []secretSeed {
	var out []secretSeed
	secrets := []string{
		"ops:Zq9-hunter2",
		"ops:Zq9\"quo\\ted\"",
		"ops:Zq9 pa\u0301ss e\u0301te\u0301", // decomposed accents
		"ops:Zq9\ttabbed\tpw",
		"ops:Zq9\U0001F511key\U0001F1F3\U0001F1F1",
		"ops:Zq9${x}%{y}",
		"ops:Zq9'it''s'",
		"Zq9-no-colon-secret",
		"ops:Zq9 folded words",
	}
	for shape := range uint8(2 * nSecretShapes) {
		for i, s := range secrets {
			out = append(out, secretSeed{shape, uint8(i % nTroubles), uint8(i*37 + int(shape)), s})
		}
	}
	for trouble := range uint8(nTroubles) {
		out = append(out, secretSeed{0, trouble, 1, "ops:Zq9-trouble"}, secretSeed{1, trouble, 0, "ops:Zq9-trouble"},
			secretSeed{12, trouble, 5, "Zq9-apn-pw"}, secretSeed{13, trouble, 4, "Zq9-apn-pw"})
	}
	out = append(out,
		secretSeed{10, 0, 0, "123456789"}, secretSeed{10, 3, 1, "987654321"}, // HCL numbers
		secretSeed{1, 0, 0, "123456789"}, // a YAML plain number
	)
	return out
}()

// plausibleSecret reports a text a user may write as a secret: printable
// (a tab too), on one line, 6 characters or more but the blanks at its
// ends (gsm_APN trims them), not starting with a combining mark (which
// joins the quote or the blank before it).
func plausibleSecret(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	return utf8.ValidString(s) && n >= 6 && len(s) <= 80 && !unicode.Is(unicode.M, first) &&
		!strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != '\t' })
}

// rotSecret is s with its ASCII letters and digits rotated (ROT13, ROT5):
// another secret of the same shape, for the control run.
func rotSecret(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case r >= 'A' && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		case r >= '0' && r <= '9':
			return '0' + (r-'0'+5)%10
		}
		return r
	}, s)
}

// secretSite is a site file holding a secret.
type secretSite struct {
	name, src string
	key       string   // the secret key
	eval      string   // the secret as evaluated (gsm_APN's password)
	texts     []string // eval, and the secret as written, never to be shown
}

const (
	nSecretShapes = 12 // each format's kinds
	nTroubles     = 10
	extraAt       = "\x00" // where trouble 6 adds a field (no secret holds a NUL)
)

// secretSiteFor writes secret in the shape (its low bit the format, the
// rest the kind) with the trouble; style picks escapes and variants. It
// is not ok when the shape cannot write the text as a secret (a YAML
// plain scalar with " #", a number of letters).
func secretSiteFor(shape, trouble, style uint8, secret string) (secretSite, bool) {
	if shape&1 == 1 {
		return yamlSecretSite(int(shape>>1)%nSecretShapes, int(trouble)%nTroubles, style, secret)
	}
	return hclSecretSite(int(shape>>1)%nSecretShapes, int(trouble)%nTroubles, style, secret)
}

// hclSecretSite is secretSiteFor in HCL.
func hclSecretSite(kind, trouble int, style uint8, s string) (secretSite, bool) {
	c := secretSite{name: "s.hcl", key: "authorizationKey", eval: nfc(s)}
	var prelude, forEach string
	var value, secretExpr string // the key's value; the secret's own expression (gsm_APN's password)
	extra := ""                  // an extra field (trouble 6)
	quoted := func(s string) string {
		w := hclQuoted(s, style)
		c.texts = append(c.texts, w)
		return `"` + w + `"`
	}
	switch kind {
	case 0: // a quoted string, escapes (\u0065, \", \t) as style says
		value = quoted(s)
	case 1: // a template calling a function on part of the secret
		rs := []rune(s)
		k := 1 + int(style>>3)%(len(rs)-1)
		a, b := string(rs[:k]), string(rs[k:])
		switch style % 5 {
		case 0:
			value, c.eval = `"${lower(`+quoted(a)+`)}`+hclQuoted(b, style)+`"`, nfc(strings.ToLower(nfc(a))+nfc(b))
		case 1:
			value, c.eval = `"${upper(`+quoted(a)+`)}`+hclQuoted(b, style)+`"`, nfc(strings.ToUpper(nfc(a))+nfc(b))
		case 2:
			value = `"${format("%s", ` + quoted(a) + `)}` + hclQuoted(b, style) + `"`
		case 3:
			value = `join("", [` + quoted(a) + `, ` + quoted(b) + `])`
		case 4:
			value = `format("%s%s", ` + quoted(a) + `, ` + quoted(b) + `)`
		}
		c.texts = append(c.texts, hclQuoted(b, style))
	case 2: // a heredoc, chomped or not (its line end is the secret's then)
		if strings.TrimSpace(s) == "EOT" || strings.HasPrefix(s, " ") || strings.HasPrefix(s, "\t") {
			return c, false // the heredoc's end, or its indentation
		}
		w := strings.NewReplacer("${", "$${", "%{", "%%{").Replace(s)
		c.texts = append(c.texts, w)
		value = "<<-EOT\n      " + w + "\n    EOT"
		if style&1 != 0 {
			value = "chomp(" + value + "\n    )"
		} else {
			c.eval += "\n"
		}
	case 3: // a local, or two in a template
		prelude, value = "locals {\n  k = "+quoted(s)+"\n}\n", "local.k"
		if rs := []rune(s); style&1 != 0 {
			k := 1 + int(style>>3)%(len(rs)-1)
			prelude = "locals {\n  u = " + quoted(string(rs[:k])) + "\n  p = " + quoted(string(rs[k:])) + "\n}\n"
			value = `"${local.u}${local.p}"`
		}
	case 4: // a for_each row from an inline map, on one line or more
		forEach, value = "  for_each = { cp = { key = "+quoted(s)+" } }\n", "each.value.key"
		if style&1 != 0 {
			forEach, value = "  for_each = {\n    cp = {\n      key = "+quoted(s)+"\n    }\n  }\n", `each.value["key"]`
		}
	case 5: // a number: authorizationKey's, or gsm_APN's password
		if strings.Trim(s, "0123456789") != "" {
			return c, false
		}
		c.texts, value = append(c.texts, s), s
		if style&1 != 0 {
			c.key, secretExpr, value = "gsm_APN", s, `["internet", "ops", `+s+`]`
		}
	case 6, 7: // gsm_APN: a list, the password its element 3; a map
		c.key, secretExpr = "gsm_APN", quoted(s)
		if kind == 6 {
			value, extra = `["internet", "ops", `+secretExpr+extraAt+`]`, `, "more"`
		} else {
			value, extra = `{ name = "internet", user = "ops", password = `+secretExpr+extraAt+` }`, `, extra = "more"`
		}
	case 8: // gsm_APN's raw "name,user,password"
		c.key = "gsm_APN"
		w := hclQuoted(s, style)
		c.texts, value, extra = append(c.texts, w), `"internet,ops,`+w+extraAt+`"`, ",more"
		secretExpr = `"` + w + `"`
	case 9: // OCPP's AuthorizationKey, refused in an ocpp block
		c.key, value = "AuthorizationKey", quoted(s)
	case 10: // authorizationKey in another case, refused in settings
		c.key, value = "AUTHORIZATIONKEY", quoted(s)
	default: // 11: com_Endpoint's URL password, refused in site files
		w := hclQuoted(s, style)
		c.key, c.texts, secretExpr = "com_Endpoint", append(c.texts, w), `"`+w+`"`
		value = `"wss://ops:` + w + `@h.example/ocpp/#SN#"`
	}
	if secretExpr == "" {
		secretExpr = value
	}
	line := withExtra(c.key+" = "+value, extra, "\n    ", trouble)
	tls, after := "1", ""
	switch trouble {
	case 1: // an error on the next line
		after = "chg_StationMaxCurrent = 999"
	case 2: // an error at the secret (authorizationKey needs useTLS=1)
		tls = "0"
	case 3: // the same text given to a key that is no secret
		after = "com_OCPPID = " + secretExpr
	case 4: // another key on the same line: a syntax error
		line += " chg_StationMaxCurrent = 999"
	case 5: // a syntax error below
		after = "chg_StationMaxCurrent = = 1"
	case 7: // a missing secret below: the file does not decode
		after = `chg_StationMaxCurrent = env("ECC_FUZZ_NO_SUCH_VARIABLE")`
	}
	settings := "  settings {\n    com_Options = { useTLS = " + tls + " }\n    " + line + "\n    " + after + "\n  }\n"
	if c.key == "AuthorizationKey" {
		settings = "  settings {\n    com_Options = { useTLS = " + tls + " }\n    " + after + "\n  }\n  ocpp {\n    " + line + "\n  }\n"
	}
	if (trouble == 8 || trouble == 9) && !strings.Contains(line, "\n") {
		// A one-line block: alone, its line is quoted for useTLS=0
		// (the defaults'); with another key, a syntax error.
		block, tail := "settings", ""
		if c.key == "AuthorizationKey" {
			block = "ocpp"
		}
		if trouble == 9 {
			tail = ", chg_StationMaxCurrent = 999"
		}
		settings = "  " + block + " { " + line + tail + " }\n"
		prelude += "defaults {\n  settings {\n    com_Options = { useTLS = 0 }\n  }\n}\n"
	}
	c.src = prelude + "station \"cp\" {\n" + forEach + "  serial = \"G1\"\n  model  = \"EVC5.x\"\n" + settings + "}\n"
	c.texts = append(c.texts, s, c.eval)
	return c, true
}

// hclQuoted is s as the text of an HCL quoted string: quotes, backslashes
// and template starts escaped; as style says, a tab as \t and every third
// character as \uXXXX.
func hclQuoted(s string, style uint8) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t' && style&2 != 0:
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && next == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		case style&4 != 0 && i%3 == int(style>>4)%3 && r > ' ' && !(r == '{' && i > 0 && (rs[i-1] == '$' || rs[i-1] == '%')):
			// (not the '{' of a "$${": "$$\u007b" is "$${")
			if r > 0xFFFF {
				fmt.Fprintf(&b, `\U%08x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nfc is s as HCL evaluates it: NFC (cty normalizes every string).
func nfc(s string) string { return cty.StringVal(s).AsString() }

// yamlSecretSite is secretSiteFor in YAML.
func yamlSecretSite(kind, trouble int, style uint8, s string) (secretSite, bool) {
	c := secretSite{name: "s.yaml", key: "authorizationKey", eval: s}
	t := strings.ReplaceAll(s, "${", "$${") // a substitution's escape
	var prelude string
	var value, secretValue string // the key's value; the secret's own (gsm_APN's password)
	multi := false                // the value goes on over the next lines
	var extra string              // an extra field (trouble 6)
	scalar := func(t string, flow bool) string { return yamlScalar(t, flow, style, &c.texts) }
	switch kind {
	case 0: // plain, on one line or two
		if !yamlPlain(t, false) {
			return c, false
		}
		c.texts, value = append(c.texts, t), t
		if i := strings.Index(t, " "); style&1 != 0 && i > 0 && !strings.Contains(t, "  ") {
			c.texts, value, multi = append(c.texts, t[:i], t[i+1:]), t[:i]+"\n        "+t[i+1:], true
		}
	case 1: // single-quoted, quotes doubled; tagged !!str or not
		w := strings.ReplaceAll(t, "'", "''")
		c.texts, value = append(c.texts, w), "'"+w+"'"
		if style&1 != 0 {
			value = "!!str " + value
		}
	case 2: // double-quoted, escapes as style says
		w := yamlDoubleQuoted(t, style|4)
		c.texts, value = append(c.texts, w), `"`+w+`"`
	case 3: // a literal block, its line end kept or not
		if strings.HasPrefix(t, " ") || strings.HasPrefix(t, "\t") {
			return c, false // the block's indentation
		}
		c.texts, multi = append(c.texts, t), true
		value = "|-\n        " + t
		if style&1 != 0 {
			value, c.eval = "|\n        "+t, s+"\n"
		}
	case 4: // folded over two lines at a blank
		if t != strings.TrimSpace(t) || strings.ContainsAny(t, "\t") {
			return c, false
		}
		i := strings.Index(t, " ")
		multi = true
		if i < 0 || t[i+1] == ' ' || t[i-1] == ' ' {
			c.texts, value = append(c.texts, t), ">-\n        "+t
		} else {
			c.texts, value = append(c.texts, t[:i], t[i+1:]), ">-\n        "+t[:i]+"\n        "+t[i+1:]
		}
	case 5, 6: // gsm_APN: a flow list, its password element 3; a flow map
		c.key = "gsm_APN"
		secretValue = scalar(t, true)
		if kind == 5 {
			value, extra = "[internet, ops, "+secretValue+extraAt+"]", ", more"
		} else {
			value, extra = "{name: internet, user: ops, password: "+secretValue+extraAt+"}", ", extra: more"
		}
	case 7: // gsm_APN: a block list or map
		c.key, multi = "gsm_APN", true
		secretValue = scalar(t, false)
		if style&1 == 0 {
			value, extra = "\n        - internet\n        - ops\n        - "+secretValue+extraAt, "\n        - more"
		} else {
			value, extra = "\n        name: internet\n        user: ops\n        password: "+secretValue+extraAt, "\n        extra: more"
		}
	case 8: // a substitution
		w := scalar(t, false)
		prelude, value, secretValue = "substitutions:\n  pw: "+w+"\n", "${pw}", "${pw}"
	case 9: // an inventory's row, inline
		w := scalar(s, style&1 == 0) // a row's cell is data: no substitution in it
		row := "{name: cp, key: " + w + "}"
		if style&1 != 0 {
			row = "name: cp\n      key: " + w
		}
		prelude, value, secretValue = "inventory:\n  rows:\n    - "+row+"\n  station:\n", "${key}", "${key}"
	case 10, 11: // gsm_APN's raw "name,user,password"; com_Endpoint's URL password
		c.key, extra = "gsm_APN", ",more"
		before, after := "internet,ops,", extraAt
		if kind == 11 {
			c.key, before, after = "com_Endpoint", "wss://ops:", "@h.example/ocpp/#SN#"
		}
		secretValue = scalar(t, false)
		if q := secretValue[0]; q == '"' || q == '\'' {
			value = string(q) + before + secretValue[1:len(secretValue)-1] + after + string(q)
		} else {
			value = before + secretValue + after
		}
	}
	if secretValue == "" {
		secretValue = value
	}
	line := withExtra(c.key+": "+value, extra, "\n      ", trouble)
	const indent = "    " // settings, of stations.cp or inventory.station
	tls, after := "1", ""
	switch trouble {
	case 1:
		after = "chg_StationMaxCurrent: 999"
	case 2:
		tls = "0"
	case 3:
		after = "com_OCPPID: " + secretValue
		if multi && kind != 7 {
			after = "com_OCPPID: " + value
		}
	case 4: // within a flow mapping, with an error after it; or the next line
		after = "chg_StationMaxCurrent: 999"
	case 5:
		after = "chg_StationMaxCurrent: [999"
	case 7:
		after = "chg_StationMaxCurrent: !env ECC_FUZZ_NO_SUCH_VARIABLE"
	case 8, 9:
		after = "chg_StationMaxCurrent: 999"
	}
	settings := indent + "settings:\n" + indent + "  com_Options: {useTLS: " + tls + "}\n" + indent + "  " + line + "\n" + indent + "  " + after + "\n"
	if (trouble == 4 || trouble == 8 || trouble == 9) && !multi && !strings.Contains(line, "\n") && yamlFlowSafe(value) {
		// A flow mapping: the error after the secret (8: before it) on
		// its line.
		switch trouble {
		case 4:
			settings = indent + "settings: {com_Options: {useTLS: 1}, " + line + ", chg_StationMaxCurrent: 999}\n"
		case 8:
			settings = indent + "settings: {chg_StationMaxCurrent: 999, " + line + ", com_Options: {useTLS: 1}}\n"
		case 9:
			settings = indent + "settings: {com_Options: {useTLS: 0}, " + line + "}\n"
		}
	}
	if kind == 9 {
		c.src = prelude + "    serial: G1\n    model: EVC5.x\n" + settings
	} else {
		c.src = prelude + "stations:\n  cp:\n    serial: G1\n    model: EVC5.x\n" + settings
	}
	c.texts = append(c.texts, s, c.eval)
	return c, true
}

// yamlFlowSafe reports a value that can stand in a flow mapping.
func yamlFlowSafe(v string) bool {
	if v == "" {
		return false
	}
	switch v[0] {
	case '"', '\'', '[', '{':
		return true
	}
	return strings.HasPrefix(v, "${") && strings.Count(v, "}") == 1 || yamlPlain(v, true)
}

// yamlScalar is t written as a scalar, plain, single- or double-quoted as
// style says (quoted where plain would not read as t); its written text
// is added to texts.
func yamlScalar(t string, flow bool, style uint8, texts *[]string) string {
	switch {
	case style>>5%3 == 0 && yamlPlain(t, flow):
		*texts = append(*texts, t)
		return t
	case style>>5%3 == 1:
		w := strings.ReplaceAll(t, "'", "''")
		*texts = append(*texts, w)
		return "'" + w + "'"
	}
	w := yamlDoubleQuoted(t, style)
	*texts = append(*texts, w)
	return `"` + w + `"`
}

// yamlPlain reports whether t reads as itself, a string, as a plain
// scalar (in a flow collection: without its indicators).
func yamlPlain(t string, flow bool) bool {
	if t != strings.TrimSpace(t) || strings.ContainsAny(t, "\t") ||
		strings.ContainsAny(t[:1], "-?:,[]{}#&*!|>'\"%@`") ||
		strings.Contains(t, ": ") || strings.Contains(t, " #") || strings.HasSuffix(t, ":") {
		return false
	}
	if flow && strings.ContainsAny(t, ",[]{}") {
		return false
	}
	return true
}

// yamlDoubleQuoted is t as the text of a YAML double-quoted scalar: quotes
// and backslashes escaped; as style says, a tab as \t and every third
// letter or digit as \xXX or \uXXXX.
func yamlDoubleQuoted(t string, style uint8) string {
	var b strings.Builder
	for i, r := range []rune(t) {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t' && style&2 != 0:
			b.WriteString(`\t`)
		case style&4 != 0 && i%3 == int(style>>4)%3 && r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if style&8 != 0 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// loadSecretSite loads c and renders its diagnostics in every form; it
// also reports whether a site that loads without errors holds c.eval as
// c.key's secret (the fuzz target wrote what it meant to).
func loadSecretSite(c secretSite) (out string, faithful bool) {
	site, srcs, diags := LoadSiteBytes(c.name, []byte(c.src))
	out = RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags)) + RenderDiagnosticsGitHub(diags)
	if diags.HasErrors() || site == nil {
		return out, true
	}
	for _, st := range site.Stations {
		for _, set := range slices.Concat(st.Settings, st.OCPP) {
			if set.Key == c.key {
				// gsm_APN's fields are trimmed; authorizationKey is not.
				parts := secretParts(set.Value)
				return out, len(parts) > 0 && (parts[0] == c.eval || c.key == "gsm_APN" && parts[0] == strings.TrimSpace(c.eval))
			}
		}
	}
	return out, false
}

// shownPart is a part of texts (6 characters; as is, or as %q and JSON
// quote it) that out shows and vocab does not.
func shownPart(out, vocab string, texts []string) (string, bool) {
	for _, t := range texts {
		rs := []rune(t)
		for i := 0; i+6 <= len(rs); i++ {
			w := string(rs[i : i+6])
			q := strconv.Quote(w)
			j, _ := json.Marshal(w)
			for _, form := range []string{w, q[1 : len(q)-1], string(j[1 : len(j)-1])} {
				if strings.Contains(out, form) && !strings.Contains(vocab, form) {
					return form, true
				}
			}
		}
	}
	return "", false
}

// withExtra is a secret key's line for trouble 6: a field more where the
// value has a place for one (extraAt), else the key written twice (on
// the next line, after sep); other troubles drop the place.
func withExtra(line, extra, sep string, trouble int) string {
	switch {
	case strings.Contains(line, extraAt):
		if trouble != 6 {
			extra = ""
		}
		return strings.Replace(line, extraAt, extra, 1)
	case trouble == 6:
		return line + sep + line
	}
	return line
}
