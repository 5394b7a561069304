package model

import (
	"math"
	"strings"
)

// OCPP profiles whose standard configuration keys ecc knows (OCPP 1.6
// edition 2, chapter 9, and the extensions an Ecotap firmware may carry).
const (
	ProfileCore         = "Core"
	ProfileLocalAuth    = "LocalAuthListManagement"
	ProfileReservation  = "Reservation"
	ProfileSmartCharge  = "SmartCharging"
	ProfileFirmware     = "FirmwareManagement"
	ProfileSecurity     = "Security"
	ProfileISO15118     = "ISO15118"
	maxOCPPInt          = math.MaxInt32
	maxOCPPString       = 500 // CiString500Type: ChangeConfiguration.req value
	ocppPercentMaxValue = 100
)

// Measurands is OCPP 1.6's Measurand enumeration (section 7.31), the
// allowed items of the *Data measurand lists.
var Measurands = []string{
	"Current.Export", "Current.Import", "Current.Offered",
	"Energy.Active.Export.Register", "Energy.Active.Import.Register",
	"Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register",
	"Energy.Active.Export.Interval", "Energy.Active.Import.Interval",
	"Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval",
	"Frequency",
	"Power.Active.Export", "Power.Active.Import", "Power.Factor", "Power.Offered",
	"Power.Reactive.Export", "Power.Reactive.Import",
	"RPM", "SoC", "Temperature", "Voltage",
}

// phaseRotations are the rotations of ConnectorPhaseRotation (9.1.7).
var phaseRotations = []string{"NotApplicable", "Unknown", "RST", "RTS", "SRT", "STR", "TRS", "TSR"}

// Code lists of the read-only CSL keys.
var (
	featureProfiles = []string{ProfileCore, ProfileFirmware, ProfileLocalAuth, ProfileReservation, ProfileSmartCharge, "RemoteTrigger"}
	rateUnits       = []string{"Current", "Power"}
	fileProtocols   = []string{"FTP", "FTPS", "HTTP", "HTTPS"}
)

// ocppKey builds one row of ocppTable.
func ocppKey(name string, access Access, profile, unit, summary string, c codec) keyEntry {
	class := BackendOnly
	if access == RO {
		class = ReadOnly
	}
	return keyEntry{KeyDef{Name: name, Access: access, Class: class, Profile: profile, Unit: unit, Summary: summary}, c}
}

// Codecs the OCPP keys share.
var (
	ocppInt       = intCodec{0, maxOCPPInt}
	ocppBool      = boolCodec{}
	measurandList = cslCodec{noun: "measurand", allowed: Measurands, empty: true}
)

