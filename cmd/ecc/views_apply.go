package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

// applyView is the view of apply and restore: what the use case reports
// and asks (apply.UI), how it ended, and the interrupt that ends a
// question. Two implementations, chosen once by --format: applyHuman and
// applyJSON.
type applyView interface {
	apply.UI
	// ended renders how the use case ended (what: "apply" or "restore")
	// and returns the exit status.
	ended(rep *apply.Report, what string, interrupted bool) error
	// interruptBy makes questions end unanswered when stop closes.
	interruptBy(stop <-chan struct{})
	// diagnostics shows the problems of the files given (site files, a
	// saved plan's that no longer load, a factory or backup file).
	diagnostics(src model.Sources, diags hcl.Diagnostics)
}

// newApplyView picks the view for --format. JSON streams events only and
// asks nothing, so it needs --auto-approve.
func newApplyView(format string, autoApprove bool, color colorMode, stdin io.Reader, stdout, stderr io.Writer) (applyView, error) {
	switch format {
	case "", "text":
		return &applyHuman{progressView: newProgressView(stderr, isTerminal(stderr)), prompter: newPrompter(stdin, stdout),
			stdout: stdout, stderr: stderr, color: color}, nil
	case "json":
		if !autoApprove {
			return nil, errors.New("--format json streams events and asks nothing: give --auto-approve")
		}
		return &applyJSON{jsonEvents: &jsonEvents{w: stdout}, stderr: stderr}, nil
	}
	return nil, fmt.Errorf("--format must be text or json; got %q", format)
}

// applyHuman: the plan on stdout as `ecc plan` prints it, events on stderr
// (bars on a terminal), questions on the terminal.
type applyHuman struct {
	*progressView
	*prompter
	stdout, stderr io.Writer
	color          colorMode
}

func (v *applyHuman) ShowPlan(p *plan.Plan) {
	if err := renderPlanText(v.stdout, p, planRenderOptions{Color: v.color.enabled(v.stdout)}); err != nil {
		fmt.Fprintf(v.stderr, "ecc: rendering the plan: %v\n", err)
	}
}

func (v *applyHuman) interruptBy(stop <-chan struct{}) { v.prompter.stop = stop }

func (v *applyHuman) diagnostics(src model.Sources, diags hcl.Diagnostics) {
	printDiagnostics(v.stderr, src, diags)
}

// ApproveExtra is asked in the middle of a run: the bars leave the screen
// while the question is on it.
func (v *applyHuman) ApproveExtra(station, why string, extra []plan.Change) (ok bool, err error) {
	v.hold(func() { ok, err = v.prompter.ApproveExtra(station, why, extra) })
	return ok, err
}

func (v *applyHuman) ended(rep *apply.Report, what string, interrupted bool) error {
	v.Close()
	switch {
	case rep.Nothing:
		fmt.Fprintf(v.stdout, "\nNothing to %s.\n", what)
	case rep.Interrupted:
		fmt.Fprintln(v.stderr, "Interrupted before anything was sent: nothing was changed.")
	case rep.Declined:
		fmt.Fprintf(v.stderr, "%s cancelled: nothing was sent.\n", capitalize(what))
	}
	return exitStatus(rep, interrupted)
}

// applyJSON: events only, one JSON object per line on stdout; it never
// asks (--auto-approve answers).
type applyJSON struct {
	*jsonEvents
	neverAsks
	stderr io.Writer
}

func (v *applyJSON) ShowPlan(*plan.Plan)              {}
func (v *applyJSON) interruptBy(stop <-chan struct{}) {}

// diagnostics: as text on stderr, where plan --format json leaves them
// too (and where the error that follows says "see above"), and as one
// event on stdout, for a pipeline to learn why nothing was applied.
func (v *applyJSON) diagnostics(src model.Sources, diags hcl.Diagnostics) {
	printDiagnostics(v.stderr, src, diags)
	v.jsonEvents.diagnostics(diags)
}

func (v *applyJSON) ended(rep *apply.Report, what string, interrupted bool) error {
	if rep.Nothing {
		v.Report(apply.Event{Type: apply.EvSummary, Message: "No changes: nothing to " + what + ".",
			Counts: &apply.Counts{Unchanged: len(rep.Plan.Stations)}})
	}
	return exitStatus(rep, interrupted)
}

// exitStatus: 0 when every station succeeded and the user did not stop
// the run, else 1.
func exitStatus(rep *apply.Report, interrupted bool) error {
	if !rep.OK() || interrupted {
		return exitCode(1, nil)
	}
	return nil
}

// neverAsks is the Asker of a view that cannot ask.
type neverAsks struct{}

func (neverAsks) ApprovePlan(*plan.Plan) (bool, error) { return false, apply.ErrCannotAsk }
func (neverAsks) Recover(apply.Interrupted) (apply.Recovery, error) {
	return apply.RecoverNone, apply.ErrCannotAsk
}
func (neverAsks) ConfirmFlash(string, string) (bool, error) { return false, apply.ErrCannotAsk }
func (neverAsks) ApproveExtra(string, string, []plan.Change) (bool, error) {
	return false, apply.ErrCannotAsk
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
