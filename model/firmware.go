package model

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Version is a firmware version V<major>R<release>.
type Version struct{ Major, Release int }

// ParseVersion parses "V32R16". It is strict (upper-case V and R, unsigned
// numbers without leading zeros) so that String gives the text back exactly
// and a file name like V32R17.bin matches its header byte for byte.
func ParseVersion(s string) (Version, error) {
	bad := func(why string) (Version, error) {
		return Version{}, fmt.Errorf("firmware version %q must look like V32R16 (%s)", s, why)
	}
	if !strings.HasPrefix(s, "V") {
		return bad("it starts with an upper-case V")
	}
	maj, rel, ok := strings.Cut(s[1:], "R")
	if !ok {
		return bad("an upper-case R separates major and release")
	}
	var nums [2]int
	for i, part := range []string{maj, rel} {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return bad("major and release are unsigned decimal numbers")
		}
		if len(part) > 1 && part[0] == '0' {
			return bad("numbers have no leading zeros")
		}
		n, err := strconv.Atoi(part)
		if err != nil {
			return bad("the numbers are too large")
		}
		nums[i] = n
	}
	return Version{nums[0], nums[1]}, nil
}

// String prints "V32R16".
func (v Version) String() string { return fmt.Sprintf("V%dR%d", v.Major, v.Release) }

// Compare orders versions by their numbers: -1, 0 or +1.
func (v Version) Compare(o Version) int {
	if c := cmp.Compare(v.Major, o.Major); c != 0 {
		return c
	}
	return cmp.Compare(v.Release, o.Release)
}

// FirmwareHeader is the first line of a firmware image
// ("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC").
type FirmwareHeader struct {
	Version Version
	Models  []string // families without ".x": EVC4, EVC5, ECC
}

// Header limits (controller-protocol.md §5).
const (
	headerMagic = "ECCFW/1"
	headerMax   = 128 // bytes, including the '\n'
)

// ParseFirmwareHeader reads the header line at the start of an image.
// Unknown fields are ignored so that later header versions can add some.
func ParseFirmwareHeader(image []byte) (FirmwareHeader, error) {
	var h FirmwareHeader
	if !bytes.HasPrefix(image, []byte("ECCFW/")) {
		return h, fmt.Errorf("not an ECC firmware image: it does not start with %q", headerMagic)
	}
	end := bytes.IndexByte(image[:min(len(image), headerMax)], '\n')
	if end < 0 {
		return h, fmt.Errorf("firmware header: no end of line within the first %d bytes", headerMax)
	}
	line := strings.TrimSuffix(string(image[:end]), "\r")
	for i := 0; i < len(line); i++ {
		if line[i] < 0x20 || line[i] > 0x7e {
			return h, fmt.Errorf("firmware header: byte %d is not printable ASCII", i+1)
		}
	}
	fields := strings.Fields(line)
	if fields[0] != headerMagic {
		return h, fmt.Errorf("firmware header format %q is not supported (want %q)", fields[0], headerMagic)
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		name, val, ok := strings.Cut(f, "=")
		if !ok {
			return h, fmt.Errorf("firmware header: field %q is not name=value", f)
		}
		if seen[name] {
			return h, fmt.Errorf("firmware header: field %s is given twice", name)
		}
		seen[name] = true
		switch name {
		case "version":
			v, err := ParseVersion(val)
			if err != nil {
				return h, fmt.Errorf("firmware header: %v", err)
			}
			h.Version = v
		case "models":
			for _, m := range strings.Split(val, ",") {
				if m == "" || strings.Contains(m, ".") {
					return h, fmt.Errorf("firmware header: models must list families such as EVC4,EVC5,ECC; got %q", val)
				}
				h.Models = append(h.Models, m)
			}
		}
	}
	switch {
	case !seen["version"]:
		return h, fmt.Errorf("firmware header: no version= field")
	case !seen["models"]:
		return h, fmt.Errorf("firmware header: no models= field")
	}
	return h, nil
}

// Supports reports whether the image may run on a controller model
// ("EVC5.1") or family ("EVC5.x", "EVC5").
func (h FirmwareHeader) Supports(model string) bool {
	fam, _, _ := strings.Cut(model, ".")
	if fam == "" {
		return false
	}
	for _, m := range h.Models {
		if m == fam {
			return true
		}
	}
	return false
}

// Family turns a model ("EVC4.31") into its family ("EVC4.x"); "" stays "".
func Family(model string) string {
	fam, _, _ := strings.Cut(model, ".")
	if fam == "" {
		return ""
	}
	return fam + ".x"
}

// IsFamily reports whether family (as Family returns it) is a controller
// family a site file's model may name: EVC4.x, EVC5.x, ECC.x.
func IsFamily(family string) bool { return slices.Contains(families, family) }

// FamilyOf is the controller family that the family rules (the site file's
// model, the image's header) are checked against, for a station that
// reports model reported over channel ch and is declared as declared in its
// site file. Over the cable hello's model is the controller's own and is
// always used. Over OCPP it is BootNotification's chargePointModel, which an
// Ecotap station may fill with its product name (com_OCPPInfo's modelname,
// e.g. "ECC-AC") instead: when that names no controller family, the site
// file's declared family stands in and substituted is true. With nothing
// declared the reported model's family is returned, and the rules refuse it.
func FamilyOf(reported, declared string, ch Channel) (family string, substituted bool) {
	fam := Family(reported)
	if ch == ChannelOCPP && !IsFamily(fam) && declared != "" {
		return Family(declared), true
	}
	return fam, false
}
