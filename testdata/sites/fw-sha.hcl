site "t" {}

defaults {
  firmware {
    version = "V32R17"
    file    = "../../sites/firmware/V32R17.bin"
    sha256  = "0000000000000000000000000000000000000000000000000000000000000000"
  }
}

station "cp-01" {
  serial = "G48229"
}
