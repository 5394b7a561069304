package model

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
)

// Limits on what ecc reads.
const (
	MaxSiteFile     = 256 << 20 // a 10,000-station file is a few MiB
	maxFirmwareFile = 2 << 20   // the controller refuses larger images (fw_size)
	maxFactoryFile  = 1 << 20
)

// families are the controller families a station's model may name.
var families = []string{"EVC4.x", "EVC5.x", "ECC.x"}

// builder layers and validates one decoded site. Its problems are
// collected as the decoder's are (diagSink): those of a station made from
// an inventory row name the row, and one found alike in several rows (a
// template's secret in clear, a value out of range in every row) is
// reported once, naming them.
type builder struct {
	diagSink
	l           *loader
	raw         *rawSite
	dir         string
	factoryUses []factoryUse // factory files with problems, in order of use
	own         []Setting    // a station's own settings, before overlaySettings copies them
}

func (b *builder) add(d ...*hcl.Diagnostic) {
	for _, x := range d {
		b.diagSink.add(x)
	}
}

func (b *builder) build() *Site {
	raw := b.raw
	site := &Site{Name: raw.name, Description: raw.description, File: raw.file}
	if !raw.hasName {
		// Without a site block the site is named after its file.
		base := filepath.Base(raw.file)
		site.Name = strings.TrimSuffix(base, filepath.Ext(base))
	} else if strings.TrimSpace(raw.name) == "" {
		b.add(errAt(raw.nameRange.Ptr(), "Invalid site name", "The site name must not be empty."))
	}

	var (
		defFactory  []Setting
		defFactoryP string
		defPin      *FirmwarePin
		defSettings []Setting
		defOCPP     []Setting
	)
	if def := raw.defaults; def != nil {
		if def.factory.set {
			defFactoryP = b.resolve(def.factory.s)
			defFactory = b.factory(def.factory)
		}
		if def.firmware != nil {
			defPin = b.pin(def.firmware)
		}
		defSettings = b.typeSettings(nil, def.settings, "defaults", writableKey)
		defOCPP = b.typeSettings(nil, def.ocpp, "defaults", ocppPlannableKey)
	}

	bases := map[string]rankedSettings{} // factory < defaults, per factory file
	what := ""                           // for_each key or row: one kind per file
	for _, rs := range raw.stations {
		b.instance = rs.instance
		if rs.instance != "" {
			what = rs.instanceWhat
		}
		st := &Station{Name: rs.name, Range: rs.nameRange, Site: site, Port: rs.port.s}
		if msg := BadStationName(rs.name); msg != "" {
			b.add(errAt(rs.nameRange.Ptr(), "Invalid station name", msg))
		}
		b.serial(rs, st)
		b.model(rs, st)

		facSettings, facPath := defFactory, defFactoryP
		if rs.factory.set {
			facPath = b.resolve(rs.factory.s)
			facSettings = b.factory(rs.factory)
		}
		st.Factory = facPath

		st.Firmware = defPin
		if rs.firmware != nil {
			st.Firmware = b.pin(rs.firmware)
		}
		if st.Firmware != nil && rs.model.set && st.Model != "" && len(st.Firmware.Header.Models) > 0 &&
			!st.Firmware.Header.Supports(st.Model) {
			b.add(errAt(rs.model.rng.Ptr(), "Firmware does not fit the model",
				fmt.Sprintf("The pinned image %s is for %s, not for %s.", st.Firmware.File,
					strings.Join(st.Firmware.Header.Models, ", "), st.Model)))
		}

		b.own = b.typeSettings(b.own[:0], rs.settings, "station", writableKey)
		base, ok := bases[facPath]
		if !ok {
			base = ranked(layerSettings(facSettings, defSettings))
			bases[facPath] = base
		}
		st.Settings = overlaySettings(base, b.own)
		st.OCPP = layerOCPP(defOCPP, b.typeSettings(nil, rs.ocpp, "station", ocppPlannableKey))
		b.add(CheckCrossKeys(known(st.Settings))...)
		site.Stations = append(site.Stations, st)
	}
	b.instance = ""
	b.finishInstances(what)
	return site
}

