// Package gateway is `ecc gateway`: the WebSocket endpoint OCPP 1.6J
// stations connect to, the transparent relay to the operator's backend (or
// a minimal central system when there is none), the calls ecc makes to a
// station (identity, GetConfiguration, ChangeConfiguration, Reset,
// UpdateFirmware) and the control API that exposes them under /ecc/v1/.
//
// It never decides what to write: plan and apply do, through the ocpp://
// controller in package transport. It never logs, stores or relays to the
// control API a station's Authorization header, and never logs a
// configuration value. Which gateway instance holds which station is a
// Registry lookup, so that several instances can serve one fleet.
package gateway
