# Row 17 of the inventory has a current above the range.
station "bay" {
  for_each = { for r in csvdecode(file("inventory/twenty.csv")) : r.name => r }
  serial   = each.value.serial
  settings {
    chg_StationMaxCurrent = each.value.max_current
  }
}
