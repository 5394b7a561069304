package record

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Journal records an apply in flight. apply writes it before the first
// write and removes it after verification, so that a killed ecc or a pulled
// cable is noticed by the next plan or apply of that station.
type Journal struct {
	Serial    string    `json:"serial"`
	Station   string    `json:"station"`
	SiteFile  string    `json:"site_file,omitempty"`
	StartedAt time.Time `json:"started_at"`
	// Step is the last step begun: "backup", "firmware", "write", "save",
	// "reboot", "verify", "rollback".
	Step string `json:"step"`
	// Backup is the backup file holding the values before this apply.
	Backup string `json:"backup"`
	// Keys are the keys this apply writes; Written those the controller
	// answered stored.
	Keys    []string `json:"keys"`
	Written []string `json:"written,omitempty"`
	// Sent lists the keys whose write request has begun. It is saved
	// before each request (Written only after its reply, which a killed
	// ecc or a pulled cable loses), so it names every key that may have
	// reached the controller: [] before the first. Journals of earlier
	// versions have none (nil).
	Sent []string `json:"sent"`
	// Planned holds the non-sensitive values being written, so that the
	// apply can be finished; sensitive ones are only hashed.
	Planned map[string]string `json:"planned,omitempty"`
	Hashes  map[string]string `json:"hashes,omitempty"`
}

// MayHaveWritten returns the keys the interrupted apply may have written:
// those whose write began (Sent), or every key of Keys in a journal of an
// earlier version, which does not record them.
func (j *Journal) MayHaveWritten() []string {
	if j.Sent == nil {
		return j.Keys
	}
	return j.Sent
}

// journalDir is the folder of a state directory that holds the journals.
const journalDir = "journal"

func (s *State) journalPath(serial string) string {
	return s.serialPath(journalDir, serial)
}

// LoadJournal returns the journal of an interrupted apply, or nil. It
// sees the journals there were when this State first asked, and those it
// wrote since (journalIndex): a State serves one command, and a program
// that lives longer opens a State per plan (as Build does).
func (s *State) LoadJournal(serial string) (*Journal, error) {
	if !s.journals.mayHave(s.Dir, serial) {
		return nil, nil
	}
	return load[Journal](s.journalPath(serial), "journal")
}

// SaveJournal writes (or updates) a journal atomically.
func (s *State) SaveJournal(j *Journal) error {
	s.upgrade(j.Hashes)
	err := s.save(s.journalPath(j.Serial), j)
	// Noted even when the write failed: the file may be there all the same,
	// and a name too many only costs an open.
	s.journals.saved(j.Serial)
	return err
}

// RemoveJournal deletes a serial's journal after a verified apply.
func (s *State) RemoveJournal(serial string) error {
	err := os.Remove(s.journalPath(serial))
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	if err == nil {
		s.journals.removed(serial)
	}
	return err
}

// journalIndex spares a plan one failed open per station to learn that
// there is no journal (the usual answer): the first LoadJournal lists the
// journal folder once, and a serial whose file is not listed has none.
//
// The listing is kept true for this State's own writes and removals
// (SaveJournal, RemoveJournal). It is not refreshed for another writer
// (another ecc, or another State of the same directory) and need not be:
// a journal is a record of an interrupted apply, not a lock. An apply that
// was interrupted left its journal before this State listed the folder, so
// the listing has it. A journal that appears after the listing belongs to
// an apply still running elsewhere, and reading the file per station could
// miss it just as well (it may be written a moment after the open); ecc
// has never excluded two concurrent applies of one station by journals.
// A listed name is always opened, so a journal removed elsewhere reads as
// none, as before. Names are compared lower-cased: on a file system that
// ignores case the open finds a file whose name differs in case, so such
// a file must be opened too (a superset of names only costs opens).
//
// A folder that cannot be listed, or holds more than journalListMax
// names (many interrupted applies: each State of the directory would list
// them all again), is not indexed: every LoadJournal opens its file, as
// without the index.
type journalIndex struct {
	mu     sync.Mutex
	listed bool
	names  map[string]bool // lower-cased safeName of each listed .json; nil: not indexed
}

const journalListMax = 1000

// mayHave reports whether serial may have a journal in the state
// directory dir, listing its journal folder on the first call.
func (x *journalIndex) mayHave(dir, serial string) bool {
	key := journalKey(serial)
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.listed {
		x.names = listJournals(filepath.Join(dir, journalDir))
		x.listed = true
	}
	return x.names == nil || x.names[key]
}

// saved notes a journal just written.
func (x *journalIndex) saved(serial string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	// Not listed yet: the listing, made later, sees the file.
	if x.names != nil {
		x.names[journalKey(serial)] = true
	}
}

// removed notes a journal just removed.
func (x *journalIndex) removed(serial string) {
	key := journalKey(serial)
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.names, key)
}

// listJournals lists dir's journals by journalKey: empty when dir does not
// exist, nil when it cannot be listed or holds too many names.
func listJournals(dir string) map[string]bool {
	f, err := os.Open(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}
	}
	if err != nil {
		return nil
	}
	defer f.Close()
	var names []string
	for len(names) <= journalListMax {
		more, err := f.Readdirnames(journalListMax + 1 - len(names))
		names = append(names, more...)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil
		}
	}
	if len(names) > journalListMax {
		return nil
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		if base, ok := strings.CutSuffix(strings.ToLower(n), ".json"); ok {
			out[base] = true
		}
	}
	return out
}

// journalKey is the index key of a serial's journal: its file name
// without .json, lower-cased.
func journalKey(serial string) string { return strings.ToLower(safeName(serial)) }
