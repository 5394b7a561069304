package transport

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	cryptotls "crypto/tls" // the package; tls below is whether the gateway serves it
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// OCPPScheme prefixes a station reached through `ecc gateway`:
// ocpp://HOST:PORT/CHARGEBOXID; OCPPSchemeTLS one whose gateway serves
// its control API over TLS (started with --tls-cert).
const (
	OCPPScheme    = "ocpp://"
	OCPPSchemeTLS = "ocpps://"
)

// IsOCPP reports whether a --port (or a site file's port) is an ocpp://
// or ocpps:// address.
func IsOCPP(addr string) bool {
	return strings.HasPrefix(addr, OCPPScheme) || strings.HasPrefix(addr, OCPPSchemeTLS)
}

// ParseOCPP splits ocpp://HOST:PORT/CHARGEBOXID into the gateway's
// address ("HOST:PORT", or "https://HOST:PORT" for ocpps://) and the id.
func ParseOCPP(addr string) (gateway, chargeBoxID string, err error) {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "ocpp" && u.Scheme != "ocpps") || u.Host == "" {
		return "", "", fmt.Errorf("%s: want ocpp://HOST:PORT/CHARGEBOXID", addr)
	}
	id := strings.Trim(u.Path, "/")
	if id == "" || strings.Contains(id, "/") {
		return "", "", fmt.Errorf("%s: want ocpp://HOST:PORT/CHARGEBOXID", addr)
	}
	if u.Scheme == "ocpps" {
		return "https://" + u.Host, id, nil
	}
	return u.Host, id, nil
}

// GatewayOptions reach a gateway's control API.
type GatewayOptions struct {
	// Token is the bearer token; empty: $ECC_GATEWAY_TOKEN, else the
	// GatewayTokenFile of the first of StateDirs that has one.
	Token     string
	StateDirs []string // default .ecc
	// HTTP is the client (default: a fresh one without a timeout; each
	// call is bounded by its context).
	HTTP *http.Client
	// RootCAs, when set, are the certificates an https:// gateway's is
	// checked against instead of the system's (a self-signed gateway).
	RootCAs *x509.CertPool
}

// GatewayClient calls one gateway's control API.
type GatewayClient struct {
	hostport string
	tls      bool
	base     string
	token    string
	http     *http.Client
	// session identifies this client's run to the gateway, which lets one
	// run at a time work on a station (GatewaySessionHeader).
	session string
}

// NewGatewayClient returns a client of the gateway at HOST:PORT, or
// https://HOST:PORT for one serving TLS (its certificate checked against
// opts.RootCAs, else the system's roots, which SSL_CERT_FILE replaces on
// Linux and the BSDs only).
func NewGatewayClient(gateway string, opts GatewayOptions) (*GatewayClient, error) {
	hostport, tls := strings.CutPrefix(gateway, "https://")
	hostport = strings.TrimSuffix(strings.TrimPrefix(hostport, "http://"), "/")
	tok := opts.Token
	if tok == "" {
		dirs := opts.StateDirs
		if len(dirs) == 0 {
			dirs = []string{".ecc"}
		}
		var err error
		if tok, err = gatewayToken(dirs...); err != nil {
			return nil, err
		}
	}
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	hc := opts.HTTP
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256 // a fleet's calls run in parallel
		if opts.RootCAs != nil {
			tr.TLSClientConfig = &cryptotls.Config{RootCAs: opts.RootCAs}
		}
		hc = &http.Client{Transport: tr}
	}
	var sid [16]byte
	if _, err := rand.Read(sid[:]); err != nil {
		return nil, err
	}
	return &GatewayClient{hostport: hostport, tls: tls, base: scheme + hostport + strings.TrimSuffix(GatewayAPI, "/"), token: tok, http: hc,
		session: hex.EncodeToString(sid[:])}, nil
}

// GatewayCallError is a control API answer other than 2xx.
type GatewayCallError struct {
	Status int
	Msg    string
	Holder string // the instance holding the station (421)
}

