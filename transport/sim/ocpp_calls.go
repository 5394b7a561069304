package sim

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/model"
)

// handleCalls answers the central system's calls one at a time, in order,
// as a charge point's OCPP task does.
func (cp *ChargePoint) handleCalls(ctx context.Context, s *session, conn *websocket.Conn, calls <-chan ocppMsg) {
	for {
		var m ocppMsg
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
		switch m.action {
		case "GetConfiguration":
			out = cp.getConfiguration(ctx, conn, s, m)
		case "ChangeConfiguration":
			out = cp.changeConfiguration(ctx, conn, s, m)
		case "Reset":
			out, after = cp.reset(ctx, conn, s, m)
		case "TriggerMessage":
			out, after = cp.trigger(ctx, conn, s, m)
		case "UpdateFirmware":
			out, after = cp.updateFirmware(ctx, conn, s, m)
		default:
			out = errorFrame(m.id, "NotImplemented", fmt.Sprintf("%s is not implemented", m.action))
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

type configKey struct {
	Key      string  `json:"key"`
	Readonly bool    `json:"readonly"`
	Value    *string `json:"value,omitempty"`
}

// getConfiguration reports the requested keys (all without a list) from
// the working memory; a write-only key's value is never reported. A list
// longer than GetConfigurationMaxKeys is refused: a host must split it.
func (cp *ChargePoint) getConfiguration(ctx context.Context, conn *websocket.Conn, s *session, m ocppMsg) []byte {
	var req struct {
		Key []string `json:"key"`
	}
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil
	}
	c := cp.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if maxKeys, err := strconv.Atoi(s.work["GetConfigurationMaxKeys"]); err == nil && maxKeys > 0 && len(req.Key) > maxKeys {
		return errorFrame(m.id, "PropertyConstraintViolation",
			fmt.Sprintf("%d keys requested; GetConfigurationMaxKeys is %d", len(req.Key), maxKeys))
	}
	entry := func(k *keySpec) configKey {
		e := configKey{Key: k.name, Readonly: k.access == model.RO}
		if k.access != model.WO {
			v := s.work[k.name]
			e.Value = &v
		}
		return e
	}
	res := struct {
		ConfigurationKey []configKey `json:"configurationKey"`
		UnknownKey       []string    `json:"unknownKey,omitempty"`
	}{ConfigurationKey: []configKey{}}
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
	return resultFrame(m.id, res)
}

// changeConfiguration judges and stores one key as the cable's set does:
// the same statuses, the same working memory, saved to flash SaveDelay
// later.
func (cp *ChargePoint) changeConfiguration(ctx context.Context, conn *websocket.Conn, s *session, m ocppMsg) []byte {
	var req struct {
		Key   *string `json:"key"`
		Value *string `json:"value"`
	}
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil
	}
	if req.Key == nil || req.Value == nil {
		return errorFrame(m.id, "OccurenceConstraintViolation", "ChangeConfiguration needs key and value")
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
		status = "Rejected"
	case status == "Accepted" || status == "RebootRequired":
		s.work[*req.Key] = *req.Value
		c.queueSaveLocked(s, map[string]string{*req.Key: *req.Value})
	}
	return resultFrame(m.id, map[string]string{"status": status})
}

// reset reboots the controller after the reply: saves not yet in flash are
// written first (the firmware's orderly shutdown), so reboot-required
// values take effect. Soft and Hard differ only for transactions, which
// the simulator has none of.
func (cp *ChargePoint) reset(ctx context.Context, conn *websocket.Conn, s *session, m ocppMsg) ([]byte, func()) {
	var req struct {
		Type string `json:"type"`
	}
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil, nil
	}
	if req.Type != "Soft" && req.Type != "Hard" {
		return errorFrame(m.id, "PropertyConstraintViolation", "type must be Soft or Hard"), nil
	}
	c := cp.c
	c.mu.Lock()
	busy := s.committing
	c.mu.Unlock()
	if busy {
		return resultFrame(m.id, map[string]string{"status": "Rejected"}), nil
	}
	return resultFrame(m.id, map[string]string{"status": "Accepted"}), func() {
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
func (cp *ChargePoint) trigger(ctx context.Context, conn *websocket.Conn, s *session, m ocppMsg) ([]byte, func()) {
	var req struct {
		RequestedMessage string `json:"requestedMessage"`
	}
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil, nil
	}
	accepted := resultFrame(m.id, map[string]string{"status": "Accepted"})
	switch req.RequestedMessage {
	case "BootNotification":
		return accepted, func() { cp.boot(ctx, s, conn) }
	case "Heartbeat":
		return accepted, func() { cp.call(ctx, conn, "Heartbeat", struct{}{}, nil) }
	case "FirmwareStatusNotification":
		cp.mu.Lock()
		st := cp.fwStatus
		cp.mu.Unlock()
		return accepted, func() { cp.notify(ctx, st) }
	case "StatusNotification":
		return accepted, func() {
			cp.call(ctx, conn, "StatusNotification", map[string]any{
				"connectorId": 0, "errorCode": "NoError", "status": "Available",
				"timestamp": time.Now().UTC().Format(time.RFC3339)}, nil)
		}
	case "MeterValues", "DiagnosticsStatusNotification":
		return resultFrame(m.id, map[string]string{"status": "NotImplemented"}), nil
	}
	return errorFrame(m.id, "PropertyConstraintViolation", "unknown requestedMessage"), nil
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