// serial checks a station's serial: required and well formed (unique
// across the run: checkUnique).
func (b *builder) serial(rs *rawStation, st *Station) {
	if !rs.serial.set {
		if rs.serial.failed {
			return // its error said why
		}
		b.add(errAt(rs.nameRange.Ptr(), "Missing serial",
			fmt.Sprintf("Station %q needs serial, the controller's serial number as hello reports it (e.g. \"G48229\").", rs.name)))
		return
	}
	s := rs.serial.s
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, " \t\r\n,") || !isPrintable(s) {
		b.add(errAt(rs.serial.rng.Ptr(), "Invalid serial",
			"The serial is the controller's serial number as hello reports it (e.g. \"G48229\"): printable, no spaces or commas."))
		return
	}
	st.Serial, st.SerialRange = s, rs.serial.rng
}

// model checks a station's model family.
func (b *builder) model(rs *rawStation, st *Station) {
	if !rs.model.set {
		return
	}
	m := rs.model.s
	for _, f := range families {
		if m == f {
			st.Model = m
			return
		}
	}
	hint := ""
	for _, f := range families {
		if Family(m) == f {
			hint = fmt.Sprintf(" Did you mean %q?", f)
		}
	}
	if hint == "" {
		hint = didYouMean(m, families)
	}
	b.add(errAt(rs.model.rng.Ptr(), "Invalid model",
		fmt.Sprintf("model is a controller family: %s; got %q.%s", strings.Join(families, ", "), m, hint)))
}

// resolve makes a path in the site file relative to the site file.
func (b *builder) resolve(p string) string { return inSiteDir(b.dir, p) }

// keyLookup finds the definition of a key a block may set, or explains
// why the block may not set it: writableKey for settings,
// ocppPlannableKey for the ocpp block.
type keyLookup func(key string, r hcl.Range) (*KeyDef, *hcl.Diagnostic)

// typeSettings classifies and types the keys of one layer's block,
// appending them to out.
func (b *builder) typeSettings(out []Setting, raws []rawSetting, layer string, lookup keyLookup) []Setting {
	out = slices.Grow(out, len(raws))
	for _, rs := range raws {
		kd, d := lookup(rs.key, rs.keyRange)
		if d != nil {
			b.add(d)
			b.guardRefused(rs)
			continue
		}
		// The key is the definition's name (the same text): the parser's
		// copy of it can then be freed with the rest of the syntax tree.
		if hasUnknown(rs.node) {
			// Known at apply; what does not depend on the secret is
			// checked now.
			stand, diags := standInFor(kd, rs.node)
			b.add(diags...)
			if kd.HoldsSecret() {
				b.guardSecret(kd, rs.node, nil) // a literal password beside an unknown part
			}
			out = append(out, Setting{Key: kd.Name, Layer: layer, Range: rs.node.Range, Secret: firstSecret(rs.node), Unknown: true, stand: stand})
			continue
		}
		v, diags := kd.FromNode(rs.node)
		b.add(diags...)
		if diags.HasErrors() {
			v = nil
		}
		if kd.HoldsSecret() || kd.HoldsURL() {
			b.guardSecret(kd, rs.node, v)
		}
		if v == nil {
			continue
		}
		out = append(out, Setting{Key: kd.Name, Value: v, Layer: layer, Range: rs.node.Range, Secret: firstSecret(rs.node)})
	}
	return out
}

// known is the settings the cross-key rules check: an Unknown one as its
// stand-in when it has one (the rules never look at a secret, only at
// whether the key is set), else dropped and checked at apply.
func known(settings []Setting) []Setting {
	for _, s := range settings {
		if s.Unknown {
			out := slices.Clone(settings)
			for i := range out {
				if out[i].Unknown {
					out[i].Value = out[i].stand
				}
			}
			return slices.DeleteFunc(out, func(s Setting) bool { return s.Value == nil })
		}
	}
	return settings
}

// standIn stands for a secret not at hand: valid as an authorizationKey
// (user:password) and as gsm_APN's password.
const standIn = "ecc:stand-in"

