package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"

	"github.com/ecotap-tools/ecc/model"
)

// LevelTrace is the slog level below Debug at which the client logs every
// frame on the line, in both directions, with secrets redacted. A logger
// made for `--log-level trace` must enable it.
const LevelTrace = slog.Level(-8)

// Directions of a traced frame.
const (
	toController   = "host>ctl"
	fromController = "ctl>host"
)

// traceFrame logs one frame line at LevelTrace, its JSON redacted. A
// frame that is noise (bad CRC or JSON) is logged by its length only: it
// may be a damaged reply carrying a password that redaction would not
// recognise.
func (c *Client) traceFrame(dir string, line []byte) {
	lg := c.opts.Logger
	ctx := context.Background()
	if !lg.Enabled(ctx, LevelTrace) {
		return
	}
	obj, ok := DecodeFrame(bytes.TrimSuffix(line, []byte{'\n'}))
	if !ok {
		lg.Log(ctx, LevelTrace, "noise frame", "dir", dir, "port", c.opts.Name, "bytes", len(line))
		return
	}
	lg.Log(ctx, LevelTrace, "frame", "dir", dir, "port", c.opts.Name, "json", RedactFrame(obj))
}

// RedactFrame returns a frame's JSON (a controller frame's object, an
// OCPP-J message's array) with every secret replaced as model.Display
// replaces it: the values of set requests ("values") and every
// {"key": K, "value": V} object (get replies' "configurationKey" entries,
// OCPP's ChangeConfiguration) whose key may hold a secret
// (authorizationKey, AuthorizationKey, the password part of gsm_APN).
// JSON that does not parse is not shown at all.
func RedactFrame(obj []byte) string {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return `"(unparsable frame)"`
	}
	redactJSON(v)
	out, err := json.Marshal(v)
	if err != nil {
		return `"(unprintable frame)"`
	}
	return string(out)
}

// redactJSON redacts, in place, every value ecc knows to be keyed by a
// configuration key, wherever it is nested: "values" objects (set) and
// objects of "key" and "value".
func redactJSON(v any) {
	switch v := v.(type) {
	case map[string]any:
		if key, ok := v["key"].(string); ok {
			if val, ok := v["value"]; ok {
				v["value"] = redactValue(key, val)
			}
		}
		for k, x := range v {
			if m, ok := x.(map[string]any); ok && k == "values" {
				for key, val := range m {
					m[key] = redactValue(key, val)
				}
				continue
			}
			redactJSON(x)
		}
	case []any:
		for _, x := range v {
			redactJSON(x)
		}
	}
}

// redactValue is val, or its display form when it is a secret. A value
// that is not a string under a key that may hold a secret is hidden
// whole.
// A key is matched ignoring case: frames relayed from a backend may spell
// it their own way.
func redactValue(key string, val any) any {
	kd, known := model.DefFold(key)
	if !known {
		return val
	}
	s, ok := val.(string)
	switch {
	case !ok && kd.HoldsSecret():
		return "(sensitive)"
	case ok && model.Sensitive(kd.Name, s):
		return model.Display(kd.Name, s)
	}
	return val
}

// logEvents logs at debug what one log line told the client (a save, a
// boot banner line, READY, flash progress): the typed events, never the
// line, which carries no CRC and whose content ecc does not know.
func (c *Client) logEvents(before, after logState) {
	lg := c.opts.Logger
	if !lg.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	switch {
	case after.readies != before.readies:
		lg.Debug("controller ready", "port", c.opts.Name, "firmware", after.readyFW)
	case after.saves != before.saves:
		lg.Debug("controller saved its configuration", "port", c.opts.Name, "saves", after.saves)
	case after.flashes != before.flashes:
		lg.Debug("controller flashing", "port", c.opts.Name)
	case after.boots != before.boots && after.fw != before.fw && after.fw != "":
		lg.Debug("controller booting", "port", c.opts.Name, "firmware", after.fw)
	}
}
