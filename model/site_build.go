package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Limits on what ecc reads.
const (
	maxSiteFile     = 256 << 20 // a 10,000-station file is a few MiB
	maxFirmwareFile = 2 << 20   // the controller refuses larger images (fw_size)
	maxFactoryFile  = 1 << 20
)

// families are the controller families a station's model may name.
var families = []string{"EVC4.x", "EVC5.x", "ECC.x"}

// loader holds what several site files share: the files read so far and
// the factory files and firmware images already checked.
type loader struct {
	sources   Sources
	factories map[string]*factoryEntry
	images    map[string]*imageEntry
}

type factoryEntry struct {
	settings []Setting
	ok       bool
}

type imageEntry struct {
	size   int64
	sum    string
	header FirmwareHeader
	hdrErr error
	err    error
}

func newLoader() *loader {
	return &loader{sources: Sources{}, factories: map[string]*factoryEntry{}, images: map[string]*imageEntry{}}
}

// LoadSiteBytes decodes, layers and validates one site file given as bytes
// (the format from name's extension; relative paths in it resolve against
// name's directory).
func LoadSiteBytes(name string, src []byte) (*Site, Sources, hcl.Diagnostics) {
	l := newLoader()
	l.sources[name] = src
	s, diags := l.site(name, src)
	return s, l.sources, finishDiags(diags, name)
}

// loadFile reads one site file.
func (l *loader) loadFile(path string) (*Site, hcl.Diagnostics) {
	src, err := readSmallFile(path, maxSiteFile)
	if err != nil {
		return nil, hcl.Diagnostics{errAt(&hcl.Range{Filename: path}, "Cannot read site file", shortErr(err)+".")}
	}
	l.sources[path] = src
	return l.site(path, src)
}

// site decodes by extension, then builds.
func (l *loader) site(path string, src []byte) (*Site, hcl.Diagnostics) {
	var (
		raw   *rawSite
		diags hcl.Diagnostics
	)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".hcl":
		raw, diags = decodeHCL(path, src)
	case ".yaml", ".yml":
		raw, diags = decodeYAML(path, src)
	default:
		return nil, hcl.Diagnostics{errAt(&hcl.Range{Filename: path}, "Unknown site file format",
			"A site file is HCL (.hcl) or YAML (.yaml, .yml).")}
	}
	if raw == nil {
		return nil, diags
	}
	b := &builder{l: l, raw: raw, dir: filepath.Dir(path), diags: diags}
	s := b.build()
	return s, b.diags
}

// builder layers and validates one decoded site.
type builder struct {
	l     *loader
	raw   *rawSite
	dir   string
	diags hcl.Diagnostics
}

func (b *builder) add(d ...*hcl.Diagnostic) { b.diags = append(b.diags, d...) }

func (b *builder) build() *Site {
	raw := b.raw
	site := &Site{Name: raw.name, Description: raw.description, File: raw.file}
	if !raw.hasName {
		r := hcl.Range{Filename: raw.file, Start: hcl.InitialPos, End: hcl.InitialPos}
		b.add(errAt(&r, "Missing site name",
			`A site file names its site: site "NAME" { ... } in HCL, site: NAME in YAML.`))
	} else if strings.TrimSpace(raw.name) == "" {
		b.add(errAt(raw.nameRange.Ptr(), "Invalid site name", "The site name must not be empty."))
	}

	var (
		defFactory  []Setting
		defFactoryP string
		defPin      *FirmwarePin
		defSettings []Setting
	)
	if def := raw.defaults; def != nil {
		if def.factory.set {
			defFactoryP = b.resolve(def.factory.s)
			defFactory = b.factory(def.factory)
		}
		if def.firmware != nil {
			defPin = b.pin(def.firmware)
		}
		defSettings = b.typeSettings(def.settings, "defaults")
	}

	bases := map[string][]Setting{} // factory < defaults, per factory file
	names := map[string]hcl.Range{}
	serials := map[string]hcl.Range{}
	for _, rs := range raw.stations {
		st := &Station{Name: rs.name, Range: rs.nameRange, Site: site, Port: rs.port.s}
		if prev, dup := names[rs.name]; dup {
			b.add(errAt(rs.nameRange.Ptr(), "Duplicate station name",
				fmt.Sprintf("Station %q is already defined at %s; names are unique within a site.", rs.name, where(prev))))
		} else {
			names[rs.name] = rs.nameRange
		}
		if strings.TrimSpace(rs.name) == "" {
			b.add(errAt(rs.nameRange.Ptr(), "Invalid station name", "A station name must not be empty."))
		}
		b.serial(rs, st, serials)
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

		own := b.typeSettings(rs.settings, "station")
		base, ok := bases[facPath]
		if !ok {
			base = layerSettings(facSettings, defSettings)
			bases[facPath] = base
		}
		st.Settings = overlaySettings(base, own)
		b.add(CheckCrossKeys(st.Settings)...)
		site.Stations = append(site.Stations, st)
	}
	return site
}

