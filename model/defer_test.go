package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestDeferSecrets: with DeferSecrets an unavailable env() / file() (or
// !env / !file) is an Unknown setting, whatever is computed from it; the
// same file without the option is an error at the secret.
func TestDeferSecrets(t *testing.T) {
	os.Unsetenv("ECC_TEST_MISSING")
	t.Setenv("ECC_TEST_PRESENT", "user:pw")
	for _, tc := range []struct {
		name, file, src string
		unknown         []string // keys Unknown with DeferSecrets
	}{
		{"hcl env", "s.hcl", `station "a" {
  serial = "G1"
  settings {
    authorizationKey = env("ECC_TEST_MISSING")
    chg_StationMaxCurrent = 16
  }
}`, []string{"authorizationKey"}},
		{"hcl interpolated and file", "s.hcl", `station "a" {
  serial = "G1"
  settings {
    authorizationKey = "user:${file("missing.txt")}"
    gsm_APN = { name = "m2m", user = "u", password = env("ECC_TEST_MISSING") }
  }
}`, []string{"authorizationKey", "gsm_APN"}},
		{"yaml env", "s.yaml", `stations:
  a:
    serial: G1
    settings:
      authorizationKey: !env ECC_TEST_MISSING
      chg_StationMaxCurrent: 16
`, []string{"authorizationKey"}},
		// A secret in a local, the local given to a key (ecc validate
		// --no-secrets said Missing environment variable).
		{"hcl local", "s.hcl", `locals { key = env("ECC_TEST_MISSING") }
station "a" {
  serial = "G1"
  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = local.key
  }
}`, []string{"authorizationKey"}},
		{"hcl local template", "s.hcl", `locals {
  key = "ops:${file("missing.txt")}"
  pw  = upper(env("ECC_TEST_MISSING"))
}
station "a" {
  serial = "G1"
  settings {
    authorizationKey = local.key
    gsm_APN          = ["m2m", "u", local.pw]
  }
}`, []string{"authorizationKey", "gsm_APN"}},
		{"hcl local through locals", "s.hcl", `locals {
  raw = env("ECC_TEST_MISSING")
  pw  = local.raw
  key = "ops:${local.pw}"
}
station "a" {
  serial = "G1"
  settings {
    authorizationKey = local.key
    gsm_APN          = ["m2m", "u", local.pw]
  }
}`, []string{"authorizationKey", "gsm_APN"}},
		{"present secret stays known", "s.hcl", `station "a" {
  serial = "G1"
  settings { authorizationKey = env("ECC_TEST_PRESENT") }
}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, tc.file)
			os.WriteFile(path, []byte(tc.src), 0o644)
			sites, _, diags := LoadSitesWith(LoadOptions{DeferSecrets: true}, path)
			if diags.HasErrors() {
				t.Fatalf("deferred: %v", diags)
			}
			var got []string
			for _, s := range sites[0].Stations[0].Settings {
				if s.Unknown {
					if s.Value != nil || s.Secret == nil {
						t.Errorf("%s: unknown with value %v, secret %v", s.Key, s.Value, s.Secret)
					}
					got = append(got, s.Key)
				}
			}
			if len(got) != len(tc.unknown) {
				t.Fatalf("unknown = %v, want %v", got, tc.unknown)
			}
			for i := range got {
				if got[i] != tc.unknown[i] {
					t.Fatalf("unknown = %v, want %v", got, tc.unknown)
				}
			}
			_, _, diags = LoadSites(path)
			if diags.HasErrors() != (len(tc.unknown) > 0) {
				t.Fatalf("without DeferSecrets: %v", diags)
			}
		})
	}
}

// TestDeferSecretsChecksTheRest: with DeferSecrets (validate --no-secrets,
// the CI step) what does not depend on the missing secret is still
// checked: the other parts of a gsm_APN, and the cross-key rules that look
// only at the key's presence (authorizationKey needs useTLS=1). Both
// passed CI before and failed at the installer's apply. When the unknown
// parts are all secret parts, KnownDisplay is what an offline plan may
// compare with a snapshot.
func TestDeferSecretsChecksTheRest(t *testing.T) {
	os.Unsetenv("ECC_TEST_MISSING")
	station := func(settings string) string {
		return "station \"a\" {\n  serial = \"G1\"\n  settings {\n" + settings + "\n  }\n}\n"
	}
	for _, tc := range []struct {
		name, src string
		errAt     string // "LINE:COL: SUMMARY" of the one error, or ""
		shown     string // KnownDisplay of the unknown setting
	}{
		{"apn name too long", station(`    gsm_APN = { name = "this-apn-name-is-far-too-long-for-the-controller", user = "u", password = env("ECC_TEST_MISSING") }`),
			"4:24: Invalid value for gsm_APN", ""},
		{"apn known parts", station(`    gsm_APN = { name = "m2m.example", user = "iot", password = env("ECC_TEST_MISSING") }`),
			"", "m2m.example,iot,(sensitive)"},
		{"apn name unknown too", station(`    gsm_APN = { name = env("ECC_TEST_MISSING"), user = "iot", password = env("ECC_TEST_MISSING") }`),
			"", ""},
		{"authorizationKey without TLS", station("    com_Options = { useTLS = 0 }\n    authorizationKey = env(\"ECC_TEST_MISSING\")"),
			"5:24: authorizationKey needs useTLS=1", "(sensitive)"},
		{"authorizationKey interpolated", station("    com_Options = { useTLS = 1 }\n    authorizationKey = \"cp:${env(\"ECC_TEST_MISSING\")}\""),
			"", "(sensitive)"},
		{"number from a secret", station(`    chg_StationMaxCurrent = env("ECC_TEST_MISSING")`),
			"", ""},
		{"yaml", "stations:\n  a:\n    serial: G1\n    settings:\n      gsm_APN: {name: m2m, user: iot, password: !env ECC_TEST_MISSING}\n      com_Options: {useTLS: 0}\n",
			"", "m2m,iot,(sensitive)"},
		{"yaml without TLS", "stations:\n  a:\n    serial: G1\n    settings:\n      com_Options: {useTLS: 0}\n      authorizationKey: !env ECC_TEST_MISSING\n",
			"6:25: authorizationKey needs useTLS=1", "(sensitive)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.hcl")
			if strings.HasPrefix(tc.src, "stations:") {
				path = filepath.Join(t.TempDir(), "s.yaml")
			}
			sites, diags, got := loadDeferred(t, path, tc.src)
			if got != tc.errAt {
				t.Fatalf("diagnostics %q, want %q", got, tc.errAt)
			}
			if diags.HasErrors() {
				return
			}
			var shown []string
			for _, s := range sites[0].Stations[0].Settings {
				if s.Unknown {
					shown = append(shown, s.KnownDisplay())
				}
			}
			if len(shown) != 1 || shown[0] != tc.shown {
				t.Errorf("KnownDisplay %q, want %q", shown, tc.shown)
			}
		})
	}
}

// A local that reads data (an inventory, a list split from a variable)
// is no secret: with DeferSecrets its missing source is an error all the
// same, at its call.
func TestDeferSecretsNotData(t *testing.T) {
	os.Unsetenv("ECC_TEST_MISSING")
	for _, tc := range []struct{ name, src, errAt string }{
		{"inventory", `locals { rows = csvdecode(file("missing.csv")) }
station "a" {
  for_each = { for r in local.rows : r.name => r }
  serial   = each.value.serial
}`, "1:27: Missing file"},
		{"list", `locals { names = split(",", env("ECC_TEST_MISSING")) }
station "a" {
  for_each = toset(local.names)
  serial   = each.key
}`, "1:29: Missing environment variable"},
		// A string local is deferred as a secret; a for_each reading it,
		// directly or through another local, cannot know its stations:
		// an error at each (the block's stations were dropped in silence).
		{"string local", `locals {
  names = env("ECC_TEST_MISSING")
  list  = split(",", local.names)
}
station "a" {
  for_each = toset(split(",", local.names))
  serial   = each.key
}
station "b" {
  for_each = toset(local.list)
  serial   = each.key
}`, "6:14: Unknown for_each10:14: Unknown for_each"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, got := loadDeferred(t, filepath.Join(t.TempDir(), "s.hcl"), tc.src)
			if got != tc.errAt {
				t.Errorf("diagnostics %q, want %q", got, tc.errAt)
			}
		})
	}
}

// loadDeferred writes src at path and loads it with DeferSecrets: the
// sites, the diagnostics, and each as "LINE:COL: Summary".
func loadDeferred(t *testing.T, path, src string) ([]*Site, hcl.Diagnostics, string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	sites, _, diags := LoadSitesWith(LoadOptions{DeferSecrets: true}, path)
	var got string
	for _, d := range diags {
		got += fmt.Sprintf("%d:%d: %s", d.Subject.Start.Line, d.Subject.Start.Column, d.Summary)
	}
	return sites, diags, got
}
