package transport

import "time"

// The gateway's control API (docs/ocpp-gateway in ../shared/spec, §4): the
// JSON bodies that `ecc gateway` serves under /ecc/v1/ and that the
// ocpp:// controller sends. Both sides use these types, so they cannot
// drift apart.

// GatewayAPI is the path prefix of the control API.
const GatewayAPI = "/ecc/v1/"

// GatewaySessionHeader carries the id of one ecc run (one GatewayClient)
// on every control API request. A station is held by one run at a time,
// as a serial port is: while a run's request is in flight, and for
// GatewayHoldIdle after its last one unless it releases the station
// (DELETE /ecc/v1/stations/ID/session), another run's requests about the
// station are answered 409 Conflict.
const (
	GatewaySessionHeader = "Ecc-Session"
	GatewayHoldIdle      = 60 * time.Second
)

// GatewayStation is one connected station in GET /ecc/v1/stations.
type GatewayStation struct {
	ChargeBoxID    string    `json:"chargeBoxId"`
	ConnectedSince time.Time `json:"connectedSince"`
	Vendor         string    `json:"vendor,omitempty"`
	Model          string    `json:"model,omitempty"`
	Serial         string    `json:"serial,omitempty"`
	Firmware       string    `json:"firmware,omitempty"`
	Booted         bool      `json:"booted"` // a BootNotification was seen since the gateway started
}

// GatewayGetRequest is POST /ecc/v1/stations/ID/get: keys to read (all
// when empty).
type GatewayGetRequest struct {
	Keys []string `json:"keys"`
}

// GatewayGetResponse answers it. Write-only keys come back with WriteOnly
// set and never a value.
type GatewayGetResponse struct {
	Readings []Reading `json:"readings"`
	Unknown  []string  `json:"unknown,omitempty"`
}

// GatewaySetRequest is POST /ecc/v1/stations/ID/set: values written one
// ChangeConfiguration per key, in key order.
type GatewaySetRequest struct {
	Values map[string]string `json:"values"`
}

// GatewaySetResponse gives every key's status; Error is set when the run
// stopped early (the keys without a status may or may not be written).
type GatewaySetResponse struct {
	Status map[string]Status `json:"status"`
	Error  string            `json:"error,omitempty"`
}

// GatewayFirmwareRequest is POST /ecc/v1/stations/ID/firmware: install
// the image uploaded before with PUT /ecc/v1/firmware/SHA256.
type GatewayFirmwareRequest struct {
	SHA256  string `json:"sha256"`
	Version string `json:"version"`
}

// GatewayFirmwareEvent is one line of the firmware call's NDJSON stream: a
// FirmwareStatusNotification status, then the identity the station boots
// with, or an error (with the identity when the station booted, but not
// the version asked for).
type GatewayFirmwareEvent struct {
	Status   string    `json:"status,omitempty"`
	Identity *Identity `json:"identity,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// GatewayError is the body of every non-2xx answer. Holder names the
// gateway instance that holds the station when it is not this one.
type GatewayError struct {
	Error  string `json:"error"`
	Holder string `json:"holder,omitempty"`
}
