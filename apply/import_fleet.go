package apply

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

// ImportStations reads the controller on each port (ports by serial, e.g.
// every station of a gateway, as plan.LocateFunc lists them) and returns
// one site file of them all, in serial order, each station named after
// its serial. A controller that cannot be read is left out and reported
// in errs; the others go on. A serial on several ports is imported from
// the first (the latest connection), and the others are reported: a site
// file declares each serial once.
func ImportStations(ctx context.Context, connect plan.ConnectFunc, ports map[string][]string) (site model.SiteOut, errs []error) {
	for _, serial := range slices.Sorted(maps.Keys(ports)) {
		if len(ports[serial]) == 0 {
			continue
		}
		port := ports[serial][0]
		for _, other := range ports[serial][1:] {
			errs = append(errs, fmt.Errorf("%s (%s): not imported: %s, a later connection, reports the same serial and is imported instead", serial, other, port))
		}
		one, err := ImportStation(ctx, connect, port, "")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): not imported: %w", serial, port, err))
			continue
		}
		site.Stations = append(site.Stations, one.Stations...)
	}
	site.Header = []string{"Imported from " + words.Plural(len(site.Stations), "controller", "controllers") + "."}
	return site, errs
}

// ImportStation reads the controller on port and returns a site file of
// that one station, named name or, when name is "", after its serial in
// lower case.
func ImportStation(ctx context.Context, connect plan.ConnectFunc, port, name string) (model.SiteOut, error) {
	obs, err := plan.ObserveOn(ctx, connect, port, nil)
	if err != nil {
		return model.SiteOut{}, err
	}
	if name == "" {
		name = strings.ToLower(obs.Identity.Serial)
	}
	return ImportSite(ImportInput{
		Name: name, Serial: obs.Identity.Serial, Model: obs.Identity.Model,
		Firmware: obs.Identity.Firmware, Values: obs.Values, WriteOnly: obs.WriteOnly, ReadOnly: obs.ReadOnly,
	}), nil
}
