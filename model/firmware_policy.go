package model

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// FirmwareFacts are what the firmware policy decides on. plan gives the
// facts established when the site file was loaded (the pin's header, size
// and verified sha256); apply gives the image as it reads it just before a
// transfer. Reading the image is the caller's: the policy does no I/O.
type FirmwareFacts struct {
	// The pin.
	Pinned Version
	Locked bool
	File   string // the image's path; its base name must name Pinned
	SHA256 string // the pinned digest (hex)
	Size   int64  // the pinned size; 0 when the pin does not say

	// The controller, as it reported itself.
	Running string // its firmware version text
	Model   string // its model ("EVC5.1")
	// Channel is how it was reached, and Declared the family its site file
	// declares: over OCPP a Model of no family yields to it (FamilyOf).
	Channel  Channel
	Declared string

	// Image is the image as read; nil decides on the versions alone (an
	// upgrade then still depends on the image's rules).
	Image *FirmwareImage
}

// FirmwareImage is what the policy needs of an image: its parsed header,
// the digest of its bytes and its length.
type FirmwareImage struct {
	Header FirmwareHeader
	SHA256 string // hex
	Size   int64
}

// FirmwareVerdict is the firmware policy's decision.
type FirmwareVerdict int

// Verdicts.
const (
	// FirmwareKeep: the controller runs the pinned version.
	FirmwareKeep FirmwareVerdict = iota + 1
	// FirmwareUpgrade: every rule allows flashing the image.
	FirmwareUpgrade
	// FirmwareRefuse: a rule forbids it (Rule and Reason say which).
	FirmwareRefuse
)

// FirmwareRule names the rule a refusal comes from, so that callers
// branch on it rather than on the reason's text.
type FirmwareRule string

// Rules, in the order the policy applies them.
const (
	RuleLocked        FirmwareRule = "locked"         // a locked pin and another running version
	RuleRunning       FirmwareRule = "running"        // the running version is not a version
	RuleDowngrade     FirmwareRule = "downgrade"      // the pin is older than the running version
	RuleDigest        FirmwareRule = "digest"         // no pinned sha256, or the image hashes otherwise
	RuleSize          FirmwareRule = "size"           // the image is empty or not the pinned size
	RuleHeaderVersion FirmwareRule = "header-version" // the header names another version
	RuleFileName      FirmwareRule = "file-name"      // the file name does not name the version
	RuleFamily        FirmwareRule = "family"         // the image is not for the controller's family
)

// FirmwareDecision is the verdict with the rule that refused and a reason
// a user can act on.
type FirmwareDecision struct {
	Verdict FirmwareVerdict
	Rule    FirmwareRule // set when Verdict is FirmwareRefuse
	Reason  string       // why; set for FirmwareRefuse and FirmwareKeep
}

// DecideFirmware applies the guide's firmware rules (chapters 4 and 8):
// locked (project-specific) firmware is never changed; firmware is never
// downgraded; the image must hash to its pin, be the pinned size, name the
// pinned version in its header and its file name, and list the
// controller's family.
func DecideFirmware(f FirmwareFacts) FirmwareDecision {
	refuse := func(rule FirmwareRule, format string, a ...any) FirmwareDecision {
		return FirmwareDecision{Verdict: FirmwareRefuse, Rule: rule, Reason: fmt.Sprintf(format, a...)}
	}
	want := f.Pinned
	if f.Locked && f.Running != want.String() {
		return refuse(RuleLocked, "the firmware pin is locked (project-specific firmware must never be changed) "+
			"and the controller runs %q, not the pinned %s: custom firmware that must never be changed; ecc never changes locked firmware",
			f.Running, want)
	}
	cur, err := ParseVersion(f.Running)
	if err != nil {
		return refuse(RuleRunning, "the controller reports firmware %q, which is not a version ecc can compare (V<major>R<release>)", f.Running)
	}
	switch c := want.Compare(cur); {
	case c == 0:
		return FirmwareDecision{Verdict: FirmwareKeep, Reason: fmt.Sprintf("the controller already runs %s", cur)}
	case c < 0:
		return refuse(RuleDowngrade, "downgrade from %s to %s: %s is older than the running %s: firmware can never be downgraded", cur, want, want, cur)
	}
	img := f.Image
	if img == nil {
		return FirmwareDecision{Verdict: FirmwareUpgrade}
	}
	base := filepath.Base(filepath.ToSlash(f.File))
	switch {
	case f.SHA256 == "":
		return refuse(RuleDigest, "the pin gives no sha256 for %s", f.File)
	case !strings.EqualFold(img.SHA256, f.SHA256):
		return refuse(RuleDigest, "%s has sha256 %s, not the pinned %s: the file changed or is not the pinned image",
			f.File, img.SHA256, strings.ToLower(f.SHA256))
	case f.Size != 0 && img.Size != f.Size:
		return refuse(RuleSize, "%s is %d bytes, the plan says %d", f.File, img.Size, f.Size)
	case img.Size == 0:
		return refuse(RuleSize, "%s is empty", f.File)
	case img.Header.Version != want:
		return refuse(RuleHeaderVersion, "%s's header says version %s, the pin says %s", f.File, img.Header.Version, want)
	case !NameHasVersion(f.File, want):
		return refuse(RuleFileName, "the file name %s does not name the version %s of its header and pin (the guide, chapter 8 step 3: the version must match the name of the .bin file)",
			base, want)
	}
	fam, declared := FamilyOf(f.Model, f.Declared, f.Channel)
	switch {
	case fam == "":
		return refuse(RuleFamily, "the controller reports no model, so the image's models cannot be checked")
	case f.Channel == ChannelOCPP && !slices.Contains(families, fam):
		return refuse(RuleFamily, "over OCPP the station reports model %q, which names no controller family: declare its model (EVC4.x, EVC5.x or ECC.x) in the site file to check the image against", f.Model)
	case !img.Header.Supports(fam) && declared:
		return refuse(RuleFamily, "image %s is for %s; this station (reporting %q over OCPP) is declared %s in its site file",
			base, strings.Join(img.Header.Models, ", "), f.Model, fam)
	case !img.Header.Supports(fam):
		return refuse(RuleFamily, "image %s is for %s; this controller is an %s (family %s)",
			base, strings.Join(img.Header.Models, ", "), f.Model, fam)
	}
	return FirmwareDecision{Verdict: FirmwareUpgrade}
}

// NameHasVersion reports whether a file's base name contains the version,
// not followed by another digit (V32R1 is not in V32R17.bin).
func NameHasVersion(path string, v Version) bool {
	name := filepath.Base(filepath.ToSlash(path))
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	s := v.String()
	for i := 0; ; {
		j := strings.Index(name[i:], s)
		if j < 0 {
			return false
		}
		end := i + j + len(s)
		if end == len(name) || name[end] < '0' || name[end] > '9' {
			return true
		}
		i = i + j + 1
	}
}