// standInFor checks what of a value with unknown parts (secrets not at hand)
// can be checked without them: the value is decoded with a stand-in for
// each unknown part, and the problems found outside those parts are
// reported (a gsm_APN name too long). When the unknown parts are all
// secret parts of the key, so that its Display does not depend on them,
// the stand-in value is returned (Setting.stand).
func standInFor(kd *KeyDef, n *Node) (Value, hcl.Diagnostics) {
	if _, whole := codecFor(kd).(secretCodec); whole && n.Unknown {
		// Secret as a whole and unknown as a whole (authorizationKey from
		// a variable not set): nothing to check, and it always shows as
		// "(sensitive)". Not decoded: a fleet's CI has one per station.
		return secretValue{standIn}, nil
	}
	var unknown []hcl.Range
	a, diags := kd.FromNode(replaceUnknown(n, standIn, &unknown))
	var kept hcl.Diagnostics
	for _, d := range diags {
		if d.Subject == nil || !within(*d.Subject, unknown) {
			kept = append(kept, d)
		}
	}
	if diags.HasErrors() || a == nil || !kd.HoldsSecret() || knownSecret(n) {
		return nil, kept
	}
	// The stand-ins came from env() / file(), so the value is redacted as
	// a whole; without that mark its Display hides only the key's secret
	// parts, and every other part was written in the file. A stand-in
	// that shows sits in a part that is not secret: its display is not
	// known.
	a, _ = unwrap(a)
	if strings.Contains(a.Display(), standIn) {
		return nil, kept
	}
	return a, kept
}

// knownSecret reports whether a node tree holds a secret that is known in
// this run (its display would show it).
func knownSecret(n *Node) bool {
	return anyNode(n, func(n *Node) bool { return n.Secret != nil && !n.Unknown })
}

// replaceUnknown is a copy of n with every unknown part a string s, their
// ranges appended to ranges.
func replaceUnknown(n *Node, s string, ranges *[]hcl.Range) *Node {
	c := *n
	if n.Unknown {
		c.Kind, c.Str, c.Unknown = NodeString, s, false
		if ranges != nil {
			*ranges = append(*ranges, n.Range)
		}
		return &c
	}
	if n.List != nil {
		c.List = make([]*Node, len(n.List))
		for i, e := range n.List {
			c.List[i] = replaceUnknown(e, s, ranges)
		}
	}
	if n.Map != nil {
		c.Map = make([]MapEntry, len(n.Map))
		for i, e := range n.Map {
			e.Value = replaceUnknown(e.Value, s, ranges)
			c.Map[i] = e
		}
	}
	return &c
}

// within reports whether r lies inside one of outer.
func within(r hcl.Range, outer []hcl.Range) bool {
	before := func(a, b hcl.Pos) bool { return a.Line < b.Line || a.Line == b.Line && a.Column <= b.Column }
	for _, o := range outer {
		if r.Filename == o.Filename && before(o.Start, r.Start) && before(r.End, o.End) {
			return true
		}
	}
	return false
}

// hasUnknown reports whether a node tree holds a deferred secret.
func hasUnknown(n *Node) bool { return anyNode(n, func(n *Node) bool { return n.Unknown }) }

// anyNode reports whether is holds for n or a node below it.
func anyNode(n *Node, is func(*Node) bool) bool {
	if is(n) {
		return true
	}
	for _, c := range n.List {
		if anyNode(c, is) {
			return true
		}
	}
	for _, e := range n.Map {
		if anyNode(e.Value, is) {
			return true
		}
	}
	return false
}

// writableKey looks a key up, or explains (with its class and why) that ecc
// may never write it.
func writableKey(key string, r hcl.Range) (*KeyDef, *hcl.Diagnostic) {
	kd, ok := sharedDef(key)
	if ok && kd.Class.Writable() {
		return kd, nil
	}
	class := Classify(key)
	detail := fmt.Sprintf("%s is %s: %s.", key, class, class.Reason())
	switch class {
	case Forbidden:
		if s := Suggest(key); s != "" {
			detail += fmt.Sprintf(" Did you mean %q?", s)
		}
	case BackendOnly:
		detail += " " + ocppBlockHint(r.Filename)
	}
	return nil, errAt(r.Ptr(), "Key "+key+" cannot be set", detail)
}

