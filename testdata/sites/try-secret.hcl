# try() around env(): a missing secret would fall back, in silence, to a
# literal written in clear.
station "cp-01" {
  serial = "G48229"
  settings {
    authorizationKey = try(env("ECC_TEST_UNSET_AUTH"), "ops:golden-secret")
  }
}
