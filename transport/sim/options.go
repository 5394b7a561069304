package sim

import (
	"fmt"
	"io"
	"time"
)

// NoDelay, given as any duration of Options, makes that step immediate.
const NoDelay time.Duration = -1

// Defaults of a fresh simulated controller.
const (
	DefaultModel    = "EVC5.1"
	DefaultSerial   = "G48229"
	DefaultFirmware = "V32R16"
	DefaultBaud     = 115200

	// Protocol limits the controller reports in hello, unless
	// Options.MaxLine, MaxKeys or Window say otherwise.
	MaxLine = 4096
	MaxKeys = 8
	Window  = 4

	// ReplyCache is how many request ids the controller remembers.
	ReplyCache = 16
	// Chunk is the most image bytes one fw.data carries, unless
	// Options.Chunk says otherwise.
	Chunk = 512
	// MaxImage is the largest firmware image fw.begin accepts.
	MaxImage = 2 << 20
)

// Options configure a simulated controller. The zero value is a realistic
// controller: every zero duration means its default below, and a negative
// one (NoDelay) means no delay at all, which is what unit tests want.
type Options struct {
	// Identity of a controller without a state file, or overriding the
	// state file's when not empty. Defaults: EVC5.1, G48229, V32R16.
	Model, Serial, Firmware string

	// StateFile persists what the controller keeps in flash (values written
	// by SV CFG(), firmware version, model, serial, bricked) as JSON,
	// written atomically. Empty: kept in memory only.
	StateFile string

	// Noise is the probability that a line is damaged on the wire, in each
	// direction independently: one byte flipped, dropped or inserted, or
	// the line's terminator lost (so it merges with the next line).
	Noise float64

	// PowerOnDelay keeps the controller unpowered (input read and ignored,
	// nothing sent) for this long after start, then it boots.
	PowerOnDelay time.Duration

	// Baud sets the line rate (default 115200: 11,520 bytes/s, 10 bits a
	// byte). Both directions are paced to it unless NoThrottle is set.
	Baud       int
	NoThrottle bool

	// BootDelay: power-on or reset to the first noise byte (default 300 ms).
	BootDelay time.Duration
	// BannerLineDelay: between boot banner lines (default 22 ms).
	BannerLineDelay time.Duration
	// SaveDelay: set reply to its SV CFG() line (default 200 ms).
	SaveDelay time.Duration
	// ChunkWriteDelay: writing one fw.data chunk (default 25 ms).
	ChunkWriteDelay time.Duration
	// CommitDuration: the erase and copy flash after fw.commit (default 3 s).
	CommitDuration time.Duration
	// UpgradeResets are values a firmware upgrade writes over the flash
	// (the new firmware's defaults for those keys), as real upgrades
	// sometimes do: a re-plan after the upgrade then finds changes.
	UpgradeResets map[string]string
	// ReadOnly are keys this controller reports read-only although its
	// key set makes them writable, as a firmware or an installer that
	// locked them would: "access":"RO" in the keys reply,
	// "readonly":true in get and GetConfiguration, and a set or
	// ChangeConfiguration Rejected. Hosts must never write them
	// (controller-protocol.md §6). A key the controller does not have, or
	// a write-only one, is refused by New. Controller.SetReadOnly (control
	// commands read-only, read-write) changes it at run time.
	ReadOnly []string
	// OCPPIDRestartDelay: saving a new com_OCPPID to the controller
	// restarting by itself (default 60 s).
	OCPPIDRestartDelay time.Duration
	// LogNoiseInterval: mean time between unsolicited log lines (OCPP
	// heartbeats and the like; default 10 s; negative: none).
	LogNoiseInterval time.Duration

	// The options below make the controller a different, equally
	// spec-conforming implementation (controller-protocol.md): hosts are
	// tested against such variants, so that they rely on nothing the spec
	// does not promise. Their zero values keep the behaviour above.

	// LineEnding terminates every line the controller sends: "\r\n" (the
	// default) or "\n".
	LineEnding string
	// MaxLine, MaxKeys and Window override the package constants: hello
	// reports them, and the line assembler, the get and set batch limits
	// and the request buffer (RX OVERFLOW) follow them. MaxLine must leave
	// room for the controller's longest reply (MinMaxLine).
	MaxLine, MaxKeys, Window int
	// Chunk overrides the constant Chunk: fw.begin reports it and fw.data
	// refuses more.
	Chunk int
	// SplitWrites, if positive, writes every output in random pieces of 1
	// to SplitWrites bytes with small random pauses between some of them,
	// and sometimes merges several queued lines into one write.
	SplitWrites int
	// ExtraFields adds unknown fields (of every JSON type, "x_" names) to
	// every reply, hello included, at the start or the end of the object,
	// and to the entries of keys and get results. Hosts must ignore them.
	ExtraFields bool
	// Reorder lists the entries of keys and get results in a random order
	// (the protocol promises no order).
	Reorder bool
	// FractionalUptime reports hello's uptime with a fraction of a second
	// (the protocol says "seconds since boot", not a whole number).
	FractionalUptime bool
	// ReplyLatency delays every reply but set's, SetLatency set's: the
	// controller takes between 80% and 100% of it to handle the request
	// (the spec's typical bounds are 50 ms and 500 ms). Requests behind it
	// wait in the buffer meanwhile.
	ReplyLatency, SetLatency time.Duration
	// JSONLogNoise adds, to the unsolicited log, lines that look like
	// frames but are log: lines starting with '{', lines holding a
	// well-formed frame with a valid CRC (even one echoing a request id)
	// after some other text, empty lines and non-ASCII text. A controller
	// never starts a log line with '@', so neither does this noise.
	JSONLogNoise bool
	// BannerLines is the length of the boot banner (default 20, at least
	// 3): "about 20" lines, one "Firmware VxRy", the last "READY". Other
	// lengths drop or add ordinary lines and move the Firmware line.
	BannerLines int
	// RawBootNoise leaves the 0 to 64 bytes of line noise at boot without
	// a terminator of their own, so that they run into the first banner
	// line.
	RawBootNoise bool

	// Seed makes noise and timing reproducible; 0 picks a random seed.
	Seed uint64

	// Trace, if set, receives every line the controller receives ("> ")
	// and sends ("< "), as on the line (after noise).
	Trace io.Writer
	// Logf, if set, receives the simulator's own events (power, cable,
	// brick, state file errors).
	Logf func(format string, args ...any)

	// Link, for StartPTY: a symlink to the device, replaced if it exists
	// and removed by Close.
	Link string
}

