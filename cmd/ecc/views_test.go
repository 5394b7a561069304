package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/plan"
)

// terminalPrompter reads answers from a string as if typed on a terminal.
func terminalPrompter(in string, out *bytes.Buffer) *prompter {
	p := newPrompter(strings.NewReader(in), out)
	p.terminal = true
	return p
}

func TestPromptApprove(t *testing.T) {
	for in, want := range map[string]bool{"yes\n": true, " yes \nno\n": true, "y\n": false, "YES\n": false, "\n": false, "": false} {
		var out bytes.Buffer
		ok, _ := terminalPrompter(in, &out).ApprovePlan(nil)
		if ok != want {
			t.Errorf("%q: %v", in, ok)
		}
		if !strings.Contains(out.String(), approveQuestion) {
			t.Errorf("question not shown: %q", out.String())
		}
	}
	var out bytes.Buffer
	if ok, err := terminalPrompter("yes\n", &out).ConfirmFlash("cp-01", "Flash?"); !ok || err != nil || !strings.Contains(out.String(), "Flash?") {
		t.Errorf("flash confirmation: %v %v %q", ok, err, out.String())
	}
}

func TestPromptRecovery(t *testing.T) {
	in := apply.Interrupted{Station: "cp-01", Description: "cp-01 (G1): an earlier apply was interrupted"}
	for answer, want := range map[string]apply.Recovery{"finish\n": apply.RecoverFinish, "rollback\n": apply.RecoverRollback, "maybe\ncancel\n": apply.RecoverCancel, "": apply.RecoverCancel} {
		var out bytes.Buffer
		got, _ := terminalPrompter(answer, &out).Recover(in)
		if got != want {
			t.Errorf("%q: %v", answer, got)
		}
	}
}

// Without a terminal nothing is asked and nothing read: the use case is
// told it cannot ask.
func TestPromptWithoutTerminal(t *testing.T) {
	var out bytes.Buffer
	p := newPrompter(strings.NewReader("yes\n"), &out)
	if _, err := p.ApprovePlan(nil); !errors.Is(err, apply.ErrCannotAsk) {
		t.Errorf("ApprovePlan without a terminal: %v", err)
	}
	if _, err := p.ApproveExtra("cp-01", "the controller changed", []plan.Change{{Key: "authorizationKey", Sensitive: true}}); !errors.Is(err, apply.ErrCannotAsk) {
		t.Errorf("ApproveExtra without a terminal: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed a question without a terminal: %q", out.String())
	}
}

// The question names a secret's key but never its value, which the
// change holds (to be written) in memory.
func TestApproveExtraShowsNoSecret(t *testing.T) {
	const secret = "ECOTAP-1802500:Extra-Secret-42"
	key := plan.Change{Key: "authorizationKey", Action: plan.ActionSet, Sensitive: true}
	key.SetValue(secret)
	var out bytes.Buffer
	ok, _ := terminalPrompter("yes\n", &out).ApproveExtra("cp-01", "after the firmware upgrade to V32R17", []plan.Change{
		key,
		{Key: "chg_MinChargingCurrent", Action: plan.ActionUpdate, Before: "6", After: "8"},
	})
	if !ok || !strings.Contains(out.String(), "authorizationKey") || !strings.Contains(out.String(), "chg_MinChargingCurrent") {
		t.Errorf("extra changes: %v\n%s", ok, out.String())
	}
	if strings.Contains(out.String(), secret) || strings.Contains(out.String(), "Extra-Secret") {
		t.Errorf("the question shows the secret:\n%s", out.String())
	}
}

// The JSON view writes Terraform-style event lines.
func TestJSONEvents(t *testing.T) {
	var buf bytes.Buffer
	r := &jsonEvents{w: &buf, now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	r.Report(apply.Event{Type: apply.EvBackup, Station: "cp-01", Message: "backup done", Done: true, Elapsed: time.Second, Path: "b.json"})
	r.Report(apply.Event{Type: apply.EvSummary, Level: apply.LevelError, Message: "Apply finished with errors", Counts: &apply.Counts{Failed: 1}})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines: %q", lines)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"@level": "info", "@message": "cp-01: backup done", "@timestamp": "2026-01-02T03:04:05Z",
		"type": "backup", "station": "cp-01", "phase": "done", "elapsed_seconds": 1.0, "path": "b.json"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if !strings.Contains(lines[1], `"counts":{`) || !strings.Contains(lines[1], `"@level":"error"`) {
		t.Errorf("summary line: %s", lines[1])
	}
}

func TestTextEventLine(t *testing.T) {
	for _, c := range []struct {
		e    apply.Event
		want string
	}{
		{apply.Event{Type: apply.EvBackup, Station: "cp-01", Message: "backup done", Done: true, Elapsed: 400 * time.Millisecond}, "cp-01: backup done (0.4 s)"},
		{apply.Event{Type: apply.EvWrite, Station: "cp-01", Level: apply.LevelError, Message: "refused"}, "error: cp-01: refused"},
		{apply.Event{Type: apply.EvSummary, Message: "Apply complete: 1 station changed."}, "Apply complete: 1 station changed."},
		{apply.Event{Type: apply.EvRestore, Level: apply.LevelWarn, Message: "not restored: chg_Debug"}, "warning: not restored: chg_Debug"},
	} {
		if got := eventLine(c.e); got != c.want {
			t.Errorf("eventLine = %q, want %q", got, c.want)
		}
	}
}

// An interrupt ends a question nobody answers: nothing is approved.
func TestPromptInterrupted(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	var out bytes.Buffer
	p := newPrompter(r, &out)
	p.terminal = true
	stop := make(chan struct{})
	p.stop = stop
	done := make(chan error)
	go func() {
		_, err := p.ApprovePlan(nil)
		done <- err
	}()
	close(stop)
	select {
	case err := <-done:
		if !errors.Is(err, apply.ErrInterrupted) {
			t.Errorf("ApprovePlan after an interrupt: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the question still waits for stdin after an interrupt")
	}
}

// printDiagnostics words the count of the warnings alike that model folds
// (model.FoldWarnings) and where they are all listed, as model did
// before: model names no command.
func TestPrintDiagnosticsFolded(t *testing.T) {
	alike := func(n int) hcl.Diagnostics {
		var diags hcl.Diagnostics
		for i := range n {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Secret written in clear", Detail: fmt.Sprint(i)})
		}
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad"})
	}
	const shown = "warning: Secret written in clear: 0\nwarning: Secret written in clear: 1\nwarning: Secret written in clear: 2\n"
	for _, tc := range []struct {
		diags hcl.Diagnostics
		want  string
	}{
		{alike(3), shown + "error: Bad\n"},
		{alike(4), shown + "error: Bad\nwarning: 1 more \"Secret written in clear\" warning not shown (ecc validate --format json lists them all)\n"},
		{alike(6), shown + "error: Bad\nwarning: 3 more \"Secret written in clear\" warnings not shown (ecc validate --format json lists them all)\n"},
		{nil, ""},
	} {
		var b strings.Builder
		printDiagnostics(&b, nil, tc.diags)
		if b.String() != tc.want {
			t.Errorf("%d diagnostics:\n%s\nwant:\n%s", len(tc.diags), b.String(), tc.want)
		}
	}
}
