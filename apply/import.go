package apply

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ecotap-tools/ecc/model"
)

// ImportInput is what `ecc import` read from a controller.
type ImportInput struct {
	Name     string // station name for the block
	Serial   string
	Model    string // as reported, e.g. EVC5.1
	Firmware string
	// Values are the controller's values of its keys (editable ones are
	// rendered, others ignored); WriteOnly the write-only keys it has.
	Values    map[string]string
	WriteOnly []string
	// ReadOnly are the keys the controller reports read-only
	// (plan.Observation.ReadOnly): commented out, never managed.
	ReadOnly []string
}

var numeric = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

func isNumeric(s string) bool { return numeric.MatchString(s) && len(s) < 16 }

func scalar(s string, numbers bool) *model.Node {
	if numbers && isNumeric(s) {
		return &model.Node{Kind: model.NodeNumber, Str: s}
	}
	return &model.Node{Kind: model.NodeString, Str: s}
}

// typed proposes the readable typed form of a controller string: a map
// for name=value lists, a list for comma-separated lists, a number, or a
// string.
func typed(kd *model.KeyDef, raw string) *model.Node {
	exampleNumeric := kd.Example == "" || isNumeric(kd.Example)
	switch {
	case kd.Partial:
		n := &model.Node{Kind: model.NodeMap}
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		for _, part := range strings.Split(raw, ",") {
			name, val, ok := strings.Cut(part, "=")
			if !ok {
				return nil
			}
			n.Map = append(n.Map, model.MapEntry{Key: strings.TrimSpace(name), Value: scalar(strings.TrimSpace(val), true)})
		}
		return n
	case kd.Profile != "" && strings.Contains(raw, ","):
		// An OCPP comma-separated list: a list of strings.
		n := &model.Node{Kind: model.NodeList}
		for _, part := range strings.Split(raw, ",") {
			n.List = append(n.List, &model.Node{Kind: model.NodeString, Str: strings.TrimSpace(part)})
		}
		return n
	case strings.EqualFold(raw, "true") || strings.EqualFold(raw, "false"):
		// A boolean where the key takes one (OCPP's); else the string is
		// tried next.
		return &model.Node{Kind: model.NodeBool, Str: strings.ToLower(raw)}
	case strings.Contains(raw, ",") && strings.Contains(kd.Example, ","):
		n := &model.Node{Kind: model.NodeList}
		for _, part := range strings.Split(raw, ",") {
			n.List = append(n.List, scalar(strings.TrimSpace(part), true))
		}
		return n
	default:
		return scalar(raw, exampleNumeric)
	}
}

// importSetting is one key: the typed form when it means exactly the
// controller's value, else the raw string; a value that does not pass
// validation, or holds a secret, is commented out (left unmanaged).
func importSetting(kd *model.KeyDef, raw string, env string) model.SettingOut {
	cur, err := kd.Decode(raw)
	if err != nil {
		return model.SettingOut{Key: kd.Name, Comment: fmt.Sprintf("%s: the controller's value cannot be read as this key (%v)", kd.Name, err)}
	}
	if cur.Sensitive() && kd.HoldsURL() {
		// A URL with a password (com_Endpoint): refused in site files.
		return model.SettingOut{Key: kd.Name, Shown: &model.Node{Kind: model.NodeString, Str: cur.Display()},
			Comment: "a password in a URL is refused in site files; give the backend's credentials as authorizationKey"}
	}
	if cur.Sensitive() {
		n := model.SecretFromEnv(kd, cur, env)
		what := "the full value (" + cur.Display() + ")"
		if n.Kind == model.NodeMap {
			what = "the " + n.Map[len(n.Map)-1].Key
		}
		return model.SettingOut{Key: kd.Name, Disabled: true, Value: n,
			Comment: fmt.Sprintf("holds a secret: set %s to %s, then uncomment", env, what)}
	}
	tries := []*model.Node{typed(kd, raw), {Kind: model.NodeString, Str: raw}}
	var firstErr string
	for _, n := range tries {
		if n == nil {
			continue
		}
		v, diags := kd.FromNode(n)
		if diags.HasErrors() {
			if firstErr == "" {
				firstErr = diags[0].Summary
				if diags[0].Detail != "" {
					firstErr = diags[0].Detail
				}
			}
			continue
		}
		if kd.Equal(v, cur) {
			return model.SettingOut{Key: kd.Name, Value: n}
		}
	}
	return model.SettingOut{Key: kd.Name, Disabled: true, Value: &model.Node{Kind: model.NodeString, Str: raw},
		Comment: "not valid in a site file: " + firstErr}
}

