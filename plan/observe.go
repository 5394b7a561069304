package plan

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
	"github.com/ecotap-tools/ecc/transport"
)

// Observation is what a plan knows of one controller: read just now, or
// taken from the last snapshot (--offline).
type Observation struct {
	Identity     transport.Identity
	At           time.Time
	Values       map[string]string // every key read, as the controller reported it (raw)
	WriteOnly    []string          // keys reported writeonly
	Unknown      []string          // keys in unknownKey
	FromSnapshot bool
	Hashes       map[string]string // fingerprints of sensitive values (from state, record.State.Hash)
	// Channel is how the controller was read (for a snapshot, how it was
	// read when taken); zero is the service cable's.
	Channel model.Channel
	// ReadOnly are the keys of a class ecc may write over Channel that
	// the controller reported read-only ("readonly": true), sorted: never
	// written (controller-protocol.md §6), so a plan that sets one is
	// blocked, and a change of them makes a saved plan stale
	// (Fingerprint).
	ReadOnly []string
}

// overOCPP reports whether the observation came over OCPP, the only
// channel that may write the `ocpp` block's keys.
func (o *Observation) overOCPP() bool { return o.Channel == model.ChannelOCPP }

// unknown reports whether the controller said it does not have key (a
// handful at most, usually none: no set is built for them).
func (o *Observation) unknown(key string) bool { return slices.Contains(o.Unknown, key) }

// readOnly reports whether the controller reported key read-only (none,
// usually).
func (o *Observation) readOnly(key string) bool { return slices.Contains(o.ReadOnly, key) }

