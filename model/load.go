package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// loader holds what the site files of one run share: their sources, and
// the factory files and firmware images each read once. Site files are
// decoded in parallel; everything a file reports is kept per file and
// joined in the order of the arguments, so that the output never depends
// on scheduling.
type loader struct {
	opts      LoadOptions
	mu        sync.Mutex
	sources   Sources
	factories map[string]*factoryEntry
	images    map[string]*imageEntry
	hidden    []hiddenText // secrets in clear, hidden from sources at the end
	undecoded []string     // files not wholly decoded, their secret lines hidden at the end
	unbuilt   []string     // files decoded, not wholly built: what their secrets refer to hidden at the end
}

type factoryEntry struct {
	once     sync.Once
	settings []Setting
	ok       bool
	diags    hcl.Diagnostics // the file's own problems, or why it cannot be read
	srcs     Sources
}

// factoryUse is a reference to a factory file that has problems.
type factoryUse struct {
	path string
	rng  hcl.Range
}

type imageEntry struct {
	once   sync.Once
	size   int64
	sum    string
	header FirmwareHeader
	hdrErr error
	err    error
}

func newLoader() *loader {
	return &loader{sources: Sources{}, factories: map[string]*factoryEntry{}, images: map[string]*imageEntry{}}
}

func (l *loader) addSource(name string, src []byte) {
	l.mu.Lock()
	l.sources[name] = src
	l.mu.Unlock()
}

// entryFor is m[path], created empty on first use, under l.mu; the
// caller fills it once (its sync.Once) outside the lock, so that files
// being parsed in parallel wait only for the file they need.
func entryFor[T any](l *loader, m map[string]*T, path string) *T {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := m[path]
	if !ok {
		e = new(T)
		m[path] = e
	}
	return e
}

// factory reads and checks a factory file once per run.
func (l *loader) factory(path string) *factoryEntry {
	e := entryFor(l, l.factories, path)
	e.once.Do(func() {
		if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
			return // reported at the reference (loader.finish)
		}
		e.settings, e.srcs, e.diags = LoadFactory(path)
		e.ok = !e.diags.HasErrors()
		if !e.ok {
			e.settings = nil
		}
	})
	return e
}

// image reads and digests a firmware image once per run.
func (l *loader) image(path string) *imageEntry {
	e := entryFor(l, l.images, path)
	e.once.Do(func() {
		data, err := readSmallFile(path, maxFirmwareFile)
		if err != nil {
			e.err = fmt.Errorf("%s", shortErr(err))
			return
		}
		if len(data) == 0 {
			e.err = fmt.Errorf("the file is empty")
			return
		}
		sum := sha256.Sum256(data)
		e.size, e.sum = int64(len(data)), hex.EncodeToString(sum[:])
		e.header, e.hdrErr = ParseFirmwareHeader(data)
	})
	return e
}

// fileResult is what one site file gave.
type fileResult struct {
	path        string
	site        *Site
	diags       hcl.Diagnostics
	factoryUses []factoryUse
	dataFiles   []string // inventories the file read
}

// loadFile reads and builds one site file.
func (l *loader) loadFile(path string) fileResult {
	src, err := readSmallFile(path, MaxSiteFile)
	if err != nil {
		return fileResult{path: path, diags: hcl.Diagnostics{errAt(fileStart(path), "Cannot read site file", shortErr(err)+".")}}
	}
	return l.site(path, src)
}

// site decodes by extension, then builds; src is also the text its
// diagnostics quote.
func (l *loader) site(path string, src []byte) fileResult {
	res := fileResult{path: path}
	src, _, bad := fromUTF16(path, src)
	if IsSiteFile(path) {
		l.addSource(path, src) // another file (a key.txt given by mistake) is never quoted
	}
	if bad != nil {
		res.diags = hcl.Diagnostics{bad}
		return res
	}
	var raw *rawSite
	switch strings.ToLower(filepath.Ext(path)) {
	case ".hcl":
		raw, res.diags = decodeHCL(path, src, l.opts.DeferSecrets)
	case ".yaml", ".yml":
		raw, res.diags = decodeYAML(path, src, l.opts.DeferSecrets)
	default:
		res.diags = hcl.Diagnostics{errAt(fileStart(path), "Unknown site file format",
			"A site file is HCL (.hcl) or YAML (.yaml, .yml).")}
		return res
	}
	if res.diags.HasErrors() {
		// What did not decode (a syntax error, a value beside a missing
		// env()) cannot be hidden precisely: hideSecrets hides lines.
		l.mu.Lock()
		l.undecoded = append(l.undecoded, path)
		l.mu.Unlock()
	}
	if raw == nil {
		return res
	}
	quiet := len(raw.extra) > 0 && quietData(src) // (a regexp a line: only for a site with inventories)
	for name, data := range raw.extra {
		if !quiet {
			l.addSource(name, data)
		}
		res.dataFiles = append(res.dataFiles, name)
	}
	decoded := !res.diags.HasErrors()
	b := &builder{diagSink: diagSink{diags: res.diags}, l: l, raw: raw, dir: filepath.Dir(path)}
	res.site = b.build()
	res.diags, res.factoryUses = b.diags, b.factoryUses
	if decoded && res.diags.HasErrors() {
		// What did not build (an inventory row refused, a local that
		// does not evaluate) was not hidden precisely either.
		l.mu.Lock()
		l.unbuilt = append(l.unbuilt, path)
		l.mu.Unlock()
	}
	return res
}

