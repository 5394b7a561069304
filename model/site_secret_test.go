package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apparentlymart/go-textseg/v15/textseg"
	"github.com/hashicorp/hcl/v2"
)

// secretHead opens an HCL site file of one station whose settings block
// the case goes on (TLS on, as a secret's key needs).
const secretHead = "station \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n"

// A secret written in a site file gets a warning at its place, and its
// text appears in no diagnostic, nor in the source lines they quote; one
// from env() / file() gets neither.
func TestSecretWrittenInClear(t *testing.T) {
	t.Setenv("ECC_TEST_APN_PW", "from-the-environment")
	const head = "station \"cp\" {\n  serial = \"G1\"\n  model = \"EVC5.x\"\n  settings {\n    com_Options = { useTLS = 1 }\n"
	const yhead = "stations:\n  cp:\n    serial: G1\n    model: EVC5.x\n    settings:\n      com_Options: {useTLS: 1}\n"
	for _, tc := range []struct {
		name, file, body string
		warnings         int
		errs             bool
		secret           string // never in the output
	}{
		{"key", "a.hcl", `authorizationKey = "ops:clear-secret-1"`, 1, false, "clear-secret-1"},
		{"key invalid", "a.hcl", `authorizationKey = "clear-secret-2"`, 1, true, "clear-secret-2"},
		{"key from env", "a.hcl", `authorizationKey = env("ECC_TEST_APN_PW")`, 0, true, "from-the-environment"},
		{"apn raw", "a.hcl", `gsm_APN = "internet,ops,clear-secret-3"`, 1, false, "clear-secret-3"},
		{"apn list", "a.hcl", `gsm_APN = ["internet", "ops", "clear-secret-4"]`, 1, false, "clear-secret-4"},
		{"apn password too long", "a.hcl", `gsm_APN = ["internet", "ops", "clear-secret-5-far-too-long-a-password"]`, 1, true, "clear-secret-5"},
		{"apn too many fields", "a.hcl", `gsm_APN = "internet,ops,clear-secret-6,more"`, 1, true, "clear-secret-6"},
		{"apn no password", "a.hcl", `gsm_APN = "internet,ops,"`, 0, false, "\x00"},
		{"apn password from env", "a.hcl", `gsm_APN = { name = "internet", password = env("ECC_TEST_APN_PW") }`, 0, false, "from-the-environment"},
		{"yaml key", "a.yaml", `authorizationKey: ops:clear-secret-7`, 1, false, "clear-secret-7"},
		{"yaml apn map", "a.yaml", `gsm_APN: {name: internet, user: ops, password: clear-secret-8}`, 1, false, "clear-secret-8"},
		{"yaml apn from env", "a.yaml", `gsm_APN: {name: internet, password: !env ECC_TEST_APN_PW}`, 0, false, "from-the-environment"},
		{"yaml doubled quote", "a.yaml", `authorizationKey: 'ops:clear''secret-9'`, 1, false, "secret-9"},
		{"hcl escaped interpolation", "a.hcl", `authorizationKey = "ops:clear$${x}secret-10"`, 1, false, "secret-10"},
		{"hcl unicode escape", "a.hcl", `authorizationKey = "ops:clear\u002dsecret-13"`, 1, false, "secret-13"},
		{"endpoint without scheme", "a.hcl", `com_Endpoint = "ops:clear-secret-11@ws.evc.net:80/#SN#"`, 0, true, "clear-secret-11"},
		{"endpoint password with a slash", "a.hcl", `com_Endpoint = "wss://ops:clear/secret-12@h/x"`, 0, true, "secret-12"},
		{"yaml endpoint", "a.yaml", `com_Endpoint: wss://ops:clear-secret-14@h/x`, 0, true, "clear-secret-14"},
		// Not written as their values: each starred where it is written,
		// also beside a field that is (99999 was found, and the
		// password's element left as it was).
		{"apn decomposed accent", "a.hcl", "gsm_APN = [\"internet\", \"ops\", \"pa\u0301ss-secret-15\", 99999]", 1, true, "secret-15"},
		{"apn escape in a list", "a.hcl", `gsm_APN = ["internet", "ops", "s3cr\u0065t-16"]`, 1, false, "s3cr"},
		{"key built by a function", "a.hcl", `authorizationKey = join(":", ["ops", "hunter-17"])`, 1, false, "hunter-17"},
		{"key in a template", "a.hcl", `authorizationKey = "${lower("OPS")}:secret-18"`, 1, false, "secret-18"},
		{"yaml apn escape in a list", "a.yaml", `gsm_APN: [internet, ops, "s3cr\u0065t-19"]`, 1, false, "s3cr"},
		{"key misspelt", "a.hcl", `authorisationKey = "ops:typo-secret-21"`, 0, true, "typo-secret-21"},
		{"yaml apn misspelt", "a.yaml", `gsm_ANP: [internet, ops, typo-secret-22]`, 0, true, "typo-secret-22"},
		{"yaml folded", "a.yaml", "authorizationKey: >-\n        ops:folded-\n        secret-20", 1, false, "secret-20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := head + "    " + tc.body + "\n  }\n}\n"
			if strings.HasSuffix(tc.file, ".yaml") {
				src = yhead + "      " + tc.body + "\n"
			}
			_, srcs, diags := LoadSiteBytes(tc.file, []byte(src))
			warnings := 0
			for _, d := range diags {
				if d.Severity == hcl.DiagWarning && d.Summary == "Secret written in clear" {
					warnings++
				}
			}
			out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags))
			switch {
			case warnings != tc.warnings:
				t.Errorf("%d warnings, want %d:\n%s", warnings, tc.warnings, out)
			case diags.HasErrors() != tc.errs:
				t.Errorf("errors: %v, want %v:\n%s", diags.HasErrors(), tc.errs, out)
			case strings.Contains(out, tc.secret):
				t.Errorf("the secret is shown:\n%s", out)
			}
		})
	}
}

