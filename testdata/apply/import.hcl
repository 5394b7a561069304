# Imported from controller G48229 (EVC5.1), running firmware V32R16.
station "cp-01" {
  serial = "G48229"
  model  = "EVC5.x"
  # firmware: V32R16 running (pin it with a firmware block: ecc firmware inspect FILE --site SITEFILE)

  settings {
    # authorizationKey = env("ECC_AUTH_CP01")  # write-only: cannot be read; set it from the environment
    chg_Debug                    = { warn = 1, error = 1, date = 1, syslog = 0, gsm = 1, events = 1, com = 0, ocpp = 0, eth = 0, grid = 0, ctrl = 3, general = 3, sensors = 0, fw = 0, modbus = 0, canbus = 0, sys = 0 }
    chg_KWH1                     = ["EASTR_SDM72D", 1, 9600, "N", 1]
    chg_KWH2                     = ["EASTR_SDM72D", 2, 9600, "N", 1]
    chg_KWH3                     = ["EASTR_SDM72D", 3, 9600, "N", 1]
    chg_Reader1                  = ["sl032", "CH1"]
    chg_Reader2                  = ["sl032", "CH2"]
    chg_MinChargingCurrent       = 6
    chg_RatedCurrent             = [16, 16]
    chg_StationMaxCurrent        = 32
    chg_Ch1Options               = { PlugAndCharge = 0, OvercurrentSens = 0, StopOnChargeComplete = 0, OfflineStopOnDisconnect = 0, StopOnLowCosphi = 0, Rel2OnLowCosphi = 0 }
    chg_Ch2Options               = { PlugAndCharge = 0, OvercurrentSens = 0, StopOnChargeComplete = 0, OfflineStopOnDisconnect = 0, StopOnLowCosphi = 0, Rel2OnLowCosphi = 0 }
    com_Options                  = { Events = 1, BlockBeforeBoot = 1, Wdt = 0, updSendInIdle = 0, blockLgFull = 0, useTLS = 0, comMaster = 0 }
    com_Endpoint                 = "wss://devices.example.com/ocpp/#SN#"
    com_OCPPID                   = "EcotapTestID"
    com_OCPPInfo                 = { modelname = "ECC-AC", vendorname = "Ecotap", CpSn = "G48229*1" }
    com_ProtCh                   = "GSM"
    com_ProtType                 = "OCPP1.6J"
    eth_cfg                      = { type = "dhcp", ip = "0.0.0.0", netmask = "0.0.0.0", dns = "0.0.0.0", gw = "0.0.0.0" }
    grid_InstallationMaxcurrent  = 250
    grid_InstallationSaveCurrent = 100
    grid_Role                    = "Station_ctrl"
    # gsm_APN = { name = "internet", user = "user", password = env("ECC_APN_CP01") }  # holds a secret: set ECC_APN_CP01 to the password, then uncomment
    gsm_Oper    = 0
    gsm_Options = { noSmsChk = 0, AutoAPN = 0, "3G4G" = 0 }
  }
}
