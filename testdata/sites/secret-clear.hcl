# Secrets written in the site file itself: a warning at each, and their
# text never shown, not even in the source line of another diagnostic.
station "cp" {
  serial = "G48229"
  model  = "EVC5.x"

  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = "golden-secret" # not user:password: an error too
    gsm_APN          = "internet,ops,golden-secret-pw"
  }
}
