package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// DefaultCablePull is how long a cable pull without a duration lasts.
const DefaultCablePull = 5 * time.Second

// ControlHelp lists the control commands.
const ControlHelp = `commands (one per line; answer "ok ..." or "error: ..."):
  power-cycle          cut the power and restore it
  power-off            cut the power
  power-on             restore the power
  cable-pull [DUR]     disconnect the cable for DUR (default 5s)
  noise P              damage a line with probability P (0..1)
  read-only KEY        report KEY read-only (RO, readonly) and reject its sets
  read-write KEY       report KEY with its own access again
  state                the flash state as JSON
  status               power, ready, bricked, pending saves as JSON
  ocpp-drop            drop the OCPP connection (it reconnects)
  ocpp-delay DUR       delay every OCPP reply by DUR (0 for none)
  ocpp-reject KEY      answer ChangeConfiguration of KEY with Rejected
  ocpp-accept KEY      judge ChangeConfiguration of KEY normally again
  ocpp-status          the OCPP connection as JSON
  help                 this text`

// Command runs one control command (see ControlHelp) and returns its
// one-line answer.
func (c *Controller) Command(line string) string {
	f := strings.Fields(line)
	if len(f) == 0 {
		return "error: empty command"
	}
	switch f[0] {
	case "power-cycle":
		c.PowerCycle()
	case "power-off":
		c.PowerOff()
	case "power-on":
		c.PowerOn()
	case "cable-pull":
		d := DefaultCablePull
		if len(f) > 1 {
			var err error
			if d, err = time.ParseDuration(f[1]); err != nil || d < 0 {
				return fmt.Sprintf("error: cable-pull: bad duration %q", f[1])
			}
		}
		c.CablePull(d)
	case "noise":
		if len(f) < 2 {
			return "error: noise needs a probability"
		}
		p, err := strconv.ParseFloat(f[1], 64)
		if err != nil || p < 0 || p > 1 {
			return fmt.Sprintf("error: noise: want a probability 0..1, not %q", f[1])
		}
		c.SetNoise(p)
	case "read-only", "read-write":
		if len(f) < 2 {
			return "error: " + f[0] + " needs a key"
		}
		if err := c.SetReadOnly(f[1], f[0] == "read-only"); err != nil {
			return "error: " + strings.TrimPrefix(err.Error(), "sim: ")
		}
	case "state":
		b, _ := json.Marshal(c.State())
		return "ok " + string(b)
	case "status":
		b, _ := json.Marshal(c.Status())
		return "ok " + string(b)
	case "ocpp-drop", "ocpp-delay", "ocpp-reject", "ocpp-accept", "ocpp-status":
		return c.ocppCommand(f)
	case "help":
		return "ok " + strings.ReplaceAll(ControlHelp, "\n", "\n   ")
	default:
		return fmt.Sprintf("error: unknown command %q (try help)", f[0])
	}
	return "ok"
}

// ServeControl answers control commands, one per line, on every
// connection l accepts, until l is closed.
func (c *Controller) ServeControl(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer conn.Close()
			done := make(chan struct{})
			defer close(done)
			go func() {
				select {
				case <-c.ctx.Done():
					conn.Close()
				case <-done:
				}
			}()
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				if strings.TrimSpace(sc.Text()) == "" {
					continue
				}
				if _, err := fmt.Fprintf(conn, "%s\n", c.Command(sc.Text())); err != nil {
					return
				}
			}
		}()
	}
}