// firstSecret finds the source of the first secret in a node tree.
func firstSecret(n *Node) *SecretRef {
	if n == nil {
		return nil
	}
	if n.Secret != nil {
		return n.Secret
	}
	for _, c := range n.List {
		if s := firstSecret(c); s != nil {
			return s
		}
	}
	for _, e := range n.Map {
		if s := firstSecret(e.Value); s != nil {
			return s
		}
	}
	return nil
}

// dictOrder ranks keys by the guide's order.
var dictOrder = func() map[string]int {
	m := map[string]int{}
	for i, k := range Dictionary() {
		m[k.Name] = i
	}
	return m
}()

// layerSettings lays layers over each other, lowest first: a later value
// replaces an earlier one, except for name=value lists (Partial keys),
// which merge. The result is in dictionary order.
func layerSettings(layers ...[]Setting) []Setting {
	n := 0
	for _, l := range layers {
		n += len(l)
	}
	out := make([]Setting, 0, n)
	idx := make(map[string]int, n)
	for _, l := range layers {
		for _, s := range l {
			i, seen := idx[s.Key]
			if !seen {
				idx[s.Key] = len(out)
				out = append(out, s)
				continue
			}
			out[i] = mergeOver(out[i], s)
		}
	}
	sortSettings(out)
	return out
}

// mergeOver lays a higher layer's setting over a lower one's: name=value
// lists merge option by option (keeping the lower layer's secret source when
// the higher one names none); every other key is replaced.
func mergeOver(prev, s Setting) Setting {
	if kd, ok := sharedDef(s.Key); ok && kd.Partial {
		if prev.Unknown || s.Unknown { // merged over an unknown: unknown
			s.Value, s.Unknown, s.stand = nil, true, nil
			if s.Secret == nil {
				s.Secret = prev.Secret
			}
			return s
		}
		s.Value = kd.Merge(prev.Value, s.Value)
		if s.Secret == nil {
			s.Secret = prev.Secret
		}
	}
	return s
}

// rankedSettings are layered settings with their keys' places in the
// dictionary.
type rankedSettings struct {
	settings []Setting
	ranks    []int
}

func ranked(settings []Setting) rankedSettings {
	r := rankedSettings{settings: settings, ranks: make([]int, len(settings))}
	for i, s := range settings {
		r.ranks[i] = rank(s.Key)
	}
	return r
}

// rank is a key's place in the dictionary (unknown keys last).
func rank(key string) int {
	if r, ok := dictOrder[key]; ok {
		return r
	}
	return len(dictOrder)
}

// overlaySettings lays a station's settings over a layered, sorted base:
// layerSettings(base, own) without sorting again. Keys are unique in a
// layer and ranks unique per key, so inserting each new key after those
// ranked before it gives layerSettings' order, ranking only the
// station's keys (this runs for every station).
func overlaySettings(base rankedSettings, own []Setting) []Setting {
	out := make([]Setting, len(base.settings), len(base.settings)+len(own))
	copy(out, base.settings)
	var buf [32]int
	ranks := append(buf[:0], base.ranks...)
	for _, s := range own {
		i := -1
		for j := range out {
			if out[j].Key == s.Key {
				i = j
				break
			}
		}
		if i >= 0 {
			out[i] = mergeOver(out[i], s)
			continue
		}
		r := rank(s.Key)
		at := len(out)
		for at > 0 && ranks[at-1] > r {
			at--
		}
		out = slices.Insert(out, at, s)
		ranks = slices.Insert(ranks, at, r)
	}
	return out
}