// ocppTable is the OCPP 1.6 standard configuration keys (edition 2, chapter
// 9) and those of the 1.6 security whitepaper and the ISO 15118 extension,
// typed: the CPO manages them through the backend, so ecc writes them only
// over OCPP (ChannelOCPP), and only those the station may change (RW; the
// security extension's AuthorizationKey is write-only). Keys the
// specification lets a charge point choose "R or RW" for are RW here: the
// station answers Rejected if it made them read-only.
var ocppTable = []keyEntry{
	// Core profile (9.1).
	ocppKey("AllowOfflineTxForUnknownId", RW, ProfileCore, "", "Unknown identifiers may start a transaction while offline", ocppBool),
	ocppKey("AuthorizationCacheEnabled", RW, ProfileCore, "", "The authorization cache is in use", ocppBool),
	ocppKey("AuthorizeRemoteTxRequests", RW, ProfileCore, "", "RemoteStartTransaction is authorized like a local start", ocppBool),
	ocppKey("BlinkRepeat", RW, ProfileCore, "times", "Number of times to blink the lights when signalling", ocppInt),
	ocppKey("ClockAlignedDataInterval", RW, ProfileCore, "seconds", "Interval of clock-aligned meter values (0: none)", ocppInt),
	ocppKey("ConnectionTimeOut", RW, ProfileCore, "seconds", "Time to plug in after a start before the transaction is cancelled", ocppInt),
	ocppKey("ConnectorPhaseRotation", RW, ProfileCore, "", "Phase rotation per connector: connectorId.rotation, e.g. 0.RST,1.RST", cslCodec{noun: "rotation", item: phaseRotationItem}),
	ocppKey("ConnectorPhaseRotationMaxLength", RO, ProfileCore, "", "Most items in ConnectorPhaseRotation", ocppInt),
	ocppKey("GetConfigurationMaxKeys", RO, ProfileCore, "", "Most keys in one GetConfiguration request", ocppInt),
	ocppKey("HeartbeatInterval", RW, ProfileCore, "seconds", "Interval of Heartbeat requests when idle", ocppInt),
	ocppKey("LightIntensity", RW, ProfileCore, "%", "Lighting intensity in percent", intCodec{0, ocppPercentMaxValue}),
	ocppKey("LocalAuthorizeOffline", RW, ProfileCore, "", "Start transactions for locally authorized identifiers while offline", ocppBool),
	ocppKey("LocalPreAuthorize", RW, ProfileCore, "", "Start transactions for locally authorized identifiers without waiting for Authorize", ocppBool),
	ocppKey("MaxEnergyOnInvalidId", RW, ProfileCore, "Wh", "Energy delivered after an identifier turns out invalid", ocppInt),
	ocppKey("MeterValuesAlignedData", RW, ProfileCore, "", "Measurands of clock-aligned meter values", measurandList),
	ocppKey("MeterValuesAlignedDataMaxLength", RO, ProfileCore, "", "Most items in MeterValuesAlignedData", ocppInt),
	ocppKey("MeterValuesSampledData", RW, ProfileCore, "", "Measurands of sampled meter values during a transaction", measurandList),
	ocppKey("MeterValuesSampledDataMaxLength", RO, ProfileCore, "", "Most items in MeterValuesSampledData", ocppInt),
	ocppKey("MeterValueSampleInterval", RW, ProfileCore, "seconds", "Interval of sampled meter values during a transaction (0: none)", ocppInt),
	ocppKey("MinimumStatusDuration", RW, ProfileCore, "seconds", "Time a status must hold before StatusNotification is sent", ocppInt),
	ocppKey("NumberOfConnectors", RO, ProfileCore, "", "Number of physical connectors", ocppInt),
	ocppKey("ResetRetries", RW, ProfileCore, "times", "Retries of an unsuccessful reset", ocppInt),
	ocppKey("StopTransactionOnEVSideDisconnect", RW, ProfileCore, "", "Stop the transaction when the cable is unplugged at the EV", ocppBool),
	ocppKey("StopTransactionOnInvalidId", RW, ProfileCore, "", "Stop the transaction when the identifier turns out invalid", ocppBool),
	ocppKey("StopTxnAlignedData", RW, ProfileCore, "", "Clock-aligned measurands in StopTransaction's transaction data", measurandList),
	ocppKey("StopTxnAlignedDataMaxLength", RO, ProfileCore, "", "Most items in StopTxnAlignedData", ocppInt),
	ocppKey("StopTxnSampledData", RW, ProfileCore, "", "Sampled measurands in StopTransaction's transaction data", measurandList),
	ocppKey("StopTxnSampledDataMaxLength", RO, ProfileCore, "", "Most items in StopTxnSampledData", ocppInt),
	ocppKey("SupportedFeatureProfiles", RO, ProfileCore, "", "Feature profiles the charge point supports", cslCodec{noun: "profile", allowed: featureProfiles}),
	ocppKey("SupportedFeatureProfilesMaxLength", RO, ProfileCore, "", "Most items in SupportedFeatureProfiles", ocppInt),
	ocppKey("TransactionMessageAttempts", RW, ProfileCore, "times", "Attempts to deliver a transaction-related message", ocppInt),
	ocppKey("TransactionMessageRetryInterval", RW, ProfileCore, "seconds", "Wait between attempts, multiplied by the attempt number", ocppInt),
	ocppKey("UnlockConnectorOnEVSideDisconnect", RW, ProfileCore, "", "Unlock the connector when the cable is unplugged at the EV", ocppBool),
	ocppKey("WebSocketPingInterval", RW, ProfileCore, "seconds", "Interval of WebSocket pings (0: none)", ocppInt),
	// Local Auth List Management profile (9.2).
	ocppKey("LocalAuthListEnabled", RW, ProfileLocalAuth, "", "The local authorization list is in use", ocppBool),
	ocppKey("LocalAuthListMaxLength", RO, ProfileLocalAuth, "", "Most identifiers in the local authorization list", ocppInt),
	ocppKey("SendLocalListMaxLength", RO, ProfileLocalAuth, "", "Most identifiers in one SendLocalList", ocppInt),
	// Reservation profile (9.3).
	ocppKey("ReserveConnectorZeroSupported", RO, ProfileReservation, "", "Reservations of connector 0 are supported", ocppBool),
	// Smart Charging profile (9.4).
	ocppKey("ChargeProfileMaxStackLevel", RO, ProfileSmartCharge, "", "Highest stack level of a charging profile", ocppInt),
	ocppKey("ChargingScheduleAllowedChargingRateUnit", RO, ProfileSmartCharge, "", "Charging rate units a schedule may use", cslCodec{noun: "unit", allowed: rateUnits}),
	ocppKey("ChargingScheduleMaxPeriods", RO, ProfileSmartCharge, "", "Most periods in a charging schedule", ocppInt),
	ocppKey("ConnectorSwitch3to1PhaseSupported", RO, ProfileSmartCharge, "", "Switching between 3 and 1 phase during a transaction is supported", ocppBool),
	ocppKey("MaxChargingProfilesInstalled", RO, ProfileSmartCharge, "", "Most charging profiles installed at once", ocppInt),
	// Firmware Management profile (9.5; Remote Trigger has no keys).
	ocppKey("SupportedFileTransferProtocols", RO, ProfileFirmware, "", "File transfer protocols for firmware and diagnostics", cslCodec{noun: "protocol", allowed: fileProtocols}),
	// Security extension. Its "AuthorizationKey" differs from the
	// dictionary's write-only "authorizationKey" by case only; names are
	// matched exactly, so each keeps its own class. It is a secret that the
	// backend rotates itself: not plannable (see ocppPlannable).
	ocppKey("AdditionalRootCertificateCheck", RO, ProfileSecurity, "", "Root certificates are checked against a fallback", ocppBool),
	ocppKey("AuthorizationKey", WO, ProfileSecurity, "", "Basic authentication password of security profiles 1 and 2", secretCodec{}),
	ocppKey("CertificateSignedMaxChainSize", RO, ProfileSecurity, "bytes", "Largest certificate chain in CertificateSigned", ocppInt),
	ocppKey("CertificateStoreMaxLength", RO, ProfileSecurity, "", "Most installed certificates", ocppInt),
	ocppKey("CpoName", RW, ProfileSecurity, "", "The CPO's name as in its certificates", textCodec{}),
	ocppKey("SecurityProfile", RW, ProfileSecurity, "", "Security profile 0 to 3 (can only be raised)", intCodec{0, 3}),
	// ISO 15118 (Plug & Charge) extension.
	ocppKey("CentralContractValidationAllowed", RW, ProfileISO15118, "", "Contracts may be validated by the central system", ocppBool),
	ocppKey("CertSigningRepeatTimes", RW, ProfileISO15118, "times", "Retries of a certificate signing request", ocppInt),
	ocppKey("CertSigningWaitMinimum", RW, ProfileISO15118, "seconds", "Wait before retrying a certificate signing request", ocppInt),
	ocppKey("ContractValidationOffline", RW, ProfileISO15118, "", "Contracts may be validated while offline", ocppBool),
	ocppKey("ISO15118PnCEnabled", RW, ProfileISO15118, "", "Plug & Charge is enabled", ocppBool),
}

