package record

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// benchFleet is the number of stations the record benchmarks read, as an
// offline plan reads them: each serial once per pass.
const benchFleet = 1000

// benchState is a state directory holding a snapshot per station of a
// fleet shaped like tools/mkfleet's: 24 keys whose values are mostly the
// same on every station, one that is each station's own.
func benchState(b *testing.B) (*State, []string) {
	b.Helper()
	st, err := Open(filepath.Join(b.TempDir(), ".ecc"))
	if err != nil {
		b.Fatal(err)
	}
	serials := make([]string, benchFleet)
	for i := range serials {
		serials[i] = fmt.Sprintf("G%07d", 1000000+i)
		s := &Snapshot{Serial: serials[i], Model: "EVC5.1", Firmware: "V32R17",
			ObservedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC), Values: map[string]string{}}
		for k := range 24 {
			s.Values[fmt.Sprintf("chg_Key%02d", k)] = fmt.Sprintf("Events=1,BlockBeforeBoot=1,useTLS=0,n=%d", k)
		}
		s.Values["com_OCPPID"] = fmt.Sprintf("NLECO%06d", i)
		if err := st.save(st.snapshotPath(s.Serial), s); err != nil {
			b.Fatal(err)
		}
	}
	return st, serials
}

// BenchmarkLoadSnapshot reads a fleet's snapshots one after another; an
// op is one snapshot (open, read, decode).
func BenchmarkLoadSnapshot(b *testing.B) {
	st, serials := benchState(b)
	i := 0
	for b.Loop() {
		snap, err := st.LoadSnapshot(serials[i%len(serials)])
		if err != nil || snap == nil {
			b.Fatal(snap, err)
		}
		i++
	}
}

// BenchmarkLoadJournal asks for the journal of each station of a fleet
// that has none (the usual answer); an op is one station.
func BenchmarkLoadJournal(b *testing.B) {
	st, serials := benchState(b)
	i := 0
	for b.Loop() {
		j, err := st.LoadJournal(serials[i%len(serials)])
		if err != nil || j != nil {
			b.Fatal(j, err)
		}
		i++
	}
}
