// Package model is ecc's exact picture of an Ecotap controller's
// configuration: the ECClite chapter 11 dictionary with a typed codec per
// key, key classes (which keys a host may ever write), firmware versions and
// image headers, factory-default files, and the site model decoded from HCL
// or YAML with source positions.
//
// It owns what values mean (Canonical, Display, Equal, Sensitive of a
// controller string), the firmware policy (DecideFirmware), and what the
// dictionary tells users: Keys and Describe for `ecc keys` and `ecc
// explain`, SiteSchema for editors.
//
// Everything here is pure: the only I/O is reading site files, factory files
// and firmware images named by them. Diagnostics are hcl.Diagnostics for both
// HCL and YAML so that every error carries FILE:LINE:COL.
package model
