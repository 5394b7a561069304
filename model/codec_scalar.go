package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// atoi parses a decimal integer (optional sign), with a message that does
// not repeat the key.
func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("%q is out of range", s)
		}
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	return n, nil
}

// wrongKind is the problem for a node of a shape the key does not take.
func wrongKind(c *ctx, n *Node, want string) []problem {
	return []problem{whole("%s must be %s; got %s.", c.key, want, kindName(n.Kind))}
}

// intCodec is a single integer in [lo, hi].
type intCodec struct{ lo, hi int }

func (k intCodec) decode(s string) (Value, error) {
	n, err := atoi(strings.TrimSpace(s))
	if err != nil {
		return nil, err
	}
	return intValue{n}, nil
}

func (k intCodec) want() string {
	return fmt.Sprintf("an integer from %d to %d", k.lo, k.hi)
}

func (k intCodec) check(v Value, c *ctx) []problem {
	n := v.(intValue).n
	if n < k.lo || n > k.hi {
		return []problem{whole("%s must be %s%s.", c.key, k.want(), c.got(strconv.Itoa(n)))}
	}
	return nil
}

func (k intCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	if n.Kind != NodeNumber {
		return nil, nil, wrongKind(c, n, k.want())
	}
	i, err := strconv.Atoi(n.Str)
	if err != nil {
		return nil, nil, []problem{whole("%s must be %s%s.", c.key, k.want(), c.got(n.Str))}
	}
	return intValue{i}, nil, nil
}

func (k intCodec) equal(a, b Value) bool { return a.(intValue).n == b.(intValue).n }

// intListCodec is one integer per channel ("16,16"), each in [lo, hi].
type intListCodec struct{ lo, hi, max int }

func (k intListCodec) decode(s string) (Value, error) {
	if strings.TrimSpace(s) == "" {
		return intListValue{}, nil
	}
	items := splitList(s)
	ns := make([]int, len(items))
	for i, it := range items {
		n, err := atoi(it)
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i+1, err)
		}
		ns[i] = n
	}
	return intListValue{ns}, nil
}

func (k intListCodec) item() string {
	return fmt.Sprintf("an integer from %d to %d", k.lo, k.hi)
}

func (k intListCodec) check(v Value, c *ctx) []problem {
	ns := v.(intListValue).ns
	if len(ns) == 0 || len(ns) > k.max {
		p := at(k.max, false, "%s must list 1 to %d channel values (at most %d channels); got %d.",
			c.key, k.max, k.max, len(ns))
		if len(ns) == 0 {
			p.elem = -1
		}
		return []problem{p}
	}
	var ps []problem
	for i, n := range ns {
		if n < k.lo || n > k.hi {
			ps = append(ps, at(i, false, "%s channel %d must be %s%s.", c.key, i+1, k.item(), c.got(strconv.Itoa(n))))
		}
	}
	return ps
}

func (k intListCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	switch n.Kind {
	case NodeNumber:
		v, err := k.decode(n.Str)
		if err != nil {
			return nil, nil, []problem{whole("%s channel 1 must be %s%s.", c.key, k.item(), c.got(n.Str))}
		}
		return v, []elemPos{{value: n.Range}}, nil
	case NodeList:
		ns, pos, ps := listElems(n, func(i int, e *Node) (int, *problem) {
			t, ok := scalarText(e, false)
			if !ok {
				p := atRange(e.Range, "%s channel %d must be %s; got %s.", c.key, i+1, k.item(), kindName(e.Kind))
				return 0, &p
			}
			x, err := strconv.Atoi(strings.TrimSpace(t))
			if err != nil {
				p := atRange(e.Range, "%s channel %d must be %s%s.", c.key, i+1, k.item(), c.got(t))
				return 0, &p
			}
			return x, nil
		})
		if ps != nil {
			return nil, nil, ps
		}
		return intListValue{ns}, pos, nil
	}
	return nil, nil, wrongKind(c, n, "a list of channel currents such as [16, 16]")
}

