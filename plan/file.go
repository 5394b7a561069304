package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ecotap-tools/ecc/internal/atomicfile"
	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// Save writes a plan for a later `ecc apply PLAN` (-out), atomically, in
// the plan's JSON form: site files, station names, serials, fingerprints,
// the desired value of every non-sensitive change, and for sensitive ones
// only the secret's reference and fingerprint. Never a secret value.
func Save(path string, p *Plan) error {
	// A saved plan is applied exactly; one that could not know a value
	// (its secret was not at hand) would leave that value unwritten.
	sum := p.Summarize()
	n := sum.KnownAtApply
	for _, s := range p.Stations {
		for _, c := range s.Changes {
			if c.unknown {
				n++
			}
		}
	}
	if n > 0 {
		values := "values are"
		if n == 1 {
			values = "value is"
		}
		return fmt.Errorf("%d %s known at apply (secrets not at hand): such a plan cannot be applied exactly; plan with the secrets to save one",
			n, values)
	}
	// Apply refuses a blocked station: a plan of nothing else has nothing
	// to apply (Terraform writes no plan file on errors either).
	if sum.Stations > 0 && sum.Blocked == sum.Stations {
		return errors.New("every station of the plan is blocked, so apply would refuse it: fix the errors and plan again to save one")
	}
	// The site files are named as given, relative to this folder: apply
	// may run in another one.
	saved := *p
	if wd, err := os.Getwd(); err == nil && saved.WorkDir == "" {
		saved.WorkDir = wd
	}
	// The state directory too, as given (relative to WorkDir like the
	// site files): "" says the default, absent a plan from before.
	if saved.StateDir == nil {
		saved.StateDir = new(string)
	}
	data, err := Marshal(&saved)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o600)
}

// SitePath is where a file the plan names (a site file, a pinned firmware
// image) is: as named when that resolves from here (the folder the plan
// was made in, or an absolute path), else in the plan's WorkDir when the
// file is there.
func (p *Plan) SitePath(file string) string {
	return p.local(file, false)
}

// local is SitePath for a file, or for a folder when dir is set. A
// backslash is a separator, as in a site file's paths (model.NativePath):
// a plan saved on Windows (sites\depot.hcl) finds its files on Linux and
// macOS too.
func (p *Plan) local(name string, dir bool) string {
	name = model.NativePath(name)
	if name == "" || filepath.IsAbs(name) || p.WorkDir == "" {
		return name
	}
	if wd, err := os.Getwd(); err == nil && wd == p.WorkDir {
		return name
	}
	if exists(name, dir) {
		return name
	}
	if there := filepath.Join(p.WorkDir, name); exists(there, dir) {
		return there
	}
	return name
}

func exists(path string, dir bool) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir() == dir
}

// SavedStateDir is the state directory to apply a saved plan with: the
// one it was made with (found as its site files are, SitePath), since its
// fingerprints and the snapshots its secrets were compared with are
// there, and the backups and journals of its apply belong with them.
// given is --state-dir on the command line (asked) or from ECC_STATE_DIR:
// one that names another directory for any station is refused when asked
// (as Terraform refuses a saved plan for another backend) and not used
// otherwise. A plan from before the field takes given, as it always did.
func (p *Plan) SavedStateDir(given string, asked bool) (string, error) {
	if p.StateDir == nil {
		return given, nil
	}
	// Where the plan was made first (a folder of the same name here is
	// another record), else as the site files are found.
	dir := p.local(*p.StateDir, true)
	if d := *p.StateDir; d != "" && !filepath.IsAbs(d) && p.WorkDir != "" && exists(filepath.Join(p.WorkDir, d), true) {
		dir = filepath.Join(p.WorkDir, d)
	}
	if !asked || given == "" {
		return dir, nil
	}
	for _, s := range p.Stations {
		site := p.SitePath(s.SiteFile)
		if !samePath(record.DirFor(site, dir), record.DirFor(site, given)) {
			made := "the default state directory (.ecc beside each site file)"
			if *p.StateDir != "" {
				made = "--state-dir " + *p.StateDir
			}
			return "", fmt.Errorf("the plan was made with %s, where its snapshots and fingerprints are: apply it without --state-dir, or plan again with --state-dir %s; nothing sent", made, given)
		}
	}
	return dir, nil
}

