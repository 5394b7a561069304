site "t" {}

defaults {
  factory = "factory/bad.json"
}

station "cp-01" {
  serial = "G48229"
}
