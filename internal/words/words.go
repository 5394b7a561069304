// Package words spells counts in the English of ecc's messages: the one
// place for "1 station", "2 stations", used by the use cases' events and
// by the views alike.
package words

import (
	"strconv"
	"strings"
	"time"
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

// Age says how old something d old is, in whole units (rounded down) of
// the largest that fits: "56 seconds", "5 minutes", "47 hours", "3 days";
// "less than a second". The one rounding of every age ecc prints (a plan's
// snapshot note, --max-age's error, status), so that two never disagree.
func Age(d time.Duration) string { return string(AppendAge(nil, d)) }

// AppendAge is Age appended to b.
func AppendAge(b []byte, d time.Duration) []byte {
	switch {
	case d < time.Second:
		return append(b, "less than a second"...)
	case d < time.Minute:
		return AppendPlural(b, int(d/time.Second), "second", "seconds")
	case d < time.Hour:
		return AppendPlural(b, int(d/time.Minute), "minute", "minutes")
	case d < 48*time.Hour:
		return AppendPlural(b, int(d/time.Hour), "hour", "hours")
	}
	return AppendPlural(b, int(d/(24*time.Hour)), "day", "days")
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

// Command is a command line for the user to copy, each argument quoted
// when a shell would split or change it: a site file under
// C:\Users\Jan de Vries\ is one argument. Double quotes read the same in
// bash, zsh, PowerShell and cmd.exe; an argument holding what they expand
// there (" $ `) or ending in a backslash is put in single quotes instead,
// which POSIX shells and PowerShell read literally (a single quote inside
// is escaped the POSIX way, which PowerShell does not read: no path
// or name ecc prints is expected to hold one).
func Command(args ...string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case a != "" && strings.Trim(a, shellSafe) == "":
			b.WriteString(a)
		case !strings.ContainsAny(a, "\"$`") && !strings.HasSuffix(a, `\`):
			b.WriteString(`"` + a + `"`)
		default:
			b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
		}
	}
	return b.String()
}

// shellSafe are the characters that bash, zsh, PowerShell and cmd.exe
// all leave as they are in an argument: not a backslash (bash drops an
// unquoted one), % (cmd.exe expands %VAR%), @ (PowerShell splats @name).
const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+,"
