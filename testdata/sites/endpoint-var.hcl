site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    com_Endpoint = "wss://devices.ecotap.com/registry/ocpp/#SERIAL#"
  }
}
