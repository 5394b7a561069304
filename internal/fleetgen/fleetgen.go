// Package fleetgen writes generated fleet repositories for benchmarks:
// site files of many stations (written out, or as CSV inventories) and the
// snapshots `ecc plan --offline` plans from.
package fleetgen

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// Form is how the stations of a site file are written.
type Form string

const (
	HCL     Form = "hcl"      // station blocks written out
	YAML    Form = "yaml"     // stations: entries written out
	HCLCSV  Form = "hcl-csv"  // a CSV inventory through for_each
	YAMLCSV Form = "yaml-csv" // a CSV inventory through a YAML template
)

// Spec is a fleet: Files site files of Stations stations each.
type Spec struct {
	Files, Stations int
	Form            Form
	Snapshots       bool // also write a snapshot per station (.ecc/)
}

// station is the i-th station of the fleet.
type station struct {
	name, serial, ocppID string
	rated, max           int
}

func stationAt(i int) station {
	rated := 16 + i%3*8
	return station{name: fmt.Sprintf("cp-%06d", i), serial: fmt.Sprintf("G%07d", 1000000+i),
		ocppID: fmt.Sprintf("NLECO%06d", i), rated: rated, max: rated}
}

const defaultsHCL = `defaults {
  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Endpoint           = "wss://devices.ecotap.com/registry/ocpp/#SN#"
    com_Options            = { Events = 1, BlockBeforeBoot = 1 }
  }
}
`

const defaultsYAML = `defaults:
  settings:
    chg_MinChargingCurrent: 6
    com_ProtType: OCPP1.6J
    com_Endpoint: "wss://devices.ecotap.com/registry/ocpp/#SN#"
    com_Options: {Events: 1, BlockBeforeBoot: 1}
`

// Write writes the fleet into dir (site-NNNN.ext, inventories beside
// them) and returns the number of stations.
func Write(dir string, s Spec) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	var st *record.State
	if s.Snapshots {
		var err error
		if st, err = record.Open(filepath.Join(dir, ".ecc")); err != nil {
			return 0, err
		}
	}
	errs := make(chan error, s.Files)
	sem := make(chan struct{}, runtime.GOMAXPROCS(0)*2)
	var wg sync.WaitGroup
	for f := range s.Files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := writeFile(dir, f, s, st); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return s.Files * s.Stations, nil
}

func writeFile(dir string, f int, s Spec, st *record.State) error {
	var b strings.Builder
	base := filepath.Join(dir, fmt.Sprintf("site-%04d", f))
	first := f * s.Stations
	switch s.Form {
	case HCL:
		b.WriteString(defaultsHCL)
		for i := first; i < first+s.Stations; i++ {
			x := stationAt(i)
			fmt.Fprintf(&b, "\nstation %q {\n  serial = %q\n  model  = \"EVC5.x\"\n  settings {\n"+
				"    chg_RatedCurrent      = [%d, %d]\n    chg_StationMaxCurrent = %d\n    com_OCPPID            = %q\n  }\n}\n",
				x.name, x.serial, x.rated, x.rated, x.max, x.ocppID)
		}
	case YAML:
		b.WriteString(defaultsYAML + "stations:\n")
		for i := first; i < first+s.Stations; i++ {
			x := stationAt(i)
			fmt.Fprintf(&b, "  %s:\n    serial: %s\n    model: EVC5.x\n    settings:\n"+
				"      chg_RatedCurrent: [%d, %d]\n      chg_StationMaxCurrent: %d\n      com_OCPPID: %s\n",
				x.name, x.serial, x.rated, x.rated, x.max, x.ocppID)
		}
	case HCLCSV, YAMLCSV:
		var csv strings.Builder
		csv.WriteString("name,serial,rated,max_current,ocpp_id\n")
		for i := first; i < first+s.Stations; i++ {
			x := stationAt(i)
			fmt.Fprintf(&csv, "%s,%s,%d,%d,%s\n", x.name, x.serial, x.rated, x.max, x.ocppID)
		}
		if err := os.WriteFile(base+".csv", []byte(csv.String()), 0o644); err != nil {
			return err
		}
		inv := filepath.Base(base) + ".csv"
		if s.Form == HCLCSV {
			b.WriteString(defaultsHCL)
			fmt.Fprintf(&b, "\nstation \"bay\" {\n  for_each = { for r in csvdecode(file(%q)) : r.name => r }\n"+
				"  serial   = each.value.serial\n  model    = \"EVC5.x\"\n  settings {\n"+
				"    chg_RatedCurrent      = [each.value.rated, each.value.rated]\n"+
				"    chg_StationMaxCurrent = each.value.max_current\n    com_OCPPID            = each.value.ocpp_id\n  }\n}\n", inv)
		} else {
			b.WriteString(defaultsYAML)
			fmt.Fprintf(&b, "inventory:\n  rows: %s\n  station:\n    serial: ${serial}\n    model: EVC5.x\n    settings:\n"+
				"      chg_RatedCurrent: [\"${rated}\", \"${rated}\"]\n      chg_StationMaxCurrent: ${max_current}\n      com_OCPPID: ${ocpp_id}\n", inv)
		}
	default:
		return fmt.Errorf("unknown form %q", s.Form)
	}
	ext := ".hcl"
	if s.Form == YAML || s.Form == YAMLCSV {
		ext = ".yaml"
	}
	if err := os.WriteFile(base+ext, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if st == nil {
		return nil
	}
	for i := first; i < first+s.Stations; i++ {
		if err := st.SaveSnapshot(snapshot(stationAt(i))); err != nil {
			return err
		}
	}
	return nil
}

// snapshot is what the controller of a station was read as: every
// editable key at the guide's example, the station's own values, and one
// difference (the station maximum) for the plan to find.
func snapshot(x station) *record.Snapshot {
	vals := map[string]string{}
	for _, kd := range model.Dictionary() {
		if kd.Example != "" && model.Classify(kd.Name) == model.Editable {
			vals[kd.Name] = model.Canonical(kd.Name, kd.Example)
		}
	}
	vals["chg_MinChargingCurrent"] = "6"
	vals["com_ProtType"] = "OCPP1.6J"
	vals["com_Endpoint"] = "wss://devices.ecotap.com/registry/ocpp/#SN#"
	vals["chg_RatedCurrent"] = fmt.Sprintf("%d,%d", x.rated, x.rated)
	vals["chg_StationMaxCurrent"] = fmt.Sprint(x.max - 1)
	vals["com_OCPPID"] = x.ocppID
	return &record.Snapshot{Serial: x.serial, Model: "EVC5.1", Firmware: "V32R17",
		ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Values: vals}
}
