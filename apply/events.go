package apply

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// Event types (the "type" field of --format json).
const (
	EvApplyStart    = "apply_start"
	EvJournal       = "journal"
	EvBackup        = "backup"
	EvFirmware      = "firmware"
	EvWrite         = "write"
	EvSave          = "save"
	EvReboot        = "reboot"
	EvVerify        = "verify"
	EvRollback      = "rollback"
	EvSnapshot      = "snapshot"
	EvApplyComplete = "apply_complete"
	EvApplyErrored  = "apply_errored"
	EvSummary       = "summary"
)

// Levels.
const (
	LevelInfo  = "info"
	LevelWarn  = "warn"
	LevelError = "error"
)

// Event is one thing that happened during an apply. Messages never hold a
// secret: values are always in Display form.
type Event struct {
	Type    string
	Level   string // "" = info
	Station string
	Message string
	// Done marks the end of a step (Elapsed is its duration); a step's
	// start has Done false.
	Done    bool
	Elapsed time.Duration
	// Optional details.
	Key    string
	Status string
	Wanted string
	Found  string
	Path   string
	Keys   []string
	// Summary counts (type summary).
	Counts *Counts
}

// Reporter receives events. Implementations are safe for concurrent use.
type Reporter interface {
	Report(Event)
}

// Discard drops every event.
var Discard Reporter = discard{}

type discard struct{}

func (discard) Report(Event) {}

// TextReporter prints one line per event for people, e.g.
// "cp-01: backup done (0.4 s)". It is meant for stderr.
type TextReporter struct {
	mu sync.Mutex
	W  io.Writer
}

// Report prints the event.
func (r *TextReporter) Report(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var line string
	switch {
	case e.Type == EvSummary:
		line = e.Message
	case e.Done:
		line = fmt.Sprintf("%s: %s (%s)", e.Station, e.Message, seconds(e.Elapsed))
	default:
		line = fmt.Sprintf("%s: %s", e.Station, e.Message)
	}
	switch e.Level {
	case LevelError:
		line = "error: " + line
	case LevelWarn:
		line = "warning: " + line
	}
	fmt.Fprintln(r.W, line)
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// JSONReporter writes one JSON object per event and line, in the manner of
// Terraform's -json UI: "@level", "@message", "@timestamp", "type",
// "station" and the event's details.
type JSONReporter struct {
	mu  sync.Mutex
	W   io.Writer
	Now func() time.Time // nil = time.Now
}

type jsonEvent struct {
	Level     string   `json:"@level"`
	Message   string   `json:"@message"`
	Timestamp string   `json:"@timestamp"`
	Type      string   `json:"type"`
	Station   string   `json:"station,omitempty"`
	Phase     string   `json:"phase,omitempty"`
	Elapsed   *float64 `json:"elapsed_seconds,omitempty"`
	Key       string   `json:"key,omitempty"`
	Status    string   `json:"status,omitempty"`
	Wanted    string   `json:"wanted,omitempty"`
	Found     string   `json:"found,omitempty"`
	Path      string   `json:"path,omitempty"`
	Keys      []string `json:"keys,omitempty"`
	Counts    *Counts  `json:"counts,omitempty"`
}

// Report writes the event as one line.
func (r *JSONReporter) Report(e Event) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	j := jsonEvent{
		Level: e.Level, Message: e.Message, Type: e.Type, Station: e.Station,
		Timestamp: now().UTC().Format(time.RFC3339Nano),
		Key:       e.Key, Status: e.Status, Wanted: e.Wanted, Found: e.Found,
		Path: e.Path, Keys: e.Keys, Counts: e.Counts,
	}
	if j.Level == "" {
		j.Level = LevelInfo
	}
	if e.Station != "" && e.Type != EvSummary {
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
	r.W.Write(append(data, '\n'))
}

// stationReporter fills in the station name.
type stationReporter struct {
	r    Reporter
	name string
}

func (s stationReporter) Report(e Event) {
	if e.Station == "" {
		e.Station = s.name
	}
	s.r.Report(e)
}

// step times one step: start emits the start event, done the end.
type step struct {
	r     Reporter
	typ   string
	start time.Time
}

func begin(r Reporter, typ, msg string) *step {
	r.Report(Event{Type: typ, Message: msg})
	return &step{r: r, typ: typ, start: time.Now()}
}

func (s *step) done(msg string) {
	s.r.Report(Event{Type: s.typ, Message: msg, Done: true, Elapsed: time.Since(s.start)})
}
