site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    com_Options    = { Events = 1, useTSL = 1 }
    chg_Ch1Options = { PlugAndCharge = 2 }
  }
}
