# Two rows of one inventory with the same serial: one position, told apart
# by the row keys the messages name.
station "north" {
  for_each = { for r in csvdecode(file("north.csv")) : r.name => r }
  serial   = each.value.serial
}
