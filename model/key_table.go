package model

// keyEntry is one row of the dictionary: its definition and its codec.
type keyEntry struct {
	def   KeyDef
	codec codec
}

// Current limits. The guide gives 0..63 for chg_MinChargingCurrent only; for
// chg_RatedCurrent and chg_StationMaxCurrent it gives none. We use the same
// 0..63 A: no Ecotap controller channel is rated above 63 A per phase (the
// hardware's own ceiling, shared by the minimum), and a typo such as 250 for
// 25 must not reach a station.
const maxChannelCurrent = 63

// dictionary is chapter 11 in the guide's order.
var dictionary = []keyEntry{
	{KeyDef{Name: "authorizationKey", Access: WO, Class: WriteOnly, Reboot: true,
		Summary: "Basic Authentication key user:password for the secure WebSocket (needs com_Options useTLS=1); write-only",
		Example: ""}, secretCodec{}},
	{KeyDef{Name: "chg_Debug", Access: RW, Class: Editable, Partial: true,
		Summary: "Debug logging options, each a bitmask of levels (table 1)",
		Example: "warn=1,error=1,date=1,syslog=0,gsm=1,events=1,com=0,ocpp=0,eth=0,grid=0,ctrl=3,general=3,sensors=0,fw=0,modbus=0,canbus=0,sys=0"},
		optionsCodec{debugSpec}},
	{KeyDef{Name: "chg_KWH1", Access: RW, Class: Editable,
		Summary: "Energy meter of channel 1: type,address,baud|pulses,parity,stop",
		Example: "EASTR_SDM72D,1,9600,N,1"}, fieldsCodec{meterSpec}},
	{KeyDef{Name: "chg_KWH2", Access: RW, Class: Editable,
		Summary: "Energy meter of channel 2: type,address,baud|pulses,parity,stop",
		Example: "EASTR_SDM72D,2,9600,N,1"}, fieldsCodec{meterSpec}},
	{KeyDef{Name: "chg_KWH3", Access: RW, Class: Editable,
		Summary: "Utility meter: type,address,baud|pulses,parity,stop",
		Example: "EASTR_SDM72D,3,9600,N,1"}, fieldsCodec{meterSpec}},
	{KeyDef{Name: "chg_Reader1", Access: RW, Class: Editable,
		Summary: "Token reader 1: type,channel (table 5; channel CH1, CH2 or any)",
		Example: "sl032,CH1"}, fieldsCodec{readerSpec}},
	{KeyDef{Name: "chg_Reader2", Access: RW, Class: Editable,
		Summary: "Token reader 2: type,channel (table 5; channel CH1, CH2 or any)",
		Example: "sl032,CH2"}, fieldsCodec{readerSpec}},
	{KeyDef{Name: "chg_MinChargingCurrent", Access: RW, Class: Editable,
		Summary: "Minimal current allowed to charge an EV, per phase, in amps (0..63)",
		Example: "6"}, intCodec{0, maxChannelCurrent}},
	{KeyDef{Name: "chg_RatedCurrent", Access: RW, Class: Editable,
		Summary: "Rated current of each channel in amps, as the wiring allows",
		Example: "16,16"}, intListCodec{0, maxChannelCurrent, 2}},
	{KeyDef{Name: "chg_StationMaxCurrent", Access: RW, Class: Editable,
		Summary: "Maximum current the station may consume in total per phase, in amps",
		Example: "25"}, intCodec{0, maxChannelCurrent}},
	{KeyDef{Name: "chg_Ch1Options", Access: RW, Class: Editable, Partial: true,
		Summary: "Charger options of channel 1, each 0 or 1 (table 6)",
		Example: "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0"},
		optionsCodec{chOptSpec}},
	{KeyDef{Name: "chg_Ch2Options", Access: RW, Class: Editable, Partial: true,
		Summary: "Charger options of channel 2, each 0 or 1 (table 6)",
		Example: "PlugAndCharge=0,OvercurrentSens=0,StopOnChargeComplete=0,OfflineStopOnDisconnect=0,StopOnLowCosphi=0,Rel2OnLowCosphi=0"},
		optionsCodec{chOptSpec}},
	{KeyDef{Name: "com_Options", Access: RW, Class: Editable, Reboot: true, Partial: true,
		Summary: "Communication options, each 0 or 1 (table 7)",
		Example: "Events=1,BlockBeforeBoot=1,Wdt=0,updSendInIdle=0,blockLgFull=0,useTLS=0,comMaster=0"},
		optionsCodec{comOptSpec}},
	{KeyDef{Name: "com_Endpoint", Access: RW, Class: Editable, Reboot: true,
		Summary: "Endpoint URL of the central system; #SN# and #OSN# are replaced by the serial number and the OCPP ID",
		Example: "ws.evc.net:80/#SN#"}, endpointText},
	{KeyDef{Name: "com_OCPPID", Access: RW, Class: Editable, Reboot: true,
		Summary: "OCPP identification (at most 25 characters); the charger restarts 60 s after a change",
		Example: "EcotapTestID"}, ocppIDText},
	{KeyDef{Name: "com_OCPPInfo", Access: RW, Class: Editable, Partial: true,
		Summary: "Additional OCPP vendor information: modelname, vendorname, CpSn (table 3)",
		Example: "modelname=ECC-AC,vendorname=Ecotap,CpSn=G48229*1"}, optionsCodec{infoSpec}},
	{KeyDef{Name: "com_ProtCh", Access: RW, Class: Editable, Reboot: true,
		Summary: "Communication channel to the central system: GSM or ETH",
		Example: "GSM"}, enumText("GSM", "ETH")},
	{KeyDef{Name: "com_ProtType", Access: RW, Class: Editable, Reboot: true,
		Summary: "Communication protocol to the central system (table 2)",
		Example: "OCPP1.6J"}, enumText("LMS", "OCPP1.5J", "OCPP1.6J", "Clear")},
	{KeyDef{Name: "eth_cfg", Access: RW, Class: Editable, Reboot: true, Partial: true,
		Summary: "Ethernet interface: type (dhcp or static), ip, netmask, dns, gw",
		Example: "type=dhcp,ip=0.0.0.0,netmask=0.0.0.0,dns=0.0.0.0,gw=0.0.0.0"}, optionsCodec{ethSpec}},
	{KeyDef{Name: "grid_InstallationMaxcurrent", Access: RW, Class: Editable,
		Summary: "Maximum current of a master/slave grid per phase, in amps (0..9999)",
		Example: "250"}, intCodec{0, 9999}},
	{KeyDef{Name: "grid_InstallationSaveCurrent", Access: RW, Class: Editable,
		Summary: "Grid current per phase when the master loses its supervisor, in amps (0..9999)",
		Example: "100"}, intCodec{0, 9999}},
	{KeyDef{Name: "grid_Role", Access: RW, Class: Editable,
		Summary: "Operation mode in a local power grid (table 4)",
		Example: "Station_ctrl"}, enumText("No_ctrl", "Station_ctrl", "Slave", "Master")},
	{KeyDef{Name: "gsm_APN", Access: RW, Class: Editable, Reboot: true,
		Summary: "GSM APN: name,user,password (39, 24 and 24 characters at most)",
		Example: "m2mservices,,"}, fieldsCodec{apnSpec}},
	{KeyDef{Name: "gsm_Oper", Access: RW, Class: Editable, Reboot: true,
		Summary: "Preferred mobile operator: 0 for automatic, or LLLXX (country and provider code)",
		Example: "0"}, operText},
	{KeyDef{Name: "gsm_Options", Access: RW, Class: Editable, Reboot: true, Partial: true,
		Summary: "GSM options, each 0 or 1: noSmsChk, AutoAPN, 3G4G",
		Example: "noSmsChk=0,AutoAPN=0,3G4G=0"}, optionsCodec{gsmOptSpec}},
	{KeyDef{Name: "gsm_SigQ", Access: RO, Class: ReadOnly,
		Summary: "GSM signal quality 0..99 (above 8 for a valid connection; 99 = unknown)",
		Example: "15"}, intCodec{0, 99}},
}

