# each without for_each.
station "cp-01" {
  serial = each.value.serial
}
