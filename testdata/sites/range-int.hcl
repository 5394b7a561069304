site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    chg_MinChargingCurrent      = 64
    chg_StationMaxCurrent       = -1
    grid_InstallationMaxcurrent = 10000
  }
}
