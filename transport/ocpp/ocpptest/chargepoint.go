// Package ocpptest is a lightweight OCPP 1.6J charge point for tests and
// benchmarks of the gateway: a configuration map, BootNotification,
// GetConfiguration, ChangeConfiguration, Reset (reconnect and boot again),
// TriggerMessage and UpdateFirmware (download, status notifications, boot
// with the image's version), and faults on demand. The full simulated
// controller is `ecc sim --ocpp`; this one is small enough to run
// thousands of them in one process.
package ocpptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// ChargePoint is one simulated station.
type ChargePoint struct {
	URL    string // ws://HOST:PORT/ocpp/ (the id is appended)
	ID     string
	Header http.Header // sent with every handshake (e.g. Authorization)
	// HTTP dials the handshake and downloads firmware (nil: the
	// default client); wss:// tests give one trusting their CA.
	HTTP *http.Client

	mu       sync.Mutex
	Boot     ocpp.BootNotificationReq
	Config   map[string]string
	ReadOnly map[string]bool
	// Reject lists keys ChangeConfiguration answers Rejected for;
	// RebootRequired keys answer RebootRequired, and their new value
	// takes effect at the next boot (GetConfiguration reports the old one
	// until then).
	Reject, RebootRequired map[string]bool
	// CallError lists keys whose ChangeConfiguration is answered with a
	// CALLERROR of the code given (nothing written).
	CallError map[string]ocpp.ErrorCode
	// StrictBoot: the station ignores the central system's calls (but
	// TriggerMessage) until its BootNotification on this connection is
	// Accepted, as OCPP 1.6 lets it; IgnoredCalls counts them.
	StrictBoot bool
	// BootLag: the station takes an Accepted BootNotification.conf in
	// only this long after it arrived (a station whose boot and calls are
	// handled apart).
	BootLag time.Duration
	// AdoptInterval: the station sets its HeartbeatInterval to the
	// interval of an Accepted BootNotification.conf, as OCPP 1.6 says it
	// SHALL.
	AdoptInterval bool
	// Silent: the station never answers the gateway's calls.
	Silent bool
	// DropOn lists keys whose ChangeConfiguration drops the connection
	// unanswered (the station stays away until Connect is called again).
	DropOn map[string]bool
	// ReplyDelay delays every answer (a network round trip, in
	// benchmarks).
	ReplyDelay time.Duration
	// NoConf lists actions the station carries out without answering
	// (the confirmation lost, or the connection dropped before it).
	NoConf map[string]bool
	// RebootDelay is how long the station takes to go down after a Reset
	// or an installed image (20 ms when 0).
	RebootDelay time.Duration
	// NewFirmware is the version the station boots with after an
	// UpdateFirmware (its image's version); FailDownload makes every
	// download fail, FailDownloads the first ones. A failed attempt is
	// reported (DownloadFailed) and retried after retryInterval while
	// UpdateFirmware's retries (the attempts after the first) allow,
	// unless NoRetry.
	NewFirmware   string
	FailDownload  bool
	FailDownloads int
	NoRetry       bool
	// Update is the last UpdateFirmware received.
	Update ocpp.UpdateFirmwareReq
	// Received counts the gateway's calls by action.
	Received map[string]int
	// Frames records every frame the station received, in order.
	Frames []string
	boots  int
	// atBoot holds the values written with RebootRequired.
	atBoot map[string]string
	// bootID is the uniqueId of the BootNotification in flight; accepted
	// whether one was Accepted on this connection.
	bootID   string
	accepted bool
	ignored  int

	conn   *websocket.Conn
	cancel context.CancelFunc
	done   chan struct{}
	seq    int
}