// byName indexes the dictionary.
var byName = index(dictionary)

// index maps the names of a table (the dictionary, the OCPP keys) to their
// rows.
func index(table []keyEntry) map[string]*keyEntry {
	m := make(map[string]*keyEntry, len(table))
	for i := range table {
		m[table[i].def.Name] = &table[i]
	}
	return m
}

// defs copies a table's definitions, in its order: callers cannot change
// the table.
func defs(table []keyEntry) []*KeyDef {
	out := make([]*KeyDef, len(table))
	for i := range table {
		d := table[i].def
		out[i] = &d
	}
	return out
}

// names lists a table's key names in its order.
func names(table []keyEntry) []string {
	out := make([]string, len(table))
	for i := range table {
		out[i] = table[i].def.Name
	}
	return out
}

// sharedDef is the dictionary's own definition of name, not a copy: for
// the loaders, which look up every key of every station and only read
// the definition (Lookup copies, so that callers cannot change the
// table).
func sharedDef(name string) (*KeyDef, bool) {
	e, ok := byName[name]
	if !ok {
		return nil, false
	}
	return &e.def, true
}

// lookup copies the definition of name from an index.
func lookup(idx map[string]*keyEntry, name string) (*KeyDef, bool) {
	e, ok := idx[name]
	if !ok {
		return nil, false
	}
	d := e.def
	return &d, true
}

// entry finds a key ecc can type: a dictionary key or an OCPP standard key.
func entry(name string) (*keyEntry, bool) {
	if e, ok := byName[name]; ok {
		return e, true
	}
	e, ok := ocppByName[name]
	return e, ok
}

// codecFor finds a key's codec by name, so that a KeyDef built elsewhere
// still works. An unknown key holds its value as an opaque string.
func codecFor(k *KeyDef) codec {
	if e, ok := entry(k.Name); ok {
		return e.codec
	}
	return textCodec{}
}
