site "t" {}

station "cp-01" {
  serial = "G48229"
  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = env("ECC_TEST_NEVER_SET_VARIABLE")
  }
}
