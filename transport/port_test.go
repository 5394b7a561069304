package transport

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestLockKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"tcp://127.0.0.1:4001", "tcp_127.0.0.1_4001"},
		{"tcp://Host.Example:23", "tcp_host.example_23"},
		{"/no/such/dev/ttyUSB0", "no_such_dev_ttyUSB0"},
	}
	if runtime.GOOS == "windows" {
		cases = append(cases, struct{ in, want string }{`\\.\com12`, "COM12"})
	}
	for _, c := range cases {
		if got := lockKey(c.in); got != c.want {
			t.Errorf("lockKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A symlink to a device shares the device's lock.
	dir := t.TempDir()
	dev := filepath.Join(dir, "ttyUSB0")
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "by-id")
	if err := os.Symlink(dev, link); err == nil && lockKey(link) != lockKey(dev) {
		t.Errorf("lockKey(symlink) = %q, lockKey(device) = %q", lockKey(link), lockKey(dev))
	}
}

func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, "tcp://" + ln.Addr().String()
}

func TestDialLocksThePort(t *testing.T) {
	ln, addr := listen(t)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	opts := Options{LockDir: t.TempDir()}
	p1, err := Dial(testCtx(t), addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Dial(testCtx(t), addr, opts)
	var busy *PortBusyError
	if !errors.As(err, &busy) || busy.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Fatalf("second Dial: %v", err)
	}
	if err := p1.Close(); err != nil {
		t.Fatal(err)
	}
	p3, err := Dial(testCtx(t), addr, opts)
	if err != nil {
		t.Fatalf("Dial after Close: %v", err)
	}
	p3.Close()
}

func TestDialBadAddress(t *testing.T) {
	opts := Options{LockDir: t.TempDir()}
	for _, addr := range []string{"", "tcp://nohostport", filepath.Join(t.TempDir(), "no-such-tty")} {
		if p, err := Dial(testCtx(t), addr, opts); err == nil {
			p.Close()
			t.Errorf("Dial(%q) succeeded", addr)
		}
	}
}

// TestLockHelperProcess is not a test: it holds a port lock for
// TestLockAcrossProcesses until its stdin closes.
func TestLockHelperProcess(t *testing.T) {
	dir, key := os.Getenv("ECC_LOCK_DIR"), os.Getenv("ECC_LOCK_KEY")
	if dir == "" {
		return
	}
	lk, err := acquireLock(dir, key, "helper")
	if err != nil {
		fmt.Println("error", err)
		return
	}
	fmt.Println("locked")
	bufio.NewReader(os.Stdin).ReadString('\n')
	lk.release()
}

func TestLockAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelperProcess$")
	cmd.Env = append(os.Environ(), "ECC_LOCK_DIR="+dir, "ECC_LOCK_KEY=ttyX")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot spawn: %v", err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "locked" {
		t.Fatalf("helper: %q", line)
	}
	_, err := acquireLock(dir, "ttyX", "/dev/ttyX")
	var busy *PortBusyError
	if !errors.As(err, &busy) || busy.PID != cmd.Process.Pid {
		t.Fatalf("err = %v, want busy by pid %d", err, cmd.Process.Pid)
	}
	stdin.Close()
	cmd.Wait()
	lk, err := acquireLock(dir, "ttyX", "/dev/ttyX")
	if err != nil {
		t.Fatalf("after the holder exited: %v", err)
	}
	lk.release()
}

func TestOpenOverTCP(t *testing.T) {
	ln, addr := listen(t)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		startFake(t, conn, 4, 8)
	}()
	opts := testOptions(Options{LockDir: t.TempDir()})
	opts.Name = "" // Open names the port by its address
	c, err := Open(testCtx(t), addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := c.Connect(testCtx(t), 0, nil)
	if err != nil || id.Serial != "G48229" {
		t.Fatalf("Connect: %+v %v", id, err)
	}
	if c.Port() != addr {
		t.Fatalf("Port() = %q", c.Port())
	}
}
