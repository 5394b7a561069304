package apply_test

import (
	"strings"
	"testing"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// TestITConformanceVariant runs plan then apply of the built binary against
// a controller that differs from the default simulator only where the
// protocol leaves room (controller-protocol.md): bare "\n" line endings,
// output in random small pieces with lines merged, a window of one request
// and at most three keys per get or set. See also transport's
// TestConformance.
func TestITConformanceVariant(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	e := start(t, func(o *sim.Options) {
		o.LineEnding = "\n"
		o.SplitWrites = 6
		o.Window = 1
		o.MaxKeys = 3
	})
	site := e.site("site.hcl", goodSettings)
	r := e.ecc("plan", site, "--detailed-exitcode")
	if r.code != 2 {
		t.Fatalf("plan: exit %d, want 2 (changes)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, k := range []string{"chg_StationMaxCurrent", "chg_RatedCurrent", "com_Options", "authorizationKey"} {
		if !strings.Contains(r.stdout, k) {
			t.Errorf("plan does not show %s:\n%s", k, r.stdout)
		}
	}
	r = e.ecc("apply", site, "--auto-approve")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	e.expectApplied(nil)
	if r := e.ecc("plan", site, "--detailed-exitcode"); r.code != 0 {
		t.Errorf("plan after apply: exit %d, want 0 (no changes)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
