package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/ecotap-tools/ecc/transport/sim"
)

// simOCPPFlags are the flags of ecc sim's OCPP 1.6J charge point.
type simOCPPFlags struct {
	url, ca    string
	replyDelay time.Duration
	reject     []string
	dropAfter  int
}

func (f *simOCPPFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&f.url, "ocpp", "", "also connect as an OCPP 1.6J charge point to `ws://HOST:PORT/ocpp/ID` (e.g. an ecc gateway)")
	fl.StringVar(&f.ca, "ocpp-ca", "", "trust the certificates in PEM `FILE` for wss:// and https:// firmware locations (e.g. the gateway's --tls-cert)")
	fl.DurationVar(&f.replyDelay, "ocpp-reply-delay", 0, "fault: delay every OCPP reply by this long")
	fl.StringSliceVar(&f.reject, "ocpp-reject", nil, "fault: answer ChangeConfiguration of `KEY` with Rejected (repeatable)")
	fl.IntVar(&f.dropAfter, "ocpp-drop-after", 0, "fault: drop the OCPP connection when the `N`th call from the central system arrives (once)")
}

// check refuses bad OCPP flags before the simulator starts.
func (f *simOCPPFlags) check() error {
	switch {
	case f.url == "" && (f.replyDelay != 0 || len(f.reject) > 0 || f.dropAfter != 0 || f.ca != ""):
		return fmt.Errorf("--ocpp-ca, --ocpp-reply-delay, --ocpp-reject and --ocpp-drop-after need --ocpp")
	case f.replyDelay < 0 || f.dropAfter < 0:
		return fmt.Errorf("--ocpp-reply-delay and --ocpp-drop-after must not be negative")
	}
	if f.url == "" {
		return nil
	}
	if err := sim.CheckOCPPURL(f.url); err != nil {
		return fmt.Errorf("--ocpp: %w", err)
	}
	return nil
}

// connect starts the charge point when --ocpp was given (nil otherwise).
func (f *simOCPPFlags) connect(inst *sim.Instance, errOut io.Writer, trace bool) (*sim.ChargePoint, error) {
	if err := f.check(); err != nil || f.url == "" {
		return nil, err
	}
	o := sim.OCPPOptions{URL: f.url, ReplyDelay: f.replyDelay, RejectKeys: f.reject, DropAfter: f.dropAfter}
	if f.ca != "" {
		var err error
		if o.RootCAs, err = caPool("--ocpp-ca", f.ca); err != nil {
			return nil, err
		}
	}
	if trace {
		o.Trace = func(dir string, frame []byte) { fmt.Fprintf(errOut, "ocpp %s%s\n", dir, frame) }
	}
	return inst.ConnectOCPP(o)
}
