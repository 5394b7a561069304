# Valid, with a secret written in clear: validate warns and says so.
station "cp-01" {
  serial = "G48229"
  model  = "EVC5.x"

  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = "ops:cmd-secret"
  }
}
