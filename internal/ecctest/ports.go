package ecctest

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// DeviceTwoNames makes a file standing for a serial device and a link to
// it, as /dev/serial/by-id names a tty: one device under two names. It
// skips the test where links cannot be made.
func DeviceTwoNames(t testing.TB) (dev, link string) {
	t.Helper()
	dir := t.TempDir()
	dev = filepath.Join(dir, "ttyUSB0")
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link = filepath.Join(dir, "usb-FTDI-if00-port0")
	if err := os.Symlink(dev, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	return dev, link
}

// InFlight counts the calls under way and the most there were at once.
type InFlight struct{ now, most atomic.Int32 }

// Enter counts a call in; the caller calls leave when it is done.
func (f *InFlight) Enter() (leave func()) {
	n := f.now.Add(1)
	for m := f.most.Load(); n > m; m = f.most.Load() {
		if f.most.CompareAndSwap(m, n) {
			break
		}
	}
	return func() { f.now.Add(-1) }
}

// Most is the most calls there were at once.
func (f *InFlight) Most() int { return int(f.most.Load()) }
