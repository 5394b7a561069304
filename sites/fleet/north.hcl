# A site made from an inventory: one station per row of stations.csv.
# No site block: the site is named after this file (north).
locals {
  endpoint = "wss://devices.ecotap.com/registry/ocpp/#SN#"
  stations = csvdecode(file("stations.csv"))
}

defaults {
  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Endpoint           = local.endpoint
  }
}

station "north" {
  for_each = { for r in local.stations : r.name => r }
  serial   = each.value.serial
  model    = "EVC5.x"

  settings {
    chg_RatedCurrent      = [each.value.rated, each.value.rated]
    chg_StationMaxCurrent = each.value.max_current
    com_OCPPID            = each.value.ocpp_id
  }
}
