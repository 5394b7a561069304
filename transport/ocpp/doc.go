// Package ocpp owns OCPP 1.6J on the wire: the RPC frames (CALL,
// CALLRESULT, CALLERROR), ecc's own unique ids, the typed payloads of the
// few messages ecc sends or receives, and their validation against the
// official OCPP 1.6 JSON schemas (embedded from a published package, see
// schemas/README.md). It never opens a connection and never logs: the
// gateway (transport/gateway) carries frames and decides what to do.
package ocpp