func (k intListCodec) equal(a, b Value) bool {
	return slices.Equal(a.(intListValue).ns, b.(intListValue).ns)
}

// textCodec is a single string; rule (may be nil) validates it, and shape
// says the same as data.
type textCodec struct {
	rule  func(s string, c *ctx) []problem
	shape shape
	url   bool // a URL: a password in its user information is a secret
}

// enumText is a text key allowing exactly the given spellings.
func enumText(allowed ...string) textCodec {
	return textCodec{rule: enumRule(allowed...), shape: shape{enum: allowed}}
}

// The text keys with their own rules.
var (
	endpointText = textCodec{rule: endpointRule, url: true, shape: shape{maxLen: maxEndpoint,
		re:    `(?:[!-"$-+\--~]|#(?:SN|OSN)#)+`,
		words: "a URL of printable characters without spaces or commas, at most 255; #SN# and #OSN# are the only variables"}}
	ocppIDText = textCodec{rule: ocppIDRule, shape: shape{maxLen: 25, re: tokenRe + `{1,25}`,
		words: "1 to 25 printable characters without commas or spaces"}}
	operText = textCodec{rule: operRule, shape: shape{re: `(?:0|[0-9]{5})`, short: "0|LLLXX",
		words: "0 (automatic) or five digits LLLXX (country and provider code, e.g. 20408)"}}
)

func (k textCodec) decode(s string) (Value, error) {
	return textValue{strings.TrimSpace(s), k.url}, nil
}

func (k textCodec) check(v Value, c *ctx) []problem {
	if k.rule == nil {
		return nil
	}
	return k.rule(v.(textValue).s, c)
}

func (k textCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	t, ok := scalarText(n, false)
	if !ok {
		return nil, nil, wrongKind(c, n, "a string")
	}
	return textValue{strings.TrimSpace(t), k.url}, nil, nil
}

func (k textCodec) equal(a, b Value) bool { return a.Canonical() == b.Canonical() }

// enumRule allows exactly the given spellings (the guide's case).
func enumRule(allowed ...string) func(string, *ctx) []problem {
	return func(s string, c *ctx) []problem {
		if slices.Contains(allowed, s) {
			return nil
		}
		return []problem{whole("%s must be one of %s (exact case)%s.%s",
			c.key, strings.Join(allowed, ", "), c.got(s), c.didYouMean(s, allowed))}
	}
}

// ocppIDRule: the guide's 25-character limit; no commas or spaces because
// the id ends up in the endpoint URL (#OSN#) and in comma lists.
func ocppIDRule(s string, c *ctx) []problem {
	if s == "" || len(s) > 25 || !isPrintable(s) || strings.ContainsAny(s, ", ") {
		return []problem{whole("%s must be 1 to 25 printable characters without commas or spaces%s (%d characters).",
			c.key, c.got(s), utf8.RuneCountInString(s))}
	}
	return nil
}

// operRule: "0" selects the operator automatically; otherwise MCC+MNC as
// five digits (LLLXX).
func operRule(s string, c *ctx) []problem {
	if s == "0" {
		return nil
	}
	if len(s) == 5 && strings.Trim(s, "0123456789") == "" {
		return nil
	}
	return []problem{whole("%s must be 0 (automatic) or five digits LLLXX (country and provider code, e.g. 20408)%s.",
		c.key, c.got(s))}
}

// maxEndpoint bounds com_Endpoint. The guide gives no limit; 255 is ours,
// enough for any real backend URL and safe for the controller's buffers.
const maxEndpoint = 255

// endpointVars are the only #VAR# substitutions the guide defines.
var endpointVars = []string{"SN", "OSN"}

