# for_each over a YAML list read with yamldecode, keyed by a column.
defaults {
  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Endpoint           = "wss://devices.ecotap.com/registry/ocpp/#SN#"
  }
}

station "north" {
  for_each = { for r in yamldecode(file("stations.yaml")) : r.name => r }
  serial   = each.value.serial
  model    = "EVC5.x"
  settings {
    chg_RatedCurrent      = [each.value.rated, each.value.rated]
    chg_StationMaxCurrent = each.value.max_current
    com_OCPPID            = each.value.ocpp_id
  }
}