// A secret in clear that a secret key takes from elsewhere in the file (a
// local, a substitution, an inline row's column) is starred there too,
// and in the messages of other keys given the same value, even when that
// place did not build (a local that does not evaluate, a row refused);
// a file that is no site file is never quoted.
func TestSecretReferredToNeverQuoted(t *testing.T) {
	for _, tc := range []struct {
		file, src, secret string
	}{
		{"local.hcl", "locals {\n  k = \"ops:LocalClear4${local.nosuch}\"\n}\nstation \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n    authorizationKey = local.k\n  }\n}\n", "LocalClear4"},
		{"chain.hcl", "locals {\n  a = \"ops:ChainClear5${local.nosuch}\"\n  k = local.a\n}\nstation \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n    authorizationKey = local.k\n  }\n}\n", "ChainClear5"},
		{"other-key.hcl", "locals {\n  k = \"ops:SubClear7\"\n}\nstation \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n    authorizationKey = local.k\n    com_ProtType = local.k\n  }\n}\n", "SubClear7"},
		{"subst.yaml", "substitutions:\n  pw: \"ops:SubClear3${nosuch}\"\nstations:\n  cp:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 1}\n      authorizationKey: ${pw}\n", "SubClear3"},
		{"escaped.hcl", "locals {\n  k = \"alice:pa\\\"ss,word\"\n}\nstation \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n    authorizationKey = local.k\n    com_OCPPID = local.k\n  }\n}\n", "ss,word"},
		{"rows.yaml", "inventory:\n  rows:\n    - {name: a, serial: G1, key: \"ops:InlineSecret1\"}\n    - {name: a, serial: G2, key: \"ops:InlineSecret2\"}\n  station:\n    serial: ${serial}\n    settings:\n      com_Options: {useTLS: 1}\n      authorizationKey: ${key}\n", "InlineSecret"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, srcs, diags := LoadSiteBytes(tc.file, []byte(tc.src))
			out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags))
			if !diags.HasErrors() || strings.Contains(out, tc.secret) {
				t.Errorf("errors %v, the secret shown:\n%s", diags.HasErrors(), out)
			}
		})
	}
	dir := t.TempDir()
	key := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(key, []byte("ops:FileSecret99\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, srcs, diags := LoadSites(key)
	if out := RenderDiagnostics(diags, srcs); !diags.HasErrors() || strings.Contains(out, "FileSecret99") {
		t.Errorf("a file that is no site file is quoted:\n%s", out)
	}
}

// A secret is starred wherever its text is written, however it is
// written: the same escapes, quotes or blanks given to another key
// (com_OCPPID), a key naming a secret refused in its block, a YAML plain
// scalar with a '#' and a $${ or over two lines, a URL's password with a
// blank. FuzzSecretNeverShown found each quoted in clear.
func TestSecretStarredAsWritten(t *testing.T) {
	const yhead = "stations:\n  cp:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 1}\n"
	for _, tc := range []struct{ name, file, src, secret string }{
		{"escapes elsewhere", "a.hcl", secretHead + "    authorizationKey = \"ops:s3cr\\u0065t 21\"\n    com_OCPPID = \"ops:s3cr\\u0065t 21\"\n  }\n}\n", "\\u0065t 21"},
		{"escaped ${ elsewhere", "a.hcl", secretHead + "    authorizationKey = \"ops:$${x} secret-22\"\n    com_OCPPID = \"ops:$${x} secret-22\"\n  }\n}\n", "secret-22"},
		{"url password elsewhere", "a.hcl", secretHead + "    com_Endpoint = \"wss://ops:s3cr\\u0065t 23@h/x\"\n    com_OCPPID = \"s3cr\\u0065t 23\"\n  }\n}\n", "\\u0065t 23"},
		{"trimmed elsewhere", "a.hcl", secretHead + "    authorizationKey = \"${lower(\"OPS\")}:secret 24 \"\n    com_OCPPID = \"ops:secret 24 \"\n  }\n}\n", "secret 24"},
		{"yaml quotes elsewhere", "a.yaml", yhead + "      authorizationKey: 'ops:it''s secret-25'\n      com_OCPPID: 'ops:it''s secret-25'\n", "s secret-25"},
		{"yaml two lines elsewhere", "a.yaml", yhead + "      authorizationKey: ops:\"first\n        secret-26\n      com_OCPPID: ops:\"first\n        secret-26\n", "ops:\"first"},
		{"ocpp block", "a.hcl", "station \"cp\" {\n  serial = \"G1\"\n  ocpp {\n    AuthorizationKey = \"ops:ocpp-secret-27\"\n  }\n}\n", "ocpp-secret-27"},
		{"another case", "a.hcl", secretHead + "    AUTHORIZATIONKEY = \"ops:case-secret-28\"\n  }\n}\n", "case-secret-28"},
		{"yaml hash and escape", "a.yaml", yhead + "      authorizationKey: ops:pw#secret-29$${x}\n", "secret-29"},
		{"yaml url with a blank", "a.yaml", "stations:\n  cp: {serial: G1, settings: {com_Endpoint: wss://ops:pw secret-30@h/x, chg_X: [1}}\n", "secret-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srcs, diags := LoadSiteBytes(tc.file, []byte(tc.src))
			if out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags)); len(diags) == 0 || strings.Contains(out, tc.secret) {
				t.Errorf("the secret shown, or nothing to show it:\n%s", out)
			}
		})
	}
}

