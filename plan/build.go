package plan

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// Options select the stations of a plan and say how to reach them.
type Options struct {
	Port string // --port: the connected controller; picks the station by serial
	// Stations are the stations to plan (--station, repeatable); none:
	// every station of the sites.
	Stations []string
	Offline  bool
	// MaxAge, when set, makes an offline plan's snapshot older than it an
	// error (--max-age): CI can insist on recent observations.
	MaxAge   time.Duration
	StateDir string      // override; default .ecc beside each site file
	Connect  ConnectFunc // supplied by cmd (transport.Open)
	Now      func() time.Time
	// Gateway is --gateway HOST:PORT: every selected station is reached
	// through that `ecc gateway`, at the ocpp:// port Locate gives for its
	// serial; a station Locate does not list is not reachable, and the
	// others go on.
	Gateway string
	Locate  LocateFunc
	// Parallelism is how many ports are read at once (default 4; stations
	// sharing a port are read one after another).
	Parallelism int
	// Version is the running ecc's: recorded in a plan (ECCVersion), and
	// what a saved plan's must equal to be applied (CheckVersion).
	Version string
}

// LocateFunc lists the stations a gateway holds: the ocpp:// ports of
// each controller serial (of their last BootNotification), the latest
// connection first; more than one when several CHARGEBOXIDs report the
// serial (cmd supplies it from transport.GatewayClient).
type LocateFunc func(ctx context.Context, gateway string) (map[string][]string, error)

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC()
	}
	return time.Now().UTC()
}

// StateFor returns the state directory for a site file under opts: the
// --state-dir override, else .ecc/ beside the site file.
func StateFor(siteFile string, opts Options) (*record.State, error) {
	return record.Open(record.DirFor(siteFile, opts.StateDir))
}

// states opens each state directory once per Build.
type states struct {
	opts  Options
	mu    sync.Mutex
	dirs  map[string]*record.State
	sites map[*model.Site]*record.State // the state of each site asked for: one lookup per station, no path built
}

func (s *states) forSite(site *model.Site) (*record.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.sites[site]; ok {
		return st, nil
	}
	file := ""
	if site != nil {
		file = site.File
	}
	key := record.DirFor(file, s.opts.StateDir)
	st, ok := s.dirs[key]
	if !ok {
		var err error
		if st, err = StateFor(file, s.opts); err != nil {
			return nil, err
		}
		s.dirs[key] = st
	}
	s.sites[site] = st
	return st, nil
}