// ReadOnlyChanges lists the keys of st's changes that o's controller
// reports read-only: apply refuses the station before any write when
// there is one (a saved plan, or a plan approved before the controller
// locked them).
func (st *Station) ReadOnlyChanges(o *Observation) []string {
	var keys []string
	for _, c := range st.Changes {
		if o.readOnly(c.Key) {
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// ReadKeys is what a plan reads: every editable and write-only dictionary
// key, in dictionary order.
func ReadKeys() []string {
	var keys []string
	for _, k := range model.Dictionary() {
		if k.Class == model.Editable || k.Class == model.WriteOnly {
			keys = append(keys, k.Name)
		}
	}
	return keys
}

// ReadKeysOn is what a plan reads over channel ch: ReadKeys(), and over
// OCPP also every OCPP standard key a site file's `ocpp` block may set,
// with the read-only maximum lengths of its lists. Over the cable it also
// reads the ocpp block of s (nil: none): the cable never writes those
// keys, but the plan can then tell which of them the station holds
// already (a handful of keys, not the whole OCPP table, which would more
// than double a plan's time on the line).
func ReadKeysOn(ch model.Channel, s *model.Station) []string {
	keys := ReadKeys()
	if ch != model.ChannelOCPP {
		if s != nil {
			for _, set := range s.OCPP {
				keys = append(keys, set.Key)
			}
		}
		return keys
	}
	for _, k := range model.OCPPKeys() {
		if k.Class.WritableOn(ch) && k.Access == model.RW {
			keys = append(keys, k.Name)
			if m := model.MaxLengthKey(k.Name); m != "" {
				keys = append(keys, m) // bounds the list (computeOCPP)
			}
		}
	}
	return keys
}

// Observe reads a connected controller: one hello, then pipelined gets of
// ReadKeysOn(its channel); nothing more.
func Observe(ctx context.Context, c transport.Controller) (*Observation, error) {
	return ObserveStation(ctx, c, nil)
}

// ObserveStation is Observe of the controller of station s, whose ocpp
// block is read over the cable too (ReadKeysOn).
func ObserveStation(ctx context.Context, c transport.Controller, s *model.Station) (*Observation, error) {
	id, err := c.Hello(ctx)
	if err != nil {
		return nil, err
	}
	return observeAfterHello(ctx, c, id, s)
}

// observeAfterHello reads ReadKeysOn(its channel, s) from a controller
// whose hello has already been answered (Build picks the station from the
// hello first).
func observeAfterHello(ctx context.Context, c transport.Controller, id transport.Identity, s *model.Station) (*Observation, error) {
	readings, unknown, err := c.Get(ctx, ReadKeysOn(c.Channel(), s))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", id.Serial, err)
	}
	o := &Observation{
		Channel:  c.Channel(),
		Identity: id,
		At:       time.Now().UTC(),
		Values:   make(map[string]string, len(readings)),
		Unknown:  slices.Clone(unknown),
	}
	for _, r := range readings {
		if r.ReadOnly && model.Classify(r.Key).WritableOn(o.Channel) {
			o.ReadOnly = append(o.ReadOnly, r.Key)
		}
		if r.WriteOnly {
			o.WriteOnly = append(o.WriteOnly, r.Key)
			continue
		}
		o.Values[r.Key] = r.Value
	}
	slices.Sort(o.ReadOnly)
	return o, nil
}

// FromSnapshot turns a stored snapshot into an Observation. Sensitive
// values are in Display form there; their hashes stand for them. The
// observation takes over the snapshot's maps and slices (an offline plan
// of 100,000 stations copied each for nothing): the caller no longer
// changes s.
func FromSnapshot(s *record.Snapshot) *Observation {
	return &Observation{
		Identity: transport.Identity{
			Model:    s.Model,
			Serial:   s.Serial,
			Firmware: s.Firmware,
		},
		At:           s.ObservedAt,
		Values:       nonNil(s.Values),
		WriteOnly:    s.WriteOnly,
		Unknown:      s.Unknown,
		ReadOnly:     s.ReadOnly,
		FromSnapshot: true,
		Hashes:       nonNil(s.Hashes),
		Channel:      snapshotChannel(s),
	}
}

// snapshotChannel is the channel a snapshot was read over: an offline
// plan of a station last read over OCPP plans its ocpp block too.
func snapshotChannel(s *record.Snapshot) model.Channel {
	if s.Channel == model.ChannelOCPP.String() {
		return model.ChannelOCPP
	}
	return model.ChannelSerial
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// observed is one key's current value as a plan sees it.
type observed struct {
	raw   string      // as reported (or as stored in a snapshot)
	value model.Value // decoded; nil when it does not decode or is redacted
	canon string      // value.Canonical()
	// forRules is value for the cross-key rules, line its fingerprint's
	// line or "" (decodedValue's).
	forRules model.Value
	line     string
	err      error // why it does not decode
	// hash is the fingerprint standing for a sensitive value; redacted
	// means raw is the Display form of a snapshot, not the value.
	hash     string
	redacted bool
}

// current returns an observation's value of a readable key.
func (o *Observation) current(kd *model.KeyDef, st *record.State) (observed, bool) {
	raw, ok := o.Values[kd.Name]
	if !ok {
		return observed{}, false
	}
	var cache *decodeCache
	if i, ok := keyIndex[kd.Name]; ok {
		cache = &decoded[i]
	}
	cur := observed{raw: raw}
	o.decode(kd, cache, &cur, st)
	return cur, true
}

// decode completes cur, whose raw is the observation's value of kd, with
// what it is to a plan; cache is kd's decodeCache (nil: none). It fills
// cur in place: copies of it were a tenth of a comparison.
func (o *Observation) decode(kd *model.KeyDef, cache *decodeCache, cur *observed, st *record.State) {
	if o.FromSnapshot && o.Hashes[kd.Name] != "" {
		// Stored redacted: only the hash knows the secret part.
		cur.hash, cur.redacted = o.Hashes[kd.Name], true
		return
	}
	d, err := decodeShared(kd, cache, cur.raw)
	if err != nil {
		cur.err = err
		return
	}
	cur.value, cur.canon, cur.forRules, cur.line = d.v, d.canon, d.forRules, d.line
	if d.v.Sensitive() && st != nil {
		cur.hash = st.HashFor(o.Identity.Serial, kd.Name, d.canon)
	}
}

// decoded caches what controller strings decode to. A fleet's controllers
// hold mostly the same values (the same options, endpoint, meter), and an
// offline plan of 100,000 stations would otherwise decode each of them
// 100,000 times. Values are immutable; sensitive ones are never kept. One
// cache per key (by keyIndex), keyed by the raw string: a sync.Map keyed
// by a struct of both hashed through reflection and was a tenth of such a
// plan.
var decoded = make([]decodeCache, len(keys))

// decodeCache is one key's: at most maxDecoded values (a few more when
// comparisons store at once). A key whose values differ per station
// (com_OCPPID) would otherwise hold one entry per station, never used
// again, for the whole plan.
type decodeCache struct {
	m sync.Map // raw -> decodedValue
	n atomic.Int32
}

const maxDecoded = 256

// decodedValue is what a controller string decodes to: its value, the
// value's canonical form, and the value as the cross-key rules see it.
type decodedValue struct {
	v        model.Value
	canon    string
	forRules model.Value
	// line is the value's line in a Fingerprint, when cached (quoting it
	// for every station was a twentieth of a comparison).
	line string
}

// decodeShared is kd.Decode(raw), through kd's cache (nil: none).
func decodeShared(kd *model.KeyDef, cache *decodeCache, raw string) (decodedValue, error) {
	if cache != nil {
		if d, ok := cache.m.Load(raw); ok {
			return d.(decodedValue), nil
		}
	}
	v, err := kd.Decode(raw)
	if err != nil {
		return decodedValue{}, err
	}
	d := decodedValue{v: v, canon: v.Canonical(), forRules: v}
	if cache != nil && !v.Sensitive() && cache.n.Load() < maxDecoded {
		d.forRules = canonical{v, d.canon}
		d.line = string(append(appendQuote(append([]byte(kd.Name), '='), d.canon), '\n'))
		if _, loaded := cache.m.LoadOrStore(raw, d); !loaded {
			cache.n.Add(1)
		}
	}
	return d, nil
}

// canonical is a value with its canonical form at hand. The cross-key
// rules take the canonical form of the controller's values for every
// station: an eth_cfg shared by a fleet was formatted once per station.
type canonical struct {
	model.Value
	canon string
}

func (c canonical) Canonical() string { return c.canon }

// text is model.Canonical of the current value: its canonical form, or
// the text of a value that does not decode, trimmed (decoded once).
func (c *observed) text() string {
	if c.value != nil {
		return c.canon
	}
	return strings.TrimSpace(c.raw)
}

// sensitive reports whether the current value holds a secret.
func (c observed) sensitive() bool {
	return c.hash != "" || (c.value != nil && c.value.Sensitive())
}

// Fingerprint summarises an observation (model, serial, firmware, every
// editable value, secrets by hash only; the keys reported unknown and
// read-only) as "sha256:<hex>". A live read and the snapshot taken from
// it have the same fingerprint, so apply can refuse a saved plan whose
// controller changed since it was planned.
func Fingerprint(o *Observation, st *record.State) string {
	v := valuesOf(o, st)
	defer v.release()
	return v.fingerprint()
}

// appendQuote is strconv.AppendQuote, byte for byte, with a shortcut for
// the common case: text of printable ASCII without quotes or backslashes
// is quoted as it is. Quoting was a third of Fingerprint in an offline
// plan of 100,000 stations.
func appendQuote(buf []byte, text string) []byte {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(buf, text)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, text...)
	return append(buf, '"')
}

// SnapshotOf records an observation as a snapshot: canonical values,
// sensitive ones redacted with Display and hashed in Hashes; the hashes of
// write-only keys (which cannot be read) are kept from the previous
// snapshot of the same controller.
func SnapshotOf(o *Observation, prev *record.Snapshot, st *record.State) *record.Snapshot {
	s := &record.Snapshot{
		Serial:     o.Identity.Serial,
		Model:      o.Identity.Model,
		Firmware:   o.Identity.Firmware,
		ObservedAt: o.At.UTC(),
		Values:     make(map[string]string, len(o.Values)),
		Hashes:     map[string]string{},
		WriteOnly:  slices.Clone(o.WriteOnly),
		Unknown:    slices.Clone(o.Unknown),
		ReadOnly:   slices.Clone(o.ReadOnly),
	}
	if o.overOCPP() {
		s.Channel = model.ChannelOCPP.String()
	}
	for k, raw := range o.Values {
		kd, ok := def(k)
		if !ok {
			s.Values[k] = raw
			continue
		}
		cur, _ := o.current(kd, st)
		switch {
		case cur.redacted:
			s.Values[k] = cur.raw
			s.Hashes[k] = cur.hash
		case cur.sensitive():
			s.Values[k] = model.Display(k, cur.raw)
			if cur.hash != "" {
				s.Hashes[k] = cur.hash
			}
		default:
			s.Values[k] = model.Canonical(k, cur.raw)
		}
	}
	keepWO := func(from map[string]string) {
		for k, h := range from {
			if model.Classify(k) == model.WriteOnly && h != "" {
				s.Hashes[k] = h
			}
		}
	}
	if prev != nil && prev.Serial == s.Serial {
		keepWO(prev.Hashes)
	}
	keepWO(o.Hashes) // the observation's own (newer) knowledge wins
	if len(s.Hashes) == 0 {
		s.Hashes = nil
	}
	return s
}

// Answered wraps a controller that has just answered hello (a connect
// that polled hello until the controller was powered): its next Hello
// returns that identity without asking again, so a plan costs one hello
// on the line. Later Hellos go to the controller.
func Answered(c transport.Controller, id transport.Identity) transport.Controller {
	return &answered{Controller: c, id: id}
}

type answered struct {
	transport.Controller
	mu   sync.Mutex
	id   transport.Identity
	used bool
}

func (a *answered) Hello(ctx context.Context) (transport.Identity, error) {
	a.mu.Lock()
	used := a.used
	a.used = true
	a.mu.Unlock()
	if !used {
		return a.id, nil
	}
	return a.Controller.Hello(ctx)
}