func (e *GatewayCallError) Error() string { return "gateway: " + e.Msg }

// NotConnected reports whether the station is not connected to the
// gateway (or to any instance of it).
func (e *GatewayCallError) NotConnected() bool { return e.Status == http.StatusNotFound }

// Busy reports whether another ecc run holds the station.
func (e *GatewayCallError) Busy() bool { return e.Status == http.StatusConflict }

func (g *GatewayClient) do(ctx context.Context, method, path string, body []byte, contentType string) (*http.Response, error) {
	return g.doAt(ctx, g.base, method, path, body, contentType)
}

// doAt sends one request to the control API at base.
func (g *GatewayClient) doAt(ctx context.Context, base, method, path string, body []byte, contentType string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set(GatewaySessionHeader, g.session)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := g.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		var ge GatewayError
		if json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&ge) != nil || ge.Error == "" {
			ge.Error = resp.Status
		}
		return nil, &GatewayCallError{Status: resp.StatusCode, Msg: ge.Error, Holder: ge.Holder}
	}
	return resp, nil
}

// baseOf is the control API's base URL on another instance of the same
// gateway (a GatewayError.Holder).
func (g *GatewayClient) baseOf(holder string) string {
	scheme := "http://"
	if g.tls {
		scheme = "https://"
	}
	return scheme + holder + strings.TrimSuffix(GatewayAPI, "/")
}

// doFunc sends one control API request (GatewayClient.do, or a station's
// OCPPController.do, which follows the station to its instance).
type doFunc func(ctx context.Context, method, path string, body []byte, contentType string) (*http.Response, error)

// call sends in as JSON (nil: no body) and decodes the answer into out.
func (g *GatewayClient) call(ctx context.Context, method, path string, in, out any) error {
	return callWith(ctx, g.do, method, path, in, out)
}

func callWith(ctx context.Context, do doFunc, method, path string, in, out any) error {
	var body []byte
	ct := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body, ct = b, "application/json"
	}
	resp, err := do(ctx, method, path, body, ct)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// Stations lists the stations connected to the gateway.
func (g *GatewayClient) Stations(ctx context.Context) ([]GatewayStation, error) {
	var out []GatewayStation
	err := g.call(ctx, http.MethodGet, "/stations", nil, &out)
	return out, err
}