// hideSecrets stars the secrets' texts within their ranges only, columns
// kept, or the whole range when they are not there as written (escapes);
// it changes copies, not the bytes read.
func TestHideSecrets(t *testing.T) {
	site := []byte(`x = "pw" y = "pw" z = "p\u0077"`)
	l := newLoader()
	l.sources["s.hcl"] = site
	l.hidden = []hiddenText{
		{rng: hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Byte: 4}, End: hcl.Pos{Byte: 8}}, texts: []string{"pw", "pwd"}},
		{rng: hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Byte: 22}, End: hcl.Pos{Byte: 31}}, texts: []string{"pw"}},
		{rng: hcl.Range{Filename: "gone.hcl", Start: hcl.Pos{Byte: 0}, End: hcl.Pos{Byte: 3}}, texts: []string{"pw"}},
	}
	l.hideSecrets(nil)
	if got, want := string(l.sources["s.hcl"]), `x = "**" y = "pw" z = "*******"`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if string(site) != `x = "pw" y = "pw" z = "p\u0077"` {
		t.Errorf("the bytes read were changed: %q", site)
	}
}

// A starred character is one '*' on the source line shown, whatever its
// bytes: the line keeps the file's columns, and the marker of a later
// diagnostic on the line stays under its text, at its column (HCL counts
// grapheme clusters; YAML runes, the same for these lines but the
// decomposed one). Stars were one a byte: "pässwörd" took ten columns,
// and the marker under the value after it stood two to the right. The
// marker's place counts characters, not runes, before it too: an "é"
// written e + U+0301 put it one to the right.
func TestStarsKeepColumns(t *testing.T) {
	const yhead = "stations:\n  cp: {serial: G1, settings: {com_Options: {useTLS: 1}, "
	for _, tc := range []struct {
		name, file, src, secret, later string
	}{
		{"hcl list", "a.hcl", secretHead + "    gsm_APN = [\"intérnet\", \"öps\", \"pässwörd\", 99999]\n  }\n}\n", "pässwörd", "Invalid value for gsm_APN"},
		{"hcl decomposed", "a.hcl", secretHead + "    gsm_APN = [\"inte\u0301rnet\", \"ops\", \"pw-\u00e9t\u00e9\", 99999]\n  }\n}\n", "pw-été", "Invalid value for gsm_APN"},
		{"hcl emoji", "a.hcl", secretHead + "    gsm_APN = [\"m2m\", \"ops\", \"pw\U0001F511\U0001F1F3\U0001F1F1\", 99999]\n  }\n}\n", "pw\U0001F511", "Invalid value for gsm_APN"},
		{"yaml flow", "a.yaml", yhead + "authorizationKey: \"ops:pässwörd\", chg_StationMaxCurrent: 999}}\n", "pässwörd", "Invalid value for chg_StationMaxCurrent"},
		// The same text given to another key: starred everywhere (minStarred).
		{"yaml elsewhere", "a.yaml", yhead + "authorizationKey: \"ops:pässwörd\", com_OCPPID: \"ops:pässwörd\", chg_StationMaxCurrent: 999}}\n", "pässwörd", "Invalid value for chg_StationMaxCurrent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			_, srcs, diags := LoadSiteBytes(tc.file, src)
			later := false
			for _, d := range diags {
				out := RenderDiagnostics(hcl.Diagnostics{d}, srcs)
				if strings.Contains(out, tc.secret) || !utf8.ValidString(out) {
					t.Errorf("the secret shown, or bytes that are no text:\n%q", out)
				}
				lines := strings.Split(out, "\n")
				if d.Subject == nil || len(lines) < 3 {
					continue
				}
				_, shown, _ := strings.Cut(lines[1], " | ")
				_, marker, _ := strings.Cut(lines[2], " | ")
				r := d.Subject
				ls := bytes.LastIndexByte(src[:r.Start.Byte], '\n') + 1
				le := ls + bytes.IndexByte(src[ls:], '\n')
				want := clusters(t, src[ls:r.Start.Byte]) + 1 // the subject's column in the file
				if got := clusters(t, []byte(marker[:strings.IndexByte(marker, '^')])) + 1; got != want {
					t.Errorf("%s: marker at column %d, want %d:\n%s", d.Summary, got, want, out)
				}
				if got, want := clusters(t, []byte(shown)), clusters(t, src[ls:le]); got != want {
					t.Errorf("%s: the line shown has %d characters, the file's %d:\n%s", d.Summary, got, want, out)
				}
				if strings.HasSuffix(tc.file, ".hcl") && r.Start.Column != want {
					t.Errorf("%s: column %d, %d characters before it", d.Summary, r.Start.Column, want-1)
				}
				later = later || d.Summary == tc.later && bytes.Contains(src[ls:r.Start.Byte], []byte(tc.secret))
			}
			if !later {
				t.Errorf("no %q after the secret on its line:\n%s", tc.later, RenderDiagnostics(diags, srcs))
			}
		})
	}
}

