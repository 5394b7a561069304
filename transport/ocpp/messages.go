package ocpp

// Actions ecc sends or receives.
const (
	ActionBootNotification              = "BootNotification"
	ActionHeartbeat                     = "Heartbeat"
	ActionStatusNotification            = "StatusNotification"
	ActionGetConfiguration              = "GetConfiguration"
	ActionChangeConfiguration           = "ChangeConfiguration"
	ActionReset                         = "Reset"
	ActionTriggerMessage                = "TriggerMessage"
	ActionUpdateFirmware                = "UpdateFirmware"
	ActionFirmwareStatusNotification    = "FirmwareStatusNotification"
	ActionMeterValues                   = "MeterValues"
	ActionDiagnosticsStatusNotification = "DiagnosticsStatusNotification"
)

// BootNotificationReq is a station's BootNotification.req: its identity.
type BootNotificationReq struct {
	ChargePointVendor       string `json:"chargePointVendor"`
	ChargePointModel        string `json:"chargePointModel"`
	ChargePointSerialNumber string `json:"chargePointSerialNumber,omitempty"`
	ChargeBoxSerialNumber   string `json:"chargeBoxSerialNumber,omitempty"`
	FirmwareVersion         string `json:"firmwareVersion,omitempty"`
	Iccid                   string `json:"iccid,omitempty"`
	Imsi                    string `json:"imsi,omitempty"`
	MeterType               string `json:"meterType,omitempty"`
	MeterSerialNumber       string `json:"meterSerialNumber,omitempty"`
}

// Serial is the controller's serial as ecc matches it to a site file:
// chargeBoxSerialNumber, else chargePointSerialNumber.
func (b BootNotificationReq) Serial() string {
	if b.ChargeBoxSerialNumber != "" {
		return b.ChargeBoxSerialNumber
	}
	return b.ChargePointSerialNumber
}

// Registration statuses of BootNotification.conf.
const (
	RegistrationAccepted = "Accepted"
	RegistrationPending  = "Pending"
	RegistrationRejected = "Rejected"
)

// BootNotificationConf answers a BootNotification.
type BootNotificationConf struct {
	Status      string `json:"status"`
	CurrentTime string `json:"currentTime"` // RFC 3339
	Interval    int    `json:"interval"`    // seconds between heartbeats
}

// HeartbeatReq is empty.
type HeartbeatReq struct{}

// HeartbeatConf gives the central system's time.
type HeartbeatConf struct {
	CurrentTime string `json:"currentTime"`
}

// Empty is the payload of the confirmations that carry nothing
// (StatusNotification, FirmwareStatusNotification, MeterValues,
// DiagnosticsStatusNotification).
type Empty struct{}

// KeyValue is one configurationKey entry of GetConfiguration.conf.
type KeyValue struct {
	Key      string  `json:"key"`
	Readonly bool    `json:"readonly"`
	Value    *string `json:"value,omitempty"`
}

// GetConfigurationReq asks for keys (all of them when Key is empty).
type GetConfigurationReq struct {
	Key []string `json:"key,omitempty"`
}

// GetConfigurationConf answers it.
type GetConfigurationConf struct {
	ConfigurationKey []KeyValue `json:"configurationKey,omitempty"`
	UnknownKey       []string   `json:"unknownKey,omitempty"`
}

// ChangeConfigurationReq writes one key; StatusConf answers it (Accepted,
// Rejected, RebootRequired or NotSupported).
type ChangeConfigurationReq struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Reset types.
const (
	ResetSoft = "Soft"
	ResetHard = "Hard"
)

// ResetReq asks the station to restart.
type ResetReq struct {
	Type string `json:"type"`
}

// StatusConf is the confirmation of ChangeConfiguration, Reset,
// TriggerMessage and others that carry only a status.
type StatusConf struct {
	Status string `json:"status"`
}

// Statuses of Reset.conf and TriggerMessage.conf.
const (
	StatusAccepted       = "Accepted"
	StatusRejected       = "Rejected"
	StatusNotImplemented = "NotImplemented"
)

// TriggerMessageReq asks the station to send one of its own messages.
type TriggerMessageReq struct {
	RequestedMessage string `json:"requestedMessage"`
	ConnectorID      *int   `json:"connectorId,omitempty"`
}

// UpdateFirmwareReq tells the station where to download an image.
type UpdateFirmwareReq struct {
	Location      string `json:"location"`
	RetrieveDate  string `json:"retrieveDate"`
	Retries       *int   `json:"retries,omitempty"`
	RetryInterval *int   `json:"retryInterval,omitempty"`
}

// Firmware statuses of FirmwareStatusNotification.req.
const (
	FirmwareDownloaded         = "Downloaded"
	FirmwareDownloadFailed     = "DownloadFailed"
	FirmwareDownloading        = "Downloading"
	FirmwareIdle               = "Idle"
	FirmwareInstallationFailed = "InstallationFailed"
	FirmwareInstalling         = "Installing"
	FirmwareInstalled          = "Installed"
)

// FirmwareFailed reports whether a firmware status ends the update in
// failure.
func FirmwareFailed(status string) bool {
	return status == FirmwareDownloadFailed || status == FirmwareInstallationFailed
}

// FirmwareStatusNotificationReq reports a firmware update's progress.
type FirmwareStatusNotificationReq struct {
	Status string `json:"status"`
}

// StatusNotificationReq reports a connector's status; the gateway only
// acknowledges it.
type StatusNotificationReq struct {
	ConnectorID int    `json:"connectorId"`
	ErrorCode   string `json:"errorCode"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp,omitempty"`
}
