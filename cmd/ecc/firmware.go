package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
)

func newFirmwareCmd() *cobra.Command {
	fw := &cobra.Command{
		Use:   "firmware",
		Short: "Work with firmware images (.bin files)",
	}
	var format, site string
	inspect := &cobra.Command{
		Use:   "inspect FILE [--site SITEFILE|DIR]",
		Short: "Show an image's header, size and sha256, and the pin block for a site file",
		Long: "Shows a firmware image's header (version, controller families), size and sha256,\n" +
			"whether its file name names the header's version, and a firmware block to paste\n" +
			"into a site file (HCL and YAML). A pin's file is relative to the site file: with\n" +
			"--site SITEFILE the block names FILE relative to SITEFILE's folder (with --site DIR,\n" +
			"relative to DIR: for the site files in it), else as given.\n" +
			"Exits 1 when the image cannot be pinned as it is.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := apply.InspectFirmware(args[0], site)
			if err != nil {
				return exitCode(1, err)
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				err = writeFirmwareJSON(out, info)
			} else {
				writeFirmwareText(out, info)
			}
			if err == nil && !info.OK() {
				err = exitCode(1, fmt.Errorf("%s cannot be pinned as it is", args[0]))
			}
			return err
		},
	}
	formatFlag(inspect, &format, "output format", "text", "json")
	inspect.Flags().StringVar(&site, "site", "", "the site file the pin is for (the pin's file is relative to its folder), or the folder of site files")
	fw.AddCommand(inspect)
	return fw
}

// writeFirmwareJSON writes the description with the pin blocks (when the
// image can be pinned) as pin_hcl and pin_yaml.
func writeFirmwareJSON(w io.Writer, info *apply.FirmwareInfo) error {
	v := struct {
		*apply.FirmwareInfo
		PinHCL  string `json:"pin_hcl,omitempty"`
		PinYAML string `json:"pin_yaml,omitempty"`
	}{FirmwareInfo: info}
	if info.OK() {
		v.PinHCL, v.PinYAML = string(model.WritePinHCL(info.Pin())), string(model.WritePinYAML(info.Pin()))
	}
	return writeJSON(w, v)
}

// writeFirmwareText writes the description for people.
func writeFirmwareText(w io.Writer, i *apply.FirmwareInfo) {
	fmt.Fprintf(w, "file:     %s\n", i.File)
	fmt.Fprintf(w, "size:     %d bytes\n", i.Size)
	fmt.Fprintf(w, "sha256:   %s\n", i.SHA256)
	if i.HeaderError != "" {
		fmt.Fprintf(w, "header:   invalid: %s\n", i.HeaderError)
	} else {
		fmt.Fprintf(w, "version:  %s\n", i.Version)
		fams := make([]string, len(i.Models))
		for k, m := range i.Models {
			fams[k] = m + ".x"
		}
		fmt.Fprintf(w, "models:   %s\n", strings.Join(fams, ", "))
		if i.NameMatches {
			fmt.Fprintf(w, "name:     yes (file name contains %s)\n", i.Version)
		} else {
			fmt.Fprintf(w, "name:     NO (file name %s does not contain %s)\n", filepath.Base(i.File), i.Version)
		}
	}
	if !i.OK() {
		fmt.Fprintln(w, "\nThis image cannot be pinned as it is:")
		for _, p := range i.Problems {
			fmt.Fprintf(w, "  - %s\n", p)
		}
		return
	}
	if i.SiteFile != "" {
		fmt.Fprintf(w, "\nPin for %s (file relative to it):\n\n", i.SiteFile)
	} else {
		fmt.Fprintln(w, "\nPin for a site file (file as given: it must be relative to the site file; see --site):")
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "HCL:\n\n%s\nYAML (under defaults: or a station):\n\n%s", indent(model.WritePinHCL(i.Pin())), indent(model.WritePinYAML(i.Pin())))
}

func indent(b []byte) string {
	var out strings.Builder
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			out.WriteString("  ")
		}
		out.WriteString(l)
	}
	return out.String()
}
