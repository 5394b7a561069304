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

// Writable reports whether ecc may send the key over the service cable
// (ChannelSerial): the editable and write-only classes.
func (c Class) Writable() bool { return c.WritableOn(ChannelSerial) }

// Channel is the path a key travels to a controller: the service cable
// (serial or tcp://) or OCPP 1.6J through the gateway. The backend-only
// class is writable only on the channel the guide names for it.
type Channel int

// Channels.
const (
	ChannelSerial Channel = iota + 1
	ChannelOCPP
)

// String is the channel name used in messages: "serial", "ocpp".
func (ch Channel) String() string {
	switch ch {
	case ChannelSerial:
		return "serial"
	case ChannelOCPP:
		return "ocpp"
	}
	return "unknown"
}

// WritableOn reports whether ecc may send a key of this class over ch:
// editable and write-only keys on every channel, backend-only keys (the
// OCPP standard configuration keys) only over OCPP, read-only and
// forbidden keys never.
func (c Class) WritableOn(ch Channel) bool {
	switch c {
	case Editable, WriteOnly:
		return ch == ChannelSerial || ch == ChannelOCPP
	case BackendOnly:
		return ch == ChannelOCPP
	}
	return false
}

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
