package transport

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"
)

// Console copies the controller's log to w, one line each, until ctx is
// done (nil) or the port is lost (its error). With frames, frame lines are
// shown too, those dropped as noise marked. Nothing is sent. Lines the
// writer could not keep up with are reported at the end.
func Console(ctx context.Context, c *Client, w io.Writer, frames bool) error {
	sub := c.Subscribe(SubscribeOptions{Buffer: 1 << 16, Frames: frames})
	defer sub.Close()
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	done := c.LinkDone()
	flush := time.NewTicker(100 * time.Millisecond)
	defer flush.Stop()
	report := func() {
		if n := sub.Dropped(); n > 0 {
			fmt.Fprintf(bw, "(%d lines not shown: the output was too slow)\n", n)
		}
	}
	for {
		select {
		case l, ok := <-sub.C:
			if !ok {
				report()
				return nil
			}
			if l.Noise {
				fmt.Fprintf(bw, "%s  (dropped: bad CRC or JSON)\n", l.Text)
			} else {
				fmt.Fprintln(bw, l.Text)
			}
			if len(sub.C) == 0 {
				if err := bw.Flush(); err != nil {
					return err
				}
			}
		case <-flush.C:
			if err := bw.Flush(); err != nil {
				return err
			}
		case <-done:
			for len(sub.C) > 0 {
				fmt.Fprintln(bw, (<-sub.C).Text)
			}
			report()
			return c.LinkErr()
		case <-ctx.Done():
			report()
			return nil
		}
	}
}
