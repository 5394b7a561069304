package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/plan"
)

// applyView is the view of apply and restore (apply.UI): progress events
// (text on stderr, or one JSON object per line on stdout), the plan (text
// only), and the questions (on a terminal). It is chosen once per run.
type applyView struct {
	apply.Reporter
	*prompter
	stdout, stderr io.Writer
	json           bool
	color          colorMode
}

// newApplyView picks the view for --format. JSON streams events only and
// asks nothing, so it needs --auto-approve.
func newApplyView(format string, autoApprove bool, color colorMode, stdin io.Reader, stdout, stderr io.Writer) (*applyView, error) {
	v := &applyView{prompter: newPrompter(stdin, stdout), stdout: stdout, stderr: stderr, color: color}
	switch format {
	case "", "text":
		v.Reporter = newProgressView(stderr, isTerminal(stderr))
	case "json":
		if !autoApprove {
			return nil, errors.New("--format json streams events and asks nothing: give --auto-approve")
		}
		v.Reporter, v.json = &jsonEvents{w: stdout}, true
	default:
		return nil, fmt.Errorf("--format must be text or json; got %q", format)
	}
	return v, nil
}

// ShowPlan implements apply.UI: the plan as `ecc plan` prints it.
func (v *applyView) ShowPlan(p *plan.Plan) {
	if v.json {
		return
	}
	if err := plan.RenderText(v.stdout, p, plan.RenderOptions{Color: v.color.enabled(v.stdout)}); err != nil {
		fmt.Fprintf(v.stderr, "ecc: rendering the plan: %v\n", err)
	}
}

// ended renders how the use case ended (what is "apply" or "restore") and
// returns the exit status.
func (v *applyView) ended(rep *apply.Report, what string, interrupted bool) error {
	if pv, ok := v.Reporter.(*progressView); ok {
		pv.Close()
	}
	switch {
	case rep.Nothing && v.json:
		v.Report(apply.Event{Type: apply.EvSummary, Message: "No changes: nothing to " + what + ".",
			Counts: &apply.Counts{Unchanged: len(rep.Plan.Stations)}})
	case rep.Nothing:
		fmt.Fprintf(v.stdout, "\nNothing to %s.\n", what)
	case rep.Interrupted:
		fmt.Fprintln(v.stderr, "Interrupted before anything was sent: nothing was changed.")
		return exitCode(1, nil)
	case rep.Declined:
		fmt.Fprintf(v.stderr, "%s cancelled: nothing was sent.\n", capitalize(what))
		return exitCode(1, nil)
	}
	if !rep.OK() || interrupted {
		return exitCode(1, nil)
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
