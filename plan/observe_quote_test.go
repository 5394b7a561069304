package plan

import (
	"strconv"
	"testing"
)

// appendQuote must write exactly strconv.AppendQuote's bytes: the
// fingerprint of a snapshot taken by an earlier version must not change.
func TestAppendQuoteIsStrconv(t *testing.T) {
	for _, s := range []string{"", "16,16", "Events=1,BlockBeforeBoot=1", `a"b`, `a\b`, "tab\there", "é", "\x7f", "\x00", "wss://x/#SN#", "~ }"} {
		if got, want := string(appendQuote([]byte("k="), s)), string(strconv.AppendQuote([]byte("k="), s)); got != want {
			t.Errorf("appendQuote(%q) = %s, want %s", s, got, want)
		}
	}
}
