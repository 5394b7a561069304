package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/ecotap-tools/ecc/model"
	"github.com/ecotap-tools/ecc/plan/record"
)

// observedValues is an observation's values as one comparison sees them
// (ComputeStation, Fingerprint): each key decoded, and a secret hashed, at
// most once, on first use. A comparison looks at most keys two or three
// times (its fingerprint, the managed keys, the controller's values for
// the cross-key rules); through the shared decode cache each time, that
// was a quarter of an offline plan of a large fleet.
//
// They are pooled with the comparison's scratch space: an offline plan of
// 100,000 stations allocated them 100,000 times. release clears them, so
// that a pooled one keeps no station's values (nor secrets).
type observedValues struct {
	o   *Observation
	st  *record.State
	cur []observed // by keyIndex
	// state says, by keyIndex, what cur holds of the key: nothing (the
	// controller did not report it), its raw value, or its value.
	state []uint8

	// Scratch of the comparison: the bytes a fingerprint hashes, the
	// settings the cross-key rules check, the keys the site file manages
	// (by keyIndex).
	buf     []byte
	merged  []model.Setting
	managed []bool
}

const (
	absent   uint8 = iota
	reported       // cur holds raw only
	known          // cur holds all
)

var valuesPool = sync.Pool{New: func() any {
	return &observedValues{
		cur:     make([]observed, len(keys)),
		state:   make([]uint8, len(keys)),
		managed: make([]bool, len(keys)),
	}
}}

// valuesOf returns o's values as a comparison sees them; the caller
// releases them when the comparison is done.
func valuesOf(o *Observation, st *record.State) *observedValues {
	v := valuesPool.Get().(*observedValues)
	v.o, v.st = o, st
	// The keys reported, by index: the comparison then goes over the
	// keys of the tables without looking each up in o.Values.
	for k, raw := range o.Values {
		if i, ok := keyIndex[k]; ok {
			v.cur[i].raw, v.state[i] = raw, reported
		}
	}
	return v
}

// release clears v and returns it to the pool; v is not used after.
func (v *observedValues) release() {
	for i, st := range v.state {
		if st != absent { // clearing all of cur was a tenth of a comparison
			v.cur[i] = observed{}
		}
	}
	clear(v.state)
	clear(v.managed)
	clear(v.merged)
	clear(v.buf)
	v.o, v.st, v.merged, v.buf = nil, nil, v.merged[:0], v.buf[:0]
	valuesPool.Put(v)
}

// at is the current value of keys[i], valid until release.
func (v *observedValues) at(i int) (*observed, bool) {
	switch v.state[i] {
	case absent:
		return nil, false
	case reported:
		v.o.decode(keys[i], &decoded[i], &v.cur[i], v.st)
		v.state[i] = known
	}
	return &v.cur[i], true
}

// current is the current value of a readable key, valid until release.
func (v *observedValues) current(kd *model.KeyDef) (*observed, bool) {
	if i, ok := keyIndex[kd.Name]; ok {
		return v.at(i)
	}
	cur, ok := v.o.current(kd, v.st) // a key of no table (tests): not kept
	return &cur, ok
}

// fingerprint is Fingerprint of v's observation.
func (v *observedValues) fingerprint() string {
	o := v.o
	// The bytes hashed are built in one buffer and hashed at once: a
	// hash.Hash and fmt per line were most of Fingerprint in an offline
	// plan of 100,000 stations. The hash is the same as writing them line
	// by line.
	buf := append(v.buf[:0], "model="...)
	buf = append(buf, o.Identity.Model...)
	buf = append(buf, "\nserial="...)
	buf = append(buf, o.Identity.Serial...)
	buf = append(buf, "\nfirmware="...)
	buf = append(buf, o.Identity.Firmware...)
	buf = append(buf, '\n')
	// Every editable value in the order of its name; the OCPP standard
	// keys only over OCPP: the cable reads a station's ocpp block only to
	// tell the plan, and apply may not read it (a saved plan's station
	// whose site file has no ocpp block left), so it must not change the
	// cable's fingerprint.
	fp := fingerprintedCable
	if o.overOCPP() {
		fp = fingerprinted
	}
	for _, i := range fp {
		cur, ok := v.at(i)
		if !ok {
			continue
		}
		if cur.line != "" { // a value of the decode cache, not a secret
			buf = append(buf, cur.line...)
			continue
		}
		text := cur.text()
		if cur.sensitive() {
			text = cur.hash
			if text == "" { // no state to hash with: still never the secret
				text = "(sensitive)"
			}
		}
		buf = append(buf, keys[i].Name...)
		buf = append(buf, '=')
		buf = appendQuote(buf, text)
		buf = append(buf, '\n')
	}
	unknown := o.Unknown
	if !slices.IsSorted(unknown) {
		unknown = slices.Sorted(slices.Values(unknown))
	}
	for _, k := range unknown {
		if !o.overOCPP() && model.Classify(k) == model.BackendOnly {
			continue // an ocpp block key the station lacks: as above
		}
		buf = append(buf, "unknown="...)
		buf = append(buf, k...)
		buf = append(buf, '\n')
	}
	// The keys the controller locked (Observation.ReadOnly; none, usually,
	// which leaves the fingerprints of earlier versions as they were): a
	// saved plan that writes one is stale once the controller reports it.
	readOnly := o.ReadOnly
	if !slices.IsSorted(readOnly) {
		readOnly = slices.Sorted(slices.Values(readOnly))
	}
	for _, k := range readOnly {
		buf = append(buf, "readonly="...)
		buf = append(buf, k...)
		buf = append(buf, '\n')
	}
	v.buf = buf
	sum := sha256.Sum256(buf)
	const prefix = "sha256:"
	var out [len(prefix) + 2*sha256.Size]byte
	copy(out[:], prefix)
	hex.Encode(out[len(prefix):], sum[:])
	return string(out[:])
}

// keys is every key a comparison may look up (the dictionary's and the
// OCPP standard keys: defByName's) sorted by name, and keyIndex their
// index in it: a comparison keeps a station's values by index.
var keys, keyIndex = func() ([]*model.KeyDef, map[string]int) {
	ks := slices.SortedFunc(maps.Values(defByName), func(a, b *model.KeyDef) int { return strings.Compare(a.Name, b.Name) })
	idx := make(map[string]int, len(ks))
	for i, kd := range ks {
		idx[kd.Name] = i
	}
	return ks, idx
}()

// fingerprinted is every key whose value a Fingerprint covers (editable
// and backend-only keys of the dictionary and of OCPP), sorted by name:
// their indexes in keys.
var fingerprinted = func() []int {
	var out []int
	for i, kd := range keys {
		if kd.Class == model.Editable || kd.Class == model.BackendOnly {
			out = append(out, i)
		}
	}
	return out
}()

// fingerprintedCable is fingerprinted without the backend-only keys: a
// fingerprint of a controller read over the cable.
var fingerprintedCable = func() []int {
	var out []int
	for _, i := range fingerprinted {
		if keys[i].Class != model.BackendOnly {
			out = append(out, i)
		}
	}
	return out
}()

// editableKeys is every editable dictionary key in dictionary order (whose
// controller values take part in the cross-key rules): their indexes in
// keys.
var editableKeys = func() []int {
	var out []int
	for _, kd := range dictionary {
		if kd.Class == model.Editable {
			out = append(out, keyIndex[kd.Name])
		}
	}
	return out
}()
