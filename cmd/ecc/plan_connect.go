package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// options are the transport options the connection flags ask for.
func (c *connFlags) options() transport.Options {
	return transport.Options{Baud: c.baud, Logger: c.g.log}
}

// connect opens a port and polls hello until the controller answers,
// telling the user to power it on while it waits (the guide's procedure:
// connect first, then power on).
func (c *connFlags) connect(ctx context.Context, port string, stderr io.Writer) (transport.Controller, error) {
	if transport.IsOCPP(port) {
		return c.gw.connectOCPP(ctx, port)
	}
	tc, err := transport.Open(ctx, port, c.options())
	if err != nil {
		return nil, err
	}
	id, err := tc.Connect(ctx, c.connectTimeout, func() {
		fmt.Fprintf(stderr, "waiting for the controller on %s: power it on now\n", port)
	})
	if err != nil {
		tc.Close()
		return nil, err
	}
	c.g.log.Info("connected", "port", port, "baud", c.baud, "serial", id.Serial, "model", id.Model, "firmware", id.Firmware)
	return plan.Answered(tc, id), nil
}

// connector is connect for the use cases.
func (c *connFlags) connector(stderr io.Writer) plan.ConnectFunc {
	return func(ctx context.Context, port string) (transport.Controller, error) {
		return c.connect(ctx, port, stderr)
	}
}
