station "cp-01" {
  serial = "G48229"
}