// LoadSites decodes, layers and validates site files (HCL by .hcl, YAML by
// .yaml/.yml); a directory stands for every site file below it
// (ExpandPaths). Station names and serials are unique across all of them.
// All problems of all files are returned, not just the first.
func LoadSites(paths ...string) ([]*Site, Sources, hcl.Diagnostics) {
	return LoadSitesWith(LoadOptions{}, paths...)
}

// LoadOptions change how site files are read.
type LoadOptions struct {
	// DeferSecrets makes a secret whose source (environment variable,
	// file) is not available an Unknown setting instead of an error:
	// validate and offline plans in CI, where secrets are not at hand.
	// apply never sets it: a secret it must write has to be there.
	DeferSecrets bool
}

// LoadSitesWith is LoadSites with options.
func LoadSitesWith(opts LoadOptions, paths ...string) ([]*Site, Sources, hcl.Diagnostics) {
	files, fromDir, diags := ExpandPaths(paths, true)
	l := newLoader()
	l.opts = opts
	results := make([]fileResult, len(files))
	// Parse and build the files in parallel: a fleet is thousands of them.
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = l.loadFile(files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	results = dropDataFiles(results, fromDir, l.sources)
	results = skipForeign(results, fromDir, l.sources)
	sites := l.finish(results)
	for _, r := range results {
		diags = append(diags, finishDiags(r.diags, r.path)...)
	}
	l.hideSecrets(diags)
	return sites, l.sources, diags
}

// skipForeign leaves out, with a warning, the YAML of other tools a
// directory walk found (mkdocs.yml, docker-compose.yml: foreignYAML), as
// fmt leaves them alone: a fleet's repository holds them beside its site
// files. Only a file that does not decode is looked at, so that a fleet's
// site files are not parsed twice, and its lines are not quoted. When
// every file was such, the run has no site file: an error.
func skipForeign(results []fileResult, fromDir map[string]bool, srcs Sources) []fileResult {
	skipped := 0
	for i, r := range results {
		if !fromDir[r.path] || !r.diags.HasErrors() || !foreignYAML(r.path, srcs[r.path]) {
			continue
		}
		skipped++
		delete(srcs, r.path) // another tool's file: not quoted
		results[i] = fileResult{path: r.path, diags: hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Not a site file",
			Detail: "No top-level field is a site file's (" + strings.Join(siteOwnFields, ", ") + "), nor a misspelling of one: " +
				"the YAML of another tool, left out. Name the file as an argument to read it as a site file.",
			Subject: fileStart(r.path)}}}
	}
	if skipped > 0 && skipped == len(results) {
		results[0].diags = append(results[0].diags, errAt(fileStart(results[0].path), "No site files",
			"The files found are all the YAML of other tools."))
	}
	return results
}

// dropDataFiles forgets the files a directory walk took for site files
// that another site file reads as its inventory (a stations.yaml list
// beside the site file using it). A site file another one reads for its
// values (yamldecode(file("south.yaml")).defaults) is still a site file:
// only data that is no site file's shape (dataOnlyYAML) is forgotten.
// Files are compared as ExpandPaths compares them, by identity: a site
// file may name its inventory through a link, or on Windows in other
// letter case.
func dropDataFiles(results []fileResult, fromDir map[string]bool, srcs Sources) []fileResult {
	data := sameFiles{}
	for _, r := range results {
		for _, f := range r.dataFiles {
			if yamlFile(f) { // a walk takes no other data for a site file
				data.seen(f)
			}
		}
	}
	if len(data) == 0 {
		return results
	}
	out := results[:0]
	for _, r := range results {
		if !fromDir[r.path] || !yamlFile(r.path) || !data.has(r.path) || !dataOnlyYAML(r.path, srcs[r.path]) {
			out = append(out, r)
		}
	}
	return out
}

// LoadSiteBytes decodes, layers and validates one site file given as bytes
// (the format from name's extension; relative paths in it resolve against
// name's directory).
func LoadSiteBytes(name string, src []byte) (*Site, Sources, hcl.Diagnostics) {
	l := newLoader()
	res := []fileResult{l.site(name, src)}
	sites := l.finish(res)
	var s *Site
	if len(sites) > 0 {
		s = sites[0]
	}
	diags := finishDiags(res[0].diags, name)
	l.hideSecrets(diags)
	return s, l.sources, diags
}

