package sim

import (
	"errors"

	"github.com/ecotap-tools/ecc/transport/ocpp"
)

// The charge point frames OCPP-J with transport/ocpp (frames, message
// types, the official schemas), as a station's OCPP stack would with its
// own library; everything it decides is its own.

func callFrame(id, action string, payload any) []byte {
	b, err := ocpp.EncodeCall(id, action, payload)
	if err != nil {
		panic(err) // the charge point's own payloads always marshal
	}
	return b
}

func resultFrame(id string, payload any) []byte {
	b, err := ocpp.EncodeResult(id, payload)
	if err != nil {
		panic(err)
	}
	return b
}

func errorFrame(id string, code ocpp.ErrorCode, desc string) []byte {
	return ocpp.EncodeError(id, code, desc)
}

// errCallError is a CALLERROR the central system answered a call with.
var errCallError = errors.New("sim: the central system answered with a CALLERROR")
