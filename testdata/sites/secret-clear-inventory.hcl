# Secrets in clear in an inventory: a warning at the expression, and the
# CSV rows never shown with them (two rows share a serial).
locals {
  rows = csvdecode(file("inventory/secret-clear.csv"))
}

station "inv" {
  for_each = { for r in local.rows : r.name => r }
  serial   = each.value.serial
  model    = "EVC5.x"

  settings {
    com_Options      = { useTLS = 1 }
    authorizationKey = each.value.key
  }
}
