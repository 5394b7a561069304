package sim

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// handleCalls answers the central system's calls one at a time, in order,
// as a charge point's OCPP task does.
func (cp *ChargePoint) handleCalls(ctx context.Context, s *session, conn *websocket.Conn, calls <-chan ocpp.Frame) {
	for {
		var m ocpp.Frame
		select {
		case <-ctx.Done():
			return
		case m = <-calls:
		}
		cp.mu.Lock()
		d := cp.replyDelay
		cp.mu.Unlock()
		if !sleep(ctx, d) {
			return
		}
		var (
			out   []byte
			after func()
		)
		// The payload against OCPP 1.6's schema first, as OCPP-J says.
		var v *ocpp.Violation
		if ocpp.Known(m.Action) && errors.As(ocpp.Validate(m.Action, false, m.Payload), &v) {
			if err := cp.send(ctx, conn, errorFrame(m.ID, v.Code, v.Msg)); err != nil {
				return
			}
			continue
		}
		switch m.Action {
		case ocpp.ActionGetConfiguration:
			out = cp.getConfiguration(ctx, conn, s, m)
		case ocpp.ActionChangeConfiguration:
			out = cp.changeConfiguration(ctx, conn, s, m)
		case ocpp.ActionReset:
			out, after = cp.reset(ctx, conn, s, m)
		case ocpp.ActionTriggerMessage:
			out, after = cp.trigger(ctx, conn, s, m)
		case ocpp.ActionUpdateFirmware:
			out, after = cp.updateFirmware(ctx, conn, s, m)
		default:
			out = errorFrame(m.ID, ocpp.NotImplemented, fmt.Sprintf("%s is not implemented", m.Action))
		}
		if out == nil {
			continue // a CALLERROR went out already
		}
		if err := cp.send(ctx, conn, out); err != nil {
			return
		}
		if after != nil {
			after()
		}
	}
}

// getConfiguration reports the requested keys (all without a list) from
// the working memory; a write-only key's value is never reported. A list
// longer than GetConfigurationMaxKeys is refused: a host must split it.
func (cp *ChargePoint) getConfiguration(ctx context.Context, conn *websocket.Conn, s *session, m ocpp.Frame) []byte {
	var req ocpp.GetConfigurationReq
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil
	}
	c := cp.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if maxKeys, err := strconv.Atoi(s.work["GetConfigurationMaxKeys"]); err == nil && maxKeys > 0 && len(req.Key) > maxKeys {
		return errorFrame(m.ID, ocpp.PropertyConstraintViolation,
			fmt.Sprintf("%d keys requested; GetConfigurationMaxKeys is %d", len(req.Key), maxKeys))
	}
	entry := func(k *keySpec) ocpp.KeyValue {
		e := ocpp.KeyValue{Key: k.name, Readonly: k.access == model.RO}
		if k.access != model.WO {
			v := s.work[k.name]
			e.Value = &v
		}
		return e
	}
	var res ocpp.GetConfigurationConf
	if len(req.Key) == 0 {
		for i := range c.keys {
			res.ConfigurationKey = append(res.ConfigurationKey, entry(&c.keys[i]))
		}
	}
	for _, name := range req.Key {
		if k := c.lookup(name); k != nil {
			res.ConfigurationKey = append(res.ConfigurationKey, entry(k))
		} else {
			res.UnknownKey = append(res.UnknownKey, name)
		}
	}
	return resultFrame(m.ID, res)
}

// changeConfiguration judges and stores one key as the cable's set does:
// the same statuses, the same working memory, saved to flash SaveDelay
// later.
func (cp *ChargePoint) changeConfiguration(ctx context.Context, conn *websocket.Conn, s *session, m ocpp.Frame) []byte {
	var req struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	}
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil
	}
	if req.Key == nil || req.Value == nil {
		return errorFrame(m.ID, ocpp.OccurenceConstraintViolation, "ChangeConfiguration needs key and value")
	}
	cp.mu.Lock()
	rejected := cp.reject[*req.Key]
	cp.mu.Unlock()
	c := cp.c
	c.mu.Lock()
	defer c.mu.Unlock()
	status := judge(c.lookup(*req.Key), *req.Value, s.work)
	switch {
	case s.committing || rejected:
		status = transport.Rejected
	case status.Stored():
		s.work[*req.Key] = *req.Value
		c.queueSaveLocked(s, map[string]string{*req.Key: *req.Value})
	}
	return resultFrame(m.ID, ocpp.StatusConf{Status: string(status)})
}

