site "ocpp-bad" {}

defaults {
  ocpp {
    HeartbeatInterval       = "soon"
    MeterValuesSampledData  = ["Energy.Active.Import.Register", "Power.Active.Imprt"]
    GetConfigurationMaxKeys = 20
    chg_StationMaxCurrent   = 16
    LocalPreAuthorize       = 1
  }
}

station "cp-01" {
  serial = "G48229"
  ocpp {
    ConnectorPhaseRotation = "0.RST,1.XYZ"
    HeartbeatIntervall     = 60
    AuthorizationKey       = "0123456789abcdef"
    StopTxnSampledData     = "Voltage,Voltage"
  }
}
