package sim

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"github.com/ecotap-tools/ecc/transport"
)

// helloOver waits for READY on r, sends a hello on w and returns its
// decoded reply.
func helloOver(t *testing.T, r io.Reader, w io.Writer, id int) map[string]any {
	t.Helper()
	lines := make(chan string, 100)
	go func() {
		br := bufio.NewReader(r)
		for {
			l, err := br.ReadString('\n')
			if l != "" {
				lines <- strings.TrimRight(l, "\r\n")
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	timeout := time.After(10 * time.Second)
	ready := false
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("port closed")
			}
			if l == "READY" && !ready {
				ready = true
				b, err := transport.MarshalFrame(map[string]any{"id": id, "op": "hello"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write(b); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if obj, ok := transport.DecodeFrame([]byte(l)); ok {
				var m map[string]any
				if err := json.Unmarshal(obj, &m); err != nil {
					t.Fatal(err)
				}
				if m["id"] != float64(id) {
					t.Fatalf("reply %s to another id", l)
				}
				return m
			}
		case <-timeout:
			t.Fatal("no hello reply")
		}
	}
}

// TestPTYSerial opens the simulator's pseudo-terminal through the real
// go.bug.st/serial port, as ecc does, at the default line rate.
func TestPTYSerial(t *testing.T) {
	if !PTYSupported {
		t.Skip("no pseudo-terminals here")
	}
	link := filepath.Join(t.TempDir(), "ecc-sim-tty")
	opts := Options{
		StateFile:        filepath.Join(t.TempDir(), "state.json"),
		PowerOnDelay:     200 * time.Millisecond, // connect first, then power on
		BootDelay:        NoDelay,
		BannerLineDelay:  NoDelay,
		LogNoiseInterval: NoDelay,
		Link:             link,
		Serial:           "G77777",
	}
	inst, err := StartPTY(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	must(t, strings.HasPrefix(inst.Path, "/dev/"), "path %q", inst.Path)
	dst, err := os.Readlink(link)
	must(t, err == nil && dst == inst.Path, "link -> %q, %v", dst, err)

	port, err := serial.Open(link, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	m := helloOver(t, port, port, 42)
	must(t, m["ok"] == true && m["serial"] == "G77777" && m["fw"] == "V32R16", "hello %v", m)
	port.Close()

	// A host that opens the port again gets a working controller.
	port, err = serial.Open(inst.Path, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	inst.PowerCycle()
	m = helloOver(t, port, port, 43)
	must(t, m["ok"] == true, "hello after reopening %v", m)
	port.Close()

	inst.Close()
	_, err = os.Lstat(link)
	must(t, os.IsNotExist(err), "link left behind: %v", err)
}

func TestTCPAndControl(t *testing.T) {
	opts := fast()
	opts.StateFile = filepath.Join(t.TempDir(), "state.json")
	inst, err := StartTCP("tcp://127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	ctl, err := inst.StartControl("tcp://127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(inst.Path, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A second connection is refused while the first holds the line.
	time.Sleep(50 * time.Millisecond)
	c2, err := net.Dial("tcp", strings.TrimPrefix(inst.Path, "tcp://"))
	if err == nil {
		c2.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err = c2.Read(make([]byte, 1))
		must(t, err != nil, "second connection not closed")
		c2.Close()
	}
	// The controller booted before we connected: power-cycle it through
	// the control socket to see a banner.
	cc, err := net.Dial("tcp", strings.TrimPrefix(ctl, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	if _, err := io.WriteString(cc, "power-cycle\n"); err != nil {
		t.Fatal(err)
	}
	ans, err := bufio.NewReader(cc).ReadString('\n')
	must(t, err == nil && ans == "ok\n", "control answer %q %v", ans, err)
	m := helloOver(t, conn, conn, 7)
	must(t, m["ok"] == true && m["model"] == "EVC5.1", "hello %v", m)
}

// With throttling, a long reply takes its line time at 115200 baud.
func TestThrottle(t *testing.T) {
	opts := fast()
	opts.NoThrottle = false
	h := newHost(t, opts)
	h.waitReady()
	t0 := time.Now()
	r := h.call("keys", nil)
	wire := time.Duration(len(r.raw)+2) * time.Second / 11520
	must(t, time.Since(t0) >= wire*8/10, "keys reply of %d bytes in %v, line time %v", len(r.raw), time.Since(t0), wire)
	// Incoming bytes are paced as well: 40 frames of ~30 bytes.
	t0 = time.Now()
	var all string
	var n int
	for i := range 40 {
		b := string(transport.EncodeFrame([]byte(`{"id":` + itoa(9000+i) + `,"op":"sync"}`)))
		all += b
		n += len(b)
	}
	go h.sendLine(all)
	// Paced input trickles in: no overflow although 40 arrive at once.
	h.waitLine("the last reply", 5*time.Second, func(l string) bool {
		must(t, !strings.Contains(l, "RX OVERFLOW"), "overflow")
		r, ok := decode(l)
		return ok && r.m["id"] == float64(9039)
	})
	in := time.Duration(n) * time.Second / 11520
	must(t, time.Since(t0) >= in*8/10, "%d bytes in %v, line time %v", n, time.Since(t0), in)
}
