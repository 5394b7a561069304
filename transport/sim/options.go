package sim

import (
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

	// Protocol limits the controller reports in hello.
	MaxLine = 4096
	MaxKeys = 8
	Window  = 4

	// ReplyCache is how many request ids the controller remembers.
	ReplyCache = 16
	// Chunk is the most image bytes one fw.data carries.
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
	// OCPPIDRestartDelay: saving a new com_OCPPID to the controller
	// restarting by itself (default 60 s).
	OCPPIDRestartDelay time.Duration
	// LogNoiseInterval: mean time between unsolicited log lines (OCPP
	// heartbeats and the like; default 10 s; negative: none).
	LogNoiseInterval time.Duration

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
	return o
}
