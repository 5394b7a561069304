package record

import "encoding/json"

// decodeSnapshot is json.Unmarshal(data, s) for the snapshots ecc writes,
// several times faster: an offline plan of a 100,000-station fleet reads
// 100,000 of them, and encoding/json (a validity pass, then reflection
// per field and per map entry) was a quarter of its time.
//
// The fast path reads only the plain form ecc writes itself: the
// Snapshot's field names as json spells them, each at most once, strings
// of printable ASCII without escapes, no nulls. Anything else (a file
// edited by hand, escapes, another field, a syntax error) is handed to
// json.Unmarshal from the start, so the result and every error message
// are exactly encoding/json's (FuzzDecodeSnapshot checks the two agree).
func decodeSnapshot(data []byte, s *Snapshot) error {
	var fast Snapshot
	if (&snapshotScanner{data: data}).snapshot(&fast) {
		*s = fast
		return nil
	}
	return json.Unmarshal(data, s)
}

// snapshotScanner walks one snapshot; every method returns false as soon
// as the input leaves the fast path's form.
type snapshotScanner struct {
	data []byte
	i    int
}

func (p *snapshotScanner) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// byte consumes c after optional white space.
func (p *snapshotScanner) byte(c byte) bool {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// quoted returns the bytes of a string literal, quotes included.
func (p *snapshotScanner) quoted() ([]byte, bool) {
	p.space()
	if p.i >= len(p.data) || p.data[p.i] != '"' {
		return nil, false
	}
	start := p.i
	for p.i++; p.i < len(p.data); p.i++ {
		switch c := p.data[p.i]; {
		case c == '"':
			p.i++
			return p.data[start:p.i], true
		case c < 0x20 || c > 0x7e || c == '\\':
			return nil, false // escapes, control bytes, UTF-8: encoding/json's to judge
		}
	}
	return nil, false
}

func (p *snapshotScanner) str() (string, bool) {
	q, ok := p.quoted()
	if !ok {
		return "", false
	}
	return string(q[1 : len(q)-1]), true
}

// members calls member for each name of an object until it returns false.
func (p *snapshotScanner) members(member func(name string) bool) bool {
	if !p.byte('{') {
		return false
	}
	if p.byte('}') {
		return true
	}
	for {
		name, ok := p.str()
		if !ok || !p.byte(':') || !member(name) {
			return false
		}
		if p.byte('}') {
			return true
		}
		if !p.byte(',') {
			return false
		}
	}
}

// strMap reads an object of strings (a fresh, non-nil map, as json makes).
func (p *snapshotScanner) strMap() (map[string]string, bool) {
	m := make(map[string]string, 32) // a snapshot holds a few dozen keys
	ok := p.members(func(name string) bool {
		v, ok := p.str()
		m[name] = v // a repeated name: the last wins, as in json
		return ok
	})
	return m, ok
}

// strList reads an array of strings (non-nil even when empty, as json).
func (p *snapshotScanner) strList() ([]string, bool) {
	if !p.byte('[') {
		return nil, false
	}
	out := []string{}
	if p.byte(']') {
		return out, true
	}
	for {
		v, ok := p.str()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if p.byte(']') {
			return out, true
		}
		if !p.byte(',') {
			return nil, false
		}
	}
}

// snapshot reads the whole document into s.
func (p *snapshotScanner) snapshot(s *Snapshot) bool {
	seen := map[string]bool{}
	ok := p.members(func(name string) bool {
		if seen[name] {
			return false // json merges a repeated field: leave that to it
		}
		seen[name] = true
		var ok bool
		switch name {
		case "serial":
			s.Serial, ok = p.str()
		case "model":
			s.Model, ok = p.str()
		case "firmware":
			s.Firmware, ok = p.str()
		case "channel":
			s.Channel, ok = p.str()
		case "observed_at":
			var q []byte
			if q, ok = p.quoted(); ok {
				ok = s.ObservedAt.UnmarshalJSON(q) == nil // time's own parser, as json uses
			}
		case "values":
			s.Values, ok = p.strMap()
		case "hashes":
			s.Hashes, ok = p.strMap()
		case "write_only":
			s.WriteOnly, ok = p.strList()
		case "unknown":
			s.Unknown, ok = p.strList()
		}
		return ok // another name: json matches names loosely, let it
	})
	p.space()
	return ok && p.i == len(p.data)
}
