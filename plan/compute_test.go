package plan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

func pin(t testing.TB, version string, locked bool, models ...string) *model.FirmwarePin {
	t.Helper()
	v, err := model.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	if models == nil {
		models = []string{"EVC4", "EVC5", "ECC"}
	}
	return &model.FirmwarePin{
		Version: v, File: "sites/firmware/" + version + ".bin", SHA256: strings.Repeat("9f", 32),
		Locked: locked, Header: model.FirmwareHeader{Version: v, Models: models}, Size: 65536,
	}
}

func TestComputeStation(t *testing.T) {
	type want struct {
		changes  []Change // Key, Action, Before, After, Sensitive, RebootRequired compared
		errors   []string // substrings, in order
		errKeys  []string // the Key of each error ("" for none)
		firmware string   // action
		reason   string   // substring of the firmware reason
		warnings int
	}
	const secret = "user:Sup3rS3cret"
	cases := []struct {
		name     string
		settings []model.Setting
		ctrl     map[string]string // controller overrides
		unknown  []string
		model    string // station model; default EVC5.x
		fwPin    *model.FirmwarePin
		running  string // controller firmware; default V32R16
		hashes   func(st *record.State) map[string]string
		journal  *record.Journal
		want     want
	}{
		{
			name:     "no change by semantic equality",
			settings: []model.Setting{setting(t, "chg_RatedCurrent", "16, 16"), setting(t, "com_ProtType", "OCPP1.6J")},
			ctrl:     map[string]string{"chg_RatedCurrent": "16,16", "com_ProtType": "OCPP1.6J"},
		},
		{
			name:     "update",
			settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "25"), setting(t, "com_Endpoint", "wss://devices.ecotap.com/ocpp/#SN#")},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "32", "com_Endpoint": "ws.evc.net:80/#SN#"},
			want: want{changes: []Change{
				{Key: "chg_StationMaxCurrent", Action: ActionUpdate, Before: "32", After: "25"},
				{Key: "com_Endpoint", Action: ActionUpdate, Before: "ws.evc.net:80/#SN#", After: "wss://devices.ecotap.com/ocpp/#SN#", RebootRequired: true},
			}},
		},
		{
			name:     "option merge: named options only, no change",
			settings: []model.Setting{setting(t, "com_Options", "Events=1,useTLS=1")},
		},
		{
			name:     "option merge: one option differs",
			settings: []model.Setting{setting(t, "chg_Ch1Options", "PlugAndCharge=1")},
			want: want{changes: []Change{{Key: "chg_Ch1Options", Action: ActionUpdate,
				Before: "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0",
				After:  "PlugAndCharge=1,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0"}}},
		},
		{
			name:     "write-only key without a hash: set",
			settings: []model.Setting{setting(t, "authorizationKey", secret)},
			want:     want{changes: []Change{{Key: "authorizationKey", Action: ActionSet, Sensitive: true, RebootRequired: true}}},
		},
		{
			name:     "write-only key whose hash equals: no change",
			settings: []model.Setting{setting(t, "authorizationKey", secret)},
			hashes: func(st *record.State) map[string]string {
				return map[string]string{"authorizationKey": st.Hash(secret)}
			},
		},
		{
			name:     "write-only key whose hash differs: set",
			settings: []model.Setting{setting(t, "authorizationKey", secret)},
			hashes: func(st *record.State) map[string]string {
				return map[string]string{"authorizationKey": st.Hash("user:old")}
			},
			want: want{changes: []Change{{Key: "authorizationKey", Action: ActionSet, Sensitive: true, RebootRequired: true}}},
		},
		{
			name:     "readable secret (gsm_APN password)",
			settings: []model.Setting{setting(t, "gsm_APN", "m2m.example,user,newpass")},
			ctrl:     map[string]string{"gsm_APN": "m2m.example,user,oldpass"},
			want:     want{changes: []Change{{Key: "gsm_APN", Action: ActionUpdate, Sensitive: true, RebootRequired: true}}},
		},
		{
			name:     "readable secret equal",
			settings: []model.Setting{setting(t, "gsm_APN", "m2m.example,user,pass")},
			ctrl:     map[string]string{"gsm_APN": "m2m.example,user,pass"},
		},
		{
			name:     "unknownKey",
			settings: []model.Setting{setting(t, "chg_KWH3", "EASTR_SDM72D,3,9600,N,1"), setting(t, "grid_Role", "Station_ctrl")},
			unknown:  []string{"chg_KWH3"},
			want:     want{errors: []string{"unknownKey"}, errKeys: []string{"chg_KWH3"}},
		},
		{
			name:     "key outside the writable classes (guard)",
			settings: []model.Setting{setting(t, "HeartbeatInterval", "300"), setting(t, "cal_Offset", "3")},
			want: want{errors: []string{"OCPP backend", "damage the controller"},
				errKeys: []string{"HeartbeatInterval", "cal_Offset"}},
		},
		{
			name:     "cross-key with a controller value: authorizationKey while useTLS=0",
			settings: []model.Setting{setting(t, "authorizationKey", secret)},
			ctrl:     map[string]string{"com_Options": "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0"},
			want: want{
				changes: []Change{{Key: "authorizationKey", Action: ActionSet, Sensitive: true, RebootRequired: true}},
				errors:  []string{"useTLS"}, errKeys: []string{"authorizationKey"},
			},
		},
		{
			name:     "cross-key: merged option fixes it",
			settings: []model.Setting{setting(t, "authorizationKey", secret), setting(t, "com_Options", "useTLS=1")},
			ctrl:     map[string]string{"com_Options": "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0"},
			want: want{changes: []Change{
				{Key: "authorizationKey", Action: ActionSet, Sensitive: true, RebootRequired: true},
				{Key: "com_Options", Action: ActionUpdate,
					Before: "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0",
					After:  "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=1,comMaster=0", RebootRequired: true},
			}},
		},
		{
			name:     "cross-key: minimum above the controller's rated current",
			settings: []model.Setting{setting(t, "chg_MinChargingCurrent", "20")},
			ctrl:     map[string]string{"chg_RatedCurrent": "16,16", "chg_MinChargingCurrent": "6"},
			want: want{
				changes: []Change{{Key: "chg_MinChargingCurrent", Action: ActionUpdate, Before: "6", After: "20"}},
				errors:  []string{"chg_RatedCurrent"}, errKeys: []string{"chg_MinChargingCurrent"},
			},
		},
		{
			name:     "controller value that does not decode",
			settings: []model.Setting{setting(t, "chg_StationMaxCurrent", "25")},
			ctrl:     map[string]string{"chg_StationMaxCurrent": "abc"},
			want: want{changes: []Change{{Key: "chg_StationMaxCurrent", Action: ActionUpdate, Before: "abc", After: "25"}},
				warnings: 1},
		},
		{
			name:  "model family mismatch",
			model: "EVC4.x",
			want:  want{errors: []string{"EVC4.x"}, errKeys: []string{""}},
		},
		{name: "firmware: no pin", want: want{firmware: FirmwareNone}},
		{name: "firmware: equal", fwPin: pin(t, "V32R16", false), want: want{firmware: FirmwareNone}},
		{name: "firmware: upgrade", fwPin: pin(t, "V32R17", false), want: want{firmware: FirmwareUpgrade}},
		{name: "firmware: major upgrade", fwPin: pin(t, "V33R1", false), want: want{firmware: FirmwareUpgrade}},
		{name: "firmware: downgrade refused", fwPin: pin(t, "V32R15", false), want: want{firmware: FirmwareRefused, reason: "downgrade"}},
		{name: "firmware: image for another family refused", fwPin: pin(t, "V32R17", false, "EVC4", "ECC"),
			want: want{firmware: FirmwareRefused, reason: "EVC4, ECC"}},
		{name: "firmware: locked and different refused", fwPin: pin(t, "V32R17", true),
			want: want{firmware: FirmwareRefused, reason: "custom firmware that must never be changed"}},
		{name: "firmware: locked older refused", fwPin: pin(t, "V31R2", true),
			want: want{firmware: FirmwareRefused, reason: "custom firmware that must never be changed"}},
		{name: "firmware: locked and equal", fwPin: pin(t, "V32R16", true), want: want{firmware: FirmwareNone}},
		{name: "firmware: controller reports no version", fwPin: pin(t, "V32R17", false), running: "custom-7",
			want: want{firmware: FirmwareRefused, reason: "custom-7"}},
		{
			name: "journal of an interrupted apply",
			journal: &record.Journal{Serial: "G48229", Station: "cp-01", StartedAt: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC),
				Step: "write", Backup: ".ecc/backups/G48229/20261124T080000Z.json", Keys: []string{"a", "b"}, Written: []string{"a"}},
			// The commands in full: TestJournalProblemCommands.
			want: want{errors: []string{"interrupted (started 2026-11-24 08:00 UTC, at step \"write\", 1 of 2 keys written): run `ecc apply sites/depot.hcl --station cp-01 --port /dev/ttyUSB0 "},
				errKeys: []string{""}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := testState(t)
			f := newFake(t, tc.ctrl)
			for _, k := range tc.unknown {
				delete(f.values, k)
			}
			if tc.running != "" {
				f.id.Firmware = tc.running
			}
			o := observe(t, f)
			if tc.hashes != nil {
				o.Hashes = tc.hashes(st)
			}
			if tc.journal != nil {
				if err := st.SaveJournal(tc.journal); err != nil {
					t.Fatal(err)
				}
			}
			s := station(tc.settings...)
			if tc.model != "" {
				s.Model = tc.model
			}
			s.Firmware = tc.fwPin
			got := ComputeStation(s, o, st)
			if tc.journal != nil {
				// Build adds the journal's block after comparing; the
				// comparison alone must not (apply recomputes a station
				// while its own journal exists).
				if len(got.Errors) != 0 {
					t.Fatalf("ComputeStation reported the journal itself: %+v", got.Errors)
				}
				journalProblem(got, st)
				if len(got.Errors) != 1 || got.Errors[0].Class != ProblemJournal {
					t.Fatalf("journal problem = %+v, want one of class %q", got.Errors, ProblemJournal)
				}
				got.Errors[0].Class = ""
			}

			var gotChanges []Change
			for _, c := range got.Changes {
				if c.Sensitive {
					if c.Before != "" || c.After != "" {
						t.Errorf("%s: sensitive change carries before/after", c.Key)
					}
					if c.SecretHash == "" || c.Secret == nil {
						t.Errorf("%s: sensitive change without secret ref/hash: %+v", c.Key, c)
					}
				}
				if c.Value() == "" {
					t.Errorf("%s: no value to write", c.Key)
				}
				gotChanges = append(gotChanges, Change{Key: c.Key, Action: c.Action, Before: c.Before, After: c.After,
					Sensitive: c.Sensitive, RebootRequired: c.RebootRequired})
			}
			slices.SortFunc(gotChanges, func(a, b Change) int { return strings.Compare(a.Key, b.Key) })
			if !slices.Equal(gotChanges, tc.want.changes) {
				t.Errorf("changes:\n got %+v\nwant %+v", gotChanges, tc.want.changes)
			}
			if len(got.Errors) != len(tc.want.errors) {
				t.Fatalf("errors: got %+v, want %d matching %q", got.Errors, len(tc.want.errors), tc.want.errors)
			}
			for i, e := range got.Errors {
				if !strings.Contains(e.Message, tc.want.errors[i]) {
					t.Errorf("error %d: %q does not contain %q", i, e.Message, tc.want.errors[i])
				}
				if e.Key != tc.want.errKeys[i] {
					t.Errorf("error %d: key %q, want %q (%s)", i, e.Key, tc.want.errKeys[i], e.Message)
				}
			}
			fw := tc.want.firmware
			if fw == "" {
				fw = FirmwareNone
			}
			if got.Firmware.Action != fw || !strings.Contains(got.Firmware.Reason, tc.want.reason) {
				t.Errorf("firmware: got %+v, want %s with reason containing %q", got.Firmware, fw, tc.want.reason)
			}
			if tc.fwPin != nil && (got.Firmware.File != tc.fwPin.File || got.Firmware.SHA256 != tc.fwPin.SHA256 ||
				got.Firmware.Size != tc.fwPin.Size || got.Firmware.Locked != tc.fwPin.Locked || got.Firmware.Desired != tc.fwPin.Version.String()) {
				t.Errorf("firmware pin not carried: %+v", got.Firmware)
			}
			if len(got.Warnings) != tc.want.warnings {
				t.Errorf("warnings: got %q, want %d", got.Warnings, tc.want.warnings)
			}
			if got.Fingerprint == "" || got.Model != "EVC5.1" || !got.ObservedAt.Equal(t0) {
				t.Errorf("observation not recorded: %+v", got)
			}
			for _, e := range got.Errors {
				if strings.Contains(e.Message, secret) {
					t.Errorf("secret in error message %q", e.Message)
				}
			}
		})
	}
}

