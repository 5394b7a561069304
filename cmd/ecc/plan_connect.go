package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ecotap-tools/ecc/plan"
	"github.com/ecotap-tools/ecc/transport"
)

// connect opens a port and polls hello until the controller answers,
// telling the user to power it on while it waits (the guide's procedure:
// connect first, then power on).
func connect(ctx context.Context, port string, baud int, timeout time.Duration, stderr io.Writer) (transport.Controller, error) {
	c, err := transport.Open(ctx, port, transport.Options{Baud: baud})
	if err != nil {
		return nil, err
	}
	id, err := c.Connect(ctx, timeout, func() {
		fmt.Fprintf(stderr, "waiting for the controller on %s: power it on now\n", port)
	})
	if err != nil {
		c.Close()
		return nil, err
	}
	return plan.Answered(c, id), nil
}
