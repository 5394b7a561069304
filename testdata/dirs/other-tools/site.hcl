station "cp-01" {
  serial = "G1"
}
