# for_each over the rows themselves (a list): they need a key.
station "bay" {
  for_each = csvdecode(file("inventory/twenty.csv"))
  serial   = each.value.serial
}
