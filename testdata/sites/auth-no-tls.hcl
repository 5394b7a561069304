site "t" {}

defaults {
  settings {
    com_Options = { Events = 1, useTLS = 0 }
  }
}

station "cp-01" {
  serial = "G48229"
  settings {
    authorizationKey = env("ECC_AUTH_CP01")
  }
}
