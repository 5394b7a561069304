package model

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Inventories in HCL, as Terraform users write them:
//
//	locals {
//	  rows = csvdecode(file("stations.csv"))
//	}
//	station "north" {
//	  for_each = { for r in local.rows : r.name => r }
//	  serial   = each.value.serial
//	}
//
// With for_each, the label names the block (as a Terraform resource's
// does) and each instance is a station named each.key, or the block's
// name = "..." expression.

// locals evaluates the locals blocks in dependency order into local.NAME.
func (d *hclDecoder) locals(body *hclsyntax.Body) {
	attrs := map[string]*hclsyntax.Attribute{}
	for _, b := range body.Blocks {
		if b.Type != "locals" || !d.labels(b, 0, "locals") {
			continue
		}
		d.unexpectedBlocks(b.Body, nil)
		for _, a := range sortedAttrs(b.Body) {
			if prev, dup := attrs[a.Name]; dup {
				d.add(errAt(a.NameRange.Ptr(), "Duplicate local value",
					fmt.Sprintf("local.%s is already defined at %s.", a.Name, where(prev.NameRange))))
				continue
			}
			attrs[a.Name] = a
		}
	}
	if len(attrs) == 0 {
		return
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	vals := map[string]cty.Value{}
	for progress := true; progress && len(vals) < len(names); {
		progress = false
		for _, n := range names {
			if _, done := vals[n]; done {
				continue
			}
			ready := true
			for _, dep := range localRefs(attrs[n].Expr) {
				_, done := vals[dep]
				ready = ready && (done || attrs[dep] == nil)
			}
			if !ready {
				continue
			}
			d.ctx.Variables["local"] = cty.ObjectVal(vals)
			v, ok := d.evalLocal(attrs[n].Expr)
			if d.duplicateKeys(attrs[n].Expr) {
				v, ok = cty.DynamicVal, false
			}
			if !ok {
				v = cty.DynamicVal // dependents stay quiet: the cause is reported
			}
			if ok && !v.IsWhollyKnown() && (usesSecretFn(attrs[n].Expr) || d.readsDeferred(attrs[n].Expr) != "") {
				if d.deferredLocals == nil {
					d.deferredLocals = map[string]bool{}
				}
				d.deferredLocals[n] = true
			}
			if ok && v.Type() == cty.String {
				// A string from env() / file(), or from a local that holds
				// one (an alias, "ops:${local.pw}"): locals are evaluated
				// after those they read, so a chain is marked link by link.
				ref := d.localSecret(attrs[n].Expr)
				if usesSecretFn(attrs[n].Expr) {
					ref = firstSecretCall(attrs[n].Expr)
				}
				if ref != nil {
					if d.localSecrets == nil {
						d.localSecrets = map[string]*SecretRef{}
					}
					d.localSecrets[n] = ref
				}
			}
			vals[n] = v
			progress = true
		}
	}
	for _, n := range names {
		if _, done := vals[n]; !done {
			d.add(errAt(attrs[n].NameRange.Ptr(), "Cycle in local values",
				fmt.Sprintf("local.%s depends on itself through %s.", n, strings.Join(localRefs(attrs[n].Expr), ", "))))
			vals[n] = cty.DynamicVal
		}
	}
	d.ctx.Variables["local"] = cty.ObjectVal(vals)
}

// duplicateKeys reports every key written twice in an object of e
// ({ cp-01 = "G1", cp-01 = "G3" }), where HCL would keep the last in
// silence: in a for_each, or a local, a station would be lost. It
// reports whether it found one. Keys that are expressions are the for
// expression's to check (HCL refuses a duplicate there).
func (d *hclDecoder) duplicateKeys(e hclsyntax.Expression) bool {
	found := false
	_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		o, ok := n.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		seen := map[string]hcl.Range{}
		for _, it := range o.Items {
			k, diags := it.KeyExpr.Value(nil) // literal keys only: no context
			if diags.HasErrors() || !k.IsKnown() || k.IsNull() || k.Type() != cty.String {
				continue
			}
			r := it.KeyExpr.Range()
			if prev, dup := seen[k.AsString()]; dup {
				d.add(errAt(r.Ptr(), "Duplicate key",
					fmt.Sprintf("The key %q is already given at %s; each key is given once (HCL would keep the last in silence).", k.AsString(), where(prev))))
				found = true
				continue
			}
			seen[k.AsString()] = r
		}
		return nil
	})
	return found
}

// localRefs lists the local.NAME an expression reads.
func localRefs(e hclsyntax.Expression) []string {
	var out []string
	for _, t := range e.Variables() {
		if t.RootName() != "local" || len(t) < 2 {
			continue
		}
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			out = append(out, a.Name)
		}
	}
	return out
}

// localSecret is the secret source of the first secret local e reads.
func (d *hclDecoder) localSecret(e hclsyntax.Expression) *SecretRef {
	for _, n := range localRefs(e) {
		if ref := d.localSecrets[n]; ref != nil {
			return ref
		}
	}
	return nil
}

// readsDeferred is the first local e reads that a secret not at hand left
// unknown (deferredLocals), or "".
func (d *hclDecoder) readsDeferred(e hclsyntax.Expression) string {
	for _, n := range localRefs(e) {
		if d.deferredLocals[n] {
			return n
		}
	}
	return ""
}

