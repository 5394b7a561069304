package apply

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/plan/record"
)

// Asker is what the use cases ask the user. A command's view implements
// it (a prompt on the terminal); an Asker that has no one to ask returns
// ErrCannotAsk. Questions are asked one at a time even when stations are
// applied in parallel.
type Asker interface {
	// ApprovePlan asks whether to apply the plan just shown.
	ApprovePlan(p *plan.Plan) (bool, error)
	// Recover asks what to do about an interrupted earlier apply.
	Recover(in Interrupted) (Recovery, error)
	// ConfirmFlash asks before a firmware flash, which cannot be undone.
	ConfirmFlash(station, question string) (bool, error)
	// ApproveExtra asks whether to also write changes the user has not
	// approved, which a re-plan brought (why: after a firmware upgrade,
	// or the controller changed since the plan was shown).
	ApproveExtra(station, why string, extra []plan.Change) (bool, error)
}

// ErrCannotAsk is an Asker's answer when there is no one to ask (no
// terminal); ErrInterrupted when the user interrupted the question.
var (
	ErrCannotAsk   = errors.New("no terminal to ask")
	ErrInterrupted = errors.New("interrupted")
)

// UI is a command's view as the use cases see it: events, questions, and
// the plan about to be applied.
type UI interface {
	Reporter
	Asker
	// ShowPlan shows the plan before anything is asked or sent.
	ShowPlan(p *plan.Plan)
}

// Interrupted describes an interrupted earlier apply for a question.
type Interrupted struct {
	Station, Serial string
	Description     string // DescribeInterrupted
	Journal         *record.Journal
}

// Request is what `ecc apply` was asked to do.
type Request struct {
	// Command names the run in its closing line (Options.Command).
	Command string
	// SavedPlan is the path of a saved plan; otherwise Sites are planned.
	SavedPlan string
	// GatewayAsked is --gateway given on the command line, not only by
	// ECC_GATEWAY: with a saved plan whose stations all hold their ports
	// it would be ignored, and is refused (an environment default is
	// just not used).
	GatewayAsked bool
	// StateDirAsked is --state-dir given on the command line: with a
	// saved plan made with another state directory it is refused (one
	// from ECC_STATE_DIR is just not used: plan.SavedStateDir).
	StateDirAsked bool
	// StateDirChosen, when set, is told the state directory a saved plan
	// is applied with (plan.SavedStateDir), before any station or gateway
	// is reached: cmd looks for the gateway's token there, as plan did.
	StateDirChosen func(dir string)
	Sites          []*model.Site
	// Plan selects the stations and says how to reach them (Port, Station,
	// StateDir, Connect).
	Plan          plan.Options
	AutoApprove   bool
	OnInterrupted Recovery // RecoverNone: ask (finish with AutoApprove)
	Parallelism   int
	// Interrupt is closed on the user's first interrupt: no station starts
	// writing afterwards (see Options.Interrupt).
	Interrupt <-chan struct{}
	// InFlight, when set, tracks the stations whose writes are under way.
	InFlight *InFlight
}

// Report is how a use case ended.
type Report struct {
	Plan     *plan.Plan
	Nothing  bool // nothing to apply: nothing was sent
	Declined bool // the user did not approve: nothing was sent
	// Interrupted: the user interrupted before any station started (while
	// planning or asking): nothing was sent.
	Interrupted bool
	Results     []Result
}

// OK reports whether the command succeeded (exit code 0).
func (r *Report) OK() bool {
	return !r.Declined && !r.Interrupted && Count(r.Results).OK()
}

// Apply is `ecc apply`: it plans the sites (or loads a saved plan), settles
// interrupted earlier applies, shows the plan, asks for approval and runs
// it. The error return is for a request that cannot be carried out at all;
// nothing was sent then.
func Apply(ctx context.Context, req Request, ui UI) (*Report, error) {
	// Reading the controllers writes nothing: an interrupt stops it at once.
	pctx, cancel := untilInterrupt(ctx, req.Interrupt)
	p, jobs, err := prepare(pctx, req)
	cancel()
	if closed(req.Interrupt) {
		return &Report{Plan: p, Interrupted: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := settleInterrupted(jobs, req, ui); errors.Is(err, ErrInterrupted) {
		return &Report{Plan: p, Interrupted: true}, nil
	} else if err != nil {
		return nil, err
	}
	return approveAndRun(ctx, p, jobs, req, ui)
}

// untilInterrupt is ctx, also cancelled by the user's first interrupt.
func untilInterrupt(ctx context.Context, interrupt <-chan struct{}) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-interrupt:
			cancel()
		case <-c.Done():
		}
	}()
	return c, cancel
}

