# A firmware pin without version and file: the examples are HCL.
site "t" {}

station "cp-01" {
  serial = "G48229"
  firmware {
    sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
  }
}
