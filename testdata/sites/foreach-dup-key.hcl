# Two rows named cp-01.
station "bay" {
  for_each = { for r in csvdecode(file("inventory/dup.csv")) : r.name => r }
  serial   = each.value.serial
}
