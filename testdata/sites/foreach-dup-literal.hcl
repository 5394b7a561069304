# A key written twice in a for_each map, and in a local one reads: HCL
# keeps the last in silence, and a station would be lost.
locals {
  more = { cp-05 = "G5", "cp-05" = "G6" }
}
station "bay" {
  for_each = {
    cp-01 = "G1"
    cp-02 = "G2"
    cp-01 = "G3"
  }
  serial = each.value
}
station "more" {
  for_each = local.more
  serial   = each.value
}
