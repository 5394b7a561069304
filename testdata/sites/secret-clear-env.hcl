# A literal password beside a missing variable, and an escaped secret.
station "cp" {
  serial = "G48229"
  model  = "EVC5.x"
  settings {
    com_Options      = { useTLS = 1 }
    gsm_APN          = ["internet", env("ECC_TEST_NEVER_SET_VARIABLE"), "golden-secret-apn"]
    authorizationKey = "ops:golden\u002dsecret"
    com_Endpoint     = "wss://cp:golden-secret-url@h/ocpp/#SN#"
  }
}