// Build plans every selected station of the sites. Problems of one station
// (no port, no snapshot, a controller that does not answer) are recorded
// in that station's errors; the error return is for a plan that cannot be
// made at all (no station selected, --port reaching a controller that no
// station names, a state directory that cannot be opened).
func Build(ctx context.Context, sites []*model.Site, opts Options) (*Plan, error) {
	p := &Plan{
		FormatVersion: FormatVersion,
		ECCVersion:    opts.Version,
		CreatedAt:     opts.now(),
		Offline:       opts.Offline,
		Stations:      []*Station{},
	}
	if opts.StateDir != "" {
		p.StateDir = &opts.StateDir
	}
	var selected []*model.Station
	var names []string
	for _, site := range sites {
		p.SiteFiles = append(p.SiteFiles, site.File)
		for _, s := range site.Stations {
			if s.Site == nil {
				s.Site = site
			}
			names = append(names, s.Name)
			if len(opts.Stations) == 0 || slices.Contains(opts.Stations, s.Name) {
				selected = append(selected, s)
			}
		}
	}
	if err := notNamed(opts.Stations, names, func(name string) string {
		return fmt.Sprintf("no station named %s in %s", name, strings.Join(p.SiteFiles, ", "))
	}); err != nil {
		return nil, err
	}
	if len(selected) == 0 {
		return nil, fmt.Errorf("no stations in %s", strings.Join(p.SiteFiles, ", "))
	}
	sts := &states{opts: opts, dirs: map[string]*record.State{}, sites: map[*model.Site]*record.State{}}

	switch {
	case opts.Offline:
		if opts.Port != "" {
			return nil, errors.New("--offline plans from snapshots and reads no controller: drop --port, or --offline")
		}
		stations, err := buildOffline(selected, sts)
		if err != nil {
			return nil, err
		}
		p.Stations = stations
	case opts.Port != "":
		ps, err := buildPort(ctx, selected, sts, opts)
		if err != nil {
			return nil, err
		}
		p.Stations = append(p.Stations, ps)
	default:
		ports := map[*model.Station]string{}
		for _, s := range selected {
			ports[s] = s.Port
		}
		var held map[string][]string // --gateway: the ports of each serial
		if opts.Gateway != "" {
			if opts.Port != "" {
				return nil, errors.New("--gateway reaches every station through the gateway: drop --port, or --gateway")
			}
			var err error
			if held, err = opts.GatewayPorts(ctx); err != nil {
				return nil, err
			}
			for _, s := range selected {
				ports[s] = "" // its own port is not the gateway's: not reachable
				if h := held[s.Serial]; len(h) > 0 {
					ports[s] = h[0]
				}
			}
		}
		stations, err := buildPorts(ctx, selected, ports, sts, opts)
		if err != nil {
			return nil, err
		}
		for i, s := range selected {
			stations[i].WarnSharedSerial(held[s.Serial])
		}
		p.Stations = stations
	}
	return p, nil
}

// GatewayPorts asks the gateway (Gateway) for the ports of every serial
// connected to it, the latest connection first: the one plan, and apply
// of a saved plan, reach a station on.
func (o Options) GatewayPorts(ctx context.Context) (map[string][]string, error) {
	if o.Locate == nil {
		return nil, errors.New("no way to reach a gateway")
	}
	held, err := o.Locate(ctx, o.Gateway)
	if err != nil {
		return nil, fmt.Errorf("gateway %s: %w", o.Gateway, err)
	}
	return held, nil
}

