package main

import (
	"slices"
	"testing"
)

func TestSingleDashLong(t *testing.T) {
	var planCmd = root
	for _, c := range root.Commands() {
		if c.Name() == "plan" {
			planCmd = c
		}
	}
	for _, tc := range []struct{ in, want []string }{
		{[]string{"plan", "site.hcl", "-out=p.json", "-detailed-exitcode"}, []string{"plan", "site.hcl", "--out=p.json", "--detailed-exitcode"}},
		{[]string{"plan", "-out", "p.json", "--port", "/dev/x"}, []string{"plan", "--out", "p.json", "--port", "/dev/x"}},
		{[]string{"plan", "--", "-out"}, []string{"plan", "--", "-out"}},
		{[]string{"plan", "-x"}, []string{"plan", "-x"}},
		{[]string{"apply", "-out=p"}, []string{"apply", "-out=p"}},
	} {
		if got := singleDashLong(tc.in, planCmd); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