func endpointRule(s string, c *ctx) []problem {
	switch {
	case endpointPassword(s):
		// First, and never quoted: the value holds the password.
		return []problem{whole("%s must not hold a password (user:password@ before the host): ecc would "+
			"have to keep it in the site file and read it back from every controller. The charger authenticates "+
			"with authorizationKey (HTTP Basic, with com_Options useTLS=1), which ecc keeps secret.", c.key)}
	case s == "":
		return []problem{whole("%s must not be empty: give the central system's URL, e.g. wss://host/ocpp/#SN#.", c.key)}
	case len(s) > maxEndpoint:
		return []problem{whole("%s must be at most %d characters; got %d.", c.key, maxEndpoint, utf8.RuneCountInString(s))}
	case strings.ContainsAny(s, ", \t\r\n") || !isPrintable(s):
		return []problem{whole("%s must be a URL of printable characters without spaces or commas%s.", c.key, c.got(s))}
	}
	rest := s
	for {
		i := strings.IndexByte(rest, '#')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i+1:], '#')
		if j < 0 {
			return []problem{whole("%s has an unmatched '#': variables are written #SN# or #OSN#%s.", c.key, c.got(s))}
		}
		name := rest[i+1 : i+1+j]
		if !slices.Contains(endpointVars, name) {
			hint := ""
			if m := nearest(name, endpointVars); m != "" && !c.quiet {
				hint = fmt.Sprintf(" Did you mean #%s#?", m)
			}
			return []problem{whole("%s uses the variable %s; the only variables are #SN# (serial number) and #OSN# (OCPP ID).%s",
				c.key, c.q("#"+name+"#"), hint)}
		}
		rest = rest[i+1+j+1:]
	}
}

// endpointPassword reports whether a URL's authority (after "scheme://",
// up to the first '/') has user information with a password.
func endpointPassword(s string) bool {
	_, _, ok := urlPassword(s)
	return ok
}

// urlPassword finds the password of a URL's user information: s[from:to]
// in "scheme://user:PASSWORD@host/...". The scheme is optional (the
// guide's "ws.evc.net:80/#SN#"), and a password may hold '/' and '@'
// (a controller parses no further): the user information ends at the last
// '@', and the user, before its first ':', holds no '/' (else the ':' and
// '@' are a path's, "wss://h/a:b@c"). It may hold '#': the guide's #SN#
// stands for the serial in a user name as well as in a path.
func urlPassword(s string) (from, to int, ok bool) {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	rest := s[start:]
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return 0, 0, false
	}
	colon := strings.IndexByte(rest[:at], ':')
	if colon < 0 || strings.ContainsRune(rest[:colon], '/') {
		return 0, 0, false
	}
	return start + colon + 1, start + at, true
}

// secretCodec is authorizationKey: "user:password" for HTTP Basic
// Authentication. Its text is never trimmed nor quoted in any message.
type secretCodec struct{}

func (secretCodec) decode(s string) (Value, error) { return secretValue{s}, nil }

func (secretCodec) check(v Value, c *ctx) []problem {
	s := v.(secretValue).s
	user, pass, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return []problem{whole("%s must have the form user:password (Basic Authentication); the value has no ':'.", c.key)}
	case user == "":
		return []problem{whole("%s must have a non-empty user before the ':'.", c.key)}
	case pass == "":
		return []problem{whole("%s must have a non-empty password after the ':'.", c.key)}
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return []problem{whole("%s must not contain control characters.", c.key)}
	case strings.ContainsFunc(s, invisible):
		// Sent as bytes, unseen in any editor: a byte order mark or a
		// zero-width space pasted with the password fails the backend's
		// login and nobody can see why.
		return []problem{whole("%s must not contain invisible characters (a byte order mark U+FEFF, a zero-width space...).", c.key)}
	}
	return nil
}

// invisible reports a format character (Unicode Cf: U+FEFF, U+200B, the
// bidirectional marks...): one that shows nothing where it stands.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

func (secretCodec) node(n *Node, c *ctx) (Value, []elemPos, []problem) {
	if n.Kind != NodeString {
		return nil, nil, wrongKind(c, n, `a string "user:password"`)
	}
	return secretValue{n.Str}, nil, nil
}

func (secretCodec) equal(a, b Value) bool { return a.Canonical() == b.Canonical() }