// closed reports whether ch is closed (a nil ch never is).
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// prepare makes the plan and its jobs.
func prepare(ctx context.Context, req Request) (*plan.Plan, []*Job, error) {
	stateFor := func(siteFile string) (*record.State, error) { return plan.StateFor(siteFile, req.Plan) }
	if req.SavedPlan != "" {
		p, err := plan.Load(req.SavedPlan)
		if err != nil {
			return nil, nil, err
		}
		if req.GatewayAsked && !slices.ContainsFunc(p.Stations, located(p)) {
			return nil, nil, errors.New("--gateway is for a saved plan made --offline, whose stations it finds by serial: this plan was made against the controllers on their ports, and holds them (an ocpp:// port names its gateway); nothing sent")
		}
		if err := p.CheckVersion(req.Plan.Version); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", req.SavedPlan, err)
		}
		opts := req.Plan
		if opts.StateDir, err = p.SavedStateDir(opts.StateDir, req.StateDirAsked); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", req.SavedPlan, err)
		}
		if req.StateDirChosen != nil {
			req.StateDirChosen(opts.StateDir)
		}
		stateFor = func(siteFile string) (*record.State, error) { return plan.StateFor(siteFile, opts) }
		if err := p.Select(req.Plan.Stations...); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", req.SavedPlan, err)
		}
		if req.Plan.Port != "" && len(p.Stations) > 1 {
			return nil, nil, fmt.Errorf("--port with a plan of %d stations: say which one with --station", len(p.Stations))
		}
		unreachable, err := locateSaved(ctx, p, req.Plan)
		if err != nil {
			return nil, nil, err
		}
		jobs, err := JobsFromSaved(p, stateFor, req.Plan.Port)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", req.SavedPlan, err)
		}
		for _, j := range jobs {
			if e := unreachable[j.Station]; e != nil && j.Refused == nil {
				j.refuse(e)
			}
		}
		return p, jobs, err
	}
	p, err := plan.Build(ctx, req.Sites, req.Plan)
	if err != nil {
		return nil, nil, err
	}
	jobs, err := JobsFromPlan(p, req.Sites, stateFor, req.Plan.Port)
	return p, jobs, err
}

// locateSaved gives the stations of a saved plan that the gateway finds
// (located) their port at the gateway (--gateway), by serial, the latest
// connection as plan takes it; a station the gateway does not hold is
// returned as not reachable. A station planned on its port keeps it
// (prepare refuses --gateway when every station was: it would be
// ignored).
func locateSaved(ctx context.Context, p *plan.Plan, opts plan.Options) (map[*plan.Station]error, error) {
	if opts.Gateway == "" || !slices.ContainsFunc(p.Stations, located(p)) {
		return nil, nil // nothing to locate: the gateway is not asked
	}
	held, err := opts.GatewayPorts(ctx)
	if err != nil {
		return nil, err
	}
	unreachable := map[*plan.Station]error{}
	for _, st := range p.Stations {
		switch h := held[st.Serial]; {
		case !located(p)(st):
		case len(h) > 0:
			st.Port = h[0]
			st.WarnSharedSerial(h) // as plan --gateway says it
		default:
			unreachable[st] = fmt.Errorf("not reachable: serial %s is not connected to the gateway %s; nothing sent", st.Serial, opts.Gateway)
		}
	}
	return unreachable, nil
}

// located says which stations of a saved plan --gateway finds by serial,
// as `plan --gateway` finds every station: all those of a plan made
// --offline (from snapshots: the ports its site files give were not
// used, and may be the cable's while the stations are reached remotely),
// and any that names no port (a plan saved before Plan.Offline).
func located(p *plan.Plan) func(*plan.Station) bool {
	return func(st *plan.Station) bool { return p.Offline || st.Port == "" }
}

