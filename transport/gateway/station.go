package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecotap-tools/ecc/transport"
	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// station is what the gateway knows of one CHARGEBOXID; it outlives the
// station's connections, so that a Reset can wait for the reconnection and
// the new BootNotification.
type station struct {
	id string
	op chan struct{} // one ecc operation at a time

	mu      sync.Mutex
	sess    *session // current connection, nil while disconnected
	since   time.Time
	boot    ocpp.BootNotificationReq
	bootSeq uint64 // BootNotifications confirmed Accepted (0: none since the gateway started)
	// registration is the status of the last BootNotification.conf the
	// station was sent ("" none yet), bootConfs how many it was sent.
	registration string
	bootConfs    uint64
	// bootAt is when the last Accepted boot was answered, on bootOn.
	bootAt time.Time
	bootOn *session
	// answering is the connection whose BootNotification is being
	// answered (nil: none): a Reset or an identity waits for it to count
	// first, or the boot counted just after would pass for the next one.
	answering *session
	fw        []string // FirmwareStatusNotification statuses seen, in order
	maxKeys   int      // GetConfigurationMaxKeys: 0 unknown, -1 none reported
	changed   chan struct{}

	// heartbeat is the station's HeartbeatInterval (seconds) as last
	// known (heartbeatKnown): read by GetConfiguration, or written by a
	// ChangeConfiguration it stored. The minimal central system's
	// BootNotification.conf gives it back (OCPP 1.6: the station SHALL
	// adopt the interval), so that a reboot does not undo it.
	heartbeat       int
	heartbeatKnown  bool
	heartbeatAtBoot bool // written with RebootRequired: a read before the boot shows the old value

	// readOnly are the keys GetConfiguration reported readonly: set
	// refuses them, whoever calls the control API.
	readOnly transport.ReadOnlyKeys

	// The ecc run holding the station (transport.GatewaySessionHeader):
	// its id, since when, its requests in flight and when its last ended.
	holder      string
	holderSince time.Time
	inFlight    int
	lastUse     time.Time
}

func newStation(id string) *station {
	return &station{id: id, op: make(chan struct{}, 1), changed: make(chan struct{})}
}

// notifyLocked wakes every waiter; st.mu must be held.
func (st *station) notifyLocked() {
	close(st.changed)
	st.changed = make(chan struct{})
}

// attach makes s the current connection; an older one is replaced (spec
// §1: a second connection for a connected CHARGEBOXID replaces the first).
func (st *station) attach(s *session) {
	st.mu.Lock()
	old := st.sess
	st.sess, st.since = s, time.Now().UTC()
	st.notifyLocked()
	st.mu.Unlock()
	if old != nil {
		// Not waited for: the closing handshake with a station that has
		// gone silent takes seconds, and the new connection is served.
		go old.close(4000, "replaced by a new connection")
	}
}

// detach forgets s if it is still the current connection and reports
// whether it was.
func (st *station) detach(s *session) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.bootOn == s {
		st.bootOn = nil
	}
	if st.answering == s {
		// Its BootNotification will not be answered now (replaced
		// connections included).
		st.answering = nil
		st.notifyLocked()
	}
	if st.sess != s {
		return false
	}
	st.sess = nil
	st.notifyLocked()
	return true
}

func (st *station) current() *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.sess
}

// booted records a BootNotification as its confirmation, of status, is
// sent to the station (session.toStation writes it before any call this
// lets go): a station may ignore the central system's calls until its
// boot is Accepted (OCPP 1.6). Only an Accepted boot counts as the
// station being back, and gives its identity: a station told Pending or
// Rejected is registering, and boots again after the interval (a
// Rejected one answers nothing meanwhile).
func (st *station) booted(s *session, b ocpp.BootNotificationReq, status string) {
	st.mu.Lock()
	if st.answering == s {
		st.answering = nil
	}
	if st.sess != s {
		// A connection replaced, or gone, meanwhile: its boot says
		// nothing of the current one, whose own boot counts.
		st.notifyLocked()
		st.mu.Unlock()
		return
	}
	st.registration = status
	st.bootConfs++
	if status == ocpp.RegistrationAccepted {
		st.boot = b
		st.bootSeq++
		st.bootAt, st.bootOn = time.Now(), s
		st.maxKeys = 0 // a new firmware may report another limit
		st.heartbeatAtBoot = false
	}
	st.notifyLocked()
	st.mu.Unlock()
}

