package gateway

import (
	"errors"
	"time"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// answer is the minimal central system (no --upstream): it confirms the
// station's own notifications and refuses the rest with NotImplemented.
// BootNotification is Accepted with the station's own HeartbeatInterval as
// the gateway last knew it (Options.Heartbeat when it knows none).
// A payload that breaks its schema gets the CALLERROR OCPP-J gives it.
func (s *session) answer(f ocpp.Frame) []byte {
	var resp any
	now := time.Now().UTC().Format(time.RFC3339)
	switch f.Action {
	case ocpp.ActionBootNotification:
		// The station SHALL adopt the interval (OCPP 1.6 §4.2): the one it
		// holds, so that the boot after ecc wrote it does not undo it.
		resp = ocpp.BootNotificationConf{Status: ocpp.RegistrationAccepted, CurrentTime: now, Interval: s.st.heartbeatInterval(s.g.opts.Heartbeat)}
	case ocpp.ActionHeartbeat:
		resp = ocpp.HeartbeatConf{CurrentTime: now}
	case ocpp.ActionStatusNotification, ocpp.ActionFirmwareStatusNotification,
		ocpp.ActionDiagnosticsStatusNotification, ocpp.ActionMeterValues:
		resp = ocpp.Empty{}
	default:
		return ocpp.EncodeError(f.ID, ocpp.NotImplemented, "this gateway has no backend for "+truncate(f.Action, 40))
	}
	if err := ocpp.Validate(f.Action, false, f.Payload); err != nil {
		var v *ocpp.Violation
		errors.As(err, &v)
		s.g.opts.Log.Warn("station call breaks the OCPP 1.6 schema", "station", s.st.id, "action", f.Action, "code", v.Code)
		return ocpp.EncodeError(f.ID, v.Code, v.Msg)
	}
	b, err := ocpp.EncodeResult(f.ID, resp)
	if err != nil {
		return ocpp.EncodeError(f.ID, ocpp.InternalError, "encoding the answer failed")
	}
	return b
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
