// Package transport is everything that knows the wire: framing and CRC
// (controller-protocol.md §2), separating frames from the interleaved debug
// log, request ids, retries, pipelining within the controller's window,
// boot detection, save tracking, firmware transfer, and the ports that carry
// it (a serial device through go.bug.st/serial, tcp://HOST:PORT, or auto:
// the one USB-serial adapter plugged in).
//
// plan/ and apply/ see only the Controller interface: Client over the cable,
// or OCPPController for a station reached through `ecc gateway`
// (ocpp://HOST:PORT/CHARGEBOXID), which speaks the gateway's control API
// (GatewayClient; OCPP-J itself is transport/ocpp, the gateway
// transport/gateway). The simulated controller lives in transport/sim.
package transport