func dur(d, def time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return def
	}
	return d
}

// withDefaults resolves every default.
func (o Options) withDefaults() Options {
	o.BootDelay = dur(o.BootDelay, 300*time.Millisecond)
	o.BannerLineDelay = dur(o.BannerLineDelay, 22*time.Millisecond)
	o.SaveDelay = dur(o.SaveDelay, 200*time.Millisecond)
	o.ChunkWriteDelay = dur(o.ChunkWriteDelay, 25*time.Millisecond)
	o.CommitDuration = dur(o.CommitDuration, 3*time.Second)
	o.OCPPIDRestartDelay = dur(o.OCPPIDRestartDelay, 60*time.Second)
	if o.LogNoiseInterval == 0 {
		o.LogNoiseInterval = 10 * time.Second
	}
	o.PowerOnDelay = max(o.PowerOnDelay, 0)
	if o.Baud <= 0 {
		o.Baud = DefaultBaud
	}
	if o.LineEnding == "" {
		o.LineEnding = "\r\n"
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxLine, MaxLine)
	def(&o.MaxKeys, MaxKeys)
	def(&o.Window, Window)
	def(&o.Chunk, Chunk)
	def(&o.BannerLines, defaultBannerLines)
	o.ReplyLatency = max(o.ReplyLatency, 0)
	o.SetLatency = max(o.SetLatency, 0)
	return o
}

// defaultBannerLines is the length of the default boot banner.
const defaultBannerLines = 20

// MinMaxLine is the smallest Options.MaxLine a controller accepts: room
// for the keys reply and a get reply of maxKeys values of 256 bytes.
func MinMaxLine(maxKeys int) int {
	return max(4000, maxKeys*(256+64)+256)
}

// check refuses options that no conforming controller could have.
func (o Options) check() error {
	switch {
	case o.LineEnding != "\r\n" && o.LineEnding != "\n":
		return fmt.Errorf("sim: line ending %q: want \"\\r\\n\" or \"\\n\"", o.LineEnding)
	case o.MaxLine < MinMaxLine(o.MaxKeys):
		return fmt.Errorf("sim: maxLine %d is too short for the replies of maxKeys %d: want at least %d", o.MaxLine, o.MaxKeys, MinMaxLine(o.MaxKeys))
	case o.Chunk > MaxImage:
		return fmt.Errorf("sim: chunk %d: at most %d", o.Chunk, MaxImage)
	case o.BannerLines < 3:
		return fmt.Errorf("sim: banner of %d lines: want at least 3", o.BannerLines)
	}
	return nil
}
