site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    eth_cfg = { type = "static", ip = "10.20.0.14", netmask = "0.0.0.0" }
  }
}