// clusters counts b's grapheme clusters, as HCL counts columns.
func clusters(t *testing.T, b []byte) int {
	n, err := textseg.TokenCount(b, textseg.ScanGraphemeClusters)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// HideSecretLines stars the literals a line gives a secret key: quoted
// strings' contents and bare words, not references, keys, punctuation nor
// comments; and a URL's password on any line. Other lines stay as they
// are, and every byte keeps its place.
func TestHideSecretLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"    authorizationKey = \"ops:syntax-secret\" }\n", "    authorizationKey = \"*****************\" }\n"},
		{"      authorizationKey: ops:pw\r\n", "      authorizationKey: ******\r\n"},
		{"      authorizationKey: 'op''s:pw' # why\n", "      authorizationKey: '**''****' # why\n"},
		{"    AUTHORIZATIONKEY=\"x\"", "    AUTHORIZATIONKEY=\"*\""},
		{"    gsm_APN = [\"internet\", env(\"ECC_X\"), \"pw\"]\n", "    gsm_APN = [\"********\", env(\"ECC_X\"), \"**\"]\n"},
		{"    gsm_APN = { name = \"internet\", password = env(\"ECC_X\") }\n", "    gsm_APN = { name = \"********\", password = env(\"ECC_X\") }\n"},
		{"      gsm_APN: {name: internet, user: ops, password: pw}\n", "      gsm_APN: {name: ********, user: ***, password: **}\n"},
		{"      gsm_APN: [internet, ops, !env ECC_X]\n", "      gsm_APN: [********, ***, !env ECC_X]\n"},
		{"        password: hunter2\n", "        password: *******\n"},
		{"    \"authorizationKey\" = \"pw\"\n", "    \"authorizationKey\" = \"**\"\n"},
		{"    authorizationKey = env(\"ECC_AUTH_CP01\")\n", "    authorizationKey = env(\"ECC_AUTH_CP01\")\n"},
		{"      authorizationKey: !env ECC_AUTH_CP01\n", "      authorizationKey: !env ECC_AUTH_CP01\n"},
		{"        authorizationKey: ${key}\n", "        authorizationKey: ${key}\n"},
		{"    com_Endpoint = \"ops:pw@ws.evc.net:80/#SN#\"\n", "    com_Endpoint = \"ops:**@ws.evc.net:80/#SN#\"\n"},
		{"    com_Endpoint = \"wss://ops:p@w@h/x\"\n", "    com_Endpoint = \"wss://ops:***@h/x\"\n"},
		{"    chg_StationMaxCurrent = 99\nstation {\n", "    chg_StationMaxCurrent = 99\nstation {\n"},
		{"    com_Endpoint = \"wss://h/ocpp/#SN#\"\n", "    com_Endpoint = \"wss://h/ocpp/#SN#\"\n"},
		// Values that go on over the next lines, and the line after them.
		{"    gsm_APN = [\n      \"internet\",\n      \"ops\", \"pw\",\n    ]\n    chg_X = \"a\"\n",
			"    gsm_APN = [\n      \"********\",\n      \"***\", \"**\",\n    ]\n    chg_X = \"a\"\n"},
		{"    gsm_APN = {\n      name = \"internet\"\n      pass = env(\"X\") # [\n    }\n    chg_X = 1\n",
			"    gsm_APN = {\n      name = \"********\"\n      **** = env(\"X\") # [\n    }\n    chg_X = 1\n"}, // a key not gsm_APN's may be the secret
		{"    authorizationKey = <<-EOT\n      ops:pw\n    EOT\n    chg_X = \"a\"\n",
			"    authorizationKey = <<-EOT\n      ******\n    EOT\n    chg_X = \"a\"\n"},
		{"      authorizationKey: |\n        ops:pw\n\n        more\n      chg_X: a\n",
			"      authorizationKey: |\n        ******\n\n        ****\n      chg_X: a\n"},
		{"  - authorizationKey: >-\n      ops:pw\n    chg_X: a\n",
			"  - authorizationKey: >-\n      ******\n    chg_X: a\n"},
		{"      gsm_APN:\n        name: internet\n        password: pw\n      chg_X: a\n",
			"      gsm_APN:\n        name: ********\n        password: **\n      chg_X: a\n"},
		{"      gsm_APN:\n        - internet\n        - !env X\n      chg_X: a\n",
			"      gsm_APN:\n        - ********\n        - !env X\n      chg_X: a\n"},
		{"      authorizationKey: \"ops:\n        pw\" # c\n      chg_X: a\n",
			"      authorizationKey: \"****\n        **\" # c\n      chg_X: a\n"},
		// A sequence at the key's column; a plain scalar over two lines.
		{"      gsm_APN:\n      - internet\n      - hunter2\n      chg_X: a\n", "      gsm_APN:\n      - ********\n      - *******\n      chg_X: a\n"},
		{"    authorizationKey: first\n      SECONDPART\n    chg_X: a\n", "    authorizationKey: *****\n      **********\n    chg_X: a\n"},
		// Comments, and quotes within a word, open nothing.
		{"    authorizationKey = env(\"AUTH\") // don't commit\n    chg_X = \"a\"\n", "    authorizationKey = env(\"AUTH\") // don't commit\n    chg_X = \"a\"\n"},
		{"    authorizationKey: it's\n    chg_X: a\n", "    authorizationKey: **'*\n    chg_X: a\n"},
		// A conditional's strings are values, not keys.
		{"    authorizationKey = var.ok ? \"s3cret\" : \"other\"\n", "    authorizationKey = ****** * \"******\" * \"*****\"\n"},
		// A key within a line: a one-line block, a YAML flow mapping.
		{"  settings { authorizationKey = \"user:pw\" + }\n", "  settings { authorizationKey = \"*******\" * }\n"},
		{"  cp: {serial: G1, settings: {authorizationKey: \"user:pw\", x: [}}\n", "  cp: {serial: G1, settings: {authorizationKey: \"*******\", ** [}}\n"},
		{"  cp: {settings: {authorizationKey: \"user:pw\", chg_StationMaxCurrent: 1}}\n", "  cp: {settings: {authorizationKey: \"*******\", chg_StationMaxCurrent: *}}\n"},
		// A secret in a key's place, under gsm_APN (the fuzzer's).
		{" gsm_APN:\n   - internet\n   - 000000\xc2:\n", " gsm_APN:\n   - ********\n   - ********\n"},
		{"  chg_X = 1 # no password here\n", "  chg_X = 1 # no password here\n"},
		{"    authorizationKey = \"a\\\"b\n    chg_X = \"a\"\n",
			"    authorizationKey = \"****\n    ********\"*\"\n"}, // the string goes on to the next quote, as HCL reads it
		// A template's strings nest in the string: its quote is not left
		// open for the next line, nor a '#' in it a comment.
		{"    authorizationKey = \"${upper(\"hunter2\")}x\"\n    authorizationKey = \"${upper(\"hunter2\")}x\"\n",
			"    authorizationKey = \"********************\"\n    authorizationKey = \"********************\"\n"},
		{"    authorizationKey = \"${lower(\"a\t#bcdef\")}c\" x = 1\n", "    authorizationKey = \"*********************\" * = *\n"},
		// A template's opening without its closing brace is text (YAML's
		// "50%{off"): its quote closes the string, the next line is not
		// starred.
		{"      authorizationKey: \"ops:50%{off\"\n      chg_RatedCurrent: [16, 99\n",
			"      authorizationKey: \"***********\"\n      chg_RatedCurrent: [16, 99\n"},
		// A URL's password with a blank or a quote.
		{"  s: {com_Endpoint: wss://ops:a pw@h/x, chg_X: [1}\n", "  s: {com_Endpoint: wss://ops:****@h/x, chg_X: [1}\n"},
		{"      com_Endpoint: wss://ops:pa\"ss@h/x\n", "      com_Endpoint: wss://ops:*****@h/x\n"},
		{"    com_Endpoint = \"wss://ops:it's a pw@h/x\"\n", "    com_Endpoint = \"wss://ops:*********@h/x\"\n"},
		{"      com_Endpoint: 'wss://ops:it''s a pw@h/x' # c\n", "      com_Endpoint: 'wss://ops:**********@h/x' # c\n"},
	} {
		got := string(HideSecretLines([]byte(tc.in)))
		if got != tc.want {
			t.Errorf("HideSecretLines(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
		if len(got) != len(tc.in) {
			t.Errorf("%q: length changed", tc.in)
		}
	}
	if got := HideURLPasswords(`    com_Endpoint = "wss://cp:hunter2@h/ocpp/#SN#"`); got != `    com_Endpoint = "wss://cp:*******@h/ocpp/#SN#"` {
		t.Errorf("quoteLine: %q", got)
	}
	// As printed: a star a character, whatever its bytes.
	if got := HideURLPasswords(`    com_Endpoint = "wss://cp:hünter2@h/ocpp/#SN#"`); got != `    com_Endpoint = "wss://cp:*******@h/ocpp/#SN#"` {
		t.Errorf("HideURLPasswords: %q", got)
	}
	if got := HideSecretText([]byte("    authorizationKey = \"ops:pässwörd\"\n")); got != "    authorizationKey = \"************\"\n" {
		t.Errorf("HideSecretText: %q", got)
	}
}

// Warnings alike are shown three times, then folded; errors all; the
// JSON form keeps every one. model words no count of those folded: that
// names where they are all listed, a command (the view's, cmd/ecc
// printDiagnostics), which model rendered itself before.
func TestFoldWarnings(t *testing.T) {
	var diags hcl.Diagnostics
	for i := range 5 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Secret written in clear", Detail: fmt.Sprint(i)})
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Detail: fmt.Sprint(i)})
	}
	diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Other"})
	shown, folded := FoldWarnings(diags)
	if len(shown) != 9 || len(folded) != 2 || folded[0].Detail != "3" || folded[1].Detail != "4" {
		t.Errorf("shown %d, folded %d (%v), want 9 and the last 2 alike", len(shown), len(folded), folded)
	}
	out := RenderDiagnostics(shown, nil)
	if n := strings.Count(out, "warning: Secret written in clear"); n != 3 {
		t.Errorf("%d shown, want 3:\n%s", n, out)
	}
	if strings.Count(out, "error: Bad") != 5 || !strings.Contains(out, "warning: Other") {
		t.Errorf("got:\n%s", out)
	}
	if out := RenderDiagnostics(diags, nil); strings.Contains(out, "ecc ") || strings.Contains(out, "--format") {
		t.Errorf("model names a command:\n%s", out)
	}
	if js := string(RenderDiagnosticsJSON(diags)); strings.Count(js, `"Secret written in clear"`) != 5 {
		t.Errorf("JSON lost warnings:\n%s", js)
	}
}

