package transport

import (
	"bytes"
	"unicode/utf8"
)

// DefaultMaxLine is the longest line (terminator excluded) either side may
// send when hello has not said otherwise (controller-protocol.md §1).
const DefaultMaxLine = 4096

// LineSplitter cuts the byte stream from a controller into lines
// (controller-protocol.md §1): bytes arrive in arbitrary pieces, a line ends
// at '\n' with an optional '\r' before it, lines longer than MaxLine
// (terminator excluded) are discarded up to their terminator, lines that
// are not valid UTF-8 are discarded, and empty lines are skipped. The zero
// value is ready to use. A LineSplitter is not safe for concurrent use.
type LineSplitter struct {
	// MaxLine is the longest line kept; 0 means DefaultMaxLine. It may be
	// changed between calls to Feed.
	MaxLine int

	// Overlong and Invalid count the lines discarded as too long and as
	// not valid UTF-8.
	Overlong, Invalid uint64

	buf      []byte
	overlong bool
}

func (s *LineSplitter) maxLine() int {
	if s.MaxLine <= 0 {
		return DefaultMaxLine
	}
	return s.MaxLine
}

// Feed adds bytes read from the line and calls line for every complete
// line, without its terminator. The slice passed to line is valid only
// during the call.
func (s *LineSplitter) Feed(p []byte, line func([]byte)) {
	limit := s.maxLine() + 1 // room for the '\r' of "\r\n"
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		part := p
		if i >= 0 {
			part = p[:i]
		}
		if !s.overlong {
			if len(s.buf)+len(part) > limit {
				s.overlong = true
				s.buf = s.buf[:0]
			} else {
				s.buf = append(s.buf, part...)
			}
		}
		if i < 0 {
			return
		}
		p = p[i+1:]
		s.emit(line)
	}
}

func (s *LineSplitter) emit(line func([]byte)) {
	l := s.buf
	s.buf = s.buf[:0]
	if s.overlong {
		s.overlong = false
		s.Overlong++
		return
	}
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	switch {
	case len(l) == 0:
	case len(l) > s.maxLine():
		s.Overlong++
	case !utf8.Valid(l):
		s.Invalid++
	default:
		line(l)
	}
}

// Pending reports how many bytes of an unfinished line are buffered.
func (s *LineSplitter) Pending() int { return len(s.buf) }

// Reset drops a partial line, e.g. when the port is reopened: bytes before
// a reconnect never join bytes after it.
func (s *LineSplitter) Reset() {
	s.buf = s.buf[:0]
	s.overlong = false
}
