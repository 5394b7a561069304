site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    com_ProtType = "ocpp1.6j"
    grid_Role    = "master"
    com_ProtCh   = "Eth"
  }
}
