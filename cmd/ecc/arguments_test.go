package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/apply"
)

func TestSingleDashLong(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"plan", "site.hcl", "-out=p.json", "-detailed-exitcode"}, []string{"plan", "site.hcl", "--out=p.json", "--detailed-exitcode"}},
		{[]string{"plan", "-out", "p.json", "-port", "/dev/x"}, []string{"plan", "--out", "p.json", "--port", "/dev/x"}},
		{[]string{"apply", "site.hcl", "-auto-approve", "-state-dir=s"}, []string{"apply", "site.hcl", "--auto-approve", "--state-dir=s"}},
		{[]string{"restore", "-factory", "f.json", "-auto-approve"}, []string{"restore", "--factory", "f.json", "--auto-approve"}},
		{[]string{"validate", "-format=json", "x.hcl"}, []string{"validate", "--format=json", "x.hcl"}},
		{[]string{"firmware", "inspect", "-format", "json", "x.bin"}, []string{"firmware", "inspect", "--format", "json", "x.bin"}},
		{[]string{"plan", "-help"}, []string{"plan", "--help"}},
		{[]string{"plan", "-h"}, []string{"plan", "-h"}},                 // a real shorthand stays
		{[]string{"plan", "--", "-out"}, []string{"plan", "--", "-out"}}, // after --: arguments
		{[]string{"plan", "-x"}, []string{"plan", "-x"}},                 // unknown: pflag says so
		{[]string{"plan", "-nope=1"}, []string{"plan", "-nope=1"}},       // not a flag of plan
		{[]string{"console", "-out=p"}, []string{"console", "-out=p"}},   // plan's flag, not console's
		{[]string{"nosuch", "-out=p"}, []string{"nosuch", "-out=p"}},     // unknown command
		{[]string{"-version"}, []string{"--version"}},
		{[]string{"sim", "-print-path-only"}, []string{"sim", "--print-path-only"}},
		// Terraform's -json: --format=json where the command writes JSON.
		{[]string{"validate", "-json", "x.hcl"}, []string{"validate", "--format=json", "x.hcl"}},
		{[]string{"plan", "x.hcl", "--json", "-out=p"}, []string{"plan", "x.hcl", "--format=json", "--out=p"}},
		{[]string{"fmt", "-json"}, []string{"fmt", "-json"}},               // fmt writes no JSON: pflag says so
		{[]string{"plan", "--", "-json"}, []string{"plan", "--", "-json"}}, // after --: an argument
	} {
		if got := singleDashLong(newRoot(&globals{}), tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSingleDashRun: through run, as a user types it.
func TestSingleDashRun(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	out, errOut, code := runECC(t, "validate", "-format=json", "../../sites/depot.yaml")
	if code != 0 || !strings.Contains(out, `"valid": true`) {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestFormatFlag: every command with --format refuses a value it cannot
// write before doing anything, and completes exactly its values.
func TestFormatFlag(t *testing.T) {
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"validate", "x.hcl"}, "text json github"},
		{[]string{"plan", "x.hcl"}, "text json markdown"},
		{[]string{"apply", "x.hcl"}, "text json"},
		{[]string{"restore"}, "text json"},
		{[]string{"import"}, "hcl yaml yml"},
		{[]string{"ports"}, "text json"},
		{[]string{"firmware", "inspect", "x.bin"}, "text json"},
	} {
		name := strings.Join(tc.cmd[:len(tc.cmd)-min(1, len(tc.cmd)-1)], " ")
		t.Run(name, func(t *testing.T) {
			comp := append([]string{"__complete"}, tc.cmd...)
			out, _, _ := runECC(t, append(comp, "--format", "")...)
			if got := strings.Join(completions(out), " "); got != tc.want {
				t.Errorf("completion %q, want %q", got, tc.want)
			}
		})
	}
	// Every command with --format, those added later too: declared by
	// formatFlag, and a value outside its list refused before it runs.
	n := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		f := c.Flags().Lookup("format")
		if f == nil {
			return
		}
		n++
		path := strings.Fields(c.CommandPath())[1:]
		if _, ok := f.Value.(*choice); !ok {
			t.Errorf("ecc %s: --format is not declared by formatFlag", strings.Join(path, " "))
		}
		_, errOut, code := runECC(t, append(path, "--format", "xml")...)
		if code != 1 || !strings.Contains(errOut, `invalid argument "xml" for "--format" flag: must be `) {
			t.Errorf("ecc %s --format xml: exit %d: %s", strings.Join(path, " "), code, errOut)
		}
	}
	walk(newRoot(&globals{}))
	if n < 10 {
		t.Errorf("only %d commands with --format", n)
	}
}