// firstSecretCall is the env() / file() call of an expression as a
// reference (its argument when literal).
func firstSecretCall(e hclsyntax.Expression) *SecretRef {
	ref := &SecretRef{Kind: "env"}
	found := false
	_ = hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		c, ok := n.(*hclsyntax.FunctionCallExpr)
		if found || !ok || (c.Name != "env" && c.Name != "file") {
			return nil
		}
		found, ref.Kind = true, c.Name
		if len(c.Args) == 1 {
			if v, diags := c.Args[0].Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() {
				ref.Name = v.AsString()
			}
		}
		return nil
	})
	return ref
}

// evalLocal evaluates a local's expression as data. With DeferSecrets, a
// local whose env() / file() source is missing is a secret known at
// apply when its value is a string (key = env("KEY"), "ops:${file(F)}"),
// as the same expression written in settings is; any other value reads
// data (an inventory, a list split from a variable), which is evaluated
// again for its error.
func (d *hclDecoder) evalLocal(e hclsyntax.Expression) (cty.Value, bool) {
	d.rec.local, d.rec.deferred = true, false
	v, ok := d.evalData(e)
	d.rec.local = false
	if d.rec.deferred && ok && (v.IsKnown() || v.Type() != cty.String) {
		v, ok = d.evalData(e)
	}
	return v, ok
}

// evalData evaluates an expression that reads data (a local, for_each):
// file() reads inventories there and marks nothing secret.
func (d *hclDecoder) evalData(e hclsyntax.Expression) (cty.Value, bool) {
	d.rec.data = true
	v, _, ok := d.eval(e)
	d.rec.data = false
	return v, ok
}

// stationBlocks decodes a station block, appending to out: one station,
// or one per element of its for_each.
func (d *hclDecoder) stationBlocks(out []*rawStation, b *hclsyntax.Block) []*rawStation {
	if !d.labels(b, 1, "station \"NAME\"") {
		return out
	}
	fe, ok := b.Body.Attributes["for_each"]
	if !ok {
		if st := d.station(b); st != nil {
			out = append(out, st)
		}
		return out
	}
	if d.duplicateKeys(fe.Expr) {
		return out
	}
	v, ok := d.evalData(fe.Expr)
	r := fe.Expr.Range()
	if n := d.readsDeferred(fe.Expr); ok && !v.IsWhollyKnown() && n != "" {
		d.add(errAt(r.Ptr(), "Unknown for_each", fmt.Sprintf(
			"for_each reads local.%s, which comes from a secret not at hand (--no-secrets): the stations of this block cannot be known without it. Give the secret, or list the stations in a file that is not a secret.", n)))
		return out
	}
	if !ok || !v.IsWhollyKnown() {
		return out // unknown: from a value in error, reported
	}
	t := v.Type()
	switch {
	case v.IsNull():
		d.add(errAt(r.Ptr(), "Invalid for_each argument", "for_each must be a map or a set of strings; got null."))
		return out
	case t.IsSetType() && t.ElementType() == cty.String, t.IsMapType(), t.IsObjectType():
	case t.IsListType() || t.IsTupleType():
		d.add(errAt(r.Ptr(), "Invalid for_each argument",
			fmt.Sprintf("for_each must be a map or a set of strings; got %s. Key a list of rows by a column: { for r in ROWS : r.name => r }, or toset([...]) for names.", t.FriendlyName())))
		return out
	default:
		d.add(errAt(r.Ptr(), "Invalid for_each argument",
			fmt.Sprintf("for_each must be a map or a set of strings; got %s.", t.FriendlyName())))
		return out
	}
	if v.LengthInt() == 0 {
		d.add(emptyInventory(r.Ptr(), "for_each is empty (a CSV with a header row only, for one): this block makes no station."))
		return out
	}
	outer := d.ctx
	defer func() { d.ctx, d.instance = outer, ""; d.finishInstances("for_each key") }()
	// One scope for all instances, each.key and each.value set for each:
	// nothing evaluated keeps the context.
	d.ctx = outer.NewChild()
	d.ctx.Variables = map[string]cty.Value{}
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if t.IsSetType() {
			k = ev
		}
		if k.IsNull() {
			d.add(errAt(r.Ptr(), "Invalid for_each argument", "for_each keys must not be null."))
			continue
		}
		d.ctx.Variables["each"] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": ev})
		d.instance = k.AsString()
		if st := d.station(b); st != nil {
			st.instance, st.instanceWhat = d.instance, "for_each key"
			out = append(out, st)
		}
	}
	return out
}

// station decodes one station (instance) from its block.
func (d *hclDecoder) station(b *hclsyntax.Block) *rawStation {
	st := &rawStation{name: b.Labels[0], nameRange: b.LabelRanges[0]}
	_, each := b.Body.Attributes["for_each"]
	if each {
		st.name = d.instance
	}
	for _, a := range hclFields(d, b.Body, stationSection, &st.rawBody) {
		if a.Name != "name" {
			continue // for_each: stationBlocks
		}
		if !each {
			d.add(errAt(a.NameRange.Ptr(), "Unsupported argument",
				"name is for a station block with for_each; the block's label is this station's name."))
			continue
		}
		s, ok := d.str(a)
		if !ok {
			return nil
		}
		st.name, st.nameRange = s.s, s.rng
	}
	return st
}
