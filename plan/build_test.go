package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/internal/ecctest"
	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

// fleet is a site of n stations in dir, with serials G10000.., ports
// /dev/fake<i>.
func fleet(dir string, n int, settings func(i int) []model.Setting) *model.Site {
	site := &model.Site{Name: "depot", File: filepath.Join(dir, "depot.hcl")}
	for i := range n {
		s := &model.Station{
			Name: fmt.Sprintf("cp-%02d", i+1), Serial: fmt.Sprintf("G%05d", 10000+i), Model: "EVC5.x",
			Port: fmt.Sprintf("/dev/fake%d", i), Site: site,
		}
		if settings != nil {
			s.Settings = settings(i)
		}
		site.Stations = append(site.Stations, s)
	}
	return site
}

// fakes connects ports to fake controllers.
type fakes map[string]*fakeController

func (fs fakes) connect(ctx context.Context, port string) (transport.Controller, error) {
	f, ok := fs[port]
	if !ok {
		return nil, errors.New("no such port")
	}
	return f, nil
}

func TestBuildPortPicksStationBySerial(t *testing.T) {
	dir := t.TempDir()
	site := fleet(dir, 3, func(i int) []model.Setting {
		return []model.Setting{setting(t, "chg_StationMaxCurrent", "25")}
	})
	f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32"})
	f.id.Serial = "G10001"
	opts := Options{Port: "/dev/ttyUSB9", Connect: fakes{"/dev/ttyUSB9": f}.connect, Now: func() time.Time { return t0 }}
	p, err := Build(context.Background(), []*model.Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stations) != 1 || p.Stations[0].Name != "cp-02" || p.Stations[0].Port != "/dev/ttyUSB9" {
		t.Fatalf("stations %+v", p.Stations)
	}
	if len(p.Stations[0].Changes) != 1 || f.hellos != 1 || f.gets != 1 || !f.closed {
		t.Errorf("changes %+v, hellos %d, gets %d, closed %v", p.Stations[0].Changes, f.hellos, f.gets, f.closed)
	}
	// The read was recorded as a snapshot beside the site file.
	if _, err := os.Stat(filepath.Join(dir, ".ecc", "snapshots", "G10001.json")); err != nil {
		t.Error(err)
	}
	// No station with that serial: the error names it and the file's.
	f.id.Serial = "G99999"
	_, err = Build(context.Background(), []*model.Site{site}, opts)
	if err == nil || !strings.Contains(err.Error(), "G99999") || !strings.Contains(err.Error(), "G10000, G10001, G10002") {
		t.Errorf("err = %v", err)
	}
	// --station filters: the controller must be that station.
	f.id.Serial = "G10001"
	opts.Stations = []string{"cp-03"}
	_, err = Build(context.Background(), []*model.Site{site}, opts)
	if err == nil || !strings.Contains(err.Error(), `"cp-03"`) {
		t.Errorf("err = %v", err)
	}
	opts.Stations = []string{"cp-99"}
	if _, err = Build(context.Background(), []*model.Site{site}, opts); err == nil || !strings.Contains(err.Error(), "cp-99") {
		t.Errorf("err = %v", err)
	}
}

