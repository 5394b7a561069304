package record

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRecordsRoundTrip(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), ".ecc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, serial := range []string{"G1", "../evil", ""} {
		if s, err := st.LoadSnapshot(serial); s != nil || err != nil {
			t.Fatalf("missing snapshot %q: %v, %v", serial, s, err)
		}
		if j, err := st.LoadJournal(serial); j != nil || err != nil {
			t.Fatalf("missing journal %q: %v, %v", serial, j, err)
		}
		if err := st.SaveSnapshot(&Snapshot{Serial: serial, Values: map[string]string{"k": "v"}}); err != nil {
			t.Fatal(err)
		}
		if s, err := st.LoadSnapshot(serial); err != nil || s.Values["k"] != "v" {
			t.Fatalf("snapshot %q: %v, %v", serial, s, err)
		}
		if err := st.SaveJournal(&Journal{Serial: serial, Step: "write"}); err != nil {
			t.Fatal(err)
		}
		if j, err := st.LoadJournal(serial); err != nil || j.Step != "write" {
			t.Fatalf("journal %q: %v, %v", serial, j, err)
		}
		if err := st.RemoveJournal(serial); err != nil {
			t.Fatal(err)
		}
		if err := st.RemoveJournal(serial); err != nil {
			t.Fatal("removing a missing journal:", err)
		}
	}
	// Serials never escape the state directory.
	if _, err := os.Stat(filepath.Join(st.Dir, "snapshots", ".._evil.json")); err == nil {
		t.Fatal("a serial starting with a dot kept its dot")
	}
}

func TestDamagedRecordNamesTheFile(t *testing.T) {
	st, _ := Open(t.TempDir())
	path := st.snapshotPath("G1")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, []byte("{"), 0o600)
	if _, err := st.LoadSnapshot("G1"); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want it to name %s", err, path)
	}
}

func TestBackupSameSecondGetsSuffix(t *testing.T) {
	st, _ := Open(t.TempDir())
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := &Backup{Serial: "G1", TakenAt: at, Values: map[string]string{"k": "v"}, AsRead: map[string]string{"k": "secret"}}
	p1, err1 := st.SaveBackup(b)
	p2, err2 := st.SaveBackup(b)
	if err1 != nil || err2 != nil || filepath.Base(p1) != "20260102T030405Z.json" || filepath.Base(p2) != "20260102T030405Z-2.json" {
		t.Fatalf("paths %s %s, errors %v %v", p1, p2, err1, err2)
	}
	data, _ := os.ReadFile(p1)
	if strings.Contains(string(data), "secret") {
		t.Fatal("the in-memory values reached the file")
	}
	lb, err := LoadBackup(p2)
	if err != nil || lb.Values["k"] != "v" || lb.AsRead != nil {
		t.Fatalf("loaded %+v, %v", lb, err)
	}
	if _, err := LoadBackup(filepath.Join(st.Dir, "salt")); err == nil {
		t.Fatal("a non-backup file loaded as a backup")
	}
}

// TestRecordPaths: record files are where (and named as) they always were;
// error messages name them.
func TestRecordPaths(t *testing.T) {
	for _, dir := range []string{"", ".", ".ecc", "a/../b/", "/x//y/.ecc/"} {
		for _, serial := range []string{"G1", "", "../evil", "a/b", strings.Repeat("Z", 100)} {
			st := &State{Dir: dir}
			name := safeName(serial) + ".json"
			if got, want := st.snapshotPath(serial), filepath.Join(dir, "snapshots", name); got != want {
				t.Errorf("snapshotPath(%q) in %q = %q, want %q", serial, dir, got, want)
			}
			if got, want := st.journalPath(serial), filepath.Join(dir, "journal", name); got != want {
				t.Errorf("journalPath(%q) in %q = %q, want %q", serial, dir, got, want)
			}
		}
	}
}

// TestSnapshotReadErrors: a snapshot that cannot be read gives
// os.ReadFile's error, and a missing one none.
func TestSnapshotReadErrors(t *testing.T) {
	dir := t.TempDir()
	st := &State{Dir: dir}
	os.MkdirAll(st.snapshotPath("D"), 0o755) // a folder where the file should be
	for _, serial := range []string{"D", "missing"} {
		_, want := os.ReadFile(st.snapshotPath(serial))
		if os.IsNotExist(want) {
			want = nil
		}
		if _, err := st.LoadSnapshot(serial); fmt.Sprint(err) != fmt.Sprint(want) {
			t.Errorf("LoadSnapshot(%q) = %v, want %v", serial, err, want)
		}
	}
	notDir := &State{Dir: filepath.Join(dir, "file")}
	os.WriteFile(notDir.Dir, nil, 0o600) // the state directory is a file
	_, want := os.ReadFile(notDir.snapshotPath("G1"))
	if _, err := notDir.LoadSnapshot("G1"); err == nil || err.Error() != want.Error() {
		t.Errorf("LoadSnapshot under a file = %v, want %v", err, want)
	}
}

