# A file that does not parse: the secret written on a line is starred.
station "cp" {
  serial = "G48229"
  model  = "EVC5.x"
  settings {
    authorizationKey = "ops:golden-secret" }
    gsm_APN = ["internet", env("ECC_TEST_NEVER_SET_VARIABLE"), "golden-secret-apn"]
  }