// finish adds what spans files to each file's diagnostics, in argument
// order: a factory file's problems at its first use (later uses point
// there), and duplicate station names and serials. It returns the sites.
func (l *loader) finish(results []fileResult) []*Site {
	// Each factory file with problems is reported once, at its first
	// use; a later use names where, in the same summary.
	type report struct{ summary, detail string }
	reported := map[string]report{}
	var sites []*Site
	for i := range results {
		r := &results[i]
		for _, u := range r.factoryUses {
			if rep, ok := reported[u.path]; ok {
				r.diags = append(r.diags, errAt(u.rng.Ptr(), rep.summary, rep.detail))
				continue
			}
			e := l.factories[u.path]
			if e.srcs == nil && e.diags == nil {
				why := errNotRegular.Error()
				if _, err := os.Stat(u.path); err != nil {
					why = shortErr(err)
				}
				r.diags = append(r.diags, errAt(u.rng.Ptr(), "Cannot read factory file", fmt.Sprintf("%s: %s.", u.path, why)))
				reported[u.path] = report{"Cannot read factory file", fmt.Sprintf("%s: reported at its first use, %s.", u.path, where(u.rng))}
				continue
			}
			r.diags = append(r.diags, e.diags...)
			for k, v := range e.srcs {
				l.sources[k] = v
			}
			at := u.rng // the factory file's own errors are in it
			if i := slices.IndexFunc(e.diags, func(d *hcl.Diagnostic) bool { return d.Subject != nil }); i >= 0 {
				at = *e.diags[i].Subject
			}
			reported[u.path] = report{"Invalid factory file", fmt.Sprintf("%s has errors, reported at %s.", u.path, where(at))}
		}
		if r.site != nil {
			sites = append(sites, r.site)
		}
	}
	checkUnique(results)
	return sites
}

// checkUnique reports station names and serials used twice in a run, at
// both places: each later use names the first, and the first names the
// first later use. A serial's messages name both stations: stations made
// by one for_each or inventory share the serial's position, and only
// their names (the row keys) tell them apart. A place outside the run's
// files (an inventory's CSV row) is reported in the file that read it.
func checkUnique(results []fileResult) {
	byFile := make(map[string]*fileResult, len(results))
	for i := range results {
		byFile[results[i].path] = &results[i]
	}
	add := func(owner *fileResult, r hcl.Range, summary, detail string) {
		if fr := byFile[r.Filename]; fr != nil {
			owner = fr
		}
		owner.diags = append(owner.diags, errAt(r.Ptr(), summary, detail))
	}
	// The first use of a name (at the station's Range) or a serial (at its
	// SerialRange). Sized once and kept in one slice: a fleet has 100,000
	// stations.
	type first struct {
		st       *Station
		owner    *fileResult
		answered bool
	}
	total := 0
	for _, r := range results {
		if r.site != nil {
			total += len(r.site.Stations)
		}
	}
	firsts := make([]first, 0, 2*total)
	names, serials := make(map[string]int, total), make(map[string]int, total)
	for i := range results {
		r := &results[i]
		if r.site == nil {
			continue
		}
		for _, st := range r.site.Stations {
			if fi, dup := names[st.Name]; dup {
				f := &firsts[fi]
				add(r, st.Range, "Duplicate station name", fmt.Sprintf("Station %q is also defined at %s; station names are unique across the files of a run.", st.Name, where(f.st.Range)))
				if !f.answered {
					f.answered = true
					add(f.owner, f.st.Range, "Duplicate station name", fmt.Sprintf("Station %q is defined again at %s.", st.Name, where(st.Range)))
				}
			} else if st.Name != "" {
				names[st.Name] = len(firsts)
				firsts = append(firsts, first{st: st, owner: r})
			}
			if st.Serial == "" {
				continue
			}
			if fi, dup := serials[st.Serial]; dup {
				f := &firsts[fi]
				add(r, st.SerialRange, "Duplicate serial", fmt.Sprintf("Serial %q of station %q is also used by station %q at %s; each controller is declared once.", st.Serial, st.Name, f.st.Name, where(f.st.SerialRange)))
				if !f.answered {
					f.answered = true
					add(f.owner, f.st.SerialRange, "Duplicate serial", fmt.Sprintf("Serial %q of station %q is used again by station %q at %s.", st.Serial, f.st.Name, st.Name, where(st.SerialRange)))
				}
			} else {
				serials[st.Serial] = len(firsts)
				firsts = append(firsts, first{st: st, owner: r})
			}
		}
	}
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