// booting notes that the BootNotification of connection s is being
// answered.
func (st *station) booting(s *session) {
	st.mu.Lock()
	st.answering = s
	st.mu.Unlock()
}

// settleLeft is how much of settle is left since the station's boot on
// connection s was Accepted (0 when none was, or it has passed).
func (st *station) settleLeft(s *session, settle time.Duration) time.Duration {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.bootOn != s {
		return 0
	}
	return max(time.Until(st.bootAt.Add(settle)), 0)
}

// settledBoot waits (at most d) until no BootNotification is being
// answered, and returns the boot counters then (bootSeq, bootConfs).
func (st *station) settledBoot(ctx context.Context, d time.Duration) (seq, confs uint64) {
	_ = st.waitFor(ctx, d, func() bool { return st.answering == nil })
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.bootSeq, st.bootConfs
}

// unregisteredLocked is the error of a station whose last
// BootNotification the backend refused (nil when it accepted it, left it
// Pending, or none was seen); st.mu must be held. OCPP 1.6 lets a central
// system send a Pending station calls to read or prepare it: only a
// Reset's wait asks for an Accepted boot.
func (st *station) unregisteredLocked() error {
	if st.registration == "" || st.registration == ocpp.RegistrationAccepted || st.registration == ocpp.RegistrationPending {
		return nil
	}
	return fmt.Errorf("the backend answered the station's BootNotification with %s: it is not registered, and ecc sends it nothing until a BootNotification of it is Accepted", st.registration)
}

// heartbeatKey is OCPP's HeartbeatInterval, which BootNotification.conf
// sets as well.
const heartbeatKey = "HeartbeatInterval"

// readHeartbeat learns the station's HeartbeatInterval from a value
// GetConfiguration reported for key (any other key is ignored, as is a
// value that is not a whole number of seconds), unless a write that takes
// effect at the next boot is pending.
func (st *station) readHeartbeat(key, value string) {
	n, ok := heartbeatValue(key, value)
	st.mu.Lock()
	if ok && !st.heartbeatAtBoot {
		st.heartbeat, st.heartbeatKnown = n, true
	}
	st.mu.Unlock()
}

// storedHeartbeat learns it from a ChangeConfiguration of key the station
// answered status: Accepted, or RebootRequired (held until the next boot,
// whose confirmation gives it).
func (st *station) storedHeartbeat(key, value string, status transport.Status) {
	n, ok := heartbeatValue(key, value)
	if !ok || !status.Stored() {
		return
	}
	st.mu.Lock()
	st.heartbeat, st.heartbeatKnown = n, true
	st.heartbeatAtBoot = status == transport.RebootRequired
	st.mu.Unlock()
}

func heartbeatValue(key, value string) (int, bool) {
	if !strings.EqualFold(key, heartbeatKey) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	return n, err == nil && n >= 0
}

// heartbeatInterval is the interval the minimal central system answers a
// BootNotification with: the station's own HeartbeatInterval when known,
// else def.
func (st *station) heartbeatInterval(def int) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.heartbeatKnown {
		return st.heartbeat
	}
	return def
}

func (st *station) sawFirmwareStatus(status string) {
	st.mu.Lock()
	st.fw = append(st.fw, status)
	st.notifyLocked()
	st.mu.Unlock()
}

