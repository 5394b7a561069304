package model

import "github.com/hashicorp/hcl/v2"

// Site is one site file, decoded, layered and validated.
type Site struct {
	Name        string
	Description string
	File        string // path as given on the command line
	Stations    []*Station
}

// Station is one controller's desired state after layering
// (factory < defaults < station).
type Station struct {
	Name   string
	Serial string
	Model  string // family as written, e.g. "EVC5.x"; "" = not checked
	Port   string
	// Firmware is the effective pin (the station's, else the defaults'), or nil.
	Firmware *FirmwarePin
	// Factory is the resolved path of the effective factory file, or "".
	Factory string
	// Settings is the layered desired state in dictionary order, one entry
	// per managed key.
	Settings []Setting
	// OCPP is the layered `ocpp` block (defaults < station) in the OCPP
	// specification's order: OCPP 1.6 standard keys that only the OCPP
	// channel may write (model.ChannelOCPP).
	OCPP  []Setting
	Range hcl.Range // the station's name in the file
	// SerialRange is where the serial is written.
	SerialRange hcl.Range
	Site        *Site
}

// Setting is one managed key of a station with where its value came from.
type Setting struct {
	Key   string
	Value Value
	Layer string    // "factory", "defaults" or "station"
	Range hcl.Range // where the winning value was written
	// Secret is the value's source when it came from env() / file().
	Secret *SecretRef
	// Unknown is a value that depends on a secret whose source is not
	// available in this run (LoadOptions.DeferSecrets): Value is nil and
	// the value is known at apply.
	Unknown bool
	// stand is, for an Unknown value whose unknown parts are all secret
	// parts of its key (authorizationKey, gsm_APN's password), the value
	// with a stand-in for each: what the cross-key rules, which never look
	// at a secret, check, and what KnownDisplay shows. nil otherwise.
	stand Value
}

// KnownDisplay is, for an Unknown setting whose unknown parts are all
// secret parts, its Display form ("m2m.example,iot,(sensitive)"), which
// does not depend on them: an offline plan compares it with a snapshot's
// to tell a change it can know. "" otherwise.
func (s Setting) KnownDisplay() string {
	if !s.Unknown || s.stand == nil {
		return ""
	}
	return s.stand.Display()
}

// FirmwarePin is a firmware { version, file, sha256, locked } block, checked
// against the image file.
type FirmwarePin struct {
	Version Version
	File    string // resolved path of the image
	SHA256  string // lower-case hex, as verified
	Locked  bool
	Header  FirmwareHeader
	Size    int64
	Range   hcl.Range
}

// Sources maps file names to their contents, for rendering diagnostics
// with the offending source line.
type Sources map[string][]byte

// LoadFactory reads a factory-default file (controller-protocol.md §7):
// values as strings or JSON numbers, keys outside the editable and
// write-only classes refused, diagnostics pointing into the file.
func LoadFactory(path string) ([]Setting, Sources, hcl.Diagnostics) { return loadFactory(path) }

// CheckCrossKeys applies the rules that span keys (minimum current not above
// a rated channel, authorizationKey only with useTLS=1, a Master needs an
// installation maximum, save current not above maximum, static eth_cfg
// complete) to a merged state. A rule fires only when every key it needs is
// present. Settings with a zero Range are the controller's current values
// and are described as such; the others are reported at both locations.
func CheckCrossKeys(state []Setting) hcl.Diagnostics { return checkCrossKeys(state) }
