site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    com_OCPPID = "NLECO-AMSTERDAM-NOORD-DEPOT-0001"
  }
}