// buildPorts reads each station on its own port, Parallelism ports at
// once: a fleet behind a gateway costs about its slowest station, not the
// sum. Stations sharing a port are read one after another.
func buildPorts(ctx context.Context, selected []*model.Station, ports map[*model.Station]string, sts *states, opts Options) ([]*Station, error) {
	out := make([]*Station, len(selected))
	errs := make([]error, len(selected))
	byPort := map[string][]int{} // by device: one port may be named two ways
	var order []string
	for i, s := range selected {
		port := transport.PortKey(ports[s])
		if ports[s] == "" { // no port: each is its own (blocked) group
			port = fmt.Sprintf("\x00%d", i)
		}
		if _, ok := byPort[port]; !ok {
			order = append(order, port)
		}
		byPort[port] = append(byPort[port], i)
	}
	par := opts.Parallelism
	if par <= 0 {
		par = 4
	}
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for _, port := range order {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			for _, i := range byPort[port] {
				if errs[i] = ctx.Err(); errs[i] != nil {
					return
				}
				s := selected[i]
				st, err := sts.forSite(s.Site)
				if err != nil {
					errs[i] = err
					continue
				}
				if ports[s] == "" && opts.Gateway != "" {
					out[i] = blockedStation(s, st, fmt.Sprintf("not reachable: serial %s is not connected to the gateway %s", s.Serial, opts.Gateway))
					out[i].Port = "" // its own port is not where it was looked for
					continue
				}
				out[i] = buildOne(ctx, s, ports[s], st, opts)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// buildOffline plans from snapshots, in parallel: reading thousands of
// snapshot files is the whole cost.
func buildOffline(selected []*model.Station, sts *states) ([]*Station, error) {
	out := make([]*Station, len(selected))
	errs := make([]error, len(selected))
	workers := min(runtime.GOMAXPROCS(0)*2, len(selected))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				s := selected[i]
				st, err := sts.forSite(s.Site)
				if err != nil {
					errs[i] = err
					continue
				}
				out[i] = offlineStation(s, st, sts.opts)
			}
		})
	}
	for i := range selected {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func offlineStation(s *model.Station, st *record.State, opts Options) *Station {
	snap, err := st.LoadSnapshot(s.Serial)
	switch {
	case err != nil:
		ps := blockedStation(s, st, fmt.Sprintf("cannot read the snapshot: %v", err))
		return ps
	case snap == nil:
		return commissionStation(s, st)
	}
	ps := ComputeStation(s, FromSnapshot(snap), st)
	if age := opts.now().Sub(snap.ObservedAt); opts.MaxAge > 0 && age > opts.MaxAge {
		// In --max-age's own units: "1 minute old, older than 1m0s" read
		// as a contradiction for 72 seconds.
		ps.problem("", "", fmt.Sprintf("the snapshot is %s old (taken %s), older than --max-age %s: run ecc plan with the controller connected",
			age.Truncate(time.Second), snap.ObservedAt.UTC().Format("2006-01-02 15:04 UTC"), opts.MaxAge))
	}
	journalProblem(ps, st)
	return ps
}

// blockedStation is a station that could not be observed at all.
func blockedStation(s *model.Station, st *record.State, msg string) *Station {
	ps := newStation(s)
	ps.problem("", "", msg)
	journalProblem(ps, st)
	return ps
}

// buildPort reads the controller on --port and plans the station whose
// serial it reports.
func buildPort(ctx context.Context, selected []*model.Station, sts *states, opts Options) (*Station, error) {
	if opts.Connect == nil {
		return nil, errors.New("plan: no way to connect to a controller")
	}
	c, err := opts.Connect(ctx, opts.Port)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	id, err := c.Hello(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Port, err)
	}
	var s *model.Station
	var serials []string
	for _, cand := range selected {
		serials = append(serials, cand.Serial)
		if cand.Serial == id.Serial {
			s = cand
			break
		}
	}
	if s == nil {
		what := "station"
		if len(opts.Stations) > 0 {
			quoted := make([]string, len(opts.Stations))
			for i, n := range opts.Stations {
				quoted[i] = strconv.Quote(n)
			}
			what = "station named " + words.Or(quoted)
		}
		return nil, fmt.Errorf("the controller on %s is %s (serial %s), but no %s in %s has that serial (serials there: %s)",
			opts.Port, id.Model, id.Serial, what, siteFiles(selected), strings.Join(serials, ", "))
	}
	st, err := sts.forSite(s.Site)
	if err != nil {
		return nil, err
	}
	o, err := observeAfterHello(ctx, c, id, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Port, err)
	}
	return Observed(s, opts.Port, o, st, opts.now()), nil
}

// buildOne reads one station on port (its own, or the gateway's).
func buildOne(ctx context.Context, s *model.Station, port string, st *record.State, opts Options) *Station {
	if port == "" {
		return blockedStation(s, st, "no port: give --port, or set port in the station's block")
	}
	o, err := ObserveOn(ctx, opts.Connect, port, s)
	if err != nil {
		return blockedStation(s, st, err.Error())
	}
	if o.Identity.Serial != s.Serial {
		ps := blockedStation(s, st, fmt.Sprintf("the controller on %s is %s, not this station's serial %s: check the port", port, o.Identity.Serial, s.Serial))
		ps.Model = o.Identity.Model
		ps.Firmware.Current = o.Identity.Firmware
		return ps
	}
	return Observed(s, port, o, st, opts.now())
}

// ConnectFunc opens a controller on a port; it returns once the controller
// has answered hello (cmd supplies it: transport.Open and a connect poll).
type ConnectFunc func(ctx context.Context, port string) (transport.Controller, error)

