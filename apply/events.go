package apply

import (
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
	EvRestore       = "restore"
	// EvDiagnostics is the views' own: the problems of the files given
	// (site files; a saved plan's that no longer load: SiteLoadError).
	EvDiagnostics = "diagnostics"
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
	// Progress of a firmware upgrade (type firmware): bytes transferred,
	// or the controller's flash phase and percent.
	Progress *Progress
}

// Reporter receives events. Implementations are safe for concurrent use.
// The views of cmd/ecc implement it (text lines, JSON lines, progress
// bars); apply never formats for a person or a terminal.
type Reporter interface {
	Report(Event)
}

// Discard drops every event.
var Discard Reporter = discard{}

type discard struct{}

func (discard) Report(Event) {}

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
