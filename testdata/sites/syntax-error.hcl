site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    chg_RatedCurrent = [16, 16
  }
}
