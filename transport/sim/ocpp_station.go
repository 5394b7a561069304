package sim

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// station is the charge point's own side of one connection: the
// BootNotification of a new boot (repeated until Accepted), the connectors'
// StatusNotification, a firmware installation announced after its reboot,
// then Heartbeat at the interval the central system gave.
func (cp *ChargePoint) station(ctx context.Context, s *session, conn *websocket.Conn) {
	interval := cp.heartbeatInterval(s)
	cp.mu.Lock()
	booted := cp.booted == s
	cp.mu.Unlock()
	if !booted {
		for {
			iv, ok := cp.boot(ctx, s, conn)
			if ctx.Err() != nil {
				return
			}
			if iv > 0 {
				interval = iv
			}
			if ok {
				break
			}
			// Pending or Rejected: ask again after the interval.
			if !sleep(ctx, max(interval, time.Second)) {
				return
			}
		}
		n, _ := strconv.Atoi(cp.value(s, "NumberOfConnectors"))
		for id := 0; id <= n; id++ {
			cp.connectorStatus(ctx, conn, id)
		}
		cp.mu.Lock()
		installed := cp.installed
		cp.installed = ""
		cp.mu.Unlock()
		if installed != "" {
			cp.notify(ctx, ocpp.FirmwareInstalled)
		}
	}
	for {
		if !sleep(ctx, interval) {
			return
		}
		cp.call(ctx, conn, ocpp.ActionHeartbeat, ocpp.HeartbeatReq{}, nil)
	}
}

// boot sends a BootNotification and reports whether it was accepted, and
// the interval the central system gave (0 if none).
func (cp *ChargePoint) boot(ctx context.Context, s *session, conn *websocket.Conn) (time.Duration, bool) {
	cp.c.mu.Lock()
	fl := cp.c.flash
	info := s.work["com_OCPPInfo"]
	cp.c.mu.Unlock()
	// chargePointModel is the hardware model (EVC5.1): the host matches
	// it to the site file's model family and the firmware image's.
	vendor, model := infoField(info, "vendorname"), fl.Model
	if vendor == "" {
		vendor = "Ecotap"
	}
	if cp.opts.Vendor != "" {
		vendor = cp.opts.Vendor
	}
	if cp.opts.Model != "" {
		model = cp.opts.Model
	}
	req := ocpp.BootNotificationReq{ChargePointVendor: vendor, ChargePointModel: model,
		ChargePointSerialNumber: fl.Serial, ChargeBoxSerialNumber: fl.Serial, FirmwareVersion: fl.Firmware}
	var res ocpp.BootNotificationConf
	if err := cp.call(ctx, conn, ocpp.ActionBootNotification, req, &res); err != nil {
		cp.c.logf("ocpp: BootNotification: %v", err)
		return 0, false
	}
	iv := time.Duration(res.Interval) * time.Second
	if res.Status != ocpp.RegistrationAccepted {
		return iv, false
	}
	cp.mu.Lock()
	cp.booted = s
	cp.mu.Unlock()
	return iv, true
}

// heartbeatInterval is the HeartbeatInterval key of the running boot.
func (cp *ChargePoint) heartbeatInterval(s *session) time.Duration {
	n, err := strconv.Atoi(cp.value(s, "HeartbeatInterval"))
	if err != nil || n <= 0 {
		n = 300
	}
	return time.Duration(n) * time.Second
}

// value is a key's value in the working memory of boot s.
func (cp *ChargePoint) value(s *session, key string) string {
	cp.c.mu.Lock()
	defer cp.c.mu.Unlock()
	return s.work[key]
}

// connectorStatus sends a connector's StatusNotification: the simulator's
// connectors are always Available.
func (cp *ChargePoint) connectorStatus(ctx context.Context, conn *websocket.Conn, id int) {
	cp.call(ctx, conn, ocpp.ActionStatusNotification, ocpp.StatusNotificationReq{ConnectorID: id,
		ErrorCode: "NoError", Status: "Available", Timestamp: time.Now().UTC().Format(time.RFC3339)}, nil)
}

// infoField is one field of com_OCPPInfo ("modelname=ECC-AC,...").
func infoField(info, name string) string {
	for _, it := range strings.Split(info, ",") {
		if k, v, ok := strings.Cut(it, "="); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// decodePayload reads a call's payload into v; false (after answering the
// CALLERROR) when it does not fit.
func (cp *ChargePoint) decodePayload(ctx context.Context, conn *websocket.Conn, m ocpp.Frame, v any) bool {
	if err := json.Unmarshal(m.Payload, v); err != nil {
		cp.send(ctx, conn, errorFrame(m.ID, ocpp.TypeConstraintViolation, "payload fields have the wrong type"))
		return false
	}
	return true
}