// ObserveOn connects to the controller on port, reads it (ObserveStation
// of s, which may be nil) and closes the connection: what plan, restore
// and import read.
func ObserveOn(ctx context.Context, connect ConnectFunc, port string, s *model.Station) (*Observation, error) {
	if connect == nil {
		return nil, errors.New("no way to connect to a controller")
	}
	c, err := connect(ctx, port)
	var auto *transport.AutoPortError
	if errors.As(err, &auto) {
		return nil, err // it names the ports found; "on auto" would add nothing
	}
	if err != nil {
		return nil, fmt.Errorf("cannot reach the controller on %s: %w", port, err)
	}
	defer c.Close()
	o, err := ObserveStation(ctx, c, s)
	if err != nil {
		return nil, fmt.Errorf("cannot read the controller on %s: %w", port, err)
	}
	return o, nil
}

// Observed is the one path from a live observation to a station's plan
// (plan, apply's re-plan after a firmware upgrade, restore): it completes
// the observation with the write-only hashes of the serial's last
// snapshot (what ecc last wrote, which the controller cannot tell),
// compares, blocks the station when an earlier apply was interrupted, and
// records the observation as the serial's new snapshot.
func Observed(s *model.Station, port string, o *Observation, st *record.State, at time.Time) *Station {
	ps, prev := Compared(s, port, o, st, at)
	if err := st.SaveSnapshot(SnapshotOf(o, prev, st)); err != nil {
		ps.warn("could not save the snapshot: %v", err)
	}
	return ps
}

// Compared is Observed without recording the observation (apply holding
// a saved plan to its site file: a check, which changes nothing); it
// also returns the serial's last snapshot.
func Compared(s *model.Station, port string, o *Observation, st *record.State, at time.Time) (*Station, *record.Snapshot) {
	o.At = at.UTC()
	if port != s.Port {
		cp := *s
		cp.Port = port
		s = &cp
	}
	prev, prevErr := st.LoadSnapshot(o.Identity.Serial)
	if prev != nil {
		o.Hashes = writeOnlyHashes(prev.Hashes)
	}
	ps := ComputeStation(s, o, st)
	journalProblem(ps, st)
	if prevErr != nil {
		ps.warn("the previous snapshot could not be read (%v); write-only keys are planned as set", prevErr)
	}
	return ps, prev
}

// writeOnlyHashes keeps a snapshot's hashes of write-only keys: what ecc
// last wrote, which the controller cannot tell.
func writeOnlyHashes(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		if model.Classify(k) == model.WriteOnly {
			out[k] = v
		}
	}
	return out
}

func siteFiles(stations []*model.Station) string {
	var files []string
	seen := map[string]bool{}
	for _, s := range stations {
		if s.Site != nil && !seen[s.Site.File] {
			seen[s.Site.File] = true
			files = append(files, s.Site.File)
		}
	}
	if len(files) == 0 {
		return "the site files"
	}
	return strings.Join(files, ", ")
}

// notNamed is the error for the names of want that are not among names
// (--station), with their near misses, on one line; msg says where they
// were looked for, given the names quoted: `"cp-1"`, or `"cp-1" (did
// you mean "cp-01"?) or "cp-x"`.
func notNamed(want, names []string, msg func(quoted string) string) error {
	var missing []string
	for _, w := range want {
		if !slices.Contains(names, w) && !slices.Contains(missing, w) {
			missing = append(missing, w)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return errors.New(msg(strconv.Quote(missing[0])) + didYouMean(missing[0], names))
	}
	quoted := make([]string, len(missing))
	for i, m := range missing {
		quoted[i] = strconv.Quote(m)
		if near := model.Nearest(m, names); near != "" {
			quoted[i] += fmt.Sprintf(" (did you mean %q?)", near)
		}
	}
	return errors.New(msg(words.Or(quoted)))
}

// didYouMean is "; did you mean "NAME"?" for a near-miss station name, or "".
func didYouMean(name string, names []string) string {
	if m := model.Nearest(name, names); m != "" {
		return fmt.Sprintf("; did you mean %q?", m)
	}
	return ""
}
