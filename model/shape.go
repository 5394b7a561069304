package model

import (
	"fmt"
	"strconv"
	"strings"
)

// shape is a value's rule as data, for the site-file schema and `ecc
// explain`: what a text may look like and what it means in words. The check
// functions of the codecs stay the authority; the tests keep the shapes
// from accepting less than they do (every example and valid site file
// passes the schema).
type shape struct {
	integer bool     // a decimal integer in lo..hi
	lo, hi  int      //
	enum    []string // exactly one of these spellings
	re      string   // else: an unanchored ECMA-262 / RE2 regexp of the text ("" for any)
	maxLen  int      // at most this many characters (0: no limit)
	empty   bool     // the text may also be empty (an optional field)
	words   string   // what is allowed, in words (derived when empty)
	short   string   // the same in a few characters, for a table
}

// intShape is an integer in lo..hi.
func intShape(lo, hi int) shape { return shape{integer: true, lo: lo, hi: hi} }

// describe says what the shape allows, in words.
func (s shape) describe() string {
	switch {
	case s.words != "":
		return s.words
	case s.integer && s.lo == 0 && s.hi == 1:
		return "0 (disabled) or 1 (enabled)"
	case s.integer:
		return fmt.Sprintf("an integer from %d to %d", s.lo, s.hi)
	case s.enum != nil:
		return "one of " + strings.Join(s.enum, ", ") + " (exact case)"
	case s.maxLen > 0:
		return fmt.Sprintf("at most %d printable characters", s.maxLen)
	}
	return "text"
}

// regexp is the unanchored regexp of the shape's text, surrounding spaces
// excluded ("" for any text).
func (s shape) regexp() string {
	switch {
	case s.integer:
		return intRegexp(s.lo, s.hi)
	case s.enum != nil:
		alts := make([]string, len(s.enum))
		for i, e := range s.enum {
			alts[i] = regexpQuote(e)
		}
		return "(?:" + strings.Join(alts, "|") + ")"
	}
	return s.re
}

// anchored is a whole-text pattern: the shape's regexp with optional
// surrounding spaces (values are trimmed before they are checked).
func anchored(re string) string { return `^\s*(?:` + re + `)\s*$` }

// intRegexp matches the decimal integers lo..hi (0 <= lo <= hi) as atoi
// reads them: an optional '+' and leading zeros.
func intRegexp(lo, hi int) string {
	if lo < 0 || hi < lo {
		return `[-+]?[0-9]+`
	}
	var alts []string
	for d := len(strconv.Itoa(lo)); d <= len(strconv.Itoa(hi)); d++ {
		a, b := max(lo, pow10(d-1)), min(hi, pow10(d)-1)
		if d == 1 {
			a = max(lo, 0)
		}
		if a <= b {
			alts = append(alts, sameLength(strconv.Itoa(a), strconv.Itoa(b))...)
		}
	}
	// Longest alternatives first: a regexp engine takes the first match.
	for i, j := 0, len(alts)-1; i < j; i, j = i+1, j-1 {
		alts[i], alts[j] = alts[j], alts[i]
	}
	return `\+?0*(?:` + strings.Join(alts, "|") + `)`
}

// sameLength matches the numbers a..b written with the same number of
// digits, as a few alternatives ("1[0-9]", "2[0-4]").
func sameLength(a, b string) []string {
	if a == b {
		return []string{a}
	}
	if len(a) == 1 {
		return []string{"[" + a + "-" + b + "]"}
	}
	rest := len(a) - 1
	tail := func(n int) string {
		if n == 1 {
			return "[0-9]"
		}
		return fmt.Sprintf("[0-9]{%d}", n)
	}
	if a[0] == b[0] {
		out := sameLength(a[1:], b[1:])
		for i := range out {
			out[i] = a[:1] + out[i]
		}
		return out
	}
	zeros, nines := strings.Repeat("0", rest), strings.Repeat("9", rest)
	var out []string
	lo, hi := a[0], b[0]
	if a[1:] != zeros {
		for _, x := range sameLength(a[1:], nines) {
			out = append(out, a[:1]+x)
		}
		lo++
	}
	last := []string(nil)
	if b[1:] != nines {
		for _, x := range sameLength(zeros, b[1:]) {
			last = append(last, b[:1]+x)
		}
		hi--
	}
	switch {
	case lo == hi:
		out = append(out, string(lo)+tail(rest))
	case lo < hi:
		out = append(out, "["+string(lo)+"-"+string(hi)+"]"+tail(rest))
	}
	return append(out, last...)
}

func pow10(n int) int {
	p := 1
	for range n {
		p *= 10
	}
	return p
}

// regexpQuote escapes the regexp metacharacters that occur in dictionary
// spellings (dots in "OCPP1.6J", "EVC5.x").
func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldRegexp matches s in any case ("[uU][sS][eE]..."): option names are
// case-insensitive, and a schema regexp has no flags.
func foldRegexp(s string) string {
	var b strings.Builder
	for _, r := range s {
		lo, up := strings.ToLower(string(r)), strings.ToUpper(string(r))
		if lo != up {
			b.WriteString("[" + lo + up + "]")
			continue
		}
		b.WriteString(regexpQuote(string(r)))
	}
	return b.String()
}

// Character classes of the text rules.
const (
	// printableRe: printable ASCII.
	printableRe = `[ -~]`
	// tokenRe: printable ASCII without space or comma.
	tokenRe = `[!-+\--~]`
	// ipv4Re: a dotted IPv4 address.
	ipv4Re = `(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])`
	// netmaskRe: a contiguous IPv4 netmask.
	netmaskRe = `(?:255\.255\.255\.(?:255|254|252|248|240|224|192|128|0)|255\.255\.(?:254|252|248|240|224|192|128|0)\.0|255\.(?:254|252|248|240|224|192|128|0)\.0\.0|(?:255|254|252|248|240|224|192|128|0)\.0\.0\.0)`
)
