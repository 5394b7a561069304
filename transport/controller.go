package transport

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ecotap-tools/ecc/model"
)

// Identity is a controller's answer to hello (controller-protocol.md §4).
type Identity struct {
	Model    string `json:"model"`
	Serial   string `json:"serial"`
	Firmware string `json:"fw"`
	Proto    int    `json:"proto"`
	MaxLine  int    `json:"maxLine"`
	MaxKeys  int    `json:"maxKeys"`
	Window   int    `json:"window"`
	Uptime   int64  `json:"uptime"`
}

// UnmarshalJSON reads a hello result. The protocol says uptime is seconds
// since boot, not that it is a whole number: a fraction is truncated
// rather than failing the hello.
func (id *Identity) UnmarshalJSON(b []byte) error {
	type plain Identity
	var v struct {
		plain
		Uptime json.Number `json:"uptime"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*id = Identity(v.plain)
	id.Uptime = 0
	if v.Uptime != "" {
		f, err := v.Uptime.Float64()
		if err != nil {
			return fmt.Errorf("uptime: %w", err)
		}
		id.Uptime = int64(f)
	}
	return nil
}

// KeyAccess is one entry of the keys reply.
type KeyAccess struct {
	Key    string `json:"key"`
	Access string `json:"access"` // RW, RO or WO
}

// Reading is one configurationKey entry of a get reply. A write-only key
// has WriteOnly set and no value.
type Reading struct {
	Key       string `json:"key"`
	ReadOnly  bool   `json:"readonly"`
	WriteOnly bool   `json:"writeonly,omitempty"`
	Value     string `json:"value,omitempty"`
}

// Status is a per-key result of set (OCPP 1.6 ChangeConfiguration.conf).
type Status string

// Set statuses.
const (
	Accepted       Status = "Accepted"
	RebootRequired Status = "RebootRequired"
	Rejected       Status = "Rejected"
	NotSupported   Status = "NotSupported"
)

// Stored reports whether the controller kept the value.
func (s Status) Stored() bool { return s == Accepted || s == RebootRequired }

// ErrorCode is the error field of a refused request
// (controller-protocol.md §2, §5). Callers branch on the code, never on
// the message.
type ErrorCode string

// Error codes the protocol defines.
const (
	CodeBadRequest   ErrorCode = "bad_request"
	CodeUnknownOp    ErrorCode = "unknown_op"
	CodeBusy         ErrorCode = "busy"          // a firmware commit is running
	CodeFWOffset     ErrorCode = "fw_offset"     // fw.data not at the expected offset
	CodeFWIncomplete ErrorCode = "fw_incomplete" // fw.commit before the whole image
	CodeFWChecksum   ErrorCode = "fw_checksum"   // image sha256 differs from fw.begin's
	CodeFWHeader     ErrorCode = "fw_header"     // no valid header, or another version
	CodeFWModel      ErrorCode = "fw_model"      // image not for this family
	CodeFWDowngrade  ErrorCode = "fw_downgrade"  // older than the running version
	CodeFWSame       ErrorCode = "fw_same"       // equal to the running version
	CodeFWSize       ErrorCode = "fw_size"       // size 0 or over 2 MiB
	// CodeFWFailed is OCPP's: the station reported DownloadFailed or
	// InstallationFailed and did not reboot; it still runs its firmware.
	CodeFWFailed ErrorCode = "fw_failed"

	// CodeUnknown stands for a refusal that named no code.
	CodeUnknown ErrorCode = "unknown"
)

// RemoteError is a reply with ok=false. Its Message is the controller's own
// text, which hosts must show to the user.
type RemoteError struct {
	Op       string
	Code     ErrorCode
	Message  string
	Expected int // fw_offset: the offset the controller expects
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("controller refused %s: %s: %s", e.Op, e.Code, e.Message)
}

// Controller is what plan/ and apply/ need from a controller, whatever
// carries it. Implementations batch by maxKeys and pipeline within the
// window themselves, and never send a key outside the classes their channel
// may write (model.Class.WritableOn).
type Controller interface {
	// Hello sends one hello (with retries) and returns the identity.
	Hello(ctx context.Context) (Identity, error)
	// Keys lists every key the controller has.
	Keys(ctx context.Context) ([]KeyAccess, error)
	// Get reads keys in batches; unknown lists the keys the controller
	// reported in unknownKey.
	Get(ctx context.Context, keys []string) (values []Reading, unknown []string, err error)
	// Channel is the path this controller is reached by; it decides which
	// key classes Set may write (model.Class.WritableOn).
	Channel() model.Channel
	// Set writes values in batches and returns every key's status. It
	// refuses, before sending anything (Guard), a key whose class may not
	// be written on Channel(), and a key the controller reported
	// read-only in a reply to this Controller's Get or Keys
	// (ReadOnlyKeys).
	Set(ctx context.Context, values map[string]string) (map[string]Status, error)
	// WaitSaved blocks until every set that stored a value has been written
	// to flash (its SV CFG() line, or sync reporting nothing pending). Over
	// OCPP it returns at once: an accepted ChangeConfiguration is the
	// station's to keep.
	WaitSaved(ctx context.Context) error
	// Reboot resets the controller, waits for it to come back (READY on
	// the cable, the next BootNotification over OCPP) and returns the new
	// identity (on the cable, its firmware checked against the banner's).
	Reboot(ctx context.Context) (Identity, error)
	// FirmwareTransfer sends a firmware image without committing it:
	// resumed at the offset the controller already holds, pipelined within
	// the window, and, after a lost link, reconnected (the same controller
	// on the same firmware) and resumed a bounded number of times. A
	// refusal by the controller is a *RemoteError. progress (may be nil)
	// sees every step.
	FirmwareTransfer(ctx context.Context, img FirmwareImage, progress func(TransferProgress)) error
	// FirmwareCommit commits the transfer and follows the erase / copy
	// flash log (over OCPP: UpdateFirmware and the station's
	// FirmwareStatusNotifications) and the reboot, each step passed to
	// progress (may be nil) as a FlashProgress; it returns the identity of
	// the controller running the new firmware. The outcome is judged by the
	// log, the banner and hello (over OCPP the next BootNotification's
	// firmwareVersion), not by the reply alone.
	FirmwareCommit(ctx context.Context, progress func(FlashProgress)) (Identity, error)
	// FirmwareAbort drops a transfer in progress.
	FirmwareAbort(ctx context.Context) error
	// Close releases the port.
	Close() error
}

// TransferLost reports whether a firmware transfer error means the
// controller no longer holds the transfer where the host thought, so that a
// new fw.begin (which resumes at the controller's offset) is the way on:
// busy (a commit still running), fw_offset (the offsets drifted apart), or
// bad_request to fw.data (the controller restarted and holds no transfer).
func (e *RemoteError) TransferLost() bool {
	return e.Code == CodeBusy || e.Code == CodeFWOffset || e.Code == CodeBadRequest && e.Op == "fw.data"
}