// reset reboots the controller after the reply: saves not yet in flash are
// written first (the firmware's orderly shutdown), so reboot-required
// values take effect. Soft and Hard differ only for transactions, which
// the simulator has none of.
func (cp *ChargePoint) reset(ctx context.Context, conn *websocket.Conn, s *session, m ocpp.Frame) ([]byte, func()) {
	var req ocpp.ResetReq
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil, nil
	}
	if req.Type != ocpp.ResetSoft && req.Type != ocpp.ResetHard {
		return errorFrame(m.ID, ocpp.PropertyConstraintViolation, "type must be Soft or Hard"), nil
	}
	c := cp.c
	c.mu.Lock()
	busy := s.committing
	c.mu.Unlock()
	if busy {
		return resultFrame(m.ID, ocpp.StatusConf{Status: ocpp.StatusRejected}), nil
	}
	return resultFrame(m.ID, ocpp.StatusConf{Status: ocpp.StatusAccepted}), func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.current(s) || s.committing {
			return
		}
		c.flushSavesLocked(s)
		s.closing = true
		c.emitLocked(clock() + " SYS: reset requested (OCPP " + req.Type + ")")
		c.bootLocked()
	}
}

// flushSavesLocked writes every value of boot s not yet in flash now:
// working memory differs from flash only by the sets still waiting for
// their save (the saver may hold one while it waits).
func (c *Controller) flushSavesLocked(s *session) {
	changed := false
	for k, v := range s.work {
		if c.flash.Values[k] != v {
			c.flash.Values[k] = v
			changed = true
		}
	}
	s.saveQ = nil
	s.pending = 0
	if changed {
		c.persistLocked()
		c.emitLocked(clock() + " CFG: SV CFG()")
	}
}

// trigger answers TriggerMessage and sends the requested message after
// the reply, as OCPP says.
func (cp *ChargePoint) trigger(ctx context.Context, conn *websocket.Conn, s *session, m ocpp.Frame) ([]byte, func()) {
	var req ocpp.TriggerMessageReq
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil, nil
	}
	accepted := resultFrame(m.ID, ocpp.StatusConf{Status: ocpp.StatusAccepted})
	switch req.RequestedMessage {
	case ocpp.ActionBootNotification:
		return accepted, func() { cp.boot(ctx, s, conn) }
	case ocpp.ActionHeartbeat:
		return accepted, func() { cp.call(ctx, conn, ocpp.ActionHeartbeat, ocpp.HeartbeatReq{}, nil) }
	case ocpp.ActionFirmwareStatusNotification:
		cp.mu.Lock()
		st := cp.fwStatus
		cp.mu.Unlock()
		return accepted, func() { cp.notify(ctx, st) }
	case ocpp.ActionStatusNotification:
		return accepted, func() { cp.connectorStatus(ctx, conn, 0) }
	case ocpp.ActionMeterValues, ocpp.ActionDiagnosticsStatusNotification:
		return resultFrame(m.ID, ocpp.StatusConf{Status: ocpp.StatusNotImplemented}), nil
	}
	return errorFrame(m.ID, ocpp.PropertyConstraintViolation, "unknown requestedMessage"), nil
}

// ocppCommand runs the ocpp-* control commands (ControlHelp).
func (c *Controller) ocppCommand(f []string) string {
	c.mu.Lock()
	cp := c.ocpp
	c.mu.Unlock()
	if cp == nil {
		return "error: no OCPP connection (start the simulator with --ocpp)"
	}
	arg := func() (string, bool) {
		if len(f) < 2 {
			return "", false
		}
		return f[1], true
	}
	switch f[0] {
	case "ocpp-drop":
		cp.Drop()
	case "ocpp-delay":
		a, ok := arg()
		d, err := time.ParseDuration(a)
		if !ok || err != nil || d < 0 {
			return fmt.Sprintf("error: ocpp-delay: bad duration %q", a)
		}
		cp.SetReplyDelay(d)
	case "ocpp-reject", "ocpp-accept":
		a, ok := arg()
		if !ok {
			return "error: " + f[0] + " needs a key"
		}
		cp.Reject(a, f[0] == "ocpp-reject")
	case "ocpp-status":
		return "ok " + string(mustJSON(cp.Status()))
	}
	return "ok"
}
