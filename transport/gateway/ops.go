package gateway

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// The calls ecc makes to a station (spec §3), each on the station's
// current connection.

func (st *station) session() (*session, error) {
	if s := st.current(); s != nil {
		return s, nil
	}
	return nil, errNotConnected
}

// identity returns the last Accepted BootNotification's identity; without
// one since the gateway started, it asks for one with TriggerMessage. A
// station whose last BootNotification the backend answered Pending or
// Rejected is not registered: an error, and nothing is sent to it.
func (g *Gateway) identity(ctx context.Context, st *station) (transport.Identity, error) {
	// A BootNotification being answered counts first: not asked again.
	seq, confs := st.settledBoot(ctx, g.opts.CallTimeout)
	st.mu.Lock()
	err := st.unregisteredLocked()
	st.mu.Unlock()
	if err != nil {
		return transport.Identity{}, err
	}
	if seq == 0 {
		s, err := st.session()
		if err != nil {
			return transport.Identity{}, err
		}
		// The triggered BootNotification's answer sets the station's
		// HeartbeatInterval (OCPP 1.6): read it first, so that the answer
		// gives it back rather than the default (after a gateway restart,
		// a plan that only reads set it to 300).
		g.learnHeartbeat(ctx, st, s)
		var conf ocpp.StatusConf
		if err := s.call(ctx, ocpp.ActionTriggerMessage, ocpp.TriggerMessageReq{RequestedMessage: ocpp.ActionBootNotification}, &conf); err != nil {
			return transport.Identity{}, err
		}
		if conf.Status != ocpp.StatusAccepted {
			return transport.Identity{}, fmt.Errorf("station answered TriggerMessage(BootNotification) with %s: no identity", conf.Status)
		}
		if err := st.waitFor(ctx, g.opts.BootTimeout, func() bool { return st.bootConfs > confs }); err != nil {
			return transport.Identity{}, fmt.Errorf("waiting for the triggered BootNotification: %w", err)
		}
		st.mu.Lock()
		err = st.unregisteredLocked()
		st.mu.Unlock()
		if err != nil {
			return transport.Identity{}, err
		}
	}
	if _, err := g.maxKeys(ctx, st); err != nil {
		return transport.Identity{}, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.identityLocked(), nil
}

// maxKeys reads GetConfigurationMaxKeys once per boot (0: no limit).
func (g *Gateway) maxKeys(ctx context.Context, st *station) (int, error) {
	st.mu.Lock()
	mk := st.maxKeys
	st.mu.Unlock()
	if mk != 0 {
		return max(mk, 0), nil
	}
	s, err := st.session()
	if err != nil {
		return 0, err
	}
	var conf ocpp.GetConfigurationConf
	if err := s.call(ctx, ocpp.ActionGetConfiguration, ocpp.GetConfigurationReq{Key: []string{"GetConfigurationMaxKeys"}}, &conf); err != nil {
		return 0, err
	}
	mk = -1
	for _, kv := range conf.ConfigurationKey {
		if kv.Key == "GetConfigurationMaxKeys" && kv.Value != nil {
			if n, err := strconv.Atoi(*kv.Value); err == nil && n > 0 {
				mk = n
			}
		}
	}
	st.mu.Lock()
	st.maxKeys = mk
	st.mu.Unlock()
	g.learnHeartbeat(ctx, st, s)
	return max(mk, 0), nil
}

// learnHeartbeat reads the station's HeartbeatInterval when the minimal
// central system does not know it yet, so that the BootNotification.conf
// after a Reset (for other keys) keeps it as it is. Best effort, right
// after the station answered: without it the default is given.
func (g *Gateway) learnHeartbeat(ctx context.Context, st *station, s *session) {
	st.mu.Lock()
	known := st.heartbeatKnown
	st.mu.Unlock()
	if known || g.opts.Upstream != "" {
		return // known, or the backend answers the BootNotifications
	}
	var conf ocpp.GetConfigurationConf
	if err := s.call(ctx, ocpp.ActionGetConfiguration, ocpp.GetConfigurationReq{Key: []string{heartbeatKey}}, &conf); err != nil {
		g.opts.Log.Debug("HeartbeatInterval not read", "station", st.id, "err", err)
		return
	}
	for _, kv := range conf.ConfigurationKey {
		if kv.Value != nil {
			st.readHeartbeat(kv.Key, *kv.Value)
		}
	}
}

// get reads keys with GetConfiguration, split by GetConfigurationMaxKeys.
// A write-only key's value is dropped here: it never leaves the gateway.
func (g *Gateway) get(ctx context.Context, st *station, keys []string) (transport.GatewayGetResponse, error) {
	var out transport.GatewayGetResponse
	mk, err := g.maxKeys(ctx, st)
	if err != nil {
		return out, err
	}
	batches := [][]string{keys}
	if len(keys) > 0 && mk > 0 {
		batches = slices.Collect(slices.Chunk(keys, mk))
	}
	for _, b := range batches {
		s, err := st.session()
		if err != nil {
			return out, err
		}
		var conf ocpp.GetConfigurationConf
		if err := s.call(ctx, ocpp.ActionGetConfiguration, ocpp.GetConfigurationReq{Key: b}, &conf); err != nil {
			return out, err
		}
		for _, kv := range conf.ConfigurationKey {
			r := transport.Reading{Key: kv.Key, ReadOnly: kv.Readonly}
			switch {
			case writeOnly(kv.Key):
				r.WriteOnly = true
			case kv.Value != nil:
				r.Value = *kv.Value
				st.readHeartbeat(kv.Key, r.Value)
			}
			out.Readings = append(out.Readings, r)
		}
		out.Unknown = append(out.Unknown, conf.UnknownKey...)
	}
	st.readOnly.NoteReadings(out.Readings)
	return out, nil
}

// set writes values with ChangeConfiguration, one key per call in key
// order, after the channel's write guard (which also refuses the keys the
// station's GetConfiguration reported readonly). A CALLERROR is a refusal
// (refusalStatus): the key was not written, and the next one is. It stops
// at the first error (no answer, or one that cannot be read: the key may
// be written); the statuses so far are returned with it.
func (g *Gateway) set(ctx context.Context, st *station, values map[string]string) (map[string]transport.Status, error) {
	if err := transport.Guard(model.ChannelOCPP, values, &st.readOnly); err != nil {
		return nil, err
	}
	out := make(map[string]transport.Status, len(values))
	for _, k := range slices.Sorted(maps.Keys(values)) {
		s, err := st.session()
		if err != nil {
			return out, err
		}
		var conf ocpp.StatusConf
		err = s.call(ctx, ocpp.ActionChangeConfiguration, ocpp.ChangeConfigurationReq{Key: k, Value: values[k]}, &conf)
		var ce *callError
		if errors.As(err, &ce) && ce.Refused {
			out[k] = refusalStatus(ce.Code)
			g.opts.Log.Warn("station answered ChangeConfiguration with a CALLERROR: not written", "station", st.id, "key", k,
				"code", ce.Code, "status", out[k])
			continue
		}
		if err != nil {
			return out, fmt.Errorf("ChangeConfiguration %s: %w", k, err)
		}
		out[k] = transport.Status(conf.Status)
		st.storedHeartbeat(k, values[k], out[k])
	}
	return out, nil
}

// refusalStatus is the status a ChangeConfiguration answered with a
// CALLERROR counts as: the key was not written, so apply rolls back only
// the keys that were, as after a Rejected. NotImplemented and
// NotSupported (the station has no such call, or no such key) are
// NotSupported; any other code is Rejected.
func refusalStatus(code ocpp.ErrorCode) transport.Status {
	if code == ocpp.NotImplemented || code == ocpp.NotSupported {
		return transport.NotSupported
	}
	return transport.Rejected
}

// reset sends Reset(Soft) and waits for the station to come back with a
// new BootNotification (usually on a new connection). A Reset sent but
// not confirmed (the connection dropped before the answer, or none came)
// is not sent again: the station is taken to be rebooting, and its boot
// is waited for all the same.
func (g *Gateway) reset(ctx context.Context, st *station) (transport.Identity, error) {
	s, err := st.session()
	if err != nil {
		return transport.Identity{}, err
	}
	seq, confs := st.settledBoot(ctx, g.opts.CallTimeout)
	var conf ocpp.StatusConf
	err = s.call(ctx, ocpp.ActionReset, ocpp.ResetReq{Type: ocpp.ResetSoft}, &conf)
	unconfirmed := errors.Is(err, errDisconnected) || errors.Is(err, errTimeout)
	switch {
	case unconfirmed:
		// Sent, not confirmed: the connection dropped before Reset.conf
		// (the station rebooting) or the conf was lost. Never sent twice:
		// the station's boot decides.
		g.opts.Log.Info("Reset not confirmed; waiting for the station to boot", "station", st.id, "err", err)
	case err != nil:
		return transport.Identity{}, err
	case conf.Status != ocpp.StatusAccepted:
		return transport.Identity{}, fmt.Errorf("station answered Reset with %s", conf.Status)
	}
	if werr := g.waitBoot(ctx, st, seq, confs); werr != nil {
		if unconfirmed {
			return transport.Identity{}, fmt.Errorf("the Reset was not confirmed (%v), and waiting for the station to boot: %w", err, werr)
		}
		return transport.Identity{}, fmt.Errorf("waiting for the station to boot after Reset: %w", werr)
	}
	return g.identity(ctx, st)
}

// waitBoot waits up to BootTimeout for a BootNotification Accepted after
// the seq-th, on a connection. One answered Pending or Rejected is waited
// past (the station boots again after the interval), and named when no
// Accepted one follows in time.
func (g *Gateway) waitBoot(ctx context.Context, st *station, seq, confs uint64) error {
	err := st.waitFor(ctx, g.opts.BootTimeout, func() bool { return st.bootSeq > seq && st.sess != nil })
	if errors.Is(err, errTimeout) {
		err = fmt.Errorf("no BootNotification Accepted within %v: %w", g.opts.BootTimeout, err)
		st.mu.Lock()
		if st.bootConfs > confs {
			if why := st.unregisteredLocked(); why != nil {
				err = fmt.Errorf("%w (%v)", err, why)
			}
		}
		st.mu.Unlock()
	}
	return err
}

// firmware has the station download the image sha from the gateway's own
// URL and follows its FirmwareStatusNotifications; success is judged by
// the firmwareVersion of the next BootNotification, never by the
// notifications alone. UpdateFirmware names its retries: after a failed
// download or installation the station's next attempt is waited for
// (FirmwareRetryInterval and a CallTimeout), and the failure is reported
// once it has made them all, or made none in that time (then saying it
// may still install on its own).
func (g *Gateway) firmware(ctx context.Context, st *station, sha, version string, emit func(status string)) (transport.Identity, error) {
	s, err := st.session()
	if err != nil {
		return transport.Identity{}, err
	}
	if !g.hasImage(sha) {
		return transport.Identity{}, fmt.Errorf("no firmware image %s uploaded", sha)
	}
	seq, _ := st.settledBoot(ctx, g.opts.CallTimeout)
	st.mu.Lock()
	seen := len(st.fw)
	st.mu.Unlock()
	retries, interval := g.opts.FirmwareRetries, int(g.opts.FirmwareRetryInterval/time.Second)
	req := ocpp.UpdateFirmwareReq{
		Location:      s.host + "/firmware/" + sha + ".bin",
		RetrieveDate:  time.Now().UTC().Format(time.RFC3339),
		Retries:       &retries,
		RetryInterval: &interval,
	}
	var conf ocpp.Empty
	err = s.call(ctx, ocpp.ActionUpdateFirmware, req, &conf)
	unconfirmed := errors.Is(err, errDisconnected) || errors.Is(err, errTimeout)
	if unconfirmed {
		// The station may have got it and be downloading: never sent
		// twice (it would flash twice); followed as if confirmed.
		g.opts.Log.Warn("UpdateFirmware not confirmed; following the station's progress", "station", st.id, "err", err)
	} else if err != nil {
		return transport.Identity{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, g.opts.FlashTimeout)
	defer cancel()
	retryWait := g.opts.FirmwareRetryInterval + g.opts.CallTimeout
	failed, failures := "", 0 // the failure not followed by another attempt yet
	for {
		var news []string
		booted := false
		wait := g.opts.FlashTimeout
		if failed != "" {
			wait = retryWait
		}
		err := st.waitFor(ctx, wait, func() bool {
			news = slices.Clone(st.fw[seen:])
			booted = st.bootSeq > seq && st.sess != nil
			return len(news) > 0 || booted
		})
		if failed != "" && errors.Is(err, errTimeout) {
			return transport.Identity{}, fmt.Errorf("firmware update failed: station reported %s and did not try again within %v "+
				"(UpdateFirmware allowed it %d retries %v apart: it may still download and install %s on its own; watch ecc gateway stations)",
				failed, retryWait, retries, g.opts.FirmwareRetryInterval, version)
		}
		if err != nil && unconfirmed {
			return transport.Identity{}, fmt.Errorf("firmware update: UpdateFirmware was not confirmed, and waiting for the station: %w; "+
				"it may still have got it, and download and install %s on its own", err, version)
		}
		if err != nil {
			return transport.Identity{}, fmt.Errorf("firmware update: waiting for the station: %w", err)
		}
		seen += len(news)
		for _, n := range news {
			emit(n)
			switch {
			case ocpp.FirmwareFailed(n):
				failed = n
				failures++
			case n != ocpp.FirmwareIdle:
				failed = "" // trying again
			}
		}
		if failed != "" && failures > retries && !booted {
			// Each attempt fails once at most: none is left, however the
			// station counts its retries.
			return transport.Identity{}, fmt.Errorf("firmware update failed: station reported %s (%d failed attempts, no retry left)", failed, failures)
		}
		if booted {
			id, err := g.identity(ctx, st)
			if err != nil {
				return id, err
			}
			if id.Firmware != version {
				return id, fmt.Errorf("firmware update: station booted with %s, not %s", id.Firmware, version)
			}
			return id, nil
		}
	}
}

// writeOnly reports whether key holds a secret that is written but never
// read: the dictionary's write-only keys and OCPP's (the security
// extension's AuthorizationKey, whose class is the backend's), in
// whatever case the station spells them.
func writeOnly(key string) bool {
	kd, ok := model.DefFold(key)
	return ok && kd.Access == model.WO
}
