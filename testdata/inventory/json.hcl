# for_each over a JSON object, names templated from the key.
locals {
  rows = jsondecode(file("stations.json"))
}

defaults {
  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Endpoint           = "wss://devices.ecotap.com/registry/ocpp/#SN#"
  }
}

station "north" {
  for_each = local.rows
  serial   = each.value.serial
  model    = "EVC5.x"
  settings {
    chg_RatedCurrent      = [each.value.rated, each.value.rated]
    chg_StationMaxCurrent = each.value.max
    com_OCPPID            = "NLECO300${substr(each.key, 7, 1)}"
  }
}
