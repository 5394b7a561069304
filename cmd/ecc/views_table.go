package main

import (
	"bytes"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// table lays out lines of tab-terminated cells in columns two spaces
// apart, as text/tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) does, but by
// display width: tabwriter counts runes, so a station or chargebox named
// in CJK (two columns a character) pushed the rest of its row out of
// line. As with tabwriter, the text after a line's last tab is not part
// of a column. Write buffers; Flush lays out and writes.
type table struct {
	w   io.Writer
	buf bytes.Buffer
}

func newTable(w io.Writer) *table { return &table{w: w} }

// cellWidth is a cell's display width, the same in every locale:
// go-runewidth's default reads LANG, and in a CJK locale counts ambiguous
// characters (×, ≤ in ecc keys) as two columns, which terminals there
// mostly do not.
var cellWidth = func() func(string) int {
	c := runewidth.NewCondition()
	c.EastAsianWidth = false
	return c.StringWidth
}()

func (t *table) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush writes the buffered lines, each column as wide as its widest cell.
func (t *table) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.SplitAfter(text, "\n")
	cells := make([][]string, len(lines))
	var widths []int
	for i, l := range lines {
		cells[i] = strings.Split(l, "\t")
		for c, cell := range cells[i][:len(cells[i])-1] { // the last is no column
			if c == len(widths) {
				widths = append(widths, 0)
			}
			widths[c] = max(widths[c], cellWidth(cell))
		}
	}
	var out strings.Builder
	for _, row := range cells {
		last := len(row) - 1
		for c, cell := range row[:last] {
			out.WriteString(cell)
			out.WriteString(strings.Repeat(" ", widths[c]-cellWidth(cell)+2))
		}
		out.WriteString(row[last])
	}
	_, err := io.WriteString(t.w, out.String())
	return err
}
