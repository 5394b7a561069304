site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    chg_RatedCurent   = [16, 16]
    chg_HardwareRev   = "B"
  }
}
