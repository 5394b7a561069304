package sim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/transport"
)

// keySpec is one configuration key the simulated controller has.
type keySpec struct {
	name string
	// access is what the controller reports: declared, or RO for a key
	// Options.ReadOnly or SetReadOnly locked (Controller.mu guards it).
	access, declared model.Access
	// def is the dictionary or OCPP definition (nil for factory keys).
	def *model.KeyDef
	// value is the factory default of a fresh controller.
	value string
	// reboot: a set answers RebootRequired instead of Accepted.
	reboot bool
}

// Factory and hardware keys the controller has beyond the dictionary and
// OCPP. ecc must never write them (controller-protocol.md §6), but the
// controller itself accepts writes to the RW ones.
var factoryKeys = []struct {
	name   string
	access model.Access
	value  string
}{
	{"cal_VoltageGainL1", model.RW, "1.0031"},
	{"cal_CurrentGainL1", model.RW, "0.9978"},
	{"hw_RelayMap", model.RW, "R1=CH1,R2=CH2"},
	{"hw_WiringLimit", model.RW, "32"},
	{"hw_BoardRev", model.RO, "C2"},
}

// wiringLimitKey holds the current the station's wiring allows; a set of
// chg_StationMaxCurrent above it is Rejected.
const wiringLimitKey = "hw_WiringLimit"

// ocppValues are realistic values of the OCPP 1.6 keys an Ecotap controller
// implements (Core, Local Auth List Management, Reservation, Smart Charging,
// Firmware Management). model.OCPPStandardKeys also lists the security
// whitepaper's and ISO 15118's keys; this firmware does not implement those
// profiles, which also keeps the keys reply within maxLine.
var ocppValues = map[string]string{
	"AllowOfflineTxForUnknownId":              "false",
	"AuthorizationCacheEnabled":               "true",
	"AuthorizeRemoteTxRequests":               "false",
	"BlinkRepeat":                             "0",
	"ClockAlignedDataInterval":                "900",
	"ConnectionTimeOut":                       "60",
	"ConnectorPhaseRotation":                  "0.RST,1.RST,2.RST",
	"ConnectorPhaseRotationMaxLength":         "3",
	"GetConfigurationMaxKeys":                 "8",
	"HeartbeatInterval":                       "300",
	"LightIntensity":                          "100",
	"LocalAuthorizeOffline":                   "true",
	"LocalPreAuthorize":                       "false",
	"MaxEnergyOnInvalidId":                    "0",
	"MeterValuesAlignedData":                  "Energy.Active.Import.Register",
	"MeterValuesAlignedDataMaxLength":         "4",
	"MeterValuesSampledData":                  "Energy.Active.Import.Register,Current.Import,Voltage",
	"MeterValuesSampledDataMaxLength":         "6",
	"MeterValueSampleInterval":                "60",
	"MinimumStatusDuration":                   "0",
	"NumberOfConnectors":                      "2",
	"ResetRetries":                            "3",
	"StopTransactionOnEVSideDisconnect":       "true",
	"StopTransactionOnInvalidId":              "true",
	"StopTxnAlignedData":                      "Energy.Active.Import.Register",
	"StopTxnAlignedDataMaxLength":             "4",
	"StopTxnSampledData":                      "Energy.Active.Import.Register",
	"StopTxnSampledDataMaxLength":             "4",
	"SupportedFeatureProfiles":                "Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger",
	"SupportedFeatureProfilesMaxLength":       "6",
	"TransactionMessageAttempts":              "3",
	"TransactionMessageRetryInterval":         "60",
	"UnlockConnectorOnEVSideDisconnect":       "true",
	"WebSocketPingInterval":                   "60",
	"LocalAuthListEnabled":                    "true",
	"LocalAuthListMaxLength":                  "1000",
	"SendLocalListMaxLength":                  "100",
	"ReserveConnectorZeroSupported":           "false",
	"ChargeProfileMaxStackLevel":              "10",
	"ChargingScheduleAllowedChargingRateUnit": "Current",
	"ChargingScheduleMaxPeriods":              "24",
	"ConnectorSwitch3to1PhaseSupported":       "false",
	"MaxChargingProfilesInstalled":            "10",
	"SupportedFileTransferProtocols":          "FTP,HTTP,HTTPS",
}

// siteValues are the values of a fresh simulated controller where they
// differ from the dictionary's examples: a public charger on GSM whose
// utility meter sits on Modbus address 3, and whose OCPP info carries its
// own serial number.
func siteValues(serial string) map[string]string {
	return map[string]string{
		"chg_StationMaxCurrent": "32",
		"com_OCPPID":            "ECO-" + serial,
		"com_Endpoint":          "wss.ocpp.example.net:443/ocpp/#SN#",
		"com_OCPPInfo":          "modelname=ECC-AC,vendorname=Ecotap,CpSn=" + serial + "*1",
		"gsm_APN":               "m2mservices,,",
		"chg_Debug":             "warn=1,error=1,date=1,syslog=0,gsm=1,events=1,com=0,ocpp=1,eth=0,grid=0,ctrl=1,general=1,sensors=0,fw=1,modbus=0,canbus=0,sys=0",
	}
}