// Inventories are quoted unless a secret key's value may come from them.
func TestQuietData(t *testing.T) {
	for site, want := range map[string]bool{
		"    authorizationKey = each.value.key\n":                  true,
		"        authorizationKey: ${key}\n":                       true,
		"    gsm_APN = {\n      password = each.value.pw\n    }\n": true,
		"      gsm_APN:\n        - m2m\n        - ${apn_pw}\n":     true,
		"    authorizationKey = <<EOT\n${each.value.key}\nEOT\n":   true,
		"  s: {settings: {authorizationKey: \"${key}\"}}\n":        true,
		"      gsm_APN:\n        - m2m\n      chg_X: ${x}\n":       false,
		"    authorizationKey = local.keys[each.key]\n":            true,
		"    authorizationKey = env(\"ECC_AUTH_${each.key}\")\n":   true, // the name only, but cheap to be safe
		"    gsm_APN = \"internet,,\"\n":                           false,
		"    # authorizationKey comes from the environment\n":      false,
		"    authorizationKey = env(\"ECC_AUTH\")\n":               false,
		"    serial = each.value.serial\n":                         false,
	} {
		if got := quietData([]byte(site)); got != want {
			t.Errorf("quietData(%q) = %v, want %v", site, got, want)
		}
	}
}

// A 0xFF byte of the file's own is not the filler of a starred character:
// the line shows it as '?', and the marker stays under it.
func TestFileByteFFShown(t *testing.T) {
	src := "station \"a\" {\n  serial = \"G1\"\n  settings {\n    com_OCPPID = \"a\xffb\"\n  }\n}\n"
	_, srcs, diags := LoadSiteBytes("ff.hcl", []byte(src))
	out := RenderDiagnostics(diags, srcs)
	want := "  4 |     com_OCPPID = \"a?b\"\n    |                    ^"
	if !diags.HasErrors() || !strings.Contains(out, want) {
		t.Errorf("want %q in:\n%s", want, out)
	}
	if got := unfill("*\xff\xff a\xff *\xff"); got != "* a\xff *" {
		t.Errorf("unfill: %q", got)
	}
}

