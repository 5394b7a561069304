package model

// ocppStandardKeys are the OCPP 1.6 standard configuration keys (edition 2,
// chapter 9) and those of the 1.6 security whitepaper and the ISO 15118
// extension: the CPO manages them through the backend.
var ocppStandardKeys = []string{
	// Core profile.
	"AllowOfflineTxForUnknownId",
	"AuthorizationCacheEnabled",
	"AuthorizeRemoteTxRequests",
	"BlinkRepeat",
	"ClockAlignedDataInterval",
	"ConnectionTimeOut",
	"ConnectorPhaseRotation",
	"ConnectorPhaseRotationMaxLength",
	"GetConfigurationMaxKeys",
	"HeartbeatInterval",
	"LightIntensity",
	"LocalAuthorizeOffline",
	"LocalPreAuthorize",
	"MaxEnergyOnInvalidId",
	"MeterValuesAlignedData",
	"MeterValuesAlignedDataMaxLength",
	"MeterValuesSampledData",
	"MeterValuesSampledDataMaxLength",
	"MeterValueSampleInterval",
	"MinimumStatusDuration",
	"NumberOfConnectors",
	"ResetRetries",
	"StopTransactionOnEVSideDisconnect",
	"StopTransactionOnInvalidId",
	"StopTxnAlignedData",
	"StopTxnAlignedDataMaxLength",
	"StopTxnSampledData",
	"StopTxnSampledDataMaxLength",
	"SupportedFeatureProfiles",
	"SupportedFeatureProfilesMaxLength",
	"TransactionMessageAttempts",
	"TransactionMessageRetryInterval",
	"UnlockConnectorOnEVSideDisconnect",
	"WebSocketPingInterval",
	// Local Auth List Management profile.
	"LocalAuthListEnabled",
	"LocalAuthListMaxLength",
	"SendLocalListMaxLength",
	// Reservation profile.
	"ReserveConnectorZeroSupported",
	// Smart Charging profile.
	"ChargeProfileMaxStackLevel",
	"ChargingScheduleAllowedChargingRateUnit",
	"ChargingScheduleMaxPeriods",
	"ConnectorSwitch3to1PhaseSupported",
	"MaxChargingProfilesInstalled",
	// Firmware Management (Remote Trigger has no keys).
	"SupportedFileTransferProtocols",
	// Security extension. Its "AuthorizationKey" differs from the
	// dictionary's write-only "authorizationKey" by case only; names are
	// matched exactly, so each keeps its own class.
	"AdditionalRootCertificateCheck",
	"AuthorizationKey",
	"CertificateSignedMaxChainSize",
	"CertificateStoreMaxLength",
	"CpoName",
	"SecurityProfile",
	// ISO 15118 (Plug & Charge) extension.
	"CentralContractValidationAllowed",
	"CertSigningRepeatTimes",
	"CertSigningWaitMinimum",
	"ContractValidationOffline",
	"ISO15118PnCEnabled",
}

var ocppKeySet = func() map[string]bool {
	m := make(map[string]bool, len(ocppStandardKeys))
	for _, k := range ocppStandardKeys {
		m[k] = true
	}
	return m
}()