// ocppByName indexes ocppTable.
var ocppByName = index(ocppTable)

// ocppOrder ranks OCPP keys by the specification's order.
var ocppOrder = func() map[string]int {
	m := make(map[string]int, len(ocppTable))
	for i, name := range names(ocppTable) {
		m[name] = i
	}
	return m
}()

// OCPPKeys returns the typed OCPP standard configuration keys in the
// specification's order.
func OCPPKeys() []*KeyDef { return defs(ocppTable) }

// LookupOCPP finds an OCPP standard configuration key by its exact name.
func LookupOCPP(name string) (*KeyDef, bool) { return lookup(ocppByName, name) }

// Def finds a key ecc can type: a dictionary key or an OCPP standard key.
func Def(name string) (*KeyDef, bool) {
	if d, ok := Lookup(name); ok {
		return d, true
	}
	return LookupOCPP(name)
}

// DefFold is Def ignoring case (the exact spelling first): what reads a
// key named by another party, a backend's frames, that may spell it its
// own way (authorizationkey).
func DefFold(name string) (*KeyDef, bool) {
	if d, ok := Def(name); ok {
		return d, true
	}
	d, ok := defByLower[strings.ToLower(name)]
	return d, ok
}

// defByLower is every key of Def by its name in lower case (the
// dictionary's first where an OCPP key is spelt alike).
var defByLower = func() map[string]*KeyDef {
	m := map[string]*KeyDef{}
	for _, d := range append(Dictionary(), OCPPKeys()...) {
		if _, ok := m[strings.ToLower(d.Name)]; !ok {
			m[strings.ToLower(d.Name)] = d
		}
	}
	return m
}()

// ocppPlannable says why an OCPP key cannot be set in an `ocpp` block, or
// "" when it can: read-only keys are the station's to report, and the
// security extension's AuthorizationKey is a secret the backend rotates
// with its own procedure.
func ocppPlannable(d *KeyDef) string {
	switch d.Access {
	case RO:
		return "the station reports it; it cannot be set"
	case WO:
		return "a secret of the security profile that the backend sets with its own procedure; ecc does not plan it"
	}
	return ""
}

// SuggestOCPP returns the OCPP key a near-miss name probably meant, or "".
func SuggestOCPP(name string) string {
	names := make([]string, len(ocppTable))
	for i := range ocppTable {
		names[i] = ocppTable[i].def.Name
	}
	return nearest(name, names)
}