// New returns a charge point with a few keys; call Connect.
func New(url, id, serial, firmware string) *ChargePoint {
	return &ChargePoint{
		URL: url, ID: id,
		Boot: ocpp.BootNotificationReq{ChargePointVendor: "Ecotap", ChargePointModel: "EVC5.1",
			ChargeBoxSerialNumber: serial, FirmwareVersion: firmware},
		Config: map[string]string{
			"GetConfigurationMaxKeys": "4",
			"HeartbeatInterval":       "300",
			"chg_StationMaxCurrent":   "32",
			"NumberOfConnectors":      "1",
		},
		ReadOnly:       map[string]bool{"GetConfigurationMaxKeys": true, "NumberOfConnectors": true},
		Reject:         map[string]bool{},
		RebootRequired: map[string]bool{},
		CallError:      map[string]ocpp.ErrorCode{},
		NoConf:         map[string]bool{},
		Received:       map[string]int{},
		DropOn:         map[string]bool{},
	}
}

// Connect opens the WebSocket and sends BootNotification (boot true) as a
// station does after power-on; it returns once the boot is confirmed.
func (cp *ChargePoint) Connect(ctx context.Context, boot bool) error {
	c, _, err := websocket.Dial(ctx, cp.URL+cp.ID, &websocket.DialOptions{Subprotocols: []string{ocpp.Subprotocol}, HTTPHeader: cp.Header, HTTPClient: cp.HTTP})
	if err != nil {
		return err
	}
	c.SetReadLimit(1 << 20)
	rctx, cancel := context.WithCancel(context.Background())
	cp.mu.Lock()
	cp.conn, cp.cancel, cp.done = c, cancel, make(chan struct{})
	cp.accepted = false
	done := cp.done
	cp.mu.Unlock()
	booted := make(chan error, 1)
	go cp.read(rctx, c, done, booted)
	if !boot {
		return nil
	}
	if err := cp.sendBoot(ctx); err != nil {
		return err
	}
	select {
	case err := <-booted:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close drops the connection.
func (cp *ChargePoint) Close() {
	cp.mu.Lock()
	c, cancel, done := cp.conn, cp.cancel, cp.done
	cp.conn = nil
	cp.mu.Unlock()
	if c == nil {
		return
	}
	cancel()
	c.Close(websocket.StatusNormalClosure, "")
	<-done
}

// Boots counts the BootNotifications the central system confirmed.
func (cp *ChargePoint) Boots() int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.boots
}

// IgnoredCalls counts the calls a StrictBoot station ignored.
func (cp *ChargePoint) IgnoredCalls() int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.ignored
}

// Get returns a configuration value.
func (cp *ChargePoint) Get(key string) string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.Config[key]
}

// Set changes a field under the charge point's lock (fault injection).
func (cp *ChargePoint) Set(f func(cp *ChargePoint)) {
	cp.mu.Lock()
	f(cp)
	cp.mu.Unlock()
}

// Count returns how many calls of action the station received.
func (cp *ChargePoint) Count(action string) int {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.Received[action]
}

// Send writes a raw frame (tests of malformed input).
func (cp *ChargePoint) Send(ctx context.Context, frame []byte) error {
	cp.mu.Lock()
	c := cp.conn
	cp.mu.Unlock()
	if c == nil {
		return errors.New("not connected")
	}
	return c.Write(ctx, websocket.MessageText, frame)
}

// FramesSeen returns the frames the station received so far.
func (cp *ChargePoint) FramesSeen() []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return append([]string(nil), cp.Frames...)
}

// Answers returns the frames the station received that answer its own
// calls with id.
func (cp *ChargePoint) Answers(id string) []string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var out []string
	for _, f := range cp.Frames {
		if strings.Contains(f, `"`+id+`"`) {
			out = append(out, f)
		}
	}
	return out
}

func (cp *ChargePoint) sendCall(ctx context.Context, action string, payload any) error {
	cp.mu.Lock()
	cp.seq++
	id := fmt.Sprintf("cp-%d", cp.seq)
	if action == ocpp.ActionBootNotification {
		cp.bootID = id
	}
	cp.mu.Unlock()
	b, err := ocpp.EncodeCall(id, action, payload)
	if err != nil {
		return err
	}
	return cp.Send(ctx, b)
}

