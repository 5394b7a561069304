# north takes south's defaults: south.yaml is read as data, and is still a
# site file of the run (its stations and its error are not lost).
locals {
  south = yamldecode(file("south.yaml"))
}

defaults {
  settings {
    chg_MinChargingCurrent = local.south.defaults.settings.chg_MinChargingCurrent
  }
}

station "n1" {
  serial = "N1"
}