// A secret's text given to another key too is starred there as well,
// as validate stars it (newStarrer, from minStarred characters): fmt
// -diff quoted chg_KWH1 = "ops:TopSecret1" in clear.
func TestHideSecretTextEverywhere(t *testing.T) {
	for _, tc := range []struct{ name, in, secret string }{
		{"hcl", "station \"a\" {\nserial = \"G1\"\nsettings {\nauthorizationKey = \"ops:TopSecret1\"\nchg_KWH1 = \"ops:TopSecret1\"\n}\n}\n", "TopSecret1"},
		{"hcl before", "station \"a\" {\n  settings {\n    chg_KWH1 = \"ops:TopSecret1\"\n    authorizationKey = \"ops:TopSecret1\"\n  }\n}\n", "TopSecret1"},
		{"yaml", "stations:\n  a:\n    serial: G1\n    settings:\n      gsm_APN: {name: apn, user: u, password: ApnTop2}\n      chg_KWH1: [ApnTop2]\n", "ApnTop2"},
		{"hcl password", "station \"a\" {\n  settings {\n    authorizationKey = \"ops:Pw1Secret\"\n    com_OCPPID = \"Pw1Secret,x\"\n  }\n}\n", "Pw1Secret"},
		{"yaml list", "stations:\n  a:\n    settings:\n      chg_KWH1: [ApnTop2]\n      gsm_APN:\n        - apn\n        - u\n        - ApnTop2\n", "ApnTop2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := HideSecretText([]byte(tc.in))
			if strings.Contains(got, tc.secret) {
				t.Errorf("the secret shows:\n%s", got)
			}
			if len(HideSecretLines([]byte(tc.in))) != len(tc.in) {
				t.Errorf("length changed")
			}
		})
	}
	// Short texts are starred in their value only: "u" and "apn" elsewhere stay.
	in := "      gsm_APN: {name: apn, user: u, password: ApnTop2}\n      chg_KWH1: apn\n"
	if got := HideSecretText([]byte(in)); !strings.Contains(got, "chg_KWH1: apn") {
		t.Errorf("a short text starred elsewhere:\n%s", got)
	}
}

