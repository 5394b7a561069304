package apply_test

// Integration tests: the built ecc binary, run as a subprocess, against the
// simulated controller on a real pseudo-terminal (transport/sim.StartPTY),
// checking the simulator's persisted flash state.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/transport/sim"
	"github.com/ecotap-tools/ecc/transport/sim/simtest"
)

const itSecret = "ECOTAP-1802500:Integration-Secret-77"

func TestMain(m *testing.M) { os.Exit(ecctest.Run(m)) }

// quick are simulator options that keep the suite fast but keep the
// protocol's shape: boot banner, saves, reboots.
func quick(stateFile string) sim.Options {
	return sim.Options{
		StateFile:        stateFile,
		BootDelay:        20 * time.Millisecond,
		BannerLineDelay:  sim.NoDelay,
		SaveDelay:        30 * time.Millisecond,
		LogNoiseInterval: sim.NoDelay,
		NoThrottle:       false,
		Seed:             7,
	}
}

type env struct {
	t     *testing.T
	dir   string
	state string // simulator state file
	inst  *sim.Instance
	// stateDir is --state-dir for killMidApply, relative to dir; "" the
	// default (.ecc beside the site file).
	stateDir string
}

// journalDir is where the journals of e's applies are.
func (e *env) journalDir() string {
	return filepath.Join(e.dir, cmp.Or(e.stateDir, ".ecc"), "journal")
}

func start(t *testing.T, opts func(*sim.Options)) *env {
	t.Helper()
	ecctest.Binary(t) // built before the simulator runs, not in a test's timed steps
	e := &env{t: t, dir: t.TempDir()}
	e.state = filepath.Join(e.dir, "sim.json")
	o := quick(e.state)
	if opts != nil {
		opts(&o)
	}
	e.inst = simtest.PTY(t, o)
	return e
}

