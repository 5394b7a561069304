// Package sim is a simulated Ecotap controller that behaves as
// shared/spec/controller-protocol.md §1-§5 say, so that ecc can be
// developed, demonstrated and integration-tested without hardware. `ecc
// sim` runs it on a pseudo-terminal or a TCP port.
//
// # Go API
//
// For integration tests in other packages:
//
//	inst, err := sim.StartPTY(sim.Options{StateFile: filepath.Join(t.TempDir(), "state.json")})
//	defer inst.Close()
//	port, err := serial.Open(inst.Path, &serial.Mode{BaudRate: 115200}) // or ecc --port inst.Path
//
//	func StartPTY(opts Options) (*Instance, error)              // unix only; PTYSupported says
//	func StartTCP(addr string, opts Options) (*Instance, error) // addr "127.0.0.1:0" or "tcp://127.0.0.1:0"
//	func (*Instance) StartControl(addr string) (string, error)  // text control interface (ControlHelp)
//	func (*Instance) Close() error                              // power loss, port closed, link removed
//
// Instance.Path is what a host opens ("/dev/pts/N", or "tcp://127.0.0.1:PORT"
// for --port); Instance.Link is the symlink of Options.Link. An Instance
// embeds its *Controller, whose methods are:
//
//	func New(opts Options) (*Controller, error) // unpowered until Start
//	func (*Controller) Start()                  // power on after Options.PowerOnDelay
//	func (*Controller) Serve(rw io.ReadWriter) error
//	func (*Controller) PowerOn()
//	func (*Controller) PowerOff()
//	func (*Controller) PowerCycle()
//	func (*Controller) CablePull(d time.Duration)
//	func (*Controller) SetNoise(p float64)
//	func (*Controller) SetReadOnly(key string, ro bool) error
//	func (*Controller) State() State   // what is in flash: the state file's content
//	func (*Controller) Status() Status // powered, ready, bricked, committing, pending saves
//	func (*Controller) Command(line string) string
//	func (*Controller) ServeControl(l net.Listener) error
//	func (*Controller) Close() error
//	func (*Controller) ConnectOCPP(o OCPPOptions) (*ChargePoint, error) // also an OCPP 1.6J charge point
//	func ReadState(path string) (State, error)
//
// The zero Options are a realistic controller (EVC5.1, serial G48229,
// firmware V32R16, 115200 baud paced, 200 ms to SV CFG(), 3 s commit, 60 s
// com_OCPPID restart, a log line every ~10 s). Any duration set to NoDelay
// is immediate, which is what fast tests want; StateFile "" keeps the
// flash in memory only.
//
// Variants: LineEnding, MaxLine, MaxKeys, Window, Chunk, SplitWrites,
// ExtraFields, Reorder, FractionalUptime, ReplyLatency, SetLatency,
// JSONLogNoise, BannerLines and RawBootNoise make a different controller
// that still conforms to controller-protocol.md (the defaults below are
// one choice among many). Hosts are tested against them
// (transport.TestConformance), so that they rely on nothing the protocol
// does not promise.
//
// # Behaviour
//
//   - Lines: '\n' or "\r\n" accepted, the controller sends "\r\n"
//     (Options.LineEnding); a line over MaxLine (4096) bytes is
//     discarded; a line that is not a valid frame (bad shape, CRC, JSON,
//     or no id from 1 to 2147483647) is ignored without a reply.
//   - Requests are handled one at a time in order. Window (4) requests may
//     wait, counting the one being handled: a request that arrives while 4
//     are received but not yet answered is dropped and "RX OVERFLOW" is
//     logged. The replies to the last 16 ids are remembered and sent again
//     for a repeated id; a reboot forgets them.
//   - Boot (power-on, reset, a com_OCPPID restart, a firmware update):
//     after BootDelay, 0..64 bytes of noise, then a 20-line banner
//     (bootloader, Model, Serial, "Firmware V32R16", ..., a JSON-looking
//     log line) ending in "READY". Nothing is answered before READY.
//   - Keys: the chapter 11 dictionary (model.Dictionary, values from
//     KeyDef.Example or realistic site values), the OCPP 1.6 keys of the
//     profiles it implements (model.OCPPKeys, realistic values, their
//     OCPP access), and factory keys (cal_*, hw_*; hw_BoardRev RO).
//     Options.ReadOnly (or SetReadOnly, control commands read-only KEY and
//     read-write KEY) makes writable keys RO too: reported so in keys, get
//     and GetConfiguration, as a firmware that locks them would. A set
//     is Rejected for RO keys, for dictionary and OCPP values that fail
//     KeyDef.Decode or KeyDef.Check, for an OCPP list longer than the
//     station's <Key>MaxLength, and for chg_StationMaxCurrent above
//     hw_WiringLimit; RebootRequired for KeyDef.Reboot keys; otherwise Accepted. The
//     controller accepts factory and OCPP keys: only the host protects them.
//   - Saving: stored values are in working memory at once; SaveDelay after
//     the reply (and SaveDelay after the previous save) they are written to
//     flash and the state file, and "HH:MM:SS CFG: SV CFG()" is logged: one
//     line per set that stored a value, in order. A reset or power loss
//     before that loses them. A saved change of com_OCPPID restarts the
//     controller OCPPIDRestartDelay later.
//   - Firmware: fw.begin/fw.data/fw.commit/fw.abort as §5 says (chunk 512,
//     2 MiB at most, resume of the same sha256 within one boot, fw_offset
//     with "expected", ChunkWriteDelay a chunk). During a commit set,
//     reset and fw.* answer busy; erase and copy flash progress is logged
//     over CommitDuration, then it reboots into the new version. Power loss
//     meanwhile (PowerOff, PowerCycle, Close, or the process dying) bricks
//     it for good: the state file says "bricked" and it never answers
//     again.
//
// # OCPP 1.6J
//
// ConnectOCPP (ecc sim --ocpp ws://HOST:PORT/ocpp/ID) makes the same
// controller (flash, working memory, keys, firmware rules) a charge point of
// a central system, such as ecc gateway: it connects while the controller
// is powered and booted (subprotocol ocpp1.6; with authorizationKey set,
// HTTP Basic authentication; wss:// trusting OCPPOptions.RootCAs), and
// reconnects after a lost link.
//
//   - BootNotification after each boot (chargeBoxSerialNumber and
//     chargePointSerialNumber the serial, firmwareVersion, chargePointModel
//     the model, chargePointVendor com_OCPPInfo's vendorname), repeated
//     while Pending or Rejected; then StatusNotification per connector and
//     Heartbeat at the interval given.
//   - The central system's calls are checked against the OCPP 1.6 schemas
//     and answered in order: GetConfiguration (every key, or the listed
//     ones; a write-only key without value; more keys than
//     GetConfigurationMaxKeys is a CALLERROR), ChangeConfiguration (judged
//     as the cable's set, the same statuses, saved SaveDelay later),
//     Reset Soft or Hard (pending saves written, then a reboot: the link
//     closes and the next boot connects with a new BootNotification),
//     TriggerMessage (BootNotification, Heartbeat, StatusNotification,
//     FirmwareStatusNotification), UpdateFirmware (download over HTTP(S)
//     with retries, the cable's image rules, commit and reboot into the new
//     version; FirmwareStatusNotification Downloading, Downloaded,
//     Installing, then Installed after the reboot, or DownloadFailed or
//     InstallationFailed); anything else NotImplemented.
//   - Faults: OCPPOptions.ReplyDelay, RejectKeys and DropAfter, and at run
//     time ChargePoint.Drop, SetReplyDelay and Reject (control commands
//     ocpp-drop, ocpp-delay, ocpp-reject, ocpp-accept).
//
// # Faults
//
//   - Noise p: each line, in each direction independently, is damaged with
//     probability p: one random byte flipped (one bit), dropped, or a
//     random byte inserted, or the line's terminator lost so that it runs
//     into the next line. Noise 0.02 damages about 2% of lines.
//   - Throttling: unless NoThrottle, both directions are paced to Baud
//     (10 bits a byte: 11,520 bytes/s at 115200), in pieces, so a line
//     reaches the other side after its line time.
//   - PowerOnDelay, PowerOff/PowerOn/PowerCycle, CablePull (bytes lost both
//     ways, the controller keeps running), and the text commands of
//     ControlHelp.
//
// # State file
//
// JSON (State), written with internal/atomicfile at creation, at every
// SV CFG(), and around a firmware commit. It holds only what is in flash,
// including the write-only authorizationKey as written (it is the
// controller's own memory). Options.Model, Serial and Firmware, when set,
// override the file's.
package sim