// The password of an authorizationKey ("user:password") is a secret's
// text on its own, as gsm_APN's password is: another key given it (with
// more around it) quotes it starred, in its message and its line; a
// password shorter than minStarred is starred in its value only.
func TestSecretPasswordPartStarred(t *testing.T) {
	const yhead = "stations:\n  cp:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 1}\n"
	for _, tc := range []struct {
		name, file, src, secret, shown string
	}{
		{"hcl", "a.hcl", secretHead + "    authorizationKey = \"ops:Pw1Secret\"\n    com_OCPPID = \"Pw1Secret,x\"\n  }\n}\n", "Pw1Secret", ""},
		{"hcl invalid key", "a.hcl", secretHead + "    authorizationKey = \":Pw2Secret\"\n    com_OCPPID = \"Pw2Secret,x\"\n  }\n}\n", "Pw2Secret", ""},
		{"yaml", "a.yaml", yhead + "      authorizationKey: ops:Pw3Secret\n      com_OCPPID: Pw3Secret,x\n", "Pw3Secret", ""},
		{"apn password", "a.hcl", secretHead + "    gsm_APN = [\"m2m\", \"u\", \"Pw4Secret\"]\n    com_OCPPID = \"Pw4Secret,x\"\n  }\n}\n", "Pw4Secret", ""},
		{"short password", "a.hcl", secretHead + "    authorizationKey = \"ops:abc\"\n    com_OCPPID = \"abc,x\"\n  }\n}\n", "ops:abc", "abc,x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srcs, diags := LoadSiteBytes(tc.file, []byte(tc.src))
			out := RenderDiagnostics(diags, srcs) + string(RenderDiagnosticsJSON(diags))
			if !diags.HasErrors() || strings.Contains(out, tc.secret) || !strings.Contains(out, tc.shown) {
				t.Errorf("errors %v, the secret shown, or %q starred:\n%s", diags.HasErrors(), tc.shown, out)
			}
		})
	}
}

