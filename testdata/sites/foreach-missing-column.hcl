# The inventory has no max_current column.
locals {
  rows = csvdecode(file("inventory/no-max.csv"))
}

station "bay" {
  for_each = { for r in local.rows : r.name => r }
  serial   = each.value.serial
  settings {
    chg_StationMaxCurrent = each.value.max_current
  }
}
