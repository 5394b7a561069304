# Depot Amsterdam-Noord: three EVC5 public chargers and two EVC4 wall boxes
# on Ethernet. Validate with: ECC_AUTH_CP01=... ecc validate sites/depot.hcl
site "depot" {
  description = "Depot Amsterdam-Noord, 5 stations"
}

defaults {
  factory = "factory/evc5-ac.json" # base layer: the vendor's factory defaults

  firmware {
    version = "V32R17"
    file    = "firmware/V32R17.bin" # relative to this file
    sha256  = "56d10b85e0f96234f0cf5b0ff016de194984f2309b64222f67842e9f292bf6ff"
  }

  settings {
    chg_MinChargingCurrent = 6
    com_ProtType           = "OCPP1.6J"
    com_Options            = { Events = 1, BlockBeforeBoot = 1 }
    grid_Role              = "Station_ctrl"
    chg_Ch1Options         = { StopOnChargeComplete = 1 }
    chg_Ch2Options         = { StopOnChargeComplete = 1 }
  }

  # OCPP 1.6 standard keys: the backend's, so ecc writes them only over OCPP
  # (--port ocpp://... or --gateway, through `ecc gateway`); a plan over the
  # service cable lists them as left for the gateway.
  ocpp {
    HeartbeatInterval        = 120
    MeterValueSampleInterval = 30
    MeterValuesSampledData   = ["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import"]
  }
}

station "cp-01" {
  serial = "G48229"
  model  = "EVC5.x"
  port   = "/dev/ttyUSB0"

  settings {
    chg_RatedCurrent      = [16, 16]
    chg_StationMaxCurrent = 25
    com_OCPPID            = "NLECO1000"
    com_Endpoint          = "wss://devices.ecotap.com/registry/ocpp/#SN#"
    com_Options           = { useTLS = 1 }
    authorizationKey      = env("ECC_AUTH_CP01") # secret: from the environment
  }

  ocpp {
    LocalPreAuthorize = true
  }
}

station "cp-02" {
  serial = "G48230"
  model  = "EVC5.x"
  port   = "/dev/ttyUSB1"

  settings {
    chg_RatedCurrent      = [32, 32]
    chg_StationMaxCurrent = 32
    com_OCPPID            = "NLECO1001"
    chg_Ch1Options        = { PlugAndCharge = 1 }
  }
}

station "cp-03" {
  serial = "G48231"
  model  = "EVC5.x"
  port   = "/dev/ttyUSB2"

  settings {
    chg_RatedCurrent      = "16,16" # raw, in the controller's own format
    chg_StationMaxCurrent = 20
    com_OCPPID            = "NLECO1002"
    chg_Reader1           = "sl032,any"
    chg_Reader2           = "none,CH2"
    gsm_Oper              = "20408"
  }
}

station "cp-04" {
  serial  = "G31877"
  model   = "EVC4.x"
  port    = "/dev/ttyUSB3"
  factory = "factory/evc4-ac.json"

  settings {
    com_OCPPID = "NLECO1003"
    com_ProtCh = "ETH"
    eth_cfg = {
      type    = "static"
      ip      = "10.20.0.14"
      netmask = "255.255.255.0"
      dns     = "10.20.0.1"
      gw      = "10.20.0.1"
    }
  }
}

station "cp-05" {
  serial  = "G31878"
  model   = "EVC4.x"
  port    = "/dev/ttyUSB4"
  factory = "factory/evc4-ac.json"

  settings {
    com_OCPPID                   = "NLECO1004"
    grid_Role                    = "Master"
    grid_InstallationMaxcurrent  = 125
    grid_InstallationSaveCurrent = 40
    chg_Debug                    = { grid = 4 }
  }
}
