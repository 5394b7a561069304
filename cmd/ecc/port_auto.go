package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecotap-tools/ecc/transport"
)

// listPorts lists this machine's serial ports (ecc ports, --port
// completion, --port auto); a variable so that tests can plug adapters in.
var listPorts = transport.ListPorts

// resolveAutoBeforeRun makes cmd turn --port auto (or ECC_PORT=auto) into
// the adapter's name once, after the environment is applied and before
// the command runs, so that plans and messages name the real port.
func (c *connFlags) resolveAutoBeforeRun(cmd *cobra.Command) {
	cmd.PreRun = func(cmd *cobra.Command, _ []string) { c.resolveAuto(cmd.ErrOrStderr()) }
}

// resolveAuto replaces "auto" by the one USB-serial adapter plugged in
// (transport's rule: FTDI, CP210x, CH340, PL2303 by VID:PID) and says
// which on stderr. With none or several the port stays "auto": transport
// reports the error, listing what it found, when the command connects;
// a command that connects to nothing (plan --offline) does not fail.
func (c *connFlags) resolveAuto(stderr io.Writer) {
	if c.port != transport.PortAuto {
		return
	}
	ports, err := listPorts()
	if err != nil {
		return
	}
	p, err := transport.PickAutoPort(ports)
	if err != nil {
		return
	}
	c.port = p.Name
	fmt.Fprintf(stderr, "--port auto: %s (%s)\n", p.Name, transport.USBSerialChip(p))
}
