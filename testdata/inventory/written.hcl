# sites/fleet/north.hcl written out by hand: every inventory form in this
# folder decodes to exactly these stations.
defaults {
  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Endpoint           = "wss://devices.ecotap.com/registry/ocpp/#SN#"
  }
}

station "north-01" {
  serial = "G60001"
  model  = "EVC5.x"
  settings {
    chg_RatedCurrent      = [16, 16]
    chg_StationMaxCurrent = 25
    com_OCPPID            = "NLECO3001"
  }
}

station "north-02" {
  serial = "G60002"
  model  = "EVC5.x"
  settings {
    chg_RatedCurrent      = [16, 16]
    chg_StationMaxCurrent = 25
    com_OCPPID            = "NLECO3002"
  }
}

station "north-03" {
  serial = "G60003"
  model  = "EVC5.x"
  settings {
    chg_RatedCurrent      = [32, 32]
    chg_StationMaxCurrent = 32
    com_OCPPID            = "NLECO3003"
  }
}

station "north-04" {
  serial = "G60004"
  model  = "EVC5.x"
  settings {
    chg_RatedCurrent      = [32, 32]
    chg_StationMaxCurrent = 32
    com_OCPPID            = "NLECO3004"
  }
}