func TestSecretChangeDetails(t *testing.T) {
	st := testState(t)
	o := observe(t, newFake(t, nil))
	got := ComputeStation(station(setting(t, "authorizationKey", "user:pw")), o, st)
	if len(got.Changes) != 1 {
		t.Fatalf("changes %+v", got.Changes)
	}
	c := got.Changes[0]
	if c.Value() != "user:pw" || c.SecretHash != st.Hash("user:pw") || c.Secret.Name != "ECC_AUTHORIZATIONKEY" {
		t.Errorf("change %+v, value %q", c, c.Value())
	}
}

func TestObserveReadsOnce(t *testing.T) {
	f := newFake(t, nil)
	o, err := Observe(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if f.hellos != 1 || f.gets != 1 {
		t.Errorf("hello %d times, get %d times; want 1 and 1 (Get batches itself)", f.hellos, f.gets)
	}
	if !slices.Equal(f.gotKeys, ReadKeys()) {
		t.Errorf("read %v, want %v", f.gotKeys, ReadKeys())
	}
	if slices.Contains(ReadKeys(), "gsm_SigQ") || !slices.Contains(ReadKeys(), "authorizationKey") || len(ReadKeys()) != 25 {
		t.Errorf("ReadKeys = %v", ReadKeys())
	}
	if !slices.Equal(o.WriteOnly, []string{"authorizationKey"}) || len(o.Unknown) != 0 || o.Values["chg_RatedCurrent"] != "16,16" {
		t.Errorf("observation %+v", o)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	st := testState(t)
	f := newFake(t, map[string]string{"gsm_APN": "m2m.example,user,Pa55word", "chg_RatedCurrent": "16, 16"})
	o := observe(t, f)
	prev := &record.Snapshot{Serial: "G48229", Hashes: map[string]string{"authorizationKey": st.Hash("user:pw"), "gsm_APN": "sha256:old"}}
	snap := SnapshotOf(o, prev, st)
	if err := st.SaveSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if snap.Values["gsm_APN"] != "m2m.example,user,(sensitive)" || !st.Matches(snap.Hashes["gsm_APN"], "m2m.example,user,Pa55word") {
		t.Errorf("gsm_APN stored as %q / %q", snap.Values["gsm_APN"], snap.Hashes["gsm_APN"])
	}
	if !st.Matches(snap.Hashes["authorizationKey"], "user:pw") {
		t.Error("write-only hash not kept from the previous snapshot")
	}
	if snap.Values["chg_RatedCurrent"] != "16,16" {
		t.Errorf("not canonical: %q", snap.Values["chg_RatedCurrent"])
	}
	loaded, err := st.LoadSnapshot("G48229")
	if err != nil {
		t.Fatal(err)
	}
	off := FromSnapshot(loaded)
	if Fingerprint(off, st) != Fingerprint(o, st) {
		t.Error("a snapshot's fingerprint differs from the live read's")
	}
	// The same plan from the live read and from the snapshot.
	s := station(setting(t, "gsm_APN", "m2m.example,user,Pa55word"), setting(t, "chg_StationMaxCurrent", "30"),
		setting(t, "authorizationKey", "user:pw"))
	live := ComputeStation(s, o, st)
	o.Hashes = writeOnlyHashes(prev.Hashes)
	live = ComputeStation(s, o, st)
	offline := ComputeStation(s, off, st)
	if !slices.Equal(live.Changes, offline.Changes) || len(offline.Changes) != 1 {
		t.Errorf("live %+v\noffline %+v", live.Changes, offline.Changes)
	}
	if !offline.FromSnapshot || offline.Fingerprint != live.Fingerprint {
		t.Error("offline station not marked or fingerprint differs")
	}
	// A changed password shows offline too.
	s2 := station(setting(t, "gsm_APN", "m2m.example,user,other"))
	if c := ComputeStation(s2, off, st).Changes; len(c) != 1 || !c[0].Sensitive {
		t.Errorf("offline secret change: %+v", c)
	}
	// Changing one value changes the fingerprint.
	f.values["chg_StationMaxCurrent"] = "31"
	if Fingerprint(observe(t, f), st) == Fingerprint(o, st) {
		t.Error("fingerprint ignores a value")
	}
}

// Over OCPP a station may report its product name as chargePointModel; the
// site file's declared family then stands in for the family checks, and
// the plan says so. Over the cable hello's model is never second-guessed.
func TestComputeStationReportedModel(t *testing.T) {
	cases := []struct {
		name     string
		ch       model.Channel
		declared string
		firmware string // action
		family   string // plan.Firmware.Family
		reason   string // substring of the firmware reason
		errors   int
		warnings int
	}{
		{"ocpp, declared", model.ChannelOCPP, "EVC5.x", FirmwareUpgrade, "EVC5.x", "", 0, 1},
		{"ocpp, undeclared", model.ChannelOCPP, "", FirmwareRefused, "", "declare its model", 0, 0},
		{"cable, declared", model.ChannelSerial, "EVC5.x", FirmwareRefused, "", "this controller is an ECC-AC", 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, nil)
			f.id.Model = "ECC-AC"
			o := observe(t, f)
			o.Channel = tc.ch
			s := station()
			s.Model = tc.declared
			s.Firmware = pin(t, "V32R17", false)
			got := ComputeStation(s, o, testState(t))
			if got.Firmware.Action != tc.firmware || got.Firmware.Family != tc.family || !strings.Contains(got.Firmware.Reason, tc.reason) {
				t.Errorf("firmware = %+v; want %s, family %q, reason containing %q", got.Firmware, tc.firmware, tc.family, tc.reason)
			}
			if len(got.Errors) != tc.errors || len(got.Warnings) != tc.warnings {
				t.Errorf("errors %+v, warnings %q; want %d and %d", got.Errors, got.Warnings, tc.errors, tc.warnings)
			}
		})
	}
}

