site "t" {}

station "cp-01" {
  serial = "G48229"
  firmware {
    version = "V32R18"
    file    = "../../sites/firmware/V32R17.bin"
    sha256  = "56d10b85e0f96234f0cf5b0ff016de194984f2309b64222f67842e9f292bf6ff"
  }
}