// sortSettings puts settings in dictionary order (unknown keys last),
// keeping the order of equal keys. Each key is ranked once, and the
// lists are short (at most one setting per key of the dictionary), so an
// insertion sort does it.
func sortSettings(out []Setting) {
	var buf [32]int
	ranks := buf[:0]
	sorted := true
	for i, s := range out {
		ranks = append(ranks, rank(s.Key))
		sorted = sorted && (i == 0 || ranks[i-1] <= ranks[i])
	}
	if sorted {
		return
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && ranks[j] < ranks[j-1]; j-- {
			ranks[j], ranks[j-1] = ranks[j-1], ranks[j]
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
}

// factory loads a factory file named in the site file, once per run; its
// problems are reported at its first use in the run (see loader.finish).
func (b *builder) factory(ref rawString) []Setting {
	p := b.resolve(ref.s)
	e := b.l.factory(p)
	if !e.ok {
		b.factoryUses = append(b.factoryUses, factoryUse{path: p, rng: ref.rng})
	}
	return e.settings
}

// pin checks a firmware block against its image.
func (b *builder) pin(fw *rawFirmware) *FirmwarePin {
	p := &FirmwarePin{Range: fw.rng, Locked: fw.locked}
	missing := func(field, example string) {
		b.add(errAt(fw.rng.Ptr(), "Missing firmware "+field,
			fmt.Sprintf("A firmware pin gives version, file and sha256; %s is missing (e.g. %s).", field, example)))
	}
	ok := true
	if !fw.version.set {
		missing("version", written(fw.rng.Filename, "version", "V32R17"))
		ok = false
	} else if v, err := ParseVersion(fw.version.s); err != nil {
		b.add(errAt(fw.version.rng.Ptr(), "Invalid firmware version", upperFirst(err.Error())+"."))
		ok = false
	} else {
		p.Version = v
	}
	if !fw.sha256.set {
		missing("sha256", "the output of sha256sum")
		ok = false
	} else if s := strings.ToLower(fw.sha256.s); len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
		b.add(errAt(fw.sha256.rng.Ptr(), "Invalid sha256",
			"sha256 is the image's SHA-256 digest: 64 hexadecimal digits, as sha256sum prints it."))
		ok = false
	} else {
		p.SHA256 = s
	}
	if !fw.file.set {
		missing("file", written(fw.rng.Filename, "file", "firmware/V32R17.bin"))
		return p
	}
	p.File = b.resolve(fw.file.s)
	img := b.l.image(p.File)
	if img.err != nil {
		b.add(errAt(fw.file.rng.Ptr(), "Cannot read firmware image", fmt.Sprintf("%s: %s.", p.File, img.err)))
		return p
	}
	p.Size = img.size
	if img.hdrErr != nil {
		b.add(errAt(fw.file.rng.Ptr(), "Invalid firmware image", fmt.Sprintf("%s: %s.", p.File, img.hdrErr)))
	} else {
		p.Header = img.header
	}
	if p.SHA256 != "" && p.SHA256 != img.sum {
		b.add(errAt(fw.sha256.rng.Ptr(), "Firmware checksum mismatch",
			fmt.Sprintf("The pin says sha256 %s, but %s has sha256 %s.", p.SHA256, p.File, img.sum)))
	}
	if ok && img.hdrErr == nil && img.header.Version != p.Version {
		b.add(errAt(fw.version.rng.Ptr(), "Firmware version mismatch",
			fmt.Sprintf("The pin says %s, but the header of %s says %s.", p.Version, p.File, img.header.Version)))
	}
	if fw.version.set && !strings.Contains(filepath.Base(p.File), fw.version.s) {
		b.add(errAt(fw.file.rng.Ptr(), "Firmware file name mismatch",
			fmt.Sprintf("The image's file name must contain its version %s (e.g. %s.bin); got %s.", fw.version.s, fw.version.s, filepath.Base(p.File))))
	}
	return p
}

// BadStationName says what is wrong with a station name, or "": a name is
// printed in plans, pull-request comments and terminals, and typed after
// --station, so it is not empty, holds no control character (a newline
// or an escape would forge or garble those lines) and has no space at
// either end (" cp-01 " from a spreadsheet's cell is not cp-01).
func BadStationName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "A station name must not be empty."
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Sprintf("The station name %s holds a control character (a newline, a tab, an escape...).", strconv.QuoteToASCII(name))
	case strings.TrimSpace(name) != name:
		return fmt.Sprintf("The station name %q begins or ends with a space.", name)
	}
	return ""
}
