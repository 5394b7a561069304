package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecotap-tools/ecc/plan"
)

// statusSite: cp-01 was read once (a snapshot that differs from the file
// in one key, firmware older than the pin); cp-02 never was.
const statusSite = `station "cp-01" {
  serial = "G48229"
  settings {
    chg_StationMaxCurrent = 20
    chg_MinChargingCurrent = 6
  }
}

station "cp-02" {
  serial = "G48230"
  settings { chg_StationMaxCurrent = 16 }
}
`

const statusSnapshot = `{"serial": "G48229", "model": "EVC5.1", "firmware": "V32R16",
  "observed_at": "2026-01-01T00:00:00Z",
  "values": {"chg_StationMaxCurrent": "25", "chg_MinChargingCurrent": "6"}}`

// TestStatusBinary: ecc status in its three formats through the real
// binary, the state directory from ECC_STATE_DIR (and --state-dir winning
// over it); plan --offline --max-age against the same snapshot.
func TestStatusBinary(t *testing.T) {
	dir := t.TempDir()
	site := filepath.Join(dir, "depot.hcl")
	state := filepath.Join(dir, "elsewhere")
	if err := os.WriteFile(site, []byte(statusSite), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(state, "snapshots"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "snapshots", "G48229.json"), []byte(statusSnapshot), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"ECC_STATE_DIR=" + state}
	for _, tc := range []struct {
		format string
		want   []string
	}{
		{"text", []string{"cp-01    G48229  2026-01-01 00:00 UTC  ", " days ago  V32R16    1      drifting\n", "cp-02    G48230  never                 -             -         1      to commission\n",
			"2 stations: 1 drifting, 1 to commission, 0 blocked."}},
		{"markdown", []string{"| STATION | SERIAL | LAST OBSERVED | AGE | FIRMWARE | DRIFT | STATE |\n|---|",
			"| cp-01 | G48229 | 2026-01-01 00:00 UTC | ", " | V32R16 | 1 | drifting |", "| cp-02 | G48230 | never | - | - | 1 | to commission |"}},
	} {
		out, errOut, code := runBinary(t, env, "status", site, "--format", tc.format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.format, code, errOut)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", tc.format, w, out)
			}
		}
	}
	out, errOut, code := runBinary(t, env, "status", site, "--format", "json")
	var st struct {
		Stations []struct {
			Name         string `json:"name"`
			ObservedAt   string `json:"observed_at"`
			AgeSeconds   int64  `json:"age_seconds"`
			Firmware     string `json:"firmware"`
			Drift        int    `json:"drift"`
			ToCommission bool   `json:"to_commission"`
		} `json:"stations"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 || len(st.Stations) != 2 {
		t.Fatalf("exit %d %v: %s%s", code, err, out, errOut)
	}
	if s := st.Stations[0]; s.Name != "cp-01" || s.ObservedAt != "2026-01-01T00:00:00Z" || s.AgeSeconds <= 0 || s.Firmware != "V32R16" ||
		s.Drift != 1 || s.ToCommission {
		t.Errorf("cp-01: %+v", s)
	}
	if s := st.Stations[1]; s.Name != "cp-02" || !s.ToCommission || s.Drift != 1 {
		t.Errorf("cp-02: %+v", s)
	}
	// Never read: no time (not year 1) and no firmware; to_commission
	// always present.
	if strings.Count(out, `"observed_at"`) != 1 || strings.Count(out, `"firmware"`) != 1 || strings.Count(out, `"to_commission"`) != 2 {
		t.Errorf("json:\n%s", out)
	}
	// plan --offline --max-age: the snapshot is older than 720h, an error
	// (exit 1); a longer age accepts it; --max-age needs --offline.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--offline", "--max-age", "720h"}, 1, "older than --max-age 720h0m0s"},
		{[]string{"--offline", "--max-age", "1000000h"}, 0, `~ chg_StationMaxCurrent: "25" -> "20"`},
		{[]string{"--max-age", "720h"}, 1, "add --offline"},
	} {
		out, errOut, code := runBinary(t, env, append([]string{"plan", site}, tc.args...)...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("plan %q: exit %d, want %d and %q:\n%s%s", tc.args, code, tc.code, tc.want, out, errOut)
		}
	}
	// --state-dir wins over ECC_STATE_DIR: nothing was read there.
	out, _, _ = runBinary(t, env, "status", site, "--state-dir", filepath.Join(dir, "empty"))
	if !strings.Contains(out, "0 drifting, 2 to commission") {
		t.Errorf("--state-dir over ECC_STATE_DIR:\n%s", out)
	}
}

// TestOfflineAgeAgrees: plan --offline --max-age words a snapshot's age
// so that its note and the --max-age error agree: the note in words
// (words.Age, rounded down), the error in --max-age's own units, to the
// second. A 56-second-old snapshot was "taken just now" and "1m0s old"
// in one plan; a 72-second-old one "1 minute old, older than 1m0s".
func TestOfflineAgeAgrees(t *testing.T) {
	for _, tc := range []struct {
		age  time.Duration
		want string
	}{
		{56*time.Second + 500*time.Millisecond, "56 seconds"},
		{90 * time.Second, "1 minute"},
		{3*time.Hour + 40*time.Minute, "3 hours"},
		{50 * time.Hour, "2 days"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			dir := t.TempDir()
			site := filepath.Join(dir, "depot.hcl")
			if err := os.WriteFile(site, []byte(statusSite), 0o644); err != nil {
				t.Fatal(err)
			}
			at := time.Now().Add(-tc.age).UTC().Format(time.RFC3339Nano)
			snap := strings.Replace(statusSnapshot, "2026-01-01T00:00:00Z", at, 1)
			if err := os.MkdirAll(filepath.Join(dir, ".ecc", "snapshots"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".ecc", "snapshots", "G48229.json"), []byte(snap), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := runECC(t, "plan", site, "--offline", "--max-age", "1s", "--station", "cp-01")
			note := "snapshot taken " + tc.want + " ago"
			m := regexp.MustCompile(`the snapshot is (\S+) old .*older than --max-age 1s`).FindStringSubmatch(out)
			if code != 1 || !strings.Contains(out, note) || m == nil {
				t.Fatalf("exit %d, want 1 with %q and the --max-age error:\n%s%s", code, note, out, errOut)
			}
			if d, err := time.ParseDuration(m[1]); err != nil || d < tc.age.Truncate(time.Second) || d > tc.age+time.Minute {
				t.Errorf("the error says %s old for %s (%v)", m[1], tc.age, err)
			}
		})
	}
}

// TestStatusSummaryLine: the count under the table agrees in number ("1
// stations" before).
func TestStatusSummaryLine(t *testing.T) {
	one := plan.StationStatus{Name: "cp-01", Serial: "G48229", ToCommission: true}
	for _, tc := range []struct {
		st   []plan.StationStatus
		want string
	}{
		{[]plan.StationStatus{one}, "\n1 station: 0 drifting, 1 to commission, 0 blocked.\n"},
		{[]plan.StationStatus{one, one}, "\n2 stations: 0 drifting, 2 to commission, 0 blocked.\n"},
	} {
		for _, row := range []rowFunc{textRow, markdownRow} {
			var b strings.Builder
			writeStatusTable(&b, tc.st, time.Now(), row)
			if !strings.HasSuffix(b.String(), tc.want) {
				t.Errorf("got\n%s\nwant it to end with %q", b.String(), tc.want)
			}
		}
	}
}
