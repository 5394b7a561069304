# Rows with fewer or more cells than the header, after a cleared row: all
# are named, by their line in the file (csvdecode names the first only).
locals {
  rows = csvdecode(file("inventory/ragged.csv"))
}

station "bay" {
  for_each = { for r in local.rows : r.name => r }
  serial   = each.value.serial
}