// info is the station as GET /ecc/v1/stations lists it.
func (st *station) info() (transport.GatewayStation, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sess == nil {
		return transport.GatewayStation{}, false
	}
	return transport.GatewayStation{
		ChargeBoxID:    st.id,
		ConnectedSince: st.since,
		Vendor:         st.boot.ChargePointVendor,
		Model:          st.boot.ChargePointModel,
		Serial:         st.boot.Serial(),
		Firmware:       st.boot.FirmwareVersion,
		Booted:         st.bootSeq > 0,
	}, true
}

// identityLocked is the station's identity as ecc's controller sees it.
func (st *station) identityLocked() transport.Identity {
	id := transport.Identity{
		Model:    st.boot.ChargePointModel,
		Serial:   st.boot.Serial(),
		Firmware: st.boot.FirmwareVersion,
		Window:   1,
	}
	if st.maxKeys > 0 {
		id.MaxKeys = st.maxKeys
	}
	return id
}

// waitFor blocks until cond (called with st.mu held) is true, ctx ends or
// d passes.
func (st *station) waitFor(ctx context.Context, d time.Duration, cond func() bool) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		st.mu.Lock()
		ok, ch := cond(), st.changed
		st.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-timer.C:
			return errTimeout
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// errBusy is a request from one ecc run about a station another run holds.
var errBusy = errors.New("busy")

// hold lets the run session make a request about the station, unless
// another run holds it: one with a request in flight, or whose last
// request ended less than idle ago. A request without
// a session holds nothing but is refused all the same while another run
// holds the station. done ends the request.
func (st *station) hold(session string, now time.Time, idle time.Duration) (done func(), since time.Time, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.heldByOtherLocked(session, now, idle) {
		return nil, st.holderSince, errBusy
	}
	if session == "" {
		return func() {}, time.Time{}, nil
	}
	if st.holder != session {
		st.holder, st.holderSince = session, now
	}
	st.inFlight++
	return func() {
		st.mu.Lock()
		st.inFlight--
		st.lastUse = time.Now()
		st.mu.Unlock()
	}, time.Time{}, nil
}

// heldByOtherLocked reports whether a run other than session holds the
// station; st.mu must be held.
func (st *station) heldByOtherLocked(session string, now time.Time, idle time.Duration) bool {
	return st.holder != "" && st.holder != session && (st.inFlight > 0 || now.Sub(st.lastUse) < idle)
}

// heldByOther is heldByOtherLocked for a caller that does not hold st.mu;
// since is when the holder took the station.
func (st *station) heldByOther(session string, now time.Time, idle time.Duration) (since time.Time, held bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.holderSince, st.heldByOtherLocked(session, now, idle)
}

// release lets go of the station if session holds it and has no request
// in flight.
func (st *station) release(session string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if session != "" && st.holder == session && st.inFlight == 0 {
		st.holder = ""
	}
}

// lockOp serializes ecc's operations on one station.
func (st *station) lockOp(ctx context.Context) (unlock func(), err error) {
	select {
	case st.op <- struct{}{}:
		return func() { <-st.op }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// observe learns from a station's own CALL (relayed or answered) its
// firmware progress; a payload that breaks the schema is not believed.
// A BootNotification counts once it is confirmed (booted).
func (st *station) observe(f ocpp.Frame) {
	if f.Action != ocpp.ActionFirmwareStatusNotification {
		return
	}
	var n ocpp.FirmwareStatusNotificationReq
	if ocpp.Validate(f.Action, false, f.Payload) == nil && json.Unmarshal(f.Payload, &n) == nil {
		st.sawFirmwareStatus(n.Status)
	}
}

// bootOf reads a station's BootNotification CALL; a payload that breaks
// the schema is not believed.
func bootOf(f ocpp.Frame) (ocpp.BootNotificationReq, bool) {
	var b ocpp.BootNotificationReq
	ok := f.Action == ocpp.ActionBootNotification && ocpp.Validate(f.Action, false, f.Payload) == nil && json.Unmarshal(f.Payload, &b) == nil
	return b, ok
}
