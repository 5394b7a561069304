package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/ecotap-tools/ecc/apply"
	"github.com/ecotap-tools/ecc/internal/words"
	"github.com/ecotap-tools/ecc/model"
)

// textEvents prints one line per apply event for people, e.g.
// "cp-01: backup done (0.4 s)". It is meant for stderr.
type textEvents struct {
	mu sync.Mutex
	w  io.Writer
}

// Report prints the event.
func (r *textEvents) Report(e apply.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, eventLine(e))
}

// eventLine is an event as a person reads it.
func eventLine(e apply.Event) string {
	line := e.Message
	if e.Done {
		line = fmt.Sprintf("%s (%.1f s)", line, e.Elapsed.Seconds())
	}
	// An event of no station (the summary; a restore's warning about the
	// backup, before the controller is read) has no "station: " prefix.
	if e.Station != "" && e.Type != apply.EvSummary {
		line = e.Station + ": " + line
	}
	switch e.Level {
	case apply.LevelError:
		line = "error: " + line
	case apply.LevelWarn:
		line = "warning: " + line
	}
	return line
}

// jsonEvents writes one JSON object per event and line, in the manner of
// Terraform's -json UI: "@level", "@message", "@timestamp", "type",
// "station" and the event's details.
type jsonEvents struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time // nil = time.Now
}

type jsonEvent struct {
	Level     string        `json:"@level"`
	Message   string        `json:"@message"`
	Timestamp string        `json:"@timestamp"`
	Type      string        `json:"type"`
	Station   string        `json:"station,omitempty"`
	Phase     string        `json:"phase,omitempty"`
	Elapsed   *float64      `json:"elapsed_seconds,omitempty"`
	Key       string        `json:"key,omitempty"`
	Status    string        `json:"status,omitempty"`
	Wanted    string        `json:"wanted,omitempty"`
	Found     string        `json:"found,omitempty"`
	Path      string        `json:"path,omitempty"`
	Keys      []string      `json:"keys,omitempty"`
	Counts    *apply.Counts `json:"counts,omitempty"`
	// Diagnostics (type diagnostics) as validate --format json and the
	// JSON plan write them.
	Diagnostics []model.JSONDiagnostic `json:"diagnostics,omitempty"`
}

// Report writes the event as one line; progress ticks (no message) are
// for bars and not written.
func (r *jsonEvents) Report(e apply.Event) {
	if e.Message == "" && e.Progress != nil {
		return
	}
	j := jsonEvent{
		Level: e.Level, Message: e.Message, Type: e.Type, Station: e.Station,
		Key: e.Key, Status: e.Status, Wanted: e.Wanted, Found: e.Found,
		Path: e.Path, Keys: e.Keys, Counts: e.Counts,
	}
	if j.Level == "" {
		j.Level = apply.LevelInfo
	}
	if e.Station != "" && e.Type != apply.EvSummary {
		j.Message = e.Station + ": " + e.Message
	}
	if e.Done {
		j.Phase = "done"
		s := e.Elapsed.Seconds()
		j.Elapsed = &s
	}
	r.write(j)
}

// diagnostics writes the files' problems as one event of type
// diagnostics, each as validate --format json writes it.
func (r *jsonEvents) diagnostics(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	errs := len(diags.Errs())
	level, counts := apply.LevelWarn, []string{}
	if errs > 0 {
		level, counts = apply.LevelError, append(counts, words.Plural(errs, "error", "errors"))
	}
	if n := len(diags) - errs; n > 0 {
		counts = append(counts, words.Plural(n, "warning", "warnings"))
	}
	r.write(jsonEvent{Level: level, Type: apply.EvDiagnostics, Message: strings.Join(counts, " and ") + " in the files given",
		Diagnostics: model.JSONDiagnostics(diags)})
}

// write writes j, stamped now, as one line.
func (r *jsonEvents) write(j jsonEvent) {
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	j.Timestamp = now().UTC().Format(time.RFC3339Nano)
	data, err := json.Marshal(j)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Write(append(data, '\n'))
}
