package sim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// updateFirmware answers UpdateFirmware at once and then, in the
// background of this boot, downloads the image from its location (with
// retries), checks it as the cable's fw.commit does (header, family, no
// downgrade, not the running version) and installs it: the controller
// reboots into the new version and announces Installed after its next
// BootNotification. Every step is a FirmwareStatusNotification.
func (cp *ChargePoint) updateFirmware(ctx context.Context, conn *websocket.Conn, s *session, m ocpp.Frame) ([]byte, func()) {
	var req ocpp.UpdateFirmwareReq
	if !cp.decodePayload(ctx, conn, m, &req) {
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339, req.RetrieveDate)
	if req.Location == "" || err != nil {
		return errorFrame(m.ID, ocpp.OccurenceConstraintViolation, "UpdateFirmware needs location and a retrieveDate (RFC 3339)"), nil
	}
	retries, interval := cp.opts.DownloadRetries, cp.opts.RetryInterval
	if req.Retries != nil && *req.Retries >= 0 {
		retries = *req.Retries
	}
	if req.RetryInterval != nil && *req.RetryInterval >= 0 {
		interval = time.Duration(*req.RetryInterval) * time.Second
	}
	return resultFrame(m.ID, ocpp.Empty{}), func() {
		cp.c.wg.Go(func() { cp.install(s, req.Location, at, retries, interval) })
	}
}

// install downloads, checks and commits one image during boot s; a reboot
// or power loss meanwhile abandons it.
func (cp *ChargePoint) install(s *session, location string, at time.Time, retries int, interval time.Duration) {
	ctx := s.ctx
	if !sleep(ctx, time.Until(at)) {
		return
	}
	cp.notify(ctx, ocpp.FirmwareDownloading)
	image, err := cp.download(ctx, location, retries, interval)
	if err != nil {
		cp.c.logf("ocpp: firmware download: %v", err)
		cp.notify(ctx, ocpp.FirmwareDownloadFailed)
		return
	}
	cp.notify(ctx, ocpp.FirmwareDownloaded)
	c := cp.c
	c.mu.Lock()
	v, why := c.imageProblemLocked(image)
	if why == "" && (!c.current(s) || s.committing) {
		why = "the controller is busy"
	}
	if why != "" {
		c.emitLocked(clock() + " FW: update refused: " + why)
		c.mu.Unlock()
		c.logf("ocpp: firmware refused: %s", why)
		cp.notify(ctx, ocpp.FirmwareInstallationFailed)
		return
	}
	c.mu.Unlock()
	cp.notify(ctx, ocpp.FirmwareInstalling)
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.current(s) || s.committing {
		return
	}
	s.committing = true
	c.flash.Flashing = true
	c.persistLocked()
	cp.mu.Lock()
	cp.installed = v.String()
	cp.mu.Unlock()
	c.wg.Add(1)
	go c.commit(s, v)
}

// imageProblemLocked is why the charge point refuses a downloaded image
// (the cable's rules, checkImageLocked, and not the running version
// again), or "", with the image's version.
func (c *Controller) imageProblemLocked(image []byte) (version, string) {
	if len(image) > MaxImage {
		return version{}, fmt.Sprintf("image of %d bytes: at most %d", len(image), MaxImage)
	}
	h, code, msg := c.checkImageLocked(image)
	if code != "" {
		return h.version, msg
	}
	if running, _ := parseVersion(c.flash.Firmware); h.version == running {
		return h.version, fmt.Sprintf("running %s already", running)
	}
	return h.version, ""
}

// download fetches location over HTTP(S), trying 1+retries times.
func (cp *ChargePoint) download(ctx context.Context, location string, retries int, interval time.Duration) ([]byte, error) {
	var last error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 && !sleep(ctx, interval) {
			return nil, ctx.Err()
		}
		b, err := fetchImage(ctx, cp.http, location)
		if err == nil {
			return b, nil
		}
		last = err
		cp.c.logf("ocpp: download attempt %d of %d: %v", attempt+1, retries+1, err)
	}
	return nil, last
}

func fetchImage(ctx context.Context, hc *http.Client, location string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, location, nil)
	if err != nil {
		return nil, err
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("location %s: only HTTP and HTTPS are supported", req.URL.Redacted())
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL.Redacted(), resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxImage+1))
	if err != nil {
		return nil, err
	}
	return b, nil
}

// notify sends a FirmwareStatusNotification on the connection of the
// moment; without one it is lost, as on a real station.
func (cp *ChargePoint) notify(ctx context.Context, status string) {
	cp.mu.Lock()
	conn := cp.conn
	cp.fwStatus = status
	cp.mu.Unlock()
	if conn == nil {
		return
	}
	cp.call(ctx, conn, ocpp.ActionFirmwareStatusNotification, ocpp.FirmwareStatusNotificationReq{Status: status}, nil)
}