// keySet builds every key of the simulated controller in the order the
// keys reply lists them: the chapter 11 dictionary (model.Dictionary), the
// OCPP standard keys it implements (model.OCPPKeys), then factory
// keys. It is the single place that knows where the key set comes from.
func keySet(serial string) []keySpec {
	site := siteValues(serial)
	var ks []keySpec
	for _, d := range model.Dictionary() {
		v := d.Example
		if s, ok := site[d.Name]; ok {
			v = s
		}
		ks = append(ks, keySpec{name: d.Name, access: d.Access, declared: d.Access, def: d, value: v, reboot: d.Reboot})
	}
	for _, d := range model.OCPPKeys() {
		v, ok := ocppValues[d.Name]
		if !ok {
			continue // a profile this firmware does not implement
		}
		// Typed like the dictionary: the controller rejects a value OCPP
		// says it cannot hold, and a read-only key.
		ks = append(ks, keySpec{name: d.Name, access: d.Access, declared: d.Access, def: d, value: v})
	}
	for _, f := range factoryKeys {
		ks = append(ks, keySpec{name: f.name, access: f.access, declared: f.access, value: f.value})
	}
	return ks
}

// SetReadOnly makes the controller report key read-only (ro) or as its
// key set declares it again: RO in the keys reply, "readonly":true in get
// and GetConfiguration, and a set Rejected (Options.ReadOnly at run
// time). A key the controller does not have, and a write-only key (whose
// value a read-only key would show), are refused.
func (c *Controller) SetReadOnly(key string, ro bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setReadOnlyLocked(key, ro)
}

func (c *Controller) setReadOnlyLocked(key string, ro bool) error {
	k := c.lookup(key)
	switch {
	case k == nil:
		return fmt.Errorf("sim: read-only: the controller has no key %q", key)
	case k.declared == model.WO:
		return fmt.Errorf("sim: read-only: %s is write-only", key)
	case ro:
		k.access = model.RO
	default:
		k.access = k.declared
	}
	c.logf("%s reported %s", key, k.access)
	return nil
}

// judge decides a set's status for one key, given the working memory.
func judge(k *keySpec, value string, work map[string]string) transport.Status {
	switch {
	case k == nil:
		return transport.NotSupported
	case k.access == model.RO:
		return transport.Rejected
	case len(value) > 256 || strings.ContainsAny(value, "\r\n"):
		return transport.Rejected
	}
	if k.def != nil {
		v, err := k.def.Decode(value)
		if err != nil {
			return transport.Rejected
		}
		if err := k.def.Check(v); err != nil {
			return transport.Rejected
		}
		// An OCPP list longer than the station's <Key>MaxLength.
		if m := model.MaxLengthKey(k.name); m != "" {
			n, _ := model.ListLen(v)
			if limit, err := strconv.Atoi(work[m]); err == nil && n > limit {
				return transport.Rejected
			}
		}
	}
	if k.name == "chg_StationMaxCurrent" {
		limit, err1 := strconv.Atoi(work[wiringLimitKey])
		n, err2 := strconv.Atoi(strings.TrimSpace(value))
		if err1 == nil && (err2 != nil || n > limit) {
			return transport.Rejected
		}
	}
	if k.reboot {
		return transport.RebootRequired
	}
	return transport.Accepted
}

// version is a firmware version V<major>R<release>.
type version struct{ major, release int }

func parseVersion(s string) (version, error) {
	var v version
	rest, ok := strings.CutPrefix(s, "V")
	maj, rel, ok2 := strings.Cut(rest, "R")
	if !ok || !ok2 {
		return v, fmt.Errorf("version %q: want V<number>R<number>", s)
	}
	var err1, err2 error
	v.major, err1 = strconv.Atoi(maj)
	v.release, err2 = strconv.Atoi(rel)
	if err1 != nil || err2 != nil || v.major < 0 || v.release < 0 || maj[0] == '+' || rel[0] == '+' {
		return v, fmt.Errorf("version %q: want V<number>R<number>", s)
	}
	return v, nil
}

func (v version) String() string { return fmt.Sprintf("V%dR%d", v.major, v.release) }

func (v version) less(o version) bool {
	return v.major < o.major || v.major == o.major && v.release < o.release
}

// fwHeader is the first line of a firmware image:
// "ECCFW/1 version=V32R17 models=EVC4,EVC5,ECC".
type fwHeader struct {
	version version
	models  []string
}

// parseHeader reads an image's header line (at most 128 bytes with its \n).
func parseHeader(image []byte) (fwHeader, error) {
	var h fwHeader
	n := min(len(image), 128)
	i := strings.IndexByte(string(image[:n]), '\n')
	if i < 0 {
		return h, fmt.Errorf("no header line in the first 128 bytes")
	}
	fields := strings.Fields(strings.TrimSuffix(string(image[:i]), "\r"))
	if len(fields) == 0 || fields[0] != "ECCFW/1" {
		return h, fmt.Errorf("header does not start with ECCFW/1")
	}
	var haveVersion bool
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "version":
			var err error
			if h.version, err = parseVersion(v); err != nil {
				return h, err
			}
			haveVersion = true
		case "models":
			for _, m := range strings.Split(v, ",") {
				if m != "" {
					h.models = append(h.models, m)
				}
			}
		}
	}
	if !haveVersion || len(h.models) == 0 {
		return h, fmt.Errorf("header lacks version= or models=")
	}
	return h, nil
}

// family is a model's text before its first '.': "EVC5.1" -> "EVC5".
func family(m string) string {
	f, _, _ := strings.Cut(m, ".")
	return f
}
