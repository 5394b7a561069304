package model

// Access is a key's access as the guide and the controller's `keys` reply
// give it.
type Access string

// Accesses.
const (
	RW Access = "RW"
	RO Access = "RO"
	WO Access = "WO"
)

// Class says whether a host may write a key (controller-protocol.md §6).
type Class int

// Classes, from the only two writable ones to the never-writable ones.
const (
	Editable Class = iota + 1
	WriteOnly
	ReadOnly
	BackendOnly
	Forbidden
)

// String is the class name used in messages and JSON: "editable",
// "write-only", "read-only", "backend-only", "forbidden".
func (c Class) String() string {
	switch c {
	case Editable:
		return "editable"
	case WriteOnly:
		return "write-only"
	case ReadOnly:
		return "read-only"
	case BackendOnly:
		return "backend-only"
	case Forbidden:
		return "forbidden"
	}
	return "unknown"
}

// Writable reports whether ecc may ever send the key to a controller.
func (c Class) Writable() bool { return c == Editable || c == WriteOnly }

// Reason says in one sentence why a class may or may not be written.
func (c Class) Reason() string {
	switch c {
	case Editable:
		return "an ECClite dictionary key that may be written after validation"
	case WriteOnly:
		return "a secret that may be written but never read back"
	case ReadOnly:
		return "the controller reports it; it cannot be written"
	case BackendOnly:
		return "an OCPP 1.6 standard key: the CPO changes it through the OCPP backend, never over the service cable"
	case Forbidden:
		return "not in the ECClite dictionary (a factory, calibration or hardware key): writing it can damage the controller"
	}
	return ""
}
