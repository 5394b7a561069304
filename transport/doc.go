// Package transport is everything that knows the wire: framing and CRC
// (controller-protocol.md §2), separating frames from the interleaved debug
// log, request ids, retries, pipelining within the controller's window,
// boot detection, save tracking, firmware transfer, and the ports that carry
// it (a serial device through go.bug.st/serial, or tcp://HOST:PORT).
//
// plan/ and apply/ see only the Controller interface, so that another
// transport (OCPP) can sit behind it later. The simulated controller lives in
// transport/sim.
package transport
