package model

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/ecotap-tools/ecc/internal/bom"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// HCL files are parsed in chunks of whole top-level blocks: hclsyntax
// lexes its input into one token slice (about 100 bytes per token, five
// times the source), grown by appending, which for a file of 100
// stations costs more in allocation, zeroing and GC than the parse
// itself. Chunks of a few KiB keep each slice small; large files
// (thousands of stations) have their chunks parsed in parallel. Any
// problem in any chunk re-parses the whole file, so that the diagnostics
// are exactly hclsyntax's.
const (
	hclChunkSize     = 4 << 10   // aim for chunks of about this size
	hclParallelBytes = 256 << 10 // files from this size parse chunks in parallel
)

// parseHCLBody parses a site file into its top-level body.
func parseHCLBody(src []byte, filename string) (*hclsyntax.Body, hcl.Diagnostics) {
	if len(src) >= 2*hclChunkSize {
		if cuts := splitTopLevel(src, hclChunkSize); len(cuts) > 1 {
			if body, ok := parseChunks(src, filename, cuts); ok {
				return body, nil
			}
		}
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, hcl.Diagnostics{errAt(nil, "Cannot read "+filename, "not HCL native syntax")}
	}
	return body, diags
}

// parseChunks parses src[cuts[i-1]:cuts[i]] (in parallel for a large
// file) and joins the bodies; ok is false when any chunk has a diagnostic.
func parseChunks(src []byte, filename string, cuts []int) (*hclsyntax.Body, bool) {
	starts := make([]hcl.Pos, len(cuts))
	line, from := 1, 0
	for i, to := range cuts {
		if i > 0 && bytes.HasPrefix(src[from:], bom.UTF8) {
			// hclsyntax skips a mark at the start of its input only: one
			// in the middle of the file must stay an error.
			return nil, false
		}
		starts[i] = hcl.Pos{Line: line, Column: 1, Byte: from}
		line += bytes.Count(src[from:to], []byte{'\n'})
		from = to
	}
	bodies := make([]*hclsyntax.Body, len(cuts))
	parse := func(i int) {
		f, diags := hclsyntax.ParseConfig(src[starts[i].Byte:cuts[i]], filename, starts[i])
		if b, ok := f.Body.(*hclsyntax.Body); ok && len(diags) == 0 {
			bodies[i] = b
		}
	}
	if len(src) < hclParallelBytes {
		for i := range cuts {
			if parse(i); bodies[i] == nil {
				return nil, false
			}
		}
	} else {
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for i := range cuts {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				parse(i)
			}()
		}
		wg.Wait()
	}
	n := 0
	for _, b := range bodies {
		if b == nil {
			return nil, false
		}
		n += len(b.Blocks)
	}
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, Blocks: make(hclsyntax.Blocks, 0, n)}
	for _, b := range bodies {
		for name, a := range b.Attributes {
			if _, dup := out.Attributes[name]; dup {
				return nil, false // let the whole-file parse report it
			}
			out.Attributes[name] = a
		}
		out.Blocks = append(out.Blocks, b.Blocks...)
	}
	out.SrcRange = hcl.RangeBetween(bodies[0].SrcRange, bodies[len(bodies)-1].SrcRange)
	out.EndRange = bodies[len(bodies)-1].EndRange
	return out, true
}

// splitTopLevel returns the end offsets of chunks of about size bytes that
// each hold whole top-level blocks (the last is len(src)), or nil when the
// file's structure is unclear (the whole-file parse then reports it). It
// knows HCL's strings with ${ } templates, comments and heredocs.
func splitTopLevel(src []byte, size int) []int {
	type frame struct {
		str   bool // in a quoted string
		depth int  // brace depth in code
	}
	stack := []frame{{}}
	var cuts []int
	last := 0
	n := len(src)
	for i := 0; i < n; i++ {
		c := src[i]
		top := &stack[len(stack)-1]
		if top.str {
			switch {
			case c == '\\':
				i++
			case c == '"':
				stack = stack[:len(stack)-1]
			case (c == '$' || c == '%') && i+1 < n && src[i+1] == '{':
				if i > 0 && src[i-1] == c {
					break // "$${" and "%%{" are literal
				}
				stack = append(stack, frame{})
				i++
			case c == '\n':
				return nil // strings do not span lines
			}
			continue
		}
		switch c {
		case '"':
			stack = append(stack, frame{str: true})
		case '{':
			top.depth++
		case '}':
			top.depth--
			if top.depth < 0 {
				if len(stack) == 1 {
					return nil
				}
				stack = stack[:len(stack)-1] // end of a ${ } interpolation
				continue
			}
			if len(stack) == 1 && top.depth == 0 {
				// End of a top-level block: cut after this line.
				e := bytes.IndexByte(src[i:], '\n')
				if e < 0 {
					continue
				}
				if i+e+1-last >= size {
					last = i + e + 1
					cuts = append(cuts, last)
				}
			}
		case '#':
			i = skipLine(src, i)
		case '/':
			if i+1 < n && src[i+1] == '/' {
				i = skipLine(src, i)
			} else if i+1 < n && src[i+1] == '*' {
				e := bytes.Index(src[i+2:], []byte("*/"))
				if e < 0 {
					return nil
				}
				i += 2 + e + 1
			}
		case '<':
			if i+1 < n && src[i+1] == '<' {
				end, ok := skipHeredoc(src, i)
				if !ok {
					return nil
				}
				i = end - 1
			}
		}
	}
	if len(stack) != 1 || stack[0].depth != 0 {
		return nil
	}
	if last < n {
		if len(cuts) > 0 && n-last < size/4 {
			cuts[len(cuts)-1] = n // fold a small tail into the last chunk
		} else {
			cuts = append(cuts, n)
		}
	}
	return cuts
}

// skipLine returns the index of the '\n' ending the line at i (or the end).
func skipLine(src []byte, i int) int {
	e := bytes.IndexByte(src[i:], '\n')
	if e < 0 {
		return len(src) - 1
	}
	return i + e - 1 // the loop's i++ lands on '\n', which is harmless
}

// skipHeredoc skips "<<ID" or "<<-ID" through the line that closes it and
// returns the offset after it.
func skipHeredoc(src []byte, i int) (int, bool) {
	j := i + 2
	if j < len(src) && src[j] == '-' {
		j++
	}
	k := j
	for k < len(src) && (src[k] == '_' || src[k] == '-' || src[k] >= 'a' && src[k] <= 'z' || src[k] >= 'A' && src[k] <= 'Z' || src[k] >= '0' && src[k] <= '9') {
		k++
	}
	if k == j || k >= len(src) || (src[k] != '\n' && src[k] != '\r') {
		return 0, false
	}
	id := src[j:k]
	p := bytes.IndexByte(src[k:], '\n')
	if p < 0 {
		return 0, false
	}
	p += k + 1
	for p < len(src) {
		e := bytes.IndexByte(src[p:], '\n')
		line := src[p:]
		if e >= 0 {
			line = src[p : p+e]
		}
		if bytes.Equal(bytes.TrimSpace(line), id) {
			if e < 0 {
				return len(src), true
			}
			return p + e, true // the '\n' is handled by the caller
		}
		if e < 0 {
			break
		}
		p += e + 1
	}
	return 0, false
}
