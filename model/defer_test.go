package model

import (
	"os"
	"path/filepath"
	"testing"
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
    gsm_APN = { apn = "m2m", user = "u", password = env("ECC_TEST_MISSING") }
  }
}`, []string{"authorizationKey", "gsm_APN"}},
		{"yaml env", "s.yaml", `stations:
  a:
    serial: G1
    settings:
      authorizationKey: !env ECC_TEST_MISSING
      chg_StationMaxCurrent: 16
`, []string{"authorizationKey"}},
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
