site "t" {}

defaults {
  settings {
    HeartbeatInterval        = 300
    MeterValueSampleInterval = 60
  }
}

station "cp-01" {
  serial = "G48229"
}
