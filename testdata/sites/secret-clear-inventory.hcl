# Secrets in clear in an inventory: one warning at the expression for all
# rows; the rows' other problem (two share a serial) is at the template too.
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