func (e *env) site(name, settings string) string {
	body := fmt.Sprintf("site \"it\" {}\n\nstation \"cp-01\" {\n  serial = %q\n  port = %q\n  settings {\n%s\n  }\n}\n",
		sim.DefaultSerial, e.inst.Path, settings)
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

type run struct {
	code           int
	stdout, stderr string
}

// command is ecc with args, run in the test's directory with the
// secret in its environment.
func (e *env) command(args ...string) *exec.Cmd {
	e.t.Helper()
	cmd := exec.Command(ecctest.Binary(e.t), args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "ECC_IT_AUTH="+itSecret, "NO_COLOR=1")
	return cmd
}

func (e *env) ecc(args ...string) run {
	e.t.Helper()
	cmd := e.command(args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	code, err := ecctest.ExitCode(cmd.Run())
	if err != nil {
		e.t.Fatal(err)
	}
	r := run{code, so.String(), se.String()}
	if leaksSecret([]byte(r.stdout + r.stderr)) {
		e.t.Errorf("ecc %v printed the secret", args)
	}
	return r
}

func (e *env) flash() map[string]string {
	e.t.Helper()
	st, err := sim.ReadState(e.state)
	if err != nil {
		e.t.Fatal(err)
	}
	return st.Values
}

// leaksSecret reports whether data holds the secret or its password part.
func leaksSecret(data []byte) bool {
	_, password, _ := strings.Cut(itSecret, ":")
	return bytes.Contains(data, []byte(itSecret)) || bytes.Contains(data, []byte(password))
}

// noSecretInFiles scans every file under the test directory (state,
// backups, journals, saved plans) except the simulated controller's own
// flash, which holds the key as a real controller does.
func (e *env) noSecretInFiles() {
	filepath.Walk(e.dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && p != e.state {
			data, _ := os.ReadFile(p)
			if leaksSecret(data) {
				e.t.Errorf("secret stored in %s", p)
			}
		}
		return nil
	})
}

// journalAt reports whether the journal exists and is at step (or, for
// "", at any step).
func (e *env) journalAt(step string) bool {
	m, _ := filepath.Glob(filepath.Join(e.journalDir(), "*.json"))
	if len(m) == 0 {
		return false
	}
	data, _ := os.ReadFile(m[0])
	return step == "" || bytes.Contains(data, []byte(`"step": "`+step+`"`))
}

func (e *env) journal() bool {
	m, _ := filepath.Glob(filepath.Join(e.journalDir(), "*.json"))
	return len(m) > 0
}

const goodSettings = `    chg_StationMaxCurrent = 25
    chg_RatedCurrent      = [20, 20]
    com_Options           = { useTLS = 1 }
    authorizationKey      = env("ECC_IT_AUTH")`

func (e *env) expectApplied(extra map[string]string) {
	e.t.Helper()
	want := map[string]string{"chg_StationMaxCurrent": "25", "chg_RatedCurrent": "20,20", "authorizationKey": itSecret}
	maps.Copy(want, extra)
	got := e.flash()
	for k, v := range want {
		if got[k] != v {
			e.t.Errorf("flash %s = %q, want %q", k, got[k], v)
		}
	}
	if !strings.Contains(got["com_Options"], "useTLS=1") {
		e.t.Errorf("flash com_Options = %q", got["com_Options"])
	}
	if e.journal() {
		e.t.Error("journal left after a successful apply")
	}
	e.noSecretInFiles()
}

func TestITApply(t *testing.T) {
	e := start(t, nil)
	site := e.site("site.hcl", goodSettings)
	r := e.ecc("apply", site, "--auto-approve")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	e.expectApplied(nil)
	for _, s := range []string{"backup done", "saved", "rebooted", "verified", "Apply complete: 1 station changed."} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	// Applying again: nothing to do.
	r = e.ecc("apply", site, "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to apply") {
		t.Errorf("second apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// No terminal and no --auto-approve: refused, nothing sent.
	site2 := e.site("site2.hcl", "    chg_MinChargingCurrent = 8")
	r = e.ecc("apply", site2)
	if r.code != 1 || !strings.Contains(r.stderr, "--auto-approve") || e.flash()["chg_MinChargingCurrent"] != "6" {
		t.Errorf("apply without terminal: exit %d\n%s", r.code, r.stderr)
	}
	// JSON events.
	r = e.ecc("apply", site2, "--auto-approve", "--format", "json")
	if r.code != 0 {
		t.Fatalf("json apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil || m["@timestamp"] == nil || m["type"] == nil {
			t.Errorf("not an event line: %q", line)
		}
	}
}

func TestITRejectionAllOrNothing(t *testing.T) {
	e := start(t, nil)
	// A first apply creates the state file with the factory state.
	e.ecc("apply", e.site("a.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve")
	before := e.flash()
	r := e.ecc("apply", e.site("b.hcl", `    chg_MinChargingCurrent = 8
    chg_RatedCurrent = [20, 20]
    chg_StationMaxCurrent = 40`), "--auto-approve")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, s := range []string{"chg_StationMaxCurrent", "Rejected", "the station is as it was"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
	if after := e.flash(); !maps.Equal(before, after) {
		for k := range after {
			if before[k] != after[k] {
				t.Errorf("%s: %q -> %q", k, before[k], after[k])
			}
		}
	}
	if e.journal() {
		t.Error("journal left after a complete rollback")
	}
}

func TestITNoiseAndPowerOn(t *testing.T) {
	e := start(t, func(o *sim.Options) {
		o.Noise = 0.03
		o.PowerOnDelay = 1500 * time.Millisecond
	})
	r := e.ecc("apply", e.site("site.hcl", goodSettings), "--auto-approve")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	e.expectApplied(nil)
}

func TestITStaleSavedPlan(t *testing.T) {
	e := start(t, nil)
	site := e.site("site.hcl", "    chg_StationMaxCurrent = 25")
	r := e.ecc("plan", site, "-out", "plan.json")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	// The controller changes meanwhile.
	if r := e.ecc("apply", e.site("other.hcl", "    chg_MinChargingCurrent = 8"), "--auto-approve"); r.code != 0 {
		t.Fatalf("other apply: %s", r.stderr)
	}
	before := e.flash()
	r = e.ecc("apply", "plan.json")
	if r.code != 1 || !strings.Contains(r.stderr, "stale") {
		t.Fatalf("stale plan: exit %d\n%s", r.code, r.stderr)
	}
	if !maps.Equal(before, e.flash()) {
		t.Error("a stale plan changed the controller")
	}
	// A fresh saved plan applies without a question.
	e.ecc("plan", site, "-out", "plan.json")
	if r := e.ecc("apply", "plan.json"); r.code != 0 || e.flash()["chg_StationMaxCurrent"] != "25" {
		t.Fatalf("fresh plan: exit %d\n%s", r.code, r.stderr)
	}
}

// killMidApply starts an apply, kills it (SIGKILL) as soon as its journal
// appears, and returns the flash state from before.
func (e *env) killMidApply(site, atStep string) (before map[string]string, changed bool) {
	e.t.Helper()
	var dir []string
	if e.stateDir != "" {
		dir = []string{"--state-dir", e.stateDir}
	}
	e.ecc(append([]string{"apply", e.site("init.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve"}, dir...)...)
	before = e.flash()
	cmd := e.command(append([]string{"apply", site, "--auto-approve"}, dir...)...)
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !e.journalAt(atStep) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			e.t.Fatalf("no journal at step %q appeared", atStep)
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	m, _ := filepath.Glob(filepath.Join(e.journalDir(), "*.json"))
	if len(m) == 0 {
		e.t.Fatal("journal gone after kill -9")
	}
	var j struct {
		Step    string   `json:"step"`
		Written []string `json:"written"`
	}
	data, _ := os.ReadFile(m[0])
	json.Unmarshal(data, &j)
	time.Sleep(500 * time.Millisecond) // the controller saves what it stored
	changed = !maps.Equal(before, e.flash())
	e.t.Logf("killed at step %q, written %v; flash changed: %v", j.Step, j.Written, changed)
	return before, changed
}

func TestITKillThenFinish(t *testing.T) {
	e := start(t, func(o *sim.Options) { o.SaveDelay = 300 * time.Millisecond })
	site := e.site("site.hcl", goodSettings)
	e.killMidApply(site, "")
	// A plan shows the interrupted apply.
	if r := e.ecc("plan", site); !strings.Contains(r.stdout+r.stderr, "interrupted") {
		t.Errorf("plan does not mention the interrupted apply:\n%s%s", r.stdout, r.stderr)
	}
	// Cancel: the station is left alone, the journal stays.
	if r := e.ecc("apply", site, "--auto-approve", "--on-interrupted=cancel"); r.code != 1 || !e.journal() {
		t.Errorf("cancel: exit %d, journal %v\n%s", r.code, e.journal(), r.stderr)
	}
	t0 := time.Now()
	r := e.ecc("apply", site, "--auto-approve", "--on-interrupted=finish")
	t.Logf("finish took %s:\n%s", time.Since(t0), r.stderr)
	if r.code != 0 {
		t.Fatalf("finish: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	e.expectApplied(nil)
}

func TestITKillThenRollback(t *testing.T) {
	e := start(t, func(o *sim.Options) { o.SaveDelay = 300 * time.Millisecond })
	site := e.site("site.hcl", `    chg_StationMaxCurrent = 25
    chg_RatedCurrent      = [20, 20]
    chg_MinChargingCurrent = 8`)
	before, changed := e.killMidApply(site, "save")
	if !changed {
		t.Fatal("the killed apply changed nothing: the test proves nothing")
	}
	r := e.ecc("apply", site, "--auto-approve", "--on-interrupted=rollback")
	if r.code != 0 {
		t.Fatalf("rollback: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if after := e.flash(); !maps.Equal(before, after) {
		t.Errorf("after rollback:\n%v\nwant\n%v", after, before)
	}
	if e.journal() {
		t.Error("journal left after rollback")
	}
}

// TestITKillThenPrintedRecovery: after a kill -9 mid-save, the commands
// plan prints to finish or roll back work as printed, with the state
// directory the journal is in. The apply command left out --state-dir:
// run as printed it found no journal ("Nothing to apply") and left it.
func TestITKillThenPrintedRecovery(t *testing.T) {
	for _, c := range []struct {
		name, stateDir string
		restore        bool // the restore command rather than the apply
	}{
		{"default state directory", "", false},
		{"--state-dir", "s4", false},
		{"--state-dir, restore", "s4", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, func(o *sim.Options) { o.SaveDelay = 300 * time.Millisecond })
			e.stateDir = c.stateDir
			site := e.site("m24.hcl", "    chg_StationMaxCurrent = 24")
			before, _ := e.killMidApply(site, "save")
			args := []string{"plan", "m24.hcl"}
			if c.stateDir != "" {
				args = append(args, "--state-dir", c.stateDir)
			}
			r := e.ecc(args...)
			printed := regexp.MustCompile("`(ecc (apply|restore) [^`]*)`").FindAllStringSubmatch(r.stdout, -1)
			if len(printed) != 2 {
				t.Fatalf("plan printed %d commands:\n%s", len(printed), r.stdout)
			}
			cmdline := printed[0][1]
			if c.restore {
				cmdline = printed[1][1]
			}
			if want := "--state-dir " + c.stateDir; c.stateDir != "" && !c.restore && !strings.Contains(cmdline, want) {
				t.Errorf("%q lacks %q", cmdline, want)
			}
			// As printed, answering on no terminal.
			r = e.ecc(append(strings.Fields(cmdline)[1:], "--auto-approve")...)
			if r.code != 0 || e.journal() {
				t.Fatalf("%s: exit %d, journal left %v\n%s%s", cmdline, r.code, e.journal(), r.stdout, r.stderr)
			}
			want := "24"
			if c.restore {
				want = before["chg_StationMaxCurrent"]
			}
			if got := e.flash()["chg_StationMaxCurrent"]; got != want {
				t.Errorf("after %s: chg_StationMaxCurrent %q, want %q", cmdline, got, want)
			}
		})
	}
}

func TestITRestore(t *testing.T) {
	e := start(t, nil)
	e.ecc("apply", e.site("a.hcl", "    chg_MinChargingCurrent = 6"), "--auto-approve")
	orig := e.flash()
	factory := filepath.Join(e.dir, "factory.json")
	os.WriteFile(factory, []byte(`{"chg_MinChargingCurrent": 10, "chg_RatedCurrent": "16,16", "grid_Role": "Station_ctrl"}`), 0o644)
	r := e.ecc("restore", "--port", e.inst.Path, "--factory", factory, "--auto-approve")
	if r.code != 0 || e.flash()["chg_MinChargingCurrent"] != "10" {
		t.Fatalf("restore factory: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// A restore says so in its closing line, not "Apply complete".
	if !strings.Contains(r.stderr, "Restore complete: 1 station changed.") || strings.Contains(r.stderr, "Apply complete") {
		t.Errorf("closing line of a restore:\n%s", r.stderr)
	}
	// A factory file naming a forbidden key: refused, nothing sent.
	bad := filepath.Join(e.dir, "bad.json")
	os.WriteFile(bad, []byte(`{"chg_MinChargingCurrent": 7, "HeartbeatInterval": "60"}`), 0o644)
	before := e.flash()
	r = e.ecc("restore", "--port", e.inst.Path, "--factory", bad, "--auto-approve")
	if r.code != 1 || !strings.Contains(r.stderr, "HeartbeatInterval") || !maps.Equal(before, e.flash()) {
		t.Fatalf("bad factory: exit %d\n%s", r.code, r.stderr)
	}
	// Restore from the backup taken before the factory restore.
	backups, _ := filepath.Glob(filepath.Join(e.dir, ".ecc", "backups", sim.DefaultSerial, "*.json"))
	if len(backups) == 0 {
		t.Fatal("no backup")
	}
	r = e.ecc("restore", "--port", e.inst.Path, "--backup", backups[0], "--auto-approve")
	if r.code != 0 {
		t.Fatalf("restore backup: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The backup's OCPP keys are the controller's still: none is left for
	// the gateway (the cable reads them).
	if out := r.stdout + r.stderr; strings.Contains(out, "left for the gateway") {
		t.Errorf("restore of a backup over the cable left OCPP keys the controller holds for the gateway:\n%s", out)
	}
	if got := e.flash()["chg_MinChargingCurrent"]; got != orig["chg_MinChargingCurrent"] {
		t.Errorf("after restoring the backup chg_MinChargingCurrent = %q, want %q", got, orig["chg_MinChargingCurrent"])
	}
}

func TestITImportRoundTrip(t *testing.T) {
	e := start(t, nil)
	for _, format := range []string{"hcl", "yaml"} {
		r := e.ecc("import", "--port", e.inst.Path, "--format", format, "--name", "cp-01")
		if r.code != 0 {
			t.Fatalf("import %s: exit %d\n%s", format, r.code, r.stderr)
		}
		// Saved exactly as printed (ecc import --port P > imported.hcl).
		file := filepath.Join(e.dir, "imported."+format)
		os.WriteFile(file, []byte(r.stdout), 0o644)
		p := e.ecc("plan", file, "--port", e.inst.Path, "--detailed-exitcode")
		if p.code != 0 {
			t.Errorf("plan of the imported %s: exit %d\n%s\n%s\n%s", format, p.code, r.stdout, p.stdout, p.stderr)
		}
	}
}

// TestITEditedSavedPlan: a saved plan is text anyone may edit between
// review and apply. Each change alone passes the dictionary's checks, but
// the plan must still be what its site file plans on this controller: a
// key the site file does not set (a minimum charging current above the
// rated current), or a change dropped from a pair the cross-key rules
// tie together, was written and verified.
func TestITEditedSavedPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	for _, c := range []struct {
		name, settings string
		edit           func(changes []any) []any
	}{
		{"a key the site file does not set", "    chg_StationMaxCurrent = 25", func(ch []any) []any {
			c := ch[0].(map[string]any)
			c["key"], c["before"], c["after"] = "chg_MinChargingCurrent", "6", "26"
			return ch
		}},
		{"a change dropped from a pair", "    chg_RatedCurrent = [32, 32]\n    chg_MinChargingCurrent = 20", func(ch []any) []any {
			return slices.DeleteFunc(ch, func(c any) bool { return c.(map[string]any)["key"] == "chg_RatedCurrent" })
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := start(t, nil)
			site := e.site("site.hcl", c.settings)
			if r := e.ecc("plan", site, "-out", "plan.json"); r.code != 0 {
				t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
			}
			path := filepath.Join(e.dir, "plan.json")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var p map[string]any
			if err := json.Unmarshal(data, &p); err != nil {
				t.Fatal(err)
			}
			st := p["stations"].([]any)[0].(map[string]any)
			st["changes"] = c.edit(st["changes"].([]any))
			if data, err = json.Marshal(p); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			before := e.flash()
			snap := filepath.Join(e.dir, ".ecc", "snapshots", sim.DefaultSerial+".json")
			snapBefore, err := os.ReadFile(snap)
			if err != nil {
				t.Fatal(err)
			}
			r := e.ecc("apply", "plan.json")
			if r.code != 1 || !strings.Contains(r.stderr, "does not match its site file") {
				t.Fatalf("edited plan: exit %d\n%s", r.code, r.stderr)
			}
			if !maps.Equal(before, e.flash()) {
				t.Error("an edited plan changed the controller")
			}
			// The check is no plan: it records no snapshot.
			if after, err := os.ReadFile(snap); err != nil || !bytes.Equal(after, snapBefore) {
				t.Errorf("the refused apply rewrote the snapshot (%v)", err)
			}
		})
	}
}

// TestITSavedPlanOptionsFromEnv: a name=value list the site file sets in
// part from env() (sensitive, as every value from the environment) is
// merged into the controller's list; apply PLAN resolved it unmerged,
// and refused its own plan: "the secret of com_Options changed".
func TestITSavedPlanOptionsFromEnv(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	t.Setenv("ECC_IT_OPTS", "Events=0")
	e := start(t, nil)
	site := e.site("site.hcl", `    com_Options = env("ECC_IT_OPTS")`)
	if r := e.ecc("plan", site, "-out", "plan.json"); r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	if r := e.ecc("apply", "plan.json"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := e.ecc("plan", site, "--detailed-exitcode"); r.code != 0 {
		t.Fatalf("plan after apply: exit %d\n%s", r.code, r.stdout)
	}
}
