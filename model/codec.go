package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// codec is how the values of one key are parsed, checked, typed from a site
// file and compared. Canonical, Display and Sensitive live on the values.
type codec interface {
	// decode parses the controller format; syntax only.
	decode(s string) (Value, error)
	// check applies the dictionary's rules to a value this codec decoded.
	check(v Value, c *ctx) []problem
	// node types a site-file node other than a raw string (which FromNode
	// decodes itself). pos maps the value's elements to their source.
	node(n *Node, c *ctx) (v Value, pos []elemPos, probs []problem)
	// equal compares two values this codec produced.
	equal(a, b Value) bool
}

// problem is one validation failure. Check problems point at an element of
// the value (elem, and name for an option's name); conversion problems from
// a node carry their range directly.
type problem struct {
	elem   int // -1: the whole value
	name   bool
	rng    *hcl.Range
	detail string
}

// elemPos is where one element of a value (a list item, an option) was
// written: its name (map key) and its value.
type elemPos struct{ name, value hcl.Range }

func whole(format string, a ...any) problem {
	return problem{elem: -1, detail: fmt.Sprintf(format, a...)}
}

func at(elem int, name bool, format string, a ...any) problem {
	return problem{elem: elem, name: name, detail: fmt.Sprintf(format, a...)}
}

func atRange(r hcl.Range, format string, a ...any) problem {
	return problem{elem: -1, rng: &r, detail: fmt.Sprintf(format, a...)}
}

// ctx carries what a message may show. A value from env()/file() is secret
// as a whole: quiet messages never quote any part of it.
type ctx struct {
	key   string
	quiet bool
}

// q quotes user text for a message, or hides it.
func (c *ctx) q(s string) string {
	if c.quiet {
		return "(sensitive)"
	}
	return strconv.Quote(s)
}

// got is the "; got X" tail of a message: bare for an integer, quoted
// otherwise, empty when quiet.
func (c *ctx) got(s string) string {
	if c.quiet {
		return ""
	}
	if _, err := strconv.Atoi(s); err == nil {
		return "; got " + s
	}
	return "; got " + strconv.Quote(s)
}

// didYouMean is the " Did you mean X?" sentence for a near miss among
// allowed, or "" (always "" when quiet: the hint would echo the secret).
func (c *ctx) didYouMean(s string, allowed []string) string {
	if c.quiet {
		return ""
	}
	if m := nearest(s, allowed); m != "" {
		return fmt.Sprintf(" Did you mean %q?", m)
	}
	return ""
}

// splitList splits a comma-separated list and trims every item: spacing
// around commas is not significant.
func splitList(s string) []string {
	items := strings.Split(s, ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	return items
}

// canonInt prints an integer without sign noise or leading zeros when s is
// one, and returns s unchanged otherwise.
func canonInt(s string) string {
	if n, err := strconv.Atoi(s); err == nil {
		return strconv.Itoa(n)
	}
	return s
}

// scalarText is the text of a scalar node as the controller would hold it:
// a string as is, a number as written, a bool as 1/0 when bools are allowed.
func scalarText(n *Node, bools bool) (string, bool) {
	switch n.Kind {
	case NodeString, NodeNumber:
		return n.Str, true
	case NodeBool:
		if !bools {
			return "", false
		}
		if n.Str == "true" {
			return "1", true
		}
		return "0", true
	}
	return "", false
}

// listElems types every element of a list node with item, which gives
// the element's value or the problem with it: the values and the
// elements' positions, or every element's problem.
func listElems[T any](n *Node, item func(i int, e *Node) (T, *problem)) ([]T, []elemPos, []problem) {
	out := make([]T, len(n.List))
	pos := make([]elemPos, len(n.List))
	var ps []problem
	for i, e := range n.List {
		pos[i].value = e.Range
		v, p := item(i, e)
		if p != nil {
			ps = append(ps, *p)
			continue
		}
		out[i] = v
	}
	if ps != nil {
		return nil, nil, ps
	}
	return out, pos, nil
}

// kindName names a node kind in messages.
func kindName(k NodeKind) string {
	switch k {
	case NodeNull:
		return "null"
	case NodeString:
		return "a string"
	case NodeNumber:
		return "a number"
	case NodeBool:
		return "a bool"
	case NodeList:
		return "a list"
	case NodeMap:
		return "a map"
	}
	return "a value"
}

// isPrintable reports whether s holds only printable ASCII.
func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
