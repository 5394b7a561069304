package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// rename replaces newpath with oldpath (MoveFileEx with
// MOVEFILE_REPLACE_EXISTING). Windows refuses while any process holds
// newpath open without delete sharing, which Go's own os.Open does not
// grant: another ecc reading the snapshot (status, plan --offline), an
// antivirus or the indexer. Such a refusal passes within moments, so it is
// tried again for up to two seconds, as Go's toolchain does
// (cmd/go/internal/robustio).
func rename(oldpath, newpath string) error {
	const giveUp = 2 * time.Second
	start, pause := time.Now(), time.Millisecond
	for {
		err := os.Rename(oldpath, newpath)
		if err == nil || !transient(err) || time.Since(start) > giveUp {
			return err
		}
		time.Sleep(pause)
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// transient reports the errors a file held open by another process gives.
func transient(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