// settingOut is importSetting(kd, raw, env), commented out when the
// controller reports kd read-only: a site file that managed it would
// block the station's plan.
func (in ImportInput) settingOut(kd *model.KeyDef, raw string, env string) model.SettingOut {
	out := importSetting(kd, raw, env)
	if slices.Contains(in.ReadOnly, kd.Name) && out.Value != nil && !out.Disabled {
		out.Disabled = true
		out.Comment = "the controller reports it read-only: ecc never writes it"
	}
	return out
}

func envNode(name string) *model.Node {
	return &model.Node{Kind: model.NodeString, Secret: &model.SecretRef{Kind: "env", Name: name}}
}

// envName is the environment variable suggested for a station's secret:
// ECC_<WHAT>_<NAME> with the name in upper case, letters and digits only.
func envName(what, station string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(station) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return "ECC_" + what + "_" + b.String()
}

// ImportSite is the site file `ecc import` prints: one station with the
// controller's serial, model family, running firmware (as a note) and
// every editable key it holds (read over OCPP, also an ocpp block of the
// OCPP standard keys it may change), secrets as commented placeholders. Saved
// as printed, it validates and plans as no change against that
// controller (the site is named after the file).
func ImportSite(in ImportInput) model.SiteOut {
	st := model.StationOut{
		Name: in.Name, Serial: in.Serial, Model: model.Family(in.Model),
		Notes: []string{fmt.Sprintf("firmware: %s running (pin it with a firmware block: ecc firmware inspect FILE --site SITEFILE)", in.Firmware)},
	}
	if !model.IsFamily(st.Model) {
		// Over OCPP an Ecotap station may report its product name
		// (com_OCPPInfo's modelname, "ECC-AC"), which names no family.
		st.Model = ""
		st.Notes = append(st.Notes, fmt.Sprintf("model: the station reports %q, which names no controller family: set model (EVC4.x, EVC5.x or ECC.x) for firmware pins", in.Model))
	}
	for _, kd := range model.Dictionary() {
		switch model.Classify(kd.Name) {
		case model.Editable:
			if raw, ok := in.Values[kd.Name]; ok {
				st.Settings = append(st.Settings, in.settingOut(kd, raw, envName("APN", in.Name)))
			}
		case model.WriteOnly:
			for _, k := range in.WriteOnly {
				if k == kd.Name {
					st.Settings = append(st.Settings, model.SettingOut{Key: k, Disabled: true, Value: envNode(envName("AUTH", in.Name)),
						Comment: "write-only: cannot be read; set it from the environment"})
				}
			}
		}
	}
	// Read over OCPP, the station's OCPP standard keys it may change make
	// its ocpp block (over the cable they are not read).
	for _, kd := range model.OCPPKeys() {
		if raw, ok := in.Values[kd.Name]; ok && kd.Class == model.BackendOnly && kd.Access == model.RW {
			st.OCPP = append(st.OCPP, in.settingOut(kd, raw, envName("OCPP", in.Name)))
		}
	}
	return model.SiteOut{
		Header:   []string{fmt.Sprintf("Imported from controller %s (%s), running firmware %s.", in.Serial, in.Model, in.Firmware)},
		Stations: []model.StationOut{st},
	}
}
