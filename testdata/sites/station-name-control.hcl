# Station names from an inventory with a control character, and with
# spaces at the ends (a spreadsheet's cell).
station "bay" {
  for_each = { "a\nb" = "G2", "c\u0007d" = "G3", " cp-04 " = "G4" }
  serial   = each.value
}
