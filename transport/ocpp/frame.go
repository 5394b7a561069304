package ocpp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Subprotocol is the WebSocket subprotocol of OCPP 1.6J; a handshake
// without it is refused.
const Subprotocol = "ocpp1.6"

// MaxIDLen is the longest uniqueId OCPP-J allows.
const MaxIDLen = 36

// MessageType is the first element of an OCPP-J frame.
type MessageType int

// Message types.
const (
	Call       MessageType = 2
	CallResult MessageType = 3
	CallError  MessageType = 4
)

// ErrorCode is a CALLERROR code (OCPP-J 1.6 §4.2.3).
type ErrorCode string

// Error codes. OccurenceConstraintViolation keeps OCPP 1.6's spelling.
const (
	NotImplemented               ErrorCode = "NotImplemented"
	NotSupported                 ErrorCode = "NotSupported"
	InternalError                ErrorCode = "InternalError"
	ProtocolError                ErrorCode = "ProtocolError"
	SecurityError                ErrorCode = "SecurityError"
	FormationViolation           ErrorCode = "FormationViolation"
	PropertyConstraintViolation  ErrorCode = "PropertyConstraintViolation"
	OccurenceConstraintViolation ErrorCode = "OccurenceConstraintViolation"
	TypeConstraintViolation      ErrorCode = "TypeConstraintViolation"
	GenericError                 ErrorCode = "GenericError"
)

// Frame is one parsed OCPP-J message. Payload is the raw JSON object of a
// CALL or CALLRESULT; a CALLERROR has Code, Description and Details.
type Frame struct {
	Type        MessageType
	ID          string
	Action      string // CALL only
	Payload     json.RawMessage
	Code        ErrorCode // CALLERROR only
	Description string    // CALLERROR only
}

// FrameError is a frame that cannot be read as OCPP-J. ID is the frame's
// uniqueId when it could still be found (so that a CALLERROR can name the
// call), even one too long, else "".
type FrameError struct {
	Code ErrorCode
	ID   string
	Msg  string
}

func (e *FrameError) Error() string { return string(e.Code) + ": " + e.Msg }

// idPrefixRE finds the uniqueId of a frame too broken (or too large) to
// parse whole: `[2,"id"` at its start, whatever its length.
var idPrefixRE = regexp.MustCompile(`^\s*\[\s*[234]\s*,\s*"([^"\\]+)"`)

// PeekID returns the uniqueId at the start of a frame, or "".
func PeekID(b []byte) string {
	if m := idPrefixRE.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

var answerRE = regexp.MustCompile(`^\s*\[\s*[34]\s*,`)

// LooksLikeAnswer reports whether a frame too broken to parse starts like
// a CALLRESULT or CALLERROR, which are never answered.
func LooksLikeAnswer(b []byte) bool { return answerRE.Match(b) }

// Parse reads one OCPP-J frame. Anything that is not a JSON array of the
// right shape is a FormationViolation (ProtocolError when elements are
// missing); the error never quotes the frame, which may carry secrets.
func Parse(b []byte) (Frame, error) {
	var arr []json.RawMessage
	if err := json.Unmarshal(b, &arr); err != nil {
		return Frame{}, &FrameError{FormationViolation, PeekID(b), "not a JSON array"}
	}
	if len(arr) < 3 {
		return Frame{}, &FrameError{ProtocolError, PeekID(b), "fewer than 3 elements"}
	}
	var f Frame
	var t int
	if err := json.Unmarshal(arr[0], &t); err != nil {
		return Frame{}, &FrameError{FormationViolation, "", "message type is not a number"}
	}
	f.Type = MessageType(t)
	if err := json.Unmarshal(arr[1], &f.ID); err != nil || f.ID == "" {
		return Frame{}, &FrameError{FormationViolation, "", "uniqueId is not a non-empty string"}
	}
	if len(f.ID) > MaxIDLen {
		// Read all the same: the CALLERROR answers the call by its id.
		return Frame{}, &FrameError{FormationViolation, f.ID, fmt.Sprintf("uniqueId longer than %d characters", MaxIDLen)}
	}
	want := map[MessageType]int{Call: 4, CallResult: 3, CallError: 5}[f.Type]
	switch {
	case want == 0:
		return Frame{}, &FrameError{FormationViolation, f.ID, fmt.Sprintf("unknown message type %d", t)}
	case len(arr) < want:
		return Frame{}, &FrameError{ProtocolError, f.ID, fmt.Sprintf("message type %d needs %d elements", t, want)}
	case len(arr) > want:
		return Frame{}, &FrameError{FormationViolation, f.ID, fmt.Sprintf("message type %d has %d elements, not %d", t, len(arr), want)}
	}
	switch f.Type {
	case Call:
		if err := json.Unmarshal(arr[2], &f.Action); err != nil || f.Action == "" {
			return Frame{}, &FrameError{FormationViolation, f.ID, "action is not a non-empty string"}
		}
		f.Payload = arr[3]
	case CallResult:
		f.Payload = arr[2]
	case CallError:
		var code, desc string
		if json.Unmarshal(arr[2], &code) != nil || json.Unmarshal(arr[3], &desc) != nil {
			return Frame{}, &FrameError{FormationViolation, f.ID, "error code and description must be strings"}
		}
		f.Code, f.Description, f.Payload = ErrorCode(code), desc, arr[4]
	}
	if f.Type != CallError && !isObject(f.Payload) {
		return Frame{}, &FrameError{FormationViolation, f.ID, "payload is not a JSON object"}
	}
	return f, nil
}

func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// EncodeCall returns [2, id, action, payload].
func EncodeCall(id, action string, payload any) ([]byte, error) {
	return json.Marshal([]any{Call, id, action, payload})
}

// EncodeResult returns [3, id, payload].
func EncodeResult(id string, payload any) ([]byte, error) {
	return json.Marshal([]any{CallResult, id, payload})
}

// EncodeError returns [4, id, code, description, {}]. An id that could not
// be read is sent as "-1", the value OCPP-J implementations use for it.
func EncodeError(id string, code ErrorCode, description string) []byte {
	if id == "" {
		id = "-1"
	}
	b, _ := json.Marshal([]any{CallError, id, code, description, struct{}{}})
	return b
}

// idPrefix marks ecc's own calls. With 128 random bits behind it, an id
// cannot collide with one a backend chose (the gateway still checks the
// backend's calls in flight before using it).
const idPrefix = "ecc-"

// NewID returns a fresh uniqueId for one of ecc's calls: "ecc-" and 32
// hex digits, exactly MaxIDLen characters.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return idPrefix + hex.EncodeToString(b[:])
}

// IsOwnID reports whether id has the shape of NewID's ids.
func IsOwnID(id string) bool {
	return len(id) == MaxIDLen && strings.HasPrefix(id, idPrefix)
}
