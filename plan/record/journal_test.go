package record

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestJournalIndex: the listing made by the first LoadJournal answers for
// the serials it does not hold, follows the State's own writes and
// removals, and falls back to opening each file when it cannot be made.
func TestJournalIndex(t *testing.T) {
	write := func(t *testing.T, dir, serial string) {
		t.Helper()
		other, _ := Open(dir) // another writer: its own State
		if err := other.SaveJournal(&Journal{Serial: serial, Step: "write"}); err != nil {
			t.Fatal(err)
		}
	}
	has := func(t *testing.T, st *State, serial string, want bool) {
		t.Helper()
		j, err := st.LoadJournal(serial)
		if err != nil || (j != nil) != want {
			t.Fatalf("LoadJournal(%q) = %+v, %v; want a journal: %v", serial, j, err, want)
		}
	}
	t.Run("listed once, own writes and removals followed", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "G1")
		st, _ := Open(dir)
		has(t, st, "G1", true) // written before the listing
		has(t, st, "G2", false)
		if err := st.SaveJournal(&Journal{Serial: "G2", Step: "save"}); err != nil {
			t.Fatal(err)
		}
		has(t, st, "G2", true)
		if err := st.RemoveJournal("G1"); err != nil {
			t.Fatal(err)
		}
		has(t, st, "G1", false)
		// Removed by another writer: the listed name is opened, and reads as none.
		os.Remove(st.journalPath("G2"))
		has(t, st, "G2", false)
		// Serials that safeName rewrites, and a name differing only in case
		// (a case-insensitive file system finds it, so it is opened).
		for _, serial := range []string{"../evil", "", "g:1"} {
			if err := st.SaveJournal(&Journal{Serial: serial}); err != nil {
				t.Fatal(err)
			}
			has(t, st, serial, true)
		}
		if !st.journals.mayHave(dir, "G:1") {
			t.Fatal("a name differing in case was not opened")
		}
	})
	t.Run("no journal folder", func(t *testing.T) {
		st, _ := Open(filepath.Join(t.TempDir(), ".ecc"))
		has(t, st, "G1", false)
		if err := st.SaveJournal(&Journal{Serial: "G1"}); err != nil {
			t.Fatal(err)
		}
		has(t, st, "G1", true)
	})
	t.Run("too many names: each file opened", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, journalDir), 0o755)
		for i := range journalListMax + 1 {
			os.WriteFile(filepath.Join(dir, journalDir, fmt.Sprintf("X%d.json", i)), []byte("{}"), 0o600)
		}
		st, _ := Open(dir)
		has(t, st, "G1", false)
		write(t, dir, "G1") // after the (refused) listing
		has(t, st, "G1", true)
	})
	t.Run("journal folder is a file: its error, as before", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, journalDir), nil, 0o600)
		st, _ := Open(dir)
		if _, err := st.LoadJournal("G1"); err == nil {
			t.Fatal("no error")
		}
	})
}
