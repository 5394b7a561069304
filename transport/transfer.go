package transport

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FirmwareImage is what FirmwareTransfer sends: the image and what fw.begin
// announces of it, and when to stop sending it.
type FirmwareImage struct {
	Version string // e.g. V32R17
	Data    []byte
	SHA256  string // lower-case hex of Data
	// Stop, when closed, ends the transfer at the next chunk: no request
	// is sent after it, the ones in flight are answered (unlike a
	// cancelled ctx, which leaves them in the controller's window), and
	// FirmwareTransfer returns ErrTransferStopped. nil: never.
	Stop <-chan struct{}
}

// ErrTransferStopped is FirmwareTransfer's error when FirmwareImage.Stop
// ended it; the controller holds what it confirmed, and nothing is
// committed.
var ErrTransferStopped = errors.New("firmware transfer stopped")

// until is ctx, also cancelled when Stop closes.
func (img FirmwareImage) until(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if img.Stop != nil {
		go func() {
			select {
			case <-img.Stop:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	return ctx, cancel
}

// stopped reports whether the transfer was asked to stop.
func (img FirmwareImage) stopped() bool {
	select {
	case <-img.Stop:
		return true
	default:
		return false
	}
}

// TransferEvent says what a TransferProgress reports.
type TransferEvent int

// Transfer events, in the order a transfer can go through them.
const (
	// TransferStarted: fw.begin answered; Start is where the controller
	// resumes (0 for a new transfer).
	TransferStarted TransferEvent = iota
	// TransferData: the controller confirmed Done bytes.
	TransferData
	// TransferLost: the link was lost or went silent (Err); reconnect
	// Attempt of MaxAttempts follows.
	TransferLost
	// TransferReconnected: the same controller, on the same firmware,
	// answered again (Identity); the transfer resumes.
	TransferReconnected
)

// TransferProgress is one step of FirmwareTransfer.
type TransferProgress struct {
	Event       TransferEvent
	Start       int // TransferStarted: the offset this attempt starts at
	Done, Total int // bytes the controller holds; the image's size
	Attempt     int // TransferLost: this reconnect, from 1
	MaxAttempts int // TransferLost: Options.MaxReconnects
	Err         error
	Identity    Identity // TransferReconnected
}

// stopError is a transfer failure that no reconnect can mend.
type stopError struct{ error }

func (e stopError) Unwrap() error { return e.error }

// FirmwareTransfer sends img (controller-protocol.md §5): fw.begin, which
// resumes at the offset the controller already holds, then the fw.data
// stream. When the link is lost or goes silent it reopens the port (a
// client made by Open, or with Options.Redial), polls hello for up to
// ReconnectTimeout, checks that the same controller on the same firmware
// answers, and resumes, at most MaxReconnects times. A refusal by the
// controller stops it at once (*RemoteError); a closed img.Stop ends it at
// the next chunk, or before the next reconnect (ErrTransferStopped).
// progress (may be nil) sees every step. Nothing is committed.
func (c *Client) FirmwareTransfer(ctx context.Context, img FirmwareImage, progress func(TransferProgress)) error {
	total := len(img.Data)
	emit := func(p TransferProgress) {
		if progress != nil {
			p.Total = total
			progress(p)
		}
	}
	before, ok := c.Identity()
	if !ok {
		var err error
		if before, err = c.Hello(ctx); err != nil {
			return err
		}
	}
	for reconnects := 0; ; {
		err := c.transferOnce(ctx, img, emit)
		if err == nil {
			return nil
		}
		if !transferRetryable(ctx, err) {
			return err
		}
		for {
			if img.stopped() {
				return ErrTransferStopped
			}
			reconnects++
			if reconnects > c.opts.MaxReconnects {
				return fmt.Errorf("the connection was lost and %d reconnects did not get the image through: %w (run again to resume)", c.opts.MaxReconnects, err)
			}
			c.opts.Logger.Info("link lost during the firmware transfer; reconnecting", "port", c.opts.Name, "attempt", reconnects, "of", c.opts.MaxReconnects, "err", err)
			emit(TransferProgress{Event: TransferLost, Attempt: reconnects, MaxAttempts: c.opts.MaxReconnects, Err: err})
			// Waiting for the link sends nothing worth finishing: Stop
			// ends the wait at once.
			rctx, cancel := img.until(ctx)
			id, rerr := c.reconnectAfter(rctx, c.opts.ReconnectDelay, before)
			cancel()
			if img.stopped() {
				return ErrTransferStopped
			}
			if rerr == nil {
				c.opts.Logger.Debug("reconnected", "port", c.opts.Name, "serial", id.Serial)
				emit(TransferProgress{Event: TransferReconnected, Identity: id})
				break
			}
			if !transferRetryable(ctx, rerr) {
				return rerr
			}
			err = rerr
		}
	}
}

// transferOnce runs fw.begin and the data requests once.
func (c *Client) transferOnce(ctx context.Context, img FirmwareImage, emit func(TransferProgress)) error {
	size := len(img.Data)
	chunk, off, err := c.FirmwareBegin(ctx, img.Version, size, img.SHA256)
	if err != nil {
		return err
	}
	if chunk <= 0 {
		return fmt.Errorf("the controller on %s answered fw.begin with chunk size %d", c.opts.Name, chunk)
	}
	if off < 0 || off > size {
		return fmt.Errorf("the controller on %s answered fw.begin with offset %d for a %d-byte image", c.opts.Name, off, size)
	}
	emit(TransferProgress{Event: TransferStarted, Start: off, Done: off})
	return c.sendImage(ctx, img.Data, off, chunk, img.stopped, func(done int) {
		emit(TransferProgress{Event: TransferData, Done: done})
	})
}

// transferRetryable reports whether a transfer error is a lost or silent
// link (worth reconnecting), as opposed to the controller refusing or the
// caller giving up.
func transferRetryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var re *RemoteError
	if errors.As(err, &re) {
		return re.TransferLost()
	}
	var stop stopError
	return !errors.Is(err, ErrTransferStopped) && !errors.As(err, &stop)
}

// reconnectAfter is reconnect after a pause of delay.
func (c *Client) reconnectAfter(ctx context.Context, delay time.Duration, before Identity) (Identity, error) {
	if err := sleep(ctx, delay); err != nil {
		return Identity{}, err
	}
	return c.reconnect(ctx, before)
}

// canReopen reports whether Reopen can dial the port again.
func (c *Client) canReopen() bool { return c.addr != "" || c.opts.Redial != nil }

// reconnect reopens the port (when the client can) and polls hello for up
// to ReconnectTimeout; the controller that answers must be the one that
// answered before, on the same firmware.
func (c *Client) reconnect(ctx context.Context, before Identity) (Identity, error) {
	if c.canReopen() {
		if err := c.Reopen(ctx); err != nil {
			return Identity{}, fmt.Errorf("reconnect: %w", err)
		}
	} else if err := c.LinkErr(); err != nil {
		return Identity{}, stopError{fmt.Errorf("reconnect: %w, and this connection cannot be reopened", err)}
	}
	id, err := c.Connect(ctx, c.opts.ReconnectTimeout, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("reconnect: %w", err)
	}
	if before.Serial != "" && id.Serial != before.Serial {
		return id, stopError{fmt.Errorf("after reconnecting, controller %s answers on %s instead of %s; stopped", id.Serial, c.opts.Name, before.Serial)}
	}
	if id.Firmware != before.Firmware {
		return id, stopError{fmt.Errorf("after reconnecting, the controller runs %s instead of %s; stopped", id.Firmware, before.Firmware)}
	}
	return id, nil
}