// serial checks a station's serial: required, unique within the site.
func (b *builder) serial(rs *rawStation, st *Station, seen map[string]hcl.Range) {
	if !rs.serial.set {
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
	st.Serial = s
	if prev, dup := seen[s]; dup {
		b.add(errAt(rs.serial.rng.Ptr(), "Duplicate serial",
			fmt.Sprintf("Serial %q is already used by a station at %s; each controller is declared once.", s, where(prev))))
		return
	}
	seen[s] = rs.serial.rng
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
func (b *builder) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(b.dir, p)
}

// typeSettings classifies and types the settings of one layer.
func (b *builder) typeSettings(raws []rawSetting, layer string) []Setting {
	out := make([]Setting, 0, len(raws))
	for _, rs := range raws {
		kd, d := writableKey(rs.key, rs.keyRange)
		if d != nil {
			b.add(d)
			continue
		}
		v, diags := kd.FromNode(rs.node)
		b.add(diags...)
		if diags.HasErrors() || v == nil {
			continue
		}
		out = append(out, Setting{Key: rs.key, Value: v, Layer: layer, Range: rs.node.Range, Secret: firstSecret(rs.node)})
	}
	return out
}

// writableKey looks a key up, or explains (with its class and why) that ecc
// may never write it.
func writableKey(key string, r hcl.Range) (*KeyDef, *hcl.Diagnostic) {
	kd, ok := Lookup(key)
	class := Classify(key)
	if ok && class.Writable() {
		return kd, nil
	}
	detail := fmt.Sprintf("%s is %s: %s.", key, class, class.Reason())
	if class == Forbidden {
		if s := Suggest(key); s != "" {
			detail += fmt.Sprintf(" Did you mean %q?", s)
		}
	}
	return nil, errAt(&r, "Key "+key+" cannot be set", detail)
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
	if kd, ok := Lookup(s.Key); ok && kd.Partial {
		s.Value = kd.Merge(prev.Value, s.Value)
		if s.Secret == nil {
			s.Secret = prev.Secret
		}
	}
	return s
}

// overlaySettings lays a station's settings over a layered, sorted base:
// layerSettings(base, own) without re-sorting the base.
func overlaySettings(base, own []Setting) []Setting {
	out := make([]Setting, len(base), len(base)+len(own))
	copy(out, base)
	added := false
	for _, s := range own {
		i := slices.IndexFunc(out, func(o Setting) bool { return o.Key == s.Key })
		if i < 0 {
			out = append(out, s)
			added = true
			continue
		}
		out[i] = mergeOver(out[i], s)
	}
	if added {
		sortSettings(out)
	}
	return out
}

// sortSettings puts settings in dictionary order (unknown keys last).
func sortSettings(out []Setting) {
	sort.SliceStable(out, func(i, j int) bool {
		ri, iok := dictOrder[out[i].Key]
		rj, jok := dictOrder[out[j].Key]
		if !iok {
			ri = len(dictOrder)
		}
		if !jok {
			rj = len(dictOrder)
		}
		return ri < rj
	})
}

// factory loads a factory file named in the site file, once per path.
func (b *builder) factory(ref rawString) []Setting {
	p := b.resolve(ref.s)
	if e, ok := b.l.factories[p]; ok {
		if !e.ok {
			b.add(errAt(ref.rng.Ptr(), "Invalid factory file",
				fmt.Sprintf("The factory file %s has errors (reported at its first use).", p)))
		}
		return e.settings
	}
	e := &factoryEntry{}
	b.l.factories[p] = e
	if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
		why := "not a regular file"
		if err != nil {
			why = shortErr(err)
		}
		b.add(errAt(ref.rng.Ptr(), "Cannot read factory file", fmt.Sprintf("%s: %s.", p, why)))
		return nil
	}
	settings, src, diags := LoadFactory(p)
	for k, v := range src {
		b.l.sources[k] = v
	}
	b.add(diags...)
	if diags.HasErrors() {
		return nil
	}
	e.settings, e.ok = settings, true
	return settings
}

