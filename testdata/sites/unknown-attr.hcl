site "t" {
  owner = "ops"
}

station "cp-01" {
  serial = "G48229"
  colour = "green"
  netwerk {
    ip = "10.0.0.1"
  }
  firmware {
    version = "V32R17"
    file    = "../../sites/firmware/V32R17.bin"
    sha256  = "56d10b85e0f96234f0cf5b0ff016de194984f2309b64222f67842e9f292bf6ff"
    lock    = true
  }
}

stations "cp-02" {
}