func TestBuildOwnPortsThenOffline(t *testing.T) {
	dir := t.TempDir()
	site := fleet(dir, 3, func(i int) []model.Setting {
		return []model.Setting{setting(t, "chg_StationMaxCurrent", "25"), setting(t, "authorizationKey", "user:pw")}
	})
	site.Stations[2].Port = "" // no port: an error for that station only
	fs := fakes{}
	for i := range 2 {
		f := newFake(t, map[string]string{"chg_StationMaxCurrent": "32"})
		f.id.Serial = site.Stations[i].Serial
		fs[site.Stations[i].Port] = f
	}
	fs["/dev/fake1"].id.Serial = "G77777" // the wrong controller on cp-02's port
	now := t0
	opts := Options{Connect: fs.connect, Now: func() time.Time { return now }}
	p, err := Build(context.Background(), []*model.Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Stations); n != 3 {
		t.Fatalf("%d stations", n)
	}
	s1, s2, s3 := p.Stations[0], p.Stations[1], p.Stations[2]
	if s1.Blocked() || len(s1.Changes) != 2 {
		t.Errorf("cp-01: %+v", s1)
	}
	if !s2.Blocked() || !strings.Contains(s2.Errors[0].Message, "G77777") {
		t.Errorf("cp-02: %+v", s2.Errors)
	}
	if !s3.Blocked() || !strings.Contains(s3.Errors[0].Message, "no port") {
		t.Errorf("cp-03: %+v", s3.Errors)
	}

	// Offline, three days later: cp-01 from its snapshot, the others have none.
	now = t0.Add(72 * time.Hour)
	p, err = Build(context.Background(), []*model.Site{site}, Options{Offline: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	off := p.Stations[0]
	if !off.FromSnapshot || !off.ObservedAt.Equal(t0) || off.Fingerprint != s1.Fingerprint || len(off.Changes) != 2 {
		t.Errorf("offline cp-01: %+v", off)
	}
	// Never read: to commission, every managed key set, not an error.
	for _, s := range p.Stations[1:] {
		if s.Blocked() || !s.ToCommission || len(s.Changes) != len(site.Stations[1].Settings) {
			t.Errorf("%s: %+v", s.Name, s)
		}
		for _, c := range s.Changes {
			if c.Action != ActionSet || c.Before != "" {
				t.Errorf("%s: %+v", s.Name, c)
			}
		}
	}
	if s := p.Summarize(); s.ToCommission != 2 {
		t.Errorf("summary %+v: want 2 to commission", s)
	}

	// --max-age: a snapshot older than that is an error; a station never
	// read is still only to commission.
	for _, tc := range []struct {
		maxAge  time.Duration
		blocked bool
	}{{0, false}, {48 * time.Hour, true}, {96 * time.Hour, false}} {
		p, err := Build(context.Background(), []*model.Site{site}, Options{Offline: true, MaxAge: tc.maxAge, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Stations[0].Blocked(); got != tc.blocked || p.Stations[1].Blocked() {
			t.Errorf("--max-age %s: blocked %v %+v", tc.maxAge, got, p.Stations[0].Errors)
		}
		if tc.blocked && !strings.Contains(p.Stations[0].Errors[0].Message, "older than --max-age 48h0m0s") {
			t.Errorf("--max-age message: %s", p.Stations[0].Errors[0].Message)
		}
	}

	// After a successful apply (the hash of the written key recorded, the
	// controller holding the new values) the plan is empty.
	st, err := StateFor(site.File, Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := st.LoadSnapshot("G10000")
	snap.Hashes = map[string]string{"authorizationKey": st.Hash("user:pw")}
	if err := st.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	fs["/dev/fake0"].values["chg_StationMaxCurrent"] = "25"
	opts.Stations = []string{"cp-01"}
	p, err = Build(context.Background(), []*model.Site{site}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if p.Stations[0].HasChanges() || p.Stations[0].Blocked() {
		t.Errorf("plan after apply not empty: %+v", p.Stations[0])
	}
	// The new snapshot keeps the write-only hash.
	if snap, _ := st.LoadSnapshot("G10000"); !st.Matches(snap.Hashes["authorizationKey"], "user:pw") {
		t.Error("write-only hash lost from the snapshot")
	}
}

func TestBuildStateDirOverride(t *testing.T) {
	dir, stateDir := t.TempDir(), t.TempDir()
	site := fleet(dir, 1, nil)
	f := newFake(t, nil)
	f.id.Serial = "G10000"
	if _, err := Build(context.Background(), []*model.Site{site}, Options{StateDir: stateDir, Connect: fakes{"/dev/fake0": f}.connect}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(stateDir, "snapshots", "G10000.json")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".ecc")); err == nil {
		t.Error(".ecc created beside the site file despite --state-dir")
	}
}

func TestSaveLoadNoSecrets(t *testing.T) {
	dir := t.TempDir()
	secrets := []string{"user:Sup3rS3cret", "ApnPa55word"}
	site := fleet(dir, 1, func(int) []model.Setting {
		return []model.Setting{setting(t, "authorizationKey", secrets[0]), setting(t, "gsm_APN", "m2m.example,user,"+secrets[1]),
			setting(t, "chg_StationMaxCurrent", "25")}
	})
	f := newFake(t, map[string]string{"gsm_APN": "m2m.example,user,old", "chg_StationMaxCurrent": "32"})
	f.id.Serial = "G10000"
	p, err := Build(context.Background(), []*model.Site{site}, Options{Connect: fakes{"/dev/fake0": f}.connect, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Stations[0].Changes) != 3 {
		t.Fatalf("changes %+v", p.Stations[0].Changes)
	}
	path := filepath.Join(dir, "plan.json")
	if err := Save(path, p); err != nil {
		t.Fatal(err)
	}
	// No secret anywhere: the plan file, the state directory.
	err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range append(secrets, "old") {
			if s == "old" && !strings.Contains(path, "plan.json") {
				continue
			}
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds a secret (%q)", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A sensitive change carries no value a view could show (the views:
	// cmd/ecc's TestPlanViewsShowNoSecret), nor does the JSON form.
	for _, st := range p.Stations {
		for _, c := range st.Changes {
			if c.Sensitive && (c.Before != "" || c.After != "") {
				t.Errorf("%s: sensitive %s with a value shown", st.Name, c.Key)
			}
		}
	}
	a, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(a, []byte(s)) {
			t.Errorf("the plan's JSON form holds a secret:\n%s", a)
		}
	}
	ecctest.ValidatePlanJSON(t, mustRead(t, path))

	q, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// Save adds the folder it ran in (working_dir) and the state
	// directory ("" for the default); the rest round-trips.
	if wd, _ := os.Getwd(); q.WorkDir != wd {
		t.Errorf("working_dir %q, want %q", q.WorkDir, wd)
	}
	if q.StateDir == nil || *q.StateDir != "" {
		t.Errorf("state_dir %v, want \"\"", q.StateDir)
	}
	q.WorkDir, q.StateDir = "", nil
	b, _ := Marshal(q)
	if !bytes.Equal(a, b) {
		t.Errorf("round trip differs:\n%s\n%s", a, b)
	}
	qs := q.Stations[0]
	if qs.Name != "cp-01" || qs.Serial != "G10000" || qs.Fingerprint != p.Stations[0].Fingerprint || q.SiteFiles[0] != site.File {
		t.Errorf("loaded %+v", qs)
	}
	for _, c := range qs.Changes {
		switch c.Key {
		case "chg_StationMaxCurrent":
			if c.Value() != "25" {
				t.Errorf("value %q", c.Value())
			}
		default:
			if !c.Sensitive || c.Value() != "" || c.Secret == nil || c.SecretHash == "" {
				t.Errorf("loaded sensitive change %+v", c)
			}
		}
	}
	// A plan of another format version is refused.
	bad := bytes.Replace(mustRead(t, path), []byte(`"format_version": "1"`), []byte(`"format_version": "9"`), 1)
	_ = os.WriteFile(path, bad, 0o600)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("err = %v", err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestBuildPortsOneDeviceTwoNames: stations whose ports name one device
// two ways (a /dev/serial/by-id link and its tty; COM8 and 8 on Windows)
// are read one after another, as on one port: at once, the second found
// the port locked by this very run.
func TestBuildPortsOneDeviceTwoNames(t *testing.T) {
	dev, link := ecctest.DeviceTwoNames(t)
	site := fleet(t.TempDir(), 2, func(int) []model.Setting { return nil })
	site.Stations[0].Port, site.Stations[1].Port = dev, link
	var calls ecctest.InFlight
	connect := func(ctx context.Context, port string) (transport.Controller, error) {
		defer calls.Enter()()
		time.Sleep(50 * time.Millisecond)
		return nil, errors.New("no controller")
	}
	if _, err := Build(context.Background(), []*model.Site{site}, Options{Connect: connect, Now: func() time.Time { return t0 }}); err != nil {
		t.Fatal(err)
	}
	if calls.Most() != 1 {
		t.Errorf("%d stations of one device read at once", calls.Most())
	}
}
