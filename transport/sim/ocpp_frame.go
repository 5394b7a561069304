package sim

import (
	"encoding/json"
	"errors"
	"fmt"
)

// OCPP-J framing of the simulated charge point. It is the charge point's
// own, independent of ecc's host side: a simulator that shared the host's
// parser would hide the host's bugs instead of finding them.

// OCPP-J message types.
const (
	ocppCall       = 2
	ocppCallResult = 3
	ocppCallError  = 4
)

// ocppMsg is one OCPP-J frame.
type ocppMsg struct {
	typ     int
	id      string
	action  string          // CALL
	payload json.RawMessage // CALL, CALLRESULT
	code    string          // CALLERROR
	desc    string          // CALLERROR
}

// errFrame is a frame that is not OCPP-J; id is its uniqueId when one
// could be read, so that a CALLERROR can name the call.
type errFrame struct {
	id, code, msg string
}

func (e *errFrame) Error() string { return e.code + ": " + e.msg }

// parseOCPP reads one OCPP-J frame.
func parseOCPP(b []byte) (ocppMsg, error) {
	var m ocppMsg
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil || len(arr) < 3 {
		return m, &errFrame{code: "FormationViolation", msg: "not an OCPP-J array"}
	}
	if err := json.Unmarshal(arr[0], &m.typ); err != nil {
		return m, &errFrame{code: "FormationViolation", msg: "message type is not a number"}
	}
	if err := json.Unmarshal(arr[1], &m.id); err != nil || m.id == "" || len(m.id) > 36 {
		return m, &errFrame{code: "FormationViolation", msg: "uniqueId must be a string of 1 to 36 characters"}
	}
	bad := func(msg string) (ocppMsg, error) { return m, &errFrame{id: m.id, code: "FormationViolation", msg: msg} }
	switch m.typ {
	case ocppCall:
		if len(arr) != 4 {
			return bad("a CALL has 4 elements")
		}
		if err := json.Unmarshal(arr[2], &m.action); err != nil || m.action == "" {
			return bad("action is not a string")
		}
		m.payload = arr[3]
	case ocppCallResult:
		if len(arr) != 3 {
			return bad("a CALLRESULT has 3 elements")
		}
		m.payload = arr[2]
	case ocppCallError:
		if len(arr) != 5 {
			return bad("a CALLERROR has 5 elements")
		}
		if json.Unmarshal(arr[2], &m.code) != nil || json.Unmarshal(arr[3], &m.desc) != nil {
			return bad("errorCode and errorDescription are strings")
		}
	default:
		return m, &errFrame{id: m.id, code: "ProtocolError", msg: fmt.Sprintf("message type %d", m.typ)}
	}
	if (m.typ == ocppCall || m.typ == ocppCallResult) && (len(m.payload) == 0 || m.payload[0] != '{') {
		return bad("the payload is not an object")
	}
	return m, nil
}

func callFrame(id, action string, payload any) []byte {
	return mustJSON([]any{ocppCall, id, action, payload})
}

func resultFrame(id string, payload any) []byte {
	return mustJSON([]any{ocppCallResult, id, payload})
}

func errorFrame(id, code, desc string) []byte {
	return mustJSON([]any{ocppCallError, id, code, desc, struct{}{}})
}

// errCallError is a CALLERROR the central system answered a call with.
var errCallError = errors.New("sim: the central system answered with a CALLERROR")
