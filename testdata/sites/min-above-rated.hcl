site "t" {}

defaults {
  settings {
    chg_RatedCurrent = [16, 10]
  }
}

station "cp-01" {
  serial = "G48229"
  settings {
    chg_MinChargingCurrent = 13
  }
}