// settleInterrupted decides, before the plan is shown, what to do about
// each station's interrupted earlier apply.
func settleInterrupted(jobs []*Job, req Request, ui UI) error {
	interrupted, err := FindInterrupted(jobs)
	if err != nil {
		return err
	}
	for _, j := range interrupted {
		r := req.OnInterrupted
		if r == RecoverNone && req.AutoApprove {
			r = RecoverFinish
		}
		if r == RecoverNone {
			r, err = ui.Recover(Interrupted{Station: j.Station.Name, Serial: j.Station.Serial, Description: DescribeInterrupted(j), Journal: j.Journal})
			if errors.Is(err, ErrCannotAsk) {
				ui.Report(Event{Type: EvJournal, Level: LevelWarn, Station: j.Station.Name,
					Message: DescribeInterrupted(j) + "; no terminal to ask: give --on-interrupted=finish or --on-interrupted=rollback"})
				r, err = RecoverNone, nil
			}
			if err != nil {
				return err
			}
		}
		Decide(j, r)
	}
	return nil
}

// approveAndRun shows the plan, asks for approval when something would be
// written, and runs the jobs.
func approveAndRun(ctx context.Context, p *plan.Plan, jobs []*Job, req Request, ui UI) (*Report, error) {
	ui.ShowPlan(p)
	rep := &Report{Plan: p}
	work, approve := p.Pending()
	if !work {
		rep.Nothing = true
		return rep, nil
	}
	// A saved plan was approved when it was saved.
	if req.SavedPlan == "" && !req.AutoApprove && approve {
		ok, err := ui.ApprovePlan(p)
		switch {
		case errors.Is(err, ErrCannotAsk):
			return nil, errors.New("no terminal to ask for approval: give --auto-approve to apply without asking")
		case errors.Is(err, ErrInterrupted) || closed(req.Interrupt):
			rep.Interrupted = true
			return rep, nil
		}
		if err != nil || !ok {
			rep.Declined = true
			return rep, nil
		}
	}
	if !req.AutoApprove {
		if err := confirmFlashes(jobs, ui); errors.Is(err, ErrInterrupted) || closed(req.Interrupt) {
			rep.Interrupted = true
			return rep, nil
		}
	}
	rep.Results = Run(ctx, jobs, Options{
		Command:     req.Command,
		Connect:     req.Plan.Connect,
		Parallelism: req.Parallelism,
		Reporter:    ui,
		Asker:       ui,
		AutoApprove: req.AutoApprove,
		// Asked above, before any station starts: a question never
		// interrupts the progress bars of stations at work.
		FlashConfirmed: !req.AutoApprove,
		Interrupt:      req.Interrupt,
		InFlight:       req.InFlight,
	})
	return rep, nil
}

// InFlight tracks the stations whose writes are under way, so that a
// second interrupt can say what is at risk and how to recover.
type InFlight struct {
	mu       sync.Mutex
	journals map[string]string // station -> state directory (its journal)
}

// AtRisk is a station whose apply is under way, with its journal.
type AtRisk struct{ Station, StateDir string }

func (f *InFlight) set(station, journal string) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.journals == nil {
		f.journals = map[string]string{}
	}
	if journal == "" {
		delete(f.journals, station)
	} else {
		f.journals[station] = journal
	}
}

// List returns the stations at risk now.
func (f *InFlight) List() []AtRisk {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []AtRisk
	for s, j := range f.journals {
		out = append(out, AtRisk{s, j})
	}
	return out
}

// confirmFlashes asks, before anything is sent, for every firmware upgrade
// of the plan: a flash cannot be undone. A station whose upgrade is not
// confirmed (no, or no terminal to ask) is refused with nothing sent.
func confirmFlashes(jobs []*Job, ui UI) error {
	for _, j := range jobs {
		st := j.Station
		if st.Firmware.Action != plan.FirmwareUpgrade || st.Blocked() || j.Refused != nil {
			continue
		}
		q := fmt.Sprintf("%s\n\nFlash firmware %s onto controller %s of %s (%s, running %s)? It cannot be undone.",
			FirmwareWarning, st.Firmware.Desired, orUnknown(st.Serial), st.Name, st.Model, st.Firmware.Current)
		ok, err := ui.ConfirmFlash(st.Name, q)
		switch {
		case errors.Is(err, ErrInterrupted):
			return err
		case errors.Is(err, ErrCannotAsk):
			j.refuse(errors.New("the firmware upgrade needs a yes on a terminal, or --auto-approve; nothing sent"))
		case err != nil || !ok:
			j.refuse(errors.New("the firmware upgrade was not confirmed; nothing sent"))
		}
	}
	return nil
}
