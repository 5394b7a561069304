// Command mkfleet writes a generated fleet repository for measuring ecc at
// scale: go run ./tools/mkfleet -dir DIR -files 1000 -stations 100 -form hcl
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ecotap-tools/ecc/internal/fleetgen"
)

func main() {
	dir := flag.String("dir", "", "directory to write the fleet into")
	files := flag.Int("files", 1000, "site files")
	stations := flag.Int("stations", 100, "stations per site file")
	form := flag.String("form", "hcl", "hcl, yaml, hcl-csv or yaml-csv")
	snaps := flag.Bool("snapshots", true, "write the snapshots plan --offline reads")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "mkfleet: -dir is required")
		os.Exit(2)
	}
	n, err := fleetgen.Write(*dir, fleetgen.Spec{Files: *files, Stations: *stations, Form: fleetgen.Form(*form), Snapshots: *snaps})
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkfleet:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d stations in %d files\n", *dir, n, *files)
}
