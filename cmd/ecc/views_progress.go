package main

import (
	"io"

	"github.com/ecotap-tools/ecc/apply"
)

// newProgressView is the text view of apply events on w.
func newProgressView(w io.Writer, terminal bool) apply.Reporter {
	return &textEvents{w: w}
}
