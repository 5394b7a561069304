package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/apply"
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
}

// Report writes the event as one line; progress ticks (no message) are
// for bars and not written.
func (r *jsonEvents) Report(e apply.Event) {
	if e.Message == "" && e.Progress != nil {
		return
	}
	now := time.Now
	if r.now != nil {
		now = r.now
	}
	j := jsonEvent{
		Level: e.Level, Message: e.Message, Type: e.Type, Station: e.Station,
		Timestamp: now().UTC().Format(time.RFC3339Nano),
		Key:       e.Key, Status: e.Status, Wanted: e.Wanted, Found: e.Found,
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
	data, err := json.Marshal(j)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Write(append(data, '\n'))
}