// Ports lists the connected stations as ocpp:// ports by controller
// serial (chargeBoxSerialNumber, else chargePointSerialNumber, of the last
// BootNotification), the way plan and apply match them to site files. A
// station without a BootNotification since the gateway started is asked
// for one (its identity call triggers it). A serial that several
// CHARGEBOXIDs report lists them all, the latest connection first: it is
// the station as it is now (re-commissioned under a new id, its old
// connection not yet noticed gone), and the others are for plan to name.
func (g *GatewayClient) Ports(ctx context.Context) (map[string][]string, error) {
	sts, err := g.Stations(ctx)
	if err != nil {
		return nil, err
	}
	type held struct {
		port  string
		since time.Time
	}
	found := make(map[string][]held, len(sts))
	var mu sync.Mutex
	add := func(s GatewayStation, serial string) {
		mu.Lock()
		found[serial] = append(found[serial], held{g.port(s.ChargeBoxID), s.ConnectedSince})
		mu.Unlock()
	}
	busy := map[string]bool{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for _, s := range sts {
		wg.Go(func() {
			serial := s.Serial
			if !s.Booted {
				sem <- struct{}{}
				c := g.Station(s.ChargeBoxID)
				id, err := c.Hello(ctx)
				c.Close()
				<-sem
				var ge *GatewayCallError
				if errors.As(err, &ge) && ge.Busy() {
					mu.Lock()
					busy[s.ChargeBoxID] = true
					mu.Unlock()
				}
				if err != nil {
					return // not reachable now; its station is reported as such
				}
				serial = id.Serial
			}
			if serial != "" {
				add(s, serial)
			}
		})
	}
	wg.Wait()
	// Another run holds them: it asked for their identity first, so the
	// gateway learns their serials within its identity call (a few
	// seconds at most). Listed, they are matched to their site files,
	// where that run's hold is reported, instead of "not connected".
	for wait := busyIdentityWait; len(busy) > 0 && wait > 0; wait -= busyIdentityPoll {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(busyIdentityPoll):
		}
		again, err := g.Stations(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range again {
			if busy[s.ChargeBoxID] && s.Booted && s.Serial != "" {
				add(s, s.Serial)
				delete(busy, s.ChargeBoxID)
			}
		}
	}
	out := make(map[string][]string, len(found))
	for serial, hs := range found {
		slices.SortFunc(hs, func(a, b held) int {
			return cmp.Or(b.since.Compare(a.since), strings.Compare(a.port, b.port))
		})
		ports := make([]string, len(hs))
		for i, h := range hs {
			ports[i] = h.port
		}
		out[serial] = ports
	}
	return out, nil
}

// How long Ports waits for the serial of a station another run holds.
const (
	busyIdentityWait = 5 * time.Second
	busyIdentityPoll = 100 * time.Millisecond
)

// port is the ocpp:// (ocpps://) address of a station of this gateway.
func (g *GatewayClient) port(chargeBoxID string) string {
	if g.tls {
		return OCPPSchemeTLS + g.hostport + "/" + chargeBoxID
	}
	return OCPPScheme + g.hostport + "/" + chargeBoxID
}

// Station returns a Controller for one station of the gateway.
func (g *GatewayClient) Station(chargeBoxID string) *OCPPController {
	return &OCPPController{gw: g, id: chargeBoxID, path: "/stations/" + url.PathEscape(chargeBoxID)}
}

// Close releases the client's idle connections.
func (g *GatewayClient) Close() { g.http.CloseIdleConnections() }

// OpenOCPP returns the Controller of ocpp://HOST:PORT/CHARGEBOXID.
// Nothing is sent yet: call Hello.
func OpenOCPP(addr string, opts GatewayOptions) (*OCPPController, error) {
	host, id, err := ParseOCPP(addr)
	if err != nil {
		return nil, err
	}
	g, err := NewGatewayClient(host, opts)
	if err != nil {
		return nil, err
	}
	c := g.Station(id)
	c.own = true
	return c, nil
}

// OCPPController is a Controller over OCPP 1.6J through `ecc gateway`
// (spec ocpp-gateway.md §3): hello is the station's BootNotification,
// get GetConfiguration, set ChangeConfiguration (one key per call), reboot
// Reset(Soft) and the next BootNotification, firmware UpdateFirmware from
// a URL the gateway serves. The gateway does the OCPP; this type only
// speaks its control API.
type OCPPController struct {
	gw   *GatewayClient
	base string // the instance holding the station, once a 421 named it
	id   string
	path string
	own  bool // Close closes gw

	fwVersion, fwSHA string

	// readOnly are the keys GetConfiguration reported readonly: Set
	// refuses them (Guard).
	readOnly ReadOnlyKeys
}

// do sends a request about this station. A 421 naming the instance that
// holds the station (several gateway instances, one fleet) is followed
// once, and that instance is used from then on; the image of a firmware
// update goes there too.
func (c *OCPPController) do(ctx context.Context, method, path string, body []byte, contentType string) (*http.Response, error) {
	base := c.base
	if base == "" {
		base = c.gw.base
	}
	resp, err := c.gw.doAt(ctx, base, method, path, body, contentType)
	var ge *GatewayCallError
	if errors.As(err, &ge) && ge.Status == http.StatusMisdirectedRequest && ge.Holder != "" && c.base == "" {
		c.base = c.gw.baseOf(ge.Holder)
		return c.gw.doAt(ctx, c.base, method, path, body, contentType)
	}
	return resp, err
}

// Channel is model.ChannelOCPP: the backend-only keys are writable here.
func (c *OCPPController) Channel() model.Channel { return model.ChannelOCPP }

// Hello returns the identity of the station's last BootNotification.
func (c *OCPPController) Hello(ctx context.Context) (Identity, error) {
	var id Identity
	err := callWith(ctx, c.do, http.MethodGet, c.path+"/identity", nil, &id)
	return id, err
}

// Keys lists every key GetConfiguration reports.
func (c *OCPPController) Keys(ctx context.Context) ([]KeyAccess, error) {
	rs, _, err := c.Get(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := make([]KeyAccess, len(rs))
	for i, r := range rs {
		acc := model.RW
		switch {
		case r.WriteOnly:
			acc = model.WO
		case r.ReadOnly:
			acc = model.RO
		}
		out[i] = KeyAccess{Key: r.Key, Access: string(acc)}
	}
	return out, nil
}

// Get reads keys (the gateway splits them by GetConfigurationMaxKeys).
func (c *OCPPController) Get(ctx context.Context, keys []string) ([]Reading, []string, error) {
	var resp GatewayGetResponse
	if err := callWith(ctx, c.do, http.MethodPost, c.path+"/get", GatewayGetRequest{Keys: keys}, &resp); err != nil {
		return nil, nil, err
	}
	c.readOnly.NoteReadings(resp.Readings)
	return resp.Readings, resp.Unknown, nil
}

// Set writes values, one ChangeConfiguration per key. It refuses, before
// sending anything, a key the OCPP channel may not write, or one whose
// GetConfiguration entry said readonly. On an error the statuses received
// so far come with it.
func (c *OCPPController) Set(ctx context.Context, values map[string]string) (map[string]Status, error) {
	if err := Guard(c.Channel(), values, &c.readOnly); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return map[string]Status{}, nil
	}
	var resp GatewaySetResponse
	if err := callWith(ctx, c.do, http.MethodPost, c.path+"/set", GatewaySetRequest{Values: values}, &resp); err != nil {
		return nil, err
	}
	if resp.Error != "" {
		return resp.Status, fmt.Errorf("gateway: %s", resp.Error)
	}
	return resp.Status, nil
}

// WaitSaved returns at once: a ChangeConfiguration the station accepted
// is stored (OCPP 1.6 §5.3); there is no separate save to wait for.
func (c *OCPPController) WaitSaved(ctx context.Context) error { return nil }

// Reboot sends Reset(Soft) and returns the identity of the station's next
// BootNotification.
func (c *OCPPController) Reboot(ctx context.Context) (Identity, error) {
	var id Identity
	err := callWith(ctx, c.do, http.MethodPost, c.path+"/reset", nil, &id)
	return id, err
}

// FirmwareTransfer uploads the image to the gateway, which serves it to
// the station at a URL of its own (OCPP has no chunked transfer: the
// station downloads it after UpdateFirmware). An image the gateway holds
// already is sent again; the gateway keeps one copy per sha256.
func (c *OCPPController) FirmwareTransfer(ctx context.Context, img FirmwareImage, progress func(TransferProgress)) error {
	if progress == nil {
		progress = func(TransferProgress) {}
	}
	if img.stopped() {
		return ErrTransferStopped
	}
	c.fwVersion, c.fwSHA = img.Version, strings.ToLower(img.SHA256)
	total := len(img.Data)
	progress(TransferProgress{Event: TransferStarted, Total: total})
	resp, err := c.do(ctx, http.MethodPut, "/firmware/"+c.fwSHA, img.Data, "application/octet-stream")
	if err != nil {
		return err
	}
	resp.Body.Close()
	progress(TransferProgress{Event: TransferData, Done: total, Total: total})
	return nil
}

// Flash phases of a firmware update over OCPP, from the station's
// FirmwareStatusNotification statuses (the cable's are erase and copy
// flash); both end with PhaseBoot.
const (
	PhaseDownload FlashPhase = "download"
	PhaseInstall  FlashPhase = "install"
)

// ocppFlashProgress reads a FirmwareStatusNotification status as progress;
// ok is false for statuses that are not a step (Idle, the failures, which
// end the update with an error instead).
func ocppFlashProgress(status string) (p FlashProgress, ok bool) {
	switch status {
	case ocpp.FirmwareDownloading:
		return FlashProgress{Phase: PhaseDownload, Percent: 0}, true
	case ocpp.FirmwareDownloaded:
		return FlashProgress{Phase: PhaseDownload, Percent: 100}, true
	case ocpp.FirmwareInstalling:
		return FlashProgress{Phase: PhaseInstall, Percent: 0}, true
	case ocpp.FirmwareInstalled:
		return FlashProgress{Phase: PhaseInstall, Percent: 100}, true
	}
	return FlashProgress{}, false
}

// FirmwareCommit sends UpdateFirmware and follows the station's
// FirmwareStatusNotifications (passed to progress as download and install
// steps) to the next BootNotification, whose firmwareVersion decides the
// outcome (the gateway checks it against FirmwareBegin's version). As on
// the cable, a failure says what the station is left running: a
// *RemoteError (CodeFWFailed) when it reported a failed download or
// installation and neither tried again (the gateway waits for the retries
// UpdateFirmware allowed) nor rebooted, the identity it booted with (and the
// error) when it came back with another version, neither when it was not
// heard from again.
func (c *OCPPController) FirmwareCommit(ctx context.Context, progress func(FlashProgress)) (Identity, error) {
	if progress == nil {
		progress = func(FlashProgress) {}
	}
	req, _ := json.Marshal(GatewayFirmwareRequest{SHA256: c.fwSHA, Version: c.fwVersion})
	resp, err := c.do(ctx, http.MethodPost, c.path+"/firmware", req, "application/json")
	if err != nil {
		return Identity{}, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	failed := ""
	for sc.Scan() {
		var ev GatewayFirmwareEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			return Identity{}, fmt.Errorf("gateway: bad firmware event: %w", err)
		}
		if ocpp.FirmwareFailed(ev.Status) {
			failed = ev.Status
		} else if _, step := ocppFlashProgress(ev.Status); step {
			failed = "" // the station tries again (UpdateFirmware's retries)
		}
		switch {
		case ev.Error != "" && ev.Identity != nil:
			return *ev.Identity, fmt.Errorf("gateway: %s", ev.Error)
		case ev.Error != "" && failed != "":
			return Identity{}, &RemoteError{Op: "UpdateFirmware", Code: CodeFWFailed, Message: "the station reported " + failed + " (" + ev.Error + ")"}
		case ev.Error != "":
			return Identity{}, fmt.Errorf("gateway: %s", ev.Error)
		case ev.Identity != nil:
			progress(FlashProgress{Phase: PhaseBoot, Percent: -1, Version: ev.Identity.Firmware})
			return *ev.Identity, nil
		}
		if p, ok := ocppFlashProgress(ev.Status); ok {
			progress(p)
		}
	}
	if err := sc.Err(); err != nil {
		return Identity{}, fmt.Errorf("gateway: firmware update: %w", err)
	}
	return Identity{}, errors.New("gateway: firmware update ended without an outcome")
}

// FirmwareAbort forgets the image; an UpdateFirmware already sent cannot
// be taken back in OCPP 1.6.
func (c *OCPPController) FirmwareAbort(ctx context.Context) error {
	c.fwVersion, c.fwSHA = "", ""
	return nil
}

// releaseTimeout bounds the request that lets go of a station: a gateway
// that does not answer lets the hold lapse by itself (GatewayHoldIdle).
const releaseTimeout = 5 * time.Second

// Close lets go of the station at the gateway, so that another run may
// work on it at once, and releases the HTTP connections when this
// controller made its own client (OpenOCPP).
func (c *OCPPController) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), releaseTimeout)
	if resp, err := c.do(ctx, http.MethodDelete, c.path+"/session", nil, ""); err == nil {
		resp.Body.Close()
	}
	cancel()
	if c.own {
		c.gw.Close()
	}
	return nil
}

var _ Controller = (*OCPPController)(nil)
