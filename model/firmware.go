package model

// CONTRACT STUB: signatures fixed, bodies filled by the dictionary work.

// Version is a firmware version V<major>R<release>.
type Version struct{ Major, Release int }

// ParseVersion parses "V32R16".
func ParseVersion(s string) (Version, error) { panic("TODO") }

// String prints "V32R16".
func (v Version) String() string { panic("TODO") }

// Compare orders versions by their numbers: -1, 0 or +1.
func (v Version) Compare(o Version) int { panic("TODO") }

// FirmwareHeader is the first line of a firmware image
// ("ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC").
type FirmwareHeader struct {
	Version Version
	Models  []string // families without ".x": EVC4, EVC5, ECC
}

// ParseFirmwareHeader reads the header line at the start of an image.
func ParseFirmwareHeader(image []byte) (FirmwareHeader, error) { panic("TODO") }

// Supports reports whether the image may run on a controller model
// ("EVC5.1") or family ("EVC5.x").
func (h FirmwareHeader) Supports(model string) bool { panic("TODO") }

// Family turns a model ("EVC4.31") into its family ("EVC4.x").
func Family(model string) string { panic("TODO") }
