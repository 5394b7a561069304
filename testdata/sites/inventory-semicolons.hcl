# A CSV that Excel saved in Dutch or German: cells separated by
# semicolons. Read with commas, each row would be one cell.
station "bay" {
  for_each = { for r in csvdecode(file("inventory/semicolons.csv")) : r.name => r }
  serial   = each.value.serial
}
