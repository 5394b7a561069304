site "t" {}

station "cp-01" {
  model = "EVC5.x"
  settings {
    chg_StationMaxCurrent = 25
  }
}
