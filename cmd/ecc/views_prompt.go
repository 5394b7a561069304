package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/plan"
)

// prompter asks questions on out and reads the answers from the one
// reader of stdin. Without a terminal it cannot ask (apply.ErrCannotAsk);
// an interrupt (stop closed) ends a question unanswered
// (apply.ErrInterrupted).
type prompter struct {
	in       *bufio.Reader
	out      io.Writer
	terminal bool
	stop     <-chan struct{}
	once     sync.Once
	answers  chan answer
}

// answer is one line read from stdin.
type answer struct {
	line string
	err  error
}

func newPrompter(in io.Reader, out io.Writer) *prompter {
	return &prompter{in: bufio.NewReader(in), out: out, terminal: isTerminal(in)}
}

// approveQuestion is asked before applying a plan.
const approveQuestion = "Do you want to perform these actions? Only 'yes' will be accepted:"

// line reads one answer, trimmed. Stdin is read by one goroutine, so
// that an interrupt can end the wait for a line that never comes.
func (p *prompter) line() (string, error) {
	p.once.Do(func() {
		p.answers = make(chan answer)
		go p.read()
	})
	select {
	case a := <-p.answers:
		return a.line, a.err
	case <-p.stop:
		fmt.Fprintln(p.out)
		return "", apply.ErrInterrupted
	}
}

func (p *prompter) read() {
	for {
		s, err := p.in.ReadString('\n')
		if err != nil && s == "" {
			p.answers <- answer{err: err}
			return
		}
		p.answers <- answer{line: strings.TrimSpace(s)}
	}
}

// yes asks question and accepts only "yes".
func (p *prompter) yes(question string) (bool, error) {
	if !p.terminal {
		return false, apply.ErrCannotAsk
	}
	fmt.Fprintf(p.out, "\n%s ", question)
	s, err := p.line()
	return s == "yes", err
}

// ApprovePlan implements apply.Asker.
func (p *prompter) ApprovePlan(*plan.Plan) (bool, error) { return p.yes(approveQuestion) }

// Recover implements apply.Asker.
func (p *prompter) Recover(in apply.Interrupted) (apply.Recovery, error) {
	if !p.terminal {
		return apply.RecoverNone, apply.ErrCannotAsk
	}
	fmt.Fprintf(p.out, "\n%s.\n"+
		"  finish   - apply the plan now; a failure rolls back to the backup taken before the interrupted apply\n"+
		"  rollback - write back the values of that backup for the keys it wrote, and apply nothing\n"+
		"  cancel   - leave this station alone\n"+
		"What do you want to do (finish, rollback, cancel)? ", in.Description)
	for {
		s, err := p.line()
		if err != nil {
			return apply.RecoverCancel, err
		}
		switch s {
		case "finish":
			return apply.RecoverFinish, nil
		case "rollback":
			return apply.RecoverRollback, nil
		case "cancel", "":
			return apply.RecoverCancel, nil
		}
		fmt.Fprint(p.out, "Please answer finish, rollback or cancel: ")
	}
}

// ConfirmFlash implements apply.Asker.
func (p *prompter) ConfirmFlash(_, question string) (bool, error) {
	return p.yes(question + "\n  Only 'yes' will be accepted to flash.\n\n  Enter a value:")
}

// ApproveExtra implements apply.Asker: the changes are shown as the plan
// shows them (secrets as "(sensitive)").
func (p *prompter) ApproveExtra(station, why string, extra []plan.Change) (bool, error) {
	if !p.terminal {
		return false, apply.ErrCannotAsk
	}
	fmt.Fprintf(p.out, "\n%s: %s; planned again, it has changes you have not approved:\n\n", station, why)
	extraPlan := &plan.Plan{Stations: []*plan.Station{{Name: station, Changes: extra, Firmware: plan.Firmware{Action: plan.FirmwareNone}}}}
	if err := renderPlanText(p.out, extraPlan, planRenderOptions{}); err != nil {
		return false, err
	}
	return p.yes("Write these changes too? Only 'yes' will be accepted (otherwise they are left pending):")
}
