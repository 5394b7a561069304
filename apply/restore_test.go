package apply

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan"
)

func TestRestoreFactoryThroughApply(t *testing.T) {
	r := newRig(t)
	f := r.fake("p1", "G1")
	path := writeSite(t, t.TempDir(), "factory.json", `{"chg_MinChargingCurrent": 10, "chg_StationMaxCurrent": "20"}`)
	set, _, diags := model.LoadFactory(path)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	desired := RestoreStation("restore-G1", "G1", path, set)
	o, _ := plan.Observe(context.Background(), f)
	st := plan.ComputeStation(desired, o, r.state)
	st.Port = "p1"
	if st.Blocked() || len(st.Changes) != 2 {
		t.Fatalf("restore plan: %+v %+v", st.Changes, st.Errors)
	}
	res := Run(context.Background(), []*Job{{Station: st, Desired: desired, State: r.state, Port: "p1"}}, r.opts())
	if res[0].Outcome != Changed || f.flashValue("chg_MinChargingCurrent") != "10" || f.flashValue("chg_StationMaxCurrent") != "20" {
		t.Fatalf("restore: %+v\n%s", res[0], r.out.String())
	}
	bad := writeSite(t, t.TempDir(), "bad.json", `{"chg_MinChargingCurrent": 10, "hw_WiringLimit": "63"}`)
	if _, _, diags := model.LoadFactory(bad); !diags.HasErrors() {
		t.Error("a factory file naming a forbidden key loads")
	}
}

func TestDecideLiftsOnlyTheJournalBlock(t *testing.T) {
	st := &plan.Station{Errors: []plan.Problem{{Class: plan.ProblemJournal, Message: "an apply of this station was interrupted (...)"}, {Key: "x", Message: "other"}}}
	jb := &Job{Station: st}
	Decide(jb, RecoverFinish)
	if len(st.Errors) != 1 || st.Errors[0].Key != "x" {
		t.Errorf("Decide left %v", st.Errors)
	}
	if !st.Resume {
		t.Error("finishing an interrupted apply is not work to do")
	}
}

// restore keeps its state where plan and apply keep it: in the state
// directory a backup was taken into, or the site's one beside or above
// the factory file; never in the working directory.
func TestRestoreStateDir(t *testing.T) {
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	site := t.TempDir()
	if err := os.MkdirAll(filepath.Join(site, ".ecc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		req  RestoreRequest
		want string
	}{
		{RestoreRequest{Factory: "sites/factory.json"}, filepath.Join("sites", ".ecc")},
		{RestoreRequest{Factory: filepath.Join(site, "factory", "evc5-ac.json")}, filepath.Join(site, ".ecc")},
		{RestoreRequest{Factory: filepath.Join(site, "evc5-ac.json")}, filepath.Join(site, ".ecc")},
		{RestoreRequest{Backup: "sites/.ecc/backups/G1/20261202T010203Z.json"}, abs(filepath.Join("sites", ".ecc"))},
		{RestoreRequest{Backup: "saved/backup.json"}, filepath.Join("saved", ".ecc")},
		{RestoreRequest{Backup: "sites/.ecc/backups/G1/x.json", StateDir: "elsewhere"}, "elsewhere"},
	} {
		if got := restoreStateDir(c.req); got != c.want {
			t.Errorf("restoreStateDir(%+v) = %q, want %q", c.req, got, c.want)
		}
	}
}

// A backup that does not read as JSON (cut short, edited by hand) is bad
// input: diagnostics at FILE:LINE:COL, as a factory file's are, and an
// error; nothing is sent.
func TestLoadRestoreBadBackupAtItsPlace(t *testing.T) {
	for _, c := range []struct {
		name, body string
		line, col  int
	}{
		{"cut short", "{\n  \"serial\": \"G1\",\n  \"values\": {\"chg_StationMaxCurrent\": \"32\",", 3, 44},
		{"a stray comma", "{\n  \"serial\": \"G1\",,\n  \"values\": {}\n}\n", 2, 18},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeSite(t, t.TempDir(), "backup.json", c.body)
			_, bk, sources, diags, err := LoadRestore(RestoreRequest{Backup: path})
			if err == nil || bk != nil {
				t.Fatalf("a bad backup loads: %v %+v", err, bk)
			}
			if !diags.HasErrors() || diags[0].Subject == nil {
				t.Fatalf("no diagnostic with a place: %v (error %v)", diags, err)
			}
			if s := diags[0].Subject; s.Filename != path || s.Start.Line != c.line || s.Start.Column != c.col {
				t.Errorf("at %s:%d:%d, want %s:%d:%d", s.Filename, s.Start.Line, s.Start.Column, path, c.line, c.col)
			}
			if _, ok := sources[path]; !ok {
				t.Error("no source for the snippet")
			}
		})
	}
}

// A backed-up secret kept as a fingerprint says how to set it again; an
// endpoint's, that a site file refuses its URL's password.
func TestHashedInBackup(t *testing.T) {
	for key, want := range map[string]string{
		"gsm_APN":      "gsm_APN: its backed-up value holds a secret that backups do not keep; set it again from a site file",
		"com_Endpoint": "com_Endpoint: its backed-up value holds a secret that backups do not keep; set it again from a site file (without the password in its URL, which site files refuse)",
	} {
		if got := hashedInBackup(key); got != want {
			t.Errorf("%s:\n got %s\nwant %s", key, got, want)
		}
	}
}