// A backup saved again by a Windows editor ("UTF-8 with BOM") still
// loads: encoding/json refuses the byte order mark.
func TestLoadBackupWithBOM(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.json")
	if err := os.WriteFile(p, []byte("\ufeff{\"serial\": \"G1\", \"values\": {\"k\": \"v\"}}\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := LoadBackup(p); err != nil || b.Serial != "G1" || b.Values["k"] != "v" {
		t.Fatalf("loaded %+v, %v", b, err)
	}
}

// TestSnapshotMergeConflict: snapshots are committed, and two branches
// that read one station conflict in its snapshot; git leaves its markers
// in the file. The error says so and what to do, not only where the JSON
// breaks ("invalid character '<'").
func TestSnapshotMergeConflict(t *testing.T) {
	st := &State{Dir: t.TempDir()}
	conflicted := "{\n  \"serial\": \"G1\",\n<<<<<<< HEAD\n  \"observed_at\": \"2026-01-01T00:00:00Z\",\n=======\n  \"observed_at\": \"2026-01-02T00:00:00Z\",\n>>>>>>> other\n  \"values\": {}\n}\n"
	os.MkdirAll(filepath.Dir(st.snapshotPath("G1")), 0o755)
	if err := os.WriteFile(st.snapshotPath("G1"), []byte(conflicted), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := st.LoadSnapshot("G1")
	if err == nil || !strings.Contains(err.Error(), "git merge conflict") || !strings.Contains(err.Error(), st.snapshotPath("G1")) {
		t.Errorf("LoadSnapshot = %v", err)
	}
}

// TestSnapshotSavedByWindowsEditor: a committed snapshot whose merge
// conflict was resolved in a Windows editor may come back as "UTF-8 with
// BOM", with CRLF line ends (git's autocrlf): it reads as the snapshot it
// holds, as a backup does (TestLoadBackupWithBOM). The byte order mark
// blocked the station ("invalid character '\ufeff'").
func TestSnapshotSavedByWindowsEditor(t *testing.T) {
	const snap = "{\n  \"serial\": \"G1\",\n  \"model\": \"EVC5.1\",\n  \"observed_at\": \"2026-01-01T00:00:00Z\",\n  \"values\": {\n    \"k\": \"v\"\n  }\n}\n"
	for _, tc := range []struct{ name, data string }{
		{"as written", snap},
		{"BOM", "\ufeff" + snap},
		{"CRLF", strings.ReplaceAll(snap, "\n", "\r\n")},
		{"BOM and CRLF", "\ufeff" + strings.ReplaceAll(snap, "\n", "\r\n")},
		{"BOM, not as written", "\ufeff{\"Serial\": \"G1\", \"model\": \"EVC5.1\", \"values\": {\"k\": \"v\"}}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &State{Dir: t.TempDir()}
			os.MkdirAll(filepath.Dir(st.snapshotPath("G1")), 0o755)
			if err := os.WriteFile(st.snapshotPath("G1"), []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := st.LoadSnapshot("G1")
			if err != nil || s == nil || s.Serial != "G1" || s.Model != "EVC5.1" || s.Values["k"] != "v" {
				t.Fatalf("LoadSnapshot = %+v, %v", s, err)
			}
		})
	}
}

// TestSnapshotOfAnotherSerial: a serial that shares its snapshot's file
// with another (in case, on Windows and macOS; in a character a file name
// cannot hold, everywhere) is an error, not the other's values.
func TestSnapshotOfAnotherSerial(t *testing.T) {
	for _, tc := range []struct{ stored, asked string }{
		{"G48229", "g48229"},
		{"G/1", "G_1"},
	} {
		t.Run(tc.asked, func(t *testing.T) {
			st, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SaveSnapshot(&Snapshot{Serial: tc.stored, Model: "EVC5.1", Values: map[string]string{"k": "v"}}); err != nil {
				t.Fatal(err)
			}
			// What a file system that ignores case finds: the stored file.
			if err := os.Rename(st.snapshotPath(tc.stored), st.snapshotPath(tc.asked)); err != nil {
				t.Fatal(err)
			}
			s, err := st.LoadSnapshot(tc.asked)
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is of serial %q, not %q", tc.stored, tc.asked)) {
				t.Fatalf("LoadSnapshot(%q) = %+v, %v; want an error", tc.asked, s, err)
			}
		})
	}
}

// TestJournalSavedByWindowsEditor: a journal opened and saved again in a
// Windows editor (to look at an interrupted apply) starts with a byte
// order mark; it is read as every other record is, not refused as JSON.
func TestJournalSavedByWindowsEditor(t *testing.T) {
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveJournal(&Journal{Serial: "G1", Station: "cp-01", Step: "write", Keys: []string{"k"}, Sent: []string{}}); err != nil {
		t.Fatal(err)
	}
	p := st.journalPath("G1")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append([]byte("\ufeff"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	j, err := st.LoadJournal("G1")
	if err != nil || j == nil || j.Step != "write" {
		t.Fatalf("LoadJournal = %+v, %v", j, err)
	}
}