func (cp *ChargePoint) sendBoot(ctx context.Context) error {
	cp.mu.Lock()
	b := cp.Boot
	cp.mu.Unlock()
	return cp.sendCall(ctx, ocpp.ActionBootNotification, b)
}

// bootAnswered takes the answer to the station's BootNotification: an
// Accepted one counts a boot; after a Pending or Rejected one the
// station boots again once the interval has passed (OCPP 1.6 §4.2).
func (cp *ChargePoint) bootAnswered(ctx context.Context, conf ocpp.BootNotificationConf, booted chan error) {
	cp.mu.Lock()
	if conf.Status != ocpp.RegistrationAccepted {
		cp.mu.Unlock()
		go func() {
			select {
			case <-time.After(time.Duration(conf.Interval) * time.Second):
				_ = cp.sendBoot(ctx)
			case <-ctx.Done():
			}
		}()
		return
	}
	cp.boots++
	if lag := cp.BootLag; lag > 0 {
		time.AfterFunc(lag, func() {
			cp.mu.Lock()
			cp.accepted = true
			cp.mu.Unlock()
		})
	} else {
		cp.accepted = true
	}
	if cp.AdoptInterval {
		cp.Config["HeartbeatInterval"] = fmt.Sprint(conf.Interval)
	}
	cp.mu.Unlock()
	select {
	case booted <- nil:
	default:
	}
}

func (cp *ChargePoint) read(ctx context.Context, c *websocket.Conn, done chan struct{}, booted chan error) {
	defer close(done)
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			select {
			case booted <- err:
			default:
			}
			return
		}
		f, err := ocpp.Parse(b)
		cp.mu.Lock()
		cp.Frames = append(cp.Frames, string(b))
		cp.mu.Unlock()
		if err != nil {
			continue
		}
		switch f.Type {
		case ocpp.CallResult:
			cp.mu.Lock()
			isBoot := f.ID == cp.bootID
			cp.mu.Unlock()
			var conf ocpp.BootNotificationConf
			if isBoot && json.Unmarshal(f.Payload, &conf) == nil {
				cp.bootAnswered(ctx, conf, booted)
			}
		case ocpp.Call:
			cp.handle(ctx, c, f)
		}
	}
}

func (cp *ChargePoint) handle(ctx context.Context, c *websocket.Conn, f ocpp.Frame) {
	cp.mu.Lock()
	cp.Received[f.Action]++
	silent, delay := cp.Silent, cp.ReplyDelay
	ignore := cp.StrictBoot && !cp.accepted && f.Action != ocpp.ActionTriggerMessage
	if ignore {
		cp.ignored++
	}
	cp.mu.Unlock()
	if silent || ignore {
		return
	}
	time.Sleep(delay)
	var resp any
	var after func()
	switch f.Action {
	case ocpp.ActionGetConfiguration:
		var req ocpp.GetConfigurationReq
		_ = json.Unmarshal(f.Payload, &req)
		resp = cp.getConfiguration(req.Key)
	case ocpp.ActionChangeConfiguration:
		var req ocpp.ChangeConfigurationReq
		_ = json.Unmarshal(f.Payload, &req)
		cp.mu.Lock()
		drop := cp.DropOn[req.Key]
		code, refuse := cp.CallError[req.Key]
		cp.mu.Unlock()
		if drop {
			c.CloseNow()
			return
		}
		if refuse {
			_ = c.Write(ctx, websocket.MessageText, ocpp.EncodeError(f.ID, code, "refused"))
			return
		}
		resp = ocpp.StatusConf{Status: cp.change(req.Key, req.Value)}
	case ocpp.ActionReset:
		resp = ocpp.StatusConf{Status: ocpp.StatusAccepted}
		after = func() { go cp.reboot("") }
	case ocpp.ActionTriggerMessage:
		var req ocpp.TriggerMessageReq
		_ = json.Unmarshal(f.Payload, &req)
		resp = ocpp.StatusConf{Status: ocpp.StatusAccepted}
		if req.RequestedMessage == ocpp.ActionBootNotification {
			after = func() { go cp.sendBoot(context.Background()) }
		}
	case ocpp.ActionUpdateFirmware:
		var req ocpp.UpdateFirmwareReq
		_ = json.Unmarshal(f.Payload, &req)
		cp.mu.Lock()
		cp.Update = req
		cp.mu.Unlock()
		resp = ocpp.Empty{}
		after = func() { go cp.updateFirmware(req) }
	default:
		_ = c.Write(ctx, websocket.MessageText, ocpp.EncodeError(f.ID, ocpp.NotImplemented, f.Action))
		return
	}
	cp.mu.Lock()
	noConf := cp.NoConf[f.Action]
	cp.mu.Unlock()
	if !noConf {
		b, _ := ocpp.EncodeResult(f.ID, resp)
		_ = c.Write(ctx, websocket.MessageText, b)
	}
	if after != nil {
		after()
	}
}