// completions: the values of a __complete answer (without the directive).
func completions(out string) []string {
	var vals []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") && !strings.HasPrefix(l, "Completion ended") {
			v, _, _ := strings.Cut(l, "\t")
			vals = append(vals, v)
		}
	}
	return vals
}

// TestStationDidYouMean: a --station name not in the files names the near
// one, offline (nothing is read before the name is checked).
func TestStationDidYouMean(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	for _, tc := range []struct{ station, want string }{
		{"cp-1", `no station named "cp-1" in ../../sites/depot.hcl; did you mean "cp-01"?`},
		{"CP-02", `did you mean "cp-02"?`},
		{"zzzzzz", `no station named "zzzzzz" in ../../sites/depot.hcl` + "\n"},
	} {
		_, errOut, code := runECC(t, "plan", "../../sites/depot.hcl", "--offline", "--state-dir", t.TempDir(), "--station", tc.station)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("--station %s: exit %d: %s", tc.station, code, errOut)
		}
	}
}

// TestStationRepeatable: --station given more than once, or as a comma
// list, plans every station named, in file order (as Terraform's
// -target); one unknown name among them is still an error naming the near
// one. Before, only the last --station was kept.
func TestStationRepeatable(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	for _, tc := range []struct {
		name     string
		stations []string
		want     []string // the stations planned; none: exit 1 with err
		err      string
	}{
		{"repeated", []string{"--station", "cp-03", "--station", "cp-02"}, []string{"cp-02", "cp-03"}, ""},
		{"comma list", []string{"--station", "cp-02,cp-03"}, []string{"cp-02", "cp-03"}, ""},
		{"both, one twice", []string{"--station", "cp-01,cp-05", "-station=cp-01"}, []string{"cp-01", "cp-05"}, ""},
		{"one unknown", []string{"--station", "cp-02", "--station", "cp-3"}, nil, `no station named "cp-3" in ../../sites/depot.hcl; did you mean "cp-03"?`},
		{"two unknown", []string{"--station", "cp-3,zzzzzz,cp-02"}, nil, `no station named "cp-3" (did you mean "cp-03"?) or "zzzzzz" in ../../sites/depot.hcl` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"plan", "../../sites/depot.hcl", "--offline", "--state-dir", t.TempDir()}, tc.stations...)
			out, errOut, code := runECC(t, args...)
			var got []string
			for _, l := range strings.Split(out, "\n") {
				if name, ok := strings.CutPrefix(l, `station "`); ok {
					got = append(got, name[:strings.IndexByte(name, '"')])
				}
			}
			if tc.err != "" {
				if code != 1 || !strings.Contains(errOut, tc.err) || len(got) != 0 {
					t.Errorf("exit %d, planned %v: %s", code, got, errOut)
				}
				return
			}
			if code != 0 || !slices.Equal(got, tc.want) {
				t.Errorf("exit %d, planned %v, want %v: %s", code, got, tc.want, errOut)
			}
		})
	}
}

// TestPortOrGateway: --port and --gateway name where the stations are in
// two ways; given both, ecc does not pick one silently.
func TestPortOrGateway(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:cmd-secret")
	for _, cmd := range [][]string{
		{"plan", "../../sites/depot.hcl"},
		{"apply", "../../sites/depot.hcl"},
		{"import"},
		{"restore", "--backup", "b.json"},
	} {
		args := append(cmd, "--port", "/dev/null", "--gateway", "127.0.0.1:1")
		out, errOut, code := runECC(t, args...)
		if code != 1 || !strings.Contains(errOut, "[gateway port] were all set") {
			t.Errorf("%v: exit %d\n%s%s", cmd, code, out, errOut)
		}
	}
}

// TestSavedPlanTakesNoGateway: a saved plan whose stations hold their
// ports (ocpp:// ones name their gateway) would ignore --gateway, so it is
// refused, nothing sent (an offline plan's stations, with no port, are
// located through it: TestGatewayAppliesAnOfflinePlan).
func TestSavedPlanTakesNoGateway(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "p.plan")
	if err := os.WriteFile(saved, []byte(`{"format_version": "1", "stations": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runECC(t, "apply", saved, "--gateway", "127.0.0.1:1", "--auto-approve")
	if code != 1 || !strings.Contains(errOut, "--gateway") || !strings.Contains(errOut, "saved plan") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// --on-interrupted names each recovery by its String.
func TestRecoveryOf(t *testing.T) {
	for _, r := range []apply.Recovery{apply.RecoverNone, apply.RecoverFinish, apply.RecoverRollback, apply.RecoverCancel} {
		if got := recoveryOf(r.String()); got != r {
			t.Errorf("recoveryOf(%q) = %v", r.String(), got)
		}
	}
	if recoveryOf("") != apply.RecoverNone {
		t.Error(`"" is not ask`)
	}
}
