package apply

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecotap-tools/ecc/model"
)

// FirmwareInfo is what `ecc firmware inspect` finds in an image file.
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
	// PinFile is the image's path as a pin's file must say it: relative
	// to the site file (SiteFile) when one was named, else as given.
	PinFile  string `json:"pin_file"`
	SiteFile string `json:"site_file,omitempty"`
}

// OK reports whether the image can be pinned as it is.
func (i *FirmwareInfo) OK() bool { return len(i.Problems) == 0 }

// Pin is the firmware pin for a site file (meaningful when OK).
func (i *FirmwareInfo) Pin() model.PinOut {
	return model.PinOut{Version: i.Version, File: i.PinFile, SHA256: i.SHA256}
}

// InspectFirmware reads an image file and describes it; siteFile, when
// not "", is the site file the pin is for.
func InspectFirmware(path, siteFile string) (*FirmwareInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	info := DescribeFirmware(path, data)
	if siteFile != "" {
		rel, err := pinPath(path, siteFile)
		if err != nil {
			return nil, err
		}
		info.PinFile, info.SiteFile = rel, siteFile
	}
	return info, nil
}

// pinPath is the image's path relative to the site file's directory, with
// forward slashes (site files are shared between Windows and Unix). A
// directory stands for the site files in it (`--site sites/fleet/`): the
// path is relative to the directory itself, not to its parent.
func pinPath(image, siteFile string) (string, error) {
	img, err := filepath.Abs(image)
	if err != nil {
		return "", err
	}
	base := filepath.Dir(siteFile)
	if fi, err := os.Stat(siteFile); err == nil && fi.IsDir() {
		base = siteFile
	}
	dir, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(dir, img)
	if err != nil {
		return "", fmt.Errorf("%s cannot be named relative to %s: %w", image, siteFile, err)
	}
	return filepath.ToSlash(rel), nil
}

// DescribeFirmware describes the image data of the file path (as given).
func DescribeFirmware(path string, data []byte) *FirmwareInfo {
	sum := sha256.Sum256(data)
	info := &FirmwareInfo{File: path, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Problems: []string{},
		PinFile: filepath.ToSlash(path)}
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
	return info
}