// A local whose value derives from a local that holds a secret from
// env() / file() (an alias, a template around it, and so on down a chain)
// holds a secret from there too: no "Secret written in clear" for the key
// given it. One written in clear in a local still warns.
func TestSecretThroughLocals(t *testing.T) {
	t.Setenv("ECC_TEST_RAW", "raw-from-env")
	const station = "station \"cp\" {\n  serial = \"G1\"\n  settings {\n    com_Options = { useTLS = 1 }\n"
	for _, tc := range []struct {
		name, locals, settings string
		warnings               int
	}{
		{"alias", `raw = env("ECC_TEST_RAW")
  pw = local.raw`, `gsm_APN = ["m2m", "u", local.pw]`, 0},
		{"template", `raw = env("ECC_TEST_RAW")
  key = "ops:${local.raw}"`, `authorizationKey = local.key`, 0},
		{"chain", `a = env("ECC_TEST_RAW")
  b = local.a
  c = "ops:${upper(local.b)}"`, `authorizationKey = local.c`, 0},
		{"map of a secret", `raw = env("ECC_TEST_RAW")
  pw = local.raw`, `gsm_APN = { name = "m2m", user = "u", password = local.pw }`, 0},
		{"in clear", `key = "ops:clear-secret-40"
  alias = local.key`, `authorizationKey = local.alias`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "locals {\n  " + tc.locals + "\n}\n" + station + "    " + tc.settings + "\n  }\n}\n"
			_, srcs, diags := LoadSiteBytes("a.hcl", []byte(src))
			warnings := 0
			for _, d := range diags {
				if d.Summary == "Secret written in clear" {
					warnings++
				}
			}
			if out := RenderDiagnostics(diags, srcs); warnings != tc.warnings || diags.HasErrors() {
				t.Errorf("%d warnings, want %d; errors %v:\n%s", warnings, tc.warnings, diags.HasErrors(), out)
			}
		})
	}
}
