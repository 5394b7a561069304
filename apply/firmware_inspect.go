package apply

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ecotap-tools/ecc/model"
)

// FirmwareInfo is what `ecc firmware inspect` shows of an image file.
type FirmwareInfo struct {
	File   string `json:"file"` // as given
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Version and Models are the header's; HeaderError says why there are
	// none.
	Version     string   `json:"version,omitempty"`
	Models      []string `json:"models,omitempty"`
	HeaderError string   `json:"header_error,omitempty"`
	// NameMatches: the file's base name contains the header's version.
	NameMatches bool `json:"name_matches_header"`
	// Problems are the reasons the image cannot be pinned as it is.
	Problems []string `json:"problems"`
	// PinHCL and PinYAML are firmware blocks to paste into a site file
	// (only when there are no problems). The file path is as given: it
	// must be relative to the site file.
	PinHCL  string `json:"pin_hcl,omitempty"`
	PinYAML string `json:"pin_yaml,omitempty"`
}

// OK reports whether the image can be pinned as it is.
func (i *FirmwareInfo) OK() bool { return len(i.Problems) == 0 }

// InspectFirmware reads an image file and describes it.
func InspectFirmware(path string) (*FirmwareInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DescribeFirmware(path, data), nil
}

// DescribeFirmware describes the image data of the file path (as given).
func DescribeFirmware(path string, data []byte) *FirmwareInfo {
	sum := sha256.Sum256(data)
	info := &FirmwareInfo{File: path, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Problems: []string{}}
	switch {
	case len(data) == 0:
		info.Problems = append(info.Problems, "the file is empty")
	case len(data) > maxImage:
		info.Problems = append(info.Problems, fmt.Sprintf("%d bytes is more than the 2 MiB a controller accepts", len(data)))
	}
	hdr, err := model.ParseFirmwareHeader(data)
	if err != nil {
		info.HeaderError = err.Error()
		info.Problems = append(info.Problems, err.Error())
		return info
	}
	info.Version = hdr.Version.String()
	info.Models = hdr.Models
	info.NameMatches = model.NameHasVersion(path, hdr.Version)
	if !info.NameMatches {
		info.Problems = append(info.Problems, fmt.Sprintf("the file name %s does not contain the header's version %s: rename it (e.g. %s.bin) so that name, header and pin agree",
			filepath.Base(path), hdr.Version, hdr.Version))
	}
	if info.OK() {
		info.PinHCL, info.PinYAML = pinBlocks(info)
	}
	return info
}

func pinBlocks(info *FirmwareInfo) (hcl, yml string) {
	file := filepath.ToSlash(info.File)
	hcl = fmt.Sprintf("firmware {\n  version = %s\n  file    = %s\n  sha256  = %s\n}\n",
		hclQuote(info.Version), hclQuote(file), hclQuote(info.SHA256))

	type pin struct {
		Version string `yaml:"version"`
		File    string `yaml:"file"`
		SHA256  string `yaml:"sha256"`
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(struct {
		Firmware pin `yaml:"firmware"`
	}{pin{info.Version, file, info.SHA256}}); err != nil {
		return hcl, ""
	}
	enc.Close()
	return hcl, out.String()
}

// Text renders the description for people.
func (i *FirmwareInfo) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "file:     %s\n", i.File)
	fmt.Fprintf(&b, "size:     %d bytes\n", i.Size)
	fmt.Fprintf(&b, "sha256:   %s\n", i.SHA256)
	if i.HeaderError != "" {
		fmt.Fprintf(&b, "header:   invalid: %s\n", i.HeaderError)
	} else {
		fmt.Fprintf(&b, "version:  %s\n", i.Version)
		fams := make([]string, len(i.Models))
		for k, m := range i.Models {
			fams[k] = m + ".x"
		}
		fmt.Fprintf(&b, "models:   %s\n", strings.Join(fams, ", "))
		yes := "yes"
		if !i.NameMatches {
			yes = "NO"
		}
		fmt.Fprintf(&b, "name:     %s (file name contains %s)\n", yes, i.Version)
	}
	if !i.OK() {
		b.WriteString("\nThis image cannot be pinned as it is:\n")
		for _, p := range i.Problems {
			fmt.Fprintf(&b, "  - %s\n", p)
		}
		return b.String()
	}
	b.WriteString("\nPin for a site file (the file path must be relative to the site file):\n\n")
	b.WriteString("HCL:\n\n")
	b.WriteString(indent(i.PinHCL, "  "))
	b.WriteString("\nYAML (under defaults: or a station):\n\n")
	b.WriteString(indent(i.PinYAML, "  "))
	return b.String()
}

func indent(s, pre string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			continue
		}
		if l != "\n" {
			b.WriteString(pre)
		}
		b.WriteString(l)
	}
	return b.String()
}

// hclQuote writes s as an HCL quoted string: escapes as in Go, and the
// template sequences ${ and %{ doubled so they stay literal.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