func (cp *ChargePoint) getConfiguration(keys []string) ocpp.GetConfigurationConf {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var conf ocpp.GetConfigurationConf
	if len(keys) == 0 {
		for k := range cp.Config {
			keys = append(keys, k)
		}
		sort.Strings(keys)
	}
	for _, k := range keys {
		v, ok := cp.Config[k]
		if !ok {
			conf.UnknownKey = append(conf.UnknownKey, k)
			continue
		}
		conf.ConfigurationKey = append(conf.ConfigurationKey, ocpp.KeyValue{Key: k, Readonly: cp.ReadOnly[k], Value: &v})
	}
	return conf
}

func (cp *ChargePoint) change(key, value string) string {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	_, known := cp.Config[key]
	switch {
	case !known:
		return "NotSupported"
	case cp.ReadOnly[key] || cp.Reject[key]:
		return "Rejected"
	}
	if cp.RebootRequired[key] {
		if cp.atBoot == nil {
			cp.atBoot = map[string]string{}
		}
		cp.atBoot[key] = value
		return "RebootRequired"
	}
	cp.Config[key] = value
	return "Accepted"
}

// reboot drops the connection, reconnects and boots, with firmware as the
// new version when not empty.
func (cp *ChargePoint) reboot(firmware string) {
	cp.mu.Lock()
	delay := cp.RebootDelay
	cp.mu.Unlock()
	if delay <= 0 {
		delay = 20 * time.Millisecond
	}
	time.Sleep(delay)
	cp.Close()
	cp.mu.Lock()
	if firmware != "" {
		cp.Boot.FirmwareVersion = firmware
	}
	for k, v := range cp.atBoot {
		cp.Config[k] = v
	}
	cp.atBoot = nil
	cp.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if cp.Connect(ctx, true) == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (cp *ChargePoint) updateFirmware(req ocpp.UpdateFirmwareReq) {
	ctx := context.Background()
	note := func(s string) {
		_ = cp.sendCall(ctx, ocpp.ActionFirmwareStatusNotification, ocpp.FirmwareStatusNotificationReq{Status: s})
	}
	retries, interval := 0, time.Duration(0)
	if req.Retries != nil {
		retries = *req.Retries
	}
	if req.RetryInterval != nil {
		interval = time.Duration(*req.RetryInterval) * time.Second
	}
	for attempt := 0; ; attempt++ {
		note(ocpp.FirmwareDownloading)
		cp.mu.Lock()
		fail := cp.FailDownload || attempt < cp.FailDownloads
		noRetry := cp.NoRetry
		cp.mu.Unlock()
		err := cp.download(req.Location)
		if err == nil && !fail {
			break
		}
		note(ocpp.FirmwareDownloadFailed)
		if noRetry || attempt >= retries {
			return
		}
		time.Sleep(interval)
	}
	cp.mu.Lock()
	version := cp.NewFirmware
	cp.mu.Unlock()
	note(ocpp.FirmwareDownloaded)
	note(ocpp.FirmwareInstalling)
	note(ocpp.FirmwareInstalled)
	cp.reboot(version)
}

// download fetches location.
func (cp *ChargePoint) download(location string) error {
	hc := cp.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Get(location)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}
