// Package words spells counts in the English of ecc's messages: the one
// place for "1 station", "2 stations", used by the use cases' events and
// by the views alike.
package words

import (
	"strconv"
	"strings"
)

// Plural is "1 station", "2 stations": n, then one or many.
func Plural(n int, one, many string) string { return string(AppendPlural(nil, n, one, many)) }

// AppendPlural is Plural appended to b (a view rendering 100,000 stations
// builds its lines without a string per count).
func AppendPlural(b []byte, n int, one, many string) []byte {
	if n == 1 {
		return append(append(b, "1 "...), one...)
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return append(append(b, ' '), many...)
}

// Or joins items as "a, b or c".
func Or(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// Some joins the first max items with ", " and counts the rest: "a, b, c
// and 4 more".
func Some(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + " and " + strconv.Itoa(len(items)-max) + " more"
}