// samePath reports whether a and b name one place: the same path after
// Abs and Clean, or one folder named through a link or, on Windows and
// macOS, in other letter case.
func samePath(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// Marshal is the one JSON encoding of a plan (docs/plan-json.md,
// docs/plan.schema.json): what a saved plan holds and what
// `--format json` prints. Sensitive changes never carry before/after: they
// are cleared here again whatever built the plan.
func Marshal(p *Plan) ([]byte, error) {
	out := *p
	if out.FormatVersion == "" {
		out.FormatVersion = FormatVersion
	}
	out.Stations = make([]*Station, len(p.Stations))
	for i, s := range p.Stations {
		cp := *s
		cp.Changes = make([]Change, len(s.Changes))
		for j, c := range s.Changes {
			if c.Sensitive {
				c.Before, c.After = "", ""
			}
			c.value = ""
			cp.Changes[j] = c
		}
		if cp.Errors == nil {
			cp.Errors = []Problem{}
		}
		out.Stations[i] = &cp
	}
	if out.Stations == nil {
		out.Stations = []*Station{}
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Load reads a saved plan. Sensitive changes come back without a value:
// apply resolves their Secret again and checks it against SecretHash.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return decode(path, data)
}

func decode(path string, data []byte) (*Plan, error) {
	// A plan saved again by a Windows editor starts with a byte order
	// mark, which JSON refuses (LooksSaved skips it too).
	data = bom.Trim(data)
	var head struct {
		FormatVersion *string `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s: not a saved plan: %w", path, err)
	}
	if head.FormatVersion == nil {
		return nil, fmt.Errorf("%s: not a saved plan (no format_version)", path)
	}
	if *head.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%s: plan format version %q; this ecc reads version %q: plan again", path, *head.FormatVersion, FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, s := range p.Stations {
		if s == nil {
			return nil, fmt.Errorf("%s: a station entry is null", path)
		}
		for i := range s.Changes {
			c := &s.Changes[i]
			if c.Sensitive && (c.Before != "" || c.After != "") {
				return nil, fmt.Errorf("%s: station %s: %s is sensitive but the file holds a value", path, s.Name, c.Key)
			}
		}
		if s.Changes == nil {
			s.Changes = []Change{}
		}
		if s.Errors == nil {
			s.Errors = []Problem{}
		}
	}
	return &p, nil
}

// LooksSaved reports whether path, not named as a site file, holds what
// starts as JSON: a saved plan, perhaps cut short or badly edited, that
// IsSaved cannot read; not a site file of an unknown format.
func LooksSaved(path string) bool {
	if model.IsSiteFile(path) {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := f.Read(head)
	head = bytes.TrimLeft(bom.Trim(head[:n]), " \t\r\n")
	return len(head) > 0 && head[0] == '{'
}

// IsSaved reports whether path holds a saved plan rather than a site file:
// a JSON object with a format_version (site files are HCL or YAML).
func IsSaved(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	data = bytes.TrimSpace(bom.Trim(data))
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var head map[string]json.RawMessage
	if json.Unmarshal(data, &head) != nil {
		return false
	}
	_, ok := head["format_version"]
	return ok
}

// CheckVersion refuses a saved plan made by another ecc than version, the
// running one: its changes were computed with that ecc's dictionary, value
// meanings and rules, so it is applied only by the same ecc (as Terraform
// refuses a plan of another Terraform version).
func (p *Plan) CheckVersion(version string) error {
	switch {
	case p.ECCVersion == version:
		return nil
	case p.ECCVersion == "":
		return fmt.Errorf("the plan was saved by an earlier ecc (it names no ecc_version); this is ecc %s: plan again", version)
	}
	return fmt.Errorf("the plan was saved by ecc %s; this is ecc %s: plan again with this one (a saved plan is applied by the ecc that made it)", p.ECCVersion, version)
}

// Select keeps only the named stations (--station); none keeps all.
func (p *Plan) Select(names ...string) error {
	if len(names) == 0 {
		return nil
	}
	var keep []*Station
	var all []string
	for _, s := range p.Stations {
		all = append(all, s.Name)
		if slices.Contains(names, s.Name) {
			keep = append(keep, s)
		}
	}
	if err := notNamed(names, all, func(name string) string { return "the plan has no station " + name }); err != nil {
		return err
	}
	p.Stations = keep
	return nil
}
