package main

import (
	"bufio"
	"bytes"
	"io"
	"strconv"

	"github.com/ecotap-tools/ecc/plan"
)

// ANSI colours, used only when planRenderOptions.Color says so.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// renderPlanText writes a plan the way Terraform prints one: a header per
// station, the firmware line first, one line per change, errors and
// warnings, and a closing summary. Stations are rendered in parallel,
// written in order (inOrder): a plan of 100,000 stations took a fifth of
// a second on one core after every station was computed.
func renderPlanText(w io.Writer, p *plan.Plan, opts planRenderOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	c := colours(opts.Color).c
	now := opts.now(p)
	if err := inOrder(bw, len(p.Stations), func(b *bytes.Buffer, i int) {
		if i > 0 {
			b.WriteByte('\n')
		}
		textStation(textWriter{b, colours(opts.Color)}, p.Stations[i], now)
	}); err != nil {
		return err
	}
	if len(p.Stations) > 0 {
		bw.WriteByte('\n')
	}
	textLine(bw, c(ansiBold, planSummaryLine(p)))
	if b := planBlockedLine(p); b != "" {
		textLine(bw, c(ansiRed, b))
	}
	return bw.Flush()
}

// colours says whether text is coloured (planRenderOptions.Color).
type colours bool

// c is s in the colour of code, when coloured.
func (on colours) c(code, s string) string {
	if !on {
		return s
	}
	return code + s + ansiReset
}

// textWriter writes the text of stations.
type textWriter struct {
	*bytes.Buffer
	colours
}

// start and end enclose what is written in between in the colour of
// code, when coloured.
func (w textWriter) start(code string) {
	if w.colours {
		w.WriteString(code)
	}
}

func (w textWriter) end() {
	if w.colours {
		w.WriteString(ansiReset)
	}
}

// quote writes s quoted as strconv.Quote does.
func (w textWriter) quote(s string) { w.Write(strconv.AppendQuote(w.AvailableBuffer(), s)) }

// textLine writes parts and a newline.
func textLine(w io.StringWriter, parts ...string) {
	for _, p := range parts {
		w.WriteString(p)
	}
	w.WriteString("\n")
}
