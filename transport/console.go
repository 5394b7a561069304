package transport

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ecotap-tools/ecc/model"
)

// Console copies the controller's log to w, one line each, until ctx is
// done (nil) or the port is lost (its error). With frames, frame lines are
// shown too, those dropped as noise marked; secrets are hidden
// (consoleLine). Nothing is sent. Lines the
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
			fmt.Fprintln(bw, consoleLine(l))
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
				fmt.Fprintln(bw, consoleLine(<-sub.C))
			}
			report()
			return c.LinkErr()
		case <-ctx.Done():
			report()
			return nil
		}
	}
}

// consoleLine is a line as the console shows it, its secrets hidden as
// the trace log hides them: a frame's JSON redacted (RedactFrame), a
// frame that is noise by its length only (a damaged reply may carry a
// password that redaction would not recognise), and a URL's password in
// a log line starred (a controller may log its endpoint).
func consoleLine(l LogLine) string {
	switch {
	case l.Noise:
		return fmt.Sprintf("@... (%d bytes dropped: bad CRC or JSON)", len(l.Text))
	case l.Frame:
		if obj, ok := DecodeFrame([]byte(l.Text)); ok {
			return "@" + RedactFrame(obj)
		}
	}
	return model.HideURLPasswords(l.Text)
}
