package model

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/ecotap-tools/ecc/internal/golden"
)

// The committed copy is the generator's output (go test ./model -update
// rewrites it).
func TestSiteSchemaFile(t *testing.T) {
	golden.Assert(t, filepath.Join("..", "docs", "site.schema.json"), SiteSchema())
}

func siteSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SiteSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SiteSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SiteSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// yamlToJSON converts a YAML document as an editor's schema validator sees
// it: a !env or !file tagged scalar is the string after the tag.
func yamlToJSON(t testing.TB, src []byte) any {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.DocumentNode:
			return conv(n.Content[0])
		case yaml.AliasNode:
			return conv(n.Alias)
		case yaml.MappingNode:
			m := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return m
		case yaml.SequenceNode:
			l := []any{}
			for _, e := range n.Content {
				l = append(l, conv(e))
			}
			return l
		}
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			return n.Value
		}
		var v any
		if err := n.Decode(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	data, err := json.Marshal(conv(&doc))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// The invalid YAML site files of testdata whose problem a schema cannot
// see, and why; every other invalid file must be rejected by the schema.
var beyondSchema = map[string]string{
	"duplicate-serial.yaml":    "serials unique across stations",
	"master-no-max.yaml":       "a cross-key rule",
	"auth-no-tls.yaml":         "a cross-key rule",
	"save-above-max.yaml":      "a cross-key rule across layers",
	"missing-file.yaml":        "a !file that does not exist",
	"secret-apn.yaml":          "a secret's value comes from the environment",
	"secret-clear.yaml":        "a password too long (the schema leaves secret fields to ecc)",
	"secret-clear-syntax.yaml": "not YAML",
	"yaml-dup-key.yaml":        "a duplicate YAML key (the converter keeps the last)",
	"yaml-syntax.yaml":         "not YAML",
	"utf16-broken.yaml":        "not UTF-16 throughout",
	"not-utf8.yaml":            "not UTF-8",
	"bad.yaml":                 "an unreadable file",
	"shared-factory.yaml":      "factory files missing or broken",
	// Values that come from inventories and substitutions.
	"inventory-bad-row.yaml":        "a bad value in a row of the inventory file",
	"inventory-dup-key.yaml":        "rows of the inventory file named alike",
	"inventory-missing-column.yaml": "a column the inventory file lacks",
	"inventory-not-list.yaml":       "an inventory file that is not a list",
	"secret-clear-inventory.yaml":   "serials unique across the rows of an inventory",
	"secret-clear-ragged.yaml":      "a malformed CSV inventory",
	"inventory-ragged.yaml":         "a malformed CSV inventory",
	"inventory-semicolons.yaml":     "a CSV inventory separated by semicolons",
	"substitution-unknown.yaml":     "a substitution that is not defined",
	"substitution-nested.yaml":      "substitutions that use an undefined one, or themselves",
	"inventory-dup-column.yaml":     "a column given twice in a row (JSON Schema sees the last)",
}

// The schema accepts every valid YAML site file of sites/ and testdata/
// and rejects every invalid one whose problem is a value or a field.
func TestSchemaSiteFiles(t *testing.T) {
	t.Setenv("ECC_AUTH_CP01", "ECOTAP-1802500:schema-secret")
	sch := siteSchema(t)
	var files []string
	for _, root := range []string{filepath.Join("..", "sites"), filepath.Join("..", "testdata")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(files) < 20 {
		t.Fatalf("found only %d YAML site files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			_, _, diags := LoadSites(f)
			valid := !diags.HasErrors()
			why, skip := beyondSchema[filepath.Base(f)]
			switch {
			case valid && skip:
				t.Fatalf("valid, but listed as beyond the schema (%s)", why)
			case skip:
				return
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			err = sch.Validate(yamlToJSON(t, src))
			switch {
			case valid && err != nil:
				t.Errorf("a valid site file fails the schema: %v", err)
			case !valid && err == nil:
				t.Errorf("the schema accepts an invalid site file (%s); reject it or list it in beyondSchema", diags.Errs()[0])
			}
		})
	}
}

// Schema and ecc agree on single values: each case is a site file with
// one setting, loaded by ecc and validated by the schema.
func TestSchemaAgreesWithValidate(t *testing.T) {
	sch := siteSchema(t)
	cases := []struct {
		key, yaml string
		lenient   bool // the schema accepts what ecc refuses (documented)
	}{
		{"chg_StationMaxCurrent", "25", false},
		{"chg_StationMaxCurrent", "64", false},
		{"chg_StationMaxCurrent", `"63"`, false},
		{"chg_StationMaxCurrent", `"64"`, false},
		{"chg_StationMaxCurrent", `" 007"`, false},
		{"chg_StationMaxCurrent", "-1", false},
		{"chg_StationMaxCurrent", "2.5", false},
		{"grid_InstallationMaxcurrent", "9999", false},
		{"grid_InstallationMaxcurrent", "10000", false},
		{"grid_InstallationMaxcurrent", `"10000"`, false},
		{"chg_RatedCurrent", "[16, 16]", false},
		{"chg_RatedCurrent", "[16, 16, 16]", false},
		{"chg_RatedCurrent", "[16, 64]", false},
		{"chg_RatedCurrent", "[]", false},
		{"chg_RatedCurrent", "32", false},
		{"chg_RatedCurrent", `"16, 32"`, false},
		{"chg_RatedCurrent", `"16,16,16"`, false},
		{"com_ProtCh", "ETH", false},
		{"com_ProtCh", "eth", false},
		{"com_ProtType", "OCPP1.6J", false},
		{"com_ProtType", "OCPP1x6J", false},
		{"com_OCPPID", "NLECO1000", false},
		{"com_OCPPID", "NL ECO", false},
		{"com_OCPPID", "12345", false},
		{"com_OCPPID", strings.Repeat("x", 26), false},
		{"com_Endpoint", `"wss://host/ocpp/#SN#"`, false},
		{"com_Endpoint", `"wss://host/#OSN#/x"`, false},
		{"com_Endpoint", `"wss://host/#ID#"`, false},
		{"com_Endpoint", `"wss://host/a,b"`, false},
		{"gsm_Oper", "0", false},
		{"gsm_Oper", "20408", false},
		{"gsm_Oper", `"20408"`, false},
		{"gsm_Oper", `"2040"`, false},
		{"gsm_Oper", "2040", true}, // a YAML number: the schema checks its type only
		{"com_Options", "{useTLS: 1, Events: 0}", false},
		{"com_Options", "{UseTLS: 1}", false},
		{"com_Options", "{useTLS: true}", false},
		{"com_Options", "{useTLS: 2}", false},
		{"com_Options", "{useTLS: '1'}", false},
		{"com_Options", "{useTSL: 1}", false},
		{"com_Options", `"Events=1,useTLS=0"`, false},
		{"com_Options", `"events = 1, USETLS=1"`, false},
		{"com_Options", `"Events=2"`, false},
		{"com_Options", `"Events"`, false},
		{"com_Options", `"Evnts=1"`, false},
		{"chg_Debug", "{grid: 15, warn: 1}", false},
		{"chg_Debug", "{grid: 16}", false},
		{"chg_Debug", "{warn: 2}", false},
		{"chg_Debug", `"ctrl=7,general=3"`, false},
		{"chg_Debug", `"ctrl=8"`, false},
		{"eth_cfg", "{type: static, ip: 10.0.0.2, netmask: 255.255.255.0, dns: 10.0.0.1, gw: 10.0.0.1}", false},
		{"eth_cfg", "{type: dhcp}", false},
		{"eth_cfg", "{type: DHCP}", false},
		{"eth_cfg", "{ip: 300.1.1.1}", false},
		{"eth_cfg", "{ip: 010.1.1.1}", false},
		{"eth_cfg", "{netmask: 255.0.255.0}", false},
		{"eth_cfg", "{gateway: 10.0.0.1}", false},
		{"eth_cfg", `"type=dhcp,ip=0.0.0.0"`, false},
		{"eth_cfg", `"type=dhcpx"`, false},
		{"com_OCPPInfo", "{modelname: ECC-AC, CpSn: G48229*1}", false},
		{"com_OCPPInfo", "{modelname: " + strings.Repeat("m", 26) + "}", false},
		{"chg_KWH1", "EASTR_SDM72D,1,9600,N,1", false},
		{"chg_KWH1", "EASTR_SDM72D,1,9601,N,1", false},
		{"chg_KWH1", "EASTR_SDM72D,0,9600,N,1", false},
		{"chg_KWH1", "EASTR_SDM72D,1,9600,X,1", false},
		{"chg_KWH1", "S0,,1000", false},
		{"chg_KWH1", "S0,,1000,,", false},
		{"chg_KWH1", "none", false},
		{"chg_KWH1", "[EASTR_SDM72D, 1, 9600, N, 1]", false},
		{"chg_KWH1", "[EASTR_SDM72D, 1, 9600, N, 3]", false},
		{"chg_KWH1", "{type: EASTR_SDM72D, address: 2, baud: 9600, parity: E, stop_bits: 2}", false},
		{"chg_KWH1", "{type: EASTR_SDM72D, address: 2, baud: 9601, parity: E, stop_bits: 2}", false},
		{"chg_KWH1", "{type: S0, pulses: 1000}", false},
		{"chg_KWH1", "{type: S0, pulses: 100001}", false},
		{"chg_KWH1", "{type: S0, pulses: 1000, parity: N}", true}, // a rule between fields
		{"chg_Reader1", "sl032,CH1", false},
		{"chg_Reader1", "SL032,CH1", false},
		{"chg_Reader1", "[sl032, any]", false},
		{"chg_Reader1", "[sl032]", false},
		{"chg_Reader1", "{type: Shared, channel: CH2}", false},
		{"chg_Reader1", "{type: Shared, channel: CH3}", false},
		{"gsm_APN", "[m2mservices, user, pass]", false},
		{"gsm_APN", `"m2mservices,,"`, false},
		{"gsm_APN", "{name: m2mservices}", false},
		{"gsm_APN", "[a, b, c, d]", false},
		{"gsm_APN", "[" + strings.Repeat("n", 40) + "]", false},
		{"gsm_Options", "{noSmsChk: 1}", false},
		{"gsm_Options", "{noSmsCheck: 1}", false},
		{"authorizationKey", `"user:secret"`, false},
		{"gsm_SigQ", "15", false},
		{"Factory_Calib", "1", false},
		{"HeartbeatInterval", "60", false},
	}
	dir := t.TempDir()
	for i, tc := range cases {
		src := "stations:\n  cp-01:\n    serial: G48229\n    settings:\n      " + tc.key + ": " + tc.yaml + "\n"
		if tc.key == "authorizationKey" {
			src += "      com_Options: {useTLS: 1}\n"
		}
		path := filepath.Join(dir, "case"+strconv.Itoa(i)+".yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, diags := LoadSites(path)
		valid := !diags.HasErrors()
		err := sch.Validate(yamlToJSON(t, []byte(src)))
		switch {
		case valid && err != nil:
			t.Errorf("%s: %s: ecc accepts it, the schema refuses it: %v", tc.key, tc.yaml, err)
		case !valid && err == nil && !tc.lenient:
			t.Errorf("%s: %s: ecc refuses it (%s), the schema accepts it", tc.key, tc.yaml, diags[0].Detail)
		case valid && tc.lenient:
			t.Errorf("%s: %s: marked lenient, but ecc accepts it", tc.key, tc.yaml)
		}
	}
}

// Every example of the dictionary passes the schema as a raw string.
func TestSchemaExamples(t *testing.T) {
	sch := siteSchema(t)
	for _, k := range Dictionary() {
		if !k.Class.Writable() || k.Example == "" {
			continue
		}
		doc := map[string]any{"stations": map[string]any{"a": map[string]any{"serial": "G1",
			"settings": map[string]any{k.Name: k.Example}}}}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("%s example %q: %v", k.Name, k.Example, err)
		}
	}
}

// intRegexp matches exactly what atoi reads within the range.
func TestIntRegexp(t *testing.T) {
	for _, r := range [][2]int{{0, 1}, {1, 2}, {0, 15}, {0, 63}, {0, 99}, {1, 247}, {0, 247}, {0, 9999}, {1, 100000}, {5, 123}, {1, 115200}} {
		re := regexp.MustCompile(anchored(intRegexp(r[0], r[1])))
		check := func(s string) {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			want := err == nil && n >= r[0] && n <= r[1]
			if got := re.MatchString(s); got != want {
				t.Errorf("%d..%d: %q matched %v, want %v", r[0], r[1], s, got, want)
			}
		}
		for n := -3; n <= r[1]+1200; n += 1 + n/500 {
			check(strconv.Itoa(n))
		}
		for _, s := range []string{"+1", "007", " 1 ", "", "1a", "--1", "00"} {
			check(s)
		}
	}
}
