package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/internal/golden"
	"github.com/ecotap-tools/ecc/model"
)

// helpGolden is where the outputs of keys and explain are kept.
var helpGolden = filepath.Join("..", "..", "testdata", "help")

// The help commands, run as main runs them.
func TestHelpCommands(t *testing.T) {
	schema, err := os.ReadFile(filepath.Join("..", "..", "docs", "site.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		golden string // file under testdata/help compared with stdout
		stdout string // else a substring of stdout
		stderr string // substring of stderr
	}{
		{name: "keys", args: []string{"keys"}, golden: "keys.txt"},
		{name: "keys json", args: []string{"keys", "--format", "json"}, golden: "keys.json"},
		{name: "explain", args: []string{"explain", "chg_RatedCurrent"}, golden: "explain-chg_RatedCurrent.txt"},
		{name: "explain json", args: []string{"explain", "chg_RatedCurrent", "-format=json"}, golden: "explain-chg_RatedCurrent.json"},
		{name: "explain options and levels", args: []string{"explain", "chg_Debug"}, stdout: "grid     a bitmask of levels 1 to 4: an integer from 0 to 15"},
		{name: "explain secret", args: []string{"explain", "authorizationKey"}, stdout: "write-only: a secret that may be written but never read back"},
		{name: "explain OCPP key", args: []string{"explain", "HeartbeatInterval"}, stdout: "backend-only: an OCPP 1.6 standard key"},
		{name: "did you mean", args: []string{"explain", "chg_RatedCurent"}, code: 1, stderr: `unknown key "chg_RatedCurent"; did you mean "chg_RatedCurrent"?`},
		{name: "did you mean OCPP", args: []string{"explain", "HeartbeatIntervall"}, code: 1, stderr: `did you mean "HeartbeatInterval"?`},
		{name: "forbidden", args: []string{"explain", "Factory_Calib"}, code: 1, stderr: "forbidden (not in the ECClite dictionary"},
		{name: "explain no key", args: []string{"explain"}, code: 1, stderr: "accepts 1 arg"},
		{name: "keys bad format", args: []string{"keys", "--format", "xml"}, code: 1, stderr: "must be text or json"},
		{name: "keys ocpp", args: []string{"keys", "--block", "ocpp"}, golden: "keys-ocpp.txt"},
		{name: "keys bad block", args: []string{"keys", "--block", "cable"}, code: 1, stderr: "must be all, settings or ocpp"},
		{name: "explain says the block", args: []string{"explain", "MeterValuesSampledData"}, stdout: "Block:    ocpp: a site file's ocpp block"},
		{name: "explain read-only OCPP", args: []string{"explain", "NumberOfConnectors"}, stdout: "Block:    none: a site file cannot set it (the station reports it; it cannot be set)"},
		{name: "explain read-only", args: []string{"explain", "gsm_SigQ"}, stdout: "Block:    none: a site file cannot set it (the controller reports it"},
		{name: "explain OCPP secret", args: []string{"explain", "AuthorizationKey"}, stdout: "Block:    none: a site file cannot set it (a secret of the security profile"},
		{name: "schema", args: []string{"schema"}, stdout: string(schema)},
		// A saved plan's firmware upgrade is still confirmed (a flash cannot
		// be undone): the help must not promise it is applied unasked.
		// Every backup holds the OCPP keys, the cable's too.
		{name: "restore help: OCPP keys of a backup", args: []string{"restore", "--help"}, stdout: "every backup holds them, taken over the cable or over\nOCPP"},
		{name: "apply help: saved plan and firmware", args: []string{"apply", "--help"}, stdout: "except a firmware upgrade"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runECC(t, tc.args...)
			checkHelp(t, out, errOut, code, tc.code, tc.golden, tc.stdout, tc.stderr)
		})
	}
	// The JSON forms hold what the tables show: every key a site file
	// may name, the dictionary's then OCPP's, each explained.
	out, _, _ := runECC(t, "keys", "--format", "json")
	var keys []struct {
		Name   string `json:"name"`
		Block  string `json:"block"`
		Class  string `json:"class"`
		Range  string `json:"range"`
		Reboot bool   `json:"reboot_required"`
	}
	if err := json.Unmarshal([]byte(out), &keys); err != nil || len(keys) != 26+len(model.OCPPKeys()) ||
		keys[0].Name != "authorizationKey" || !keys[0].Reboot || keys[0].Block != "settings" || keys[len(keys)-1].Block != "ocpp" {
		t.Fatalf("keys json: %v %+v", err, keys)
	}
	for _, k := range keys {
		if _, ok := model.Describe(k.Name); !ok {
			t.Errorf("ecc keys lists %s, which ecc explain does not know", k.Name)
		}
	}
	for _, k := range append(model.Dictionary(), model.OCPPKeys()...) {
		if !strings.Contains(out, `"name": "`+k.Name+`"`) {
			t.Errorf("ecc keys does not list %s", k.Name)
		}
	}
}

func checkHelp(t *testing.T, out, errOut string, code, wantCode int, goldenName, stdout, stderr string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, wantCode, out, errOut)
	}
	if goldenName != "" {
		golden.Assert(t, filepath.Join(helpGolden, goldenName+".golden"), []byte(out))
	}
	if !strings.Contains(out, stdout) || !strings.Contains(errOut, stderr) {
		t.Errorf("stdout %q (want %q)\nstderr %q (want %q)", out, stdout, errOut, stderr)
	}
}

// The same through the real binary: exit codes and streams as a user
// sees them.
func TestHelpCommandsBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	tests := []struct {
		args           []string
		code           int
		golden         string
		stdout, stderr string
	}{
		{args: []string{"keys"}, golden: "keys.txt"},
		{args: []string{"keys", "--block", "ocpp"}, golden: "keys-ocpp.txt"},
		{args: []string{"explain", "chg_RatedCurrent"}, golden: "explain-chg_RatedCurrent.txt"},
		{args: []string{"explain", "HeartbeatIntervall"}, code: 1, stderr: `did you mean "HeartbeatInterval"?`},
		{args: []string{"explain", "chg_RatedCurrent", "--format", "json"}, golden: "explain-chg_RatedCurrent.json"},
		{args: []string{"explain", "chg_RatedCurent"}, code: 1, stderr: `did you mean "chg_RatedCurrent"?`},
		{args: []string{"schema"}, stdout: `"$id": "https://github.com/ecotap-tools/ecc/docs/site.schema.json"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := runBinary(t, nil, tc.args...)
			checkHelp(t, out, errOut, code, tc.code, tc.golden, tc.stdout, tc.stderr)
		})
	}
}
