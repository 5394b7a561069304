package model

import "github.com/hashicorp/hcl/v2"

// NodeKind is the shape of a value as a user wrote it in a site file.
type NodeKind int

// Node kinds.
const (
	NodeNull NodeKind = iota
	NodeString
	NodeNumber
	NodeBool
	NodeList
	NodeMap
)

// Node is a value from a site (or factory) file before it is typed: the same
// tree for HCL, YAML and JSON, with the source range of every element so that
// a bad option inside a map is reported at that option.
type Node struct {
	Kind NodeKind
	// Str holds the text of a string, the literal of a number as written
	// (e.g. "16", "6.0") and "true"/"false" for a bool.
	Str   string
	List  []*Node
	Map   []MapEntry // in source order
	Range hcl.Range
	// Secret is set when the value came from env() / file() (or !env / !file):
	// it must never be printed, logged or stored.
	Secret *SecretRef
	// Unknown marks a secret whose source is not available in this run
	// (LoadOptions.DeferSecrets): its value is known at apply.
	Unknown bool
}

// listNode is the list of elems, each converted by conv, which reports
// its own errors and then returns nil. Every element is converted, so that
// all errors are reported; the list is nil when one failed.
func listNode[E any](r hcl.Range, elems []E, conv func(E) *Node) *Node {
	n := &Node{Kind: NodeList, Range: r, List: make([]*Node, 0, len(elems))}
	ok := true
	for _, e := range elems {
		c := conv(e)
		if c == nil {
			ok = false
			continue
		}
		n.List = append(n.List, c)
	}
	if !ok {
		return nil
	}
	return n
}

// MapEntry is one name = value pair of a NodeMap.
type MapEntry struct {
	Key      string
	KeyRange hcl.Range
	Value    *Node
}

// SecretRef says where a secret value came from, so that a saved plan can
// hold the reference and never the value.
type SecretRef struct {
	Kind string // "env" or "file"
	Name string // variable name, or the path as written in the site file
}
