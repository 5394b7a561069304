site "t" {}

station "cp-01" {
  serial = "G48229"
  firmware {
    version = "V32R17"
    file    = "firmware/latest.bin"
    sha256  = "bfe0af1b840cf2d84fc56c6be00b9ca16bbe67d4dd92a75ac17fdf2c085b192d"
  }
}