// pin checks a firmware block against its image.
func (b *builder) pin(fw *rawFirmware) *FirmwarePin {
	p := &FirmwarePin{Range: fw.rng, Locked: fw.locked}
	missing := func(field, example string) {
		b.add(errAt(fw.rng.Ptr(), "Missing firmware "+field,
			fmt.Sprintf("A firmware block gives version, file and sha256; %s is missing (e.g. %s).", field, example)))
	}
	ok := true
	if !fw.version.set {
		missing("version", `version = "V32R17"`)
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
		missing("file", `file = "firmware/V32R17.bin"`)
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

// image reads and digests a firmware image once per path.
func (l *loader) image(path string) *imageEntry {
	if e, ok := l.images[path]; ok {
		return e
	}
	e := &imageEntry{}
	l.images[path] = e
	data, err := readSmallFile(path, maxFirmwareFile)
	if err != nil {
		e.err = fmt.Errorf("%s", shortErr(err))
		return e
	}
	if len(data) == 0 {
		e.err = fmt.Errorf("the file is empty")
		return e
	}
	sum := sha256.Sum256(data)
	e.size, e.sum = int64(len(data)), hex.EncodeToString(sum[:])
	e.header, e.hdrErr = ParseFirmwareHeader(data)
	return e
}

// finishDiags orders one site file's diagnostics (the site file first, then
// the files it refers to, each by position) and drops exact repeats (a
// defaults problem seen by every station).
func finishDiags(diags hcl.Diagnostics, file string) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(diags))
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		rng             hcl.Range
	}
	seen := make(map[key]bool, len(diags))
	for _, d := range diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.rng = *d.Subject
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	rank := func(d *hcl.Diagnostic) (int, string, int) {
		if d.Subject == nil {
			return 2, "", 0
		}
		if d.Subject.Filename == file {
			return 0, "", d.Subject.Start.Byte
		}
		return 1, d.Subject.Filename, d.Subject.Start.Byte
	}
	sort.SliceStable(out, func(i, j int) bool {
		gi, fi, bi := rank(out[i])
		gj, fj, bj := rank(out[j])
		if gi != gj {
			return gi < gj
		}
		if fi != fj {
			return fi < fj
		}
		return bi < bj
	})
	return out
}

// loadSites implements LoadSites with one loader, so that factory files and
// firmware images shared by several site files are read once.
func loadSites(paths []string) ([]*Site, Sources, hcl.Diagnostics) {
	l := newLoader()
	var (
		sites []*Site
		all   hcl.Diagnostics
	)
	for _, p := range paths {
		s, diags := l.loadFile(p)
		all = append(all, finishDiags(diags, p)...)
		if s != nil {
			sites = append(sites, s)
		}
	}
	return sites, l.sources, all
}
