package model

import (
	"strings"
	"testing"
)

// optIn must find what a map of the list's options keyed by lower-case
// names finds (what the cross-key rules read before it).
func TestOptInIsMapLookup(t *testing.T) {
	asMap := func(list string) map[string]string {
		m := map[string]string{}
		for _, p := range strings.Split(list, ",") {
			if name, val, ok := strings.Cut(p, "="); ok {
				m[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(val)
			}
		}
		return m
	}
	lists := []string{"", "useTLS=1", "Events=1,useTLS=0,comMaster=0", "USETLS=1,usetls=0", "useTLS", "=1,useTLS= 1 ",
		"type=static,ip=10.0.0.2,netmask=255.0.0.0,gw=", "\u0130p=1.2.3.4", "Ip=1", "\u212aey=1", "a=b=c,a"}
	names := []string{"usetls", "type", "ip", "netmask", "gw", "key", "a", ""}
	for _, l := range lists {
		m := asMap(l)
		for _, n := range names {
			want, wantOK := m[n]
			if got, ok := optIn(l, n); got != want || ok != wantOK {
				t.Errorf("optIn(%q, %q) = %q, %v; want %q, %v", l, n, got, ok, want, wantOK)
			}
		}
	}
}