// A controller's endpoint with a password in its URL (set by hand, ECClite)
// is a secret as any: the plan shows it masked and the snapshot keeps it
// masked, with a fingerprint.
func TestEndpointPasswordFromTheController(t *testing.T) {
	st := testState(t)
	const url = "wss://cp:endpoint-pw@h/ocpp/#SN#"
	o := observe(t, newFake(t, map[string]string{"com_Endpoint": url}))
	ps := ComputeStation(station(setting(t, "com_Endpoint", "wss://h/ocpp/#SN#")), o, st)
	if len(ps.Changes) != 1 || ps.Changes[0].Before != "wss://cp:(sensitive)@h/ocpp/#SN#" || strings.Contains(fmt.Sprint(ps.Changes[0]), "endpoint-pw") {
		t.Errorf("change %+v", ps.Changes)
	}
	snap := SnapshotOf(o, nil, st)
	if snap.Values["com_Endpoint"] != "wss://cp:(sensitive)@h/ocpp/#SN#" || !st.Matches(snap.Hashes["com_Endpoint"], url) {
		t.Errorf("stored as %q / %q", snap.Values["com_Endpoint"], snap.Hashes["com_Endpoint"])
	}
}

// TestJournalProblemCommands: the commands an interrupted apply's problem
// gives to finish or roll back work as printed: the apply names the
// state directory the journal is in unless it is the default (it left
// --state-dir out, and found no journal); the restore finds it from the
// backup's path.
func TestJournalProblemCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, c := range []struct {
		name, site, dir, want string
	}{
		{"default", "sites/depot.hcl", "sites/.ecc", "run `ecc apply sites/depot.hcl --station cp-01 --port /dev/ttyUSB0 --on-interrupted=finish` to finish it, or the same with `--on-interrupted=rollback` (or `ecc restore --port /dev/ttyUSB0 --backup sites/.ecc/backups/G48229/1.json`)"},
		{"--state-dir", "sites/depot.hcl", "s4", "run `ecc apply sites/depot.hcl --station cp-01 --port /dev/ttyUSB0 --state-dir s4 --on-interrupted=finish` to finish it, or the same with `--on-interrupted=rollback` (or `ecc restore --port /dev/ttyUSB0 --backup s4/backups/G48229/1.json`)"},
		// A path with a space, as under a Windows user's profile, is one
		// argument when pasted.
		{"spaces", "Jan de Vries/depot.hcl", "state dir", "run `ecc apply \"Jan de Vries/depot.hcl\" --station cp-01 --port /dev/ttyUSB0 --state-dir \"state dir\" --on-interrupted=finish` to finish it, or the same with `--on-interrupted=rollback` (or `ecc restore --port /dev/ttyUSB0 --backup \"state dir/backups/G48229/1.json\"`)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, err := record.Open(c.dir)
			if err != nil {
				t.Fatal(err)
			}
			j := &record.Journal{Serial: "G48229", Station: "cp-01", Step: "save", Backup: c.dir + "/backups/G48229/1.json"}
			if err := st.SaveJournal(j); err != nil {
				t.Fatal(err)
			}
			ps := &Station{Name: "cp-01", Serial: "G48229", Port: "/dev/ttyUSB0", SiteFile: c.site}
			journalProblem(ps, st)
			if len(ps.Errors) != 1 || !strings.Contains(ps.Errors[0].Message, c.want) {
				t.Errorf("%+v\nwant %q", ps.Errors, c.want)
			}
		})
	}
}
