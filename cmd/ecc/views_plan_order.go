package main

import (
	"bytes"
	"io"
	"runtime"
	"sync"
)

// inOrder writes n items to w in order, each rendered by render (which
// only reads the plan) into a buffer: chunks of items are rendered in
// parallel, at most a few chunks ahead of the writing. render starts each
// item's output itself (a blank line between stations).
func inOrder(w io.Writer, n int, render func(b *bytes.Buffer, i int)) error {
	const chunk = 256 // items per buffer: a few tens of KiB of text
	chunks := (n + chunk - 1) / chunk
	renderChunk := func(c int) *bytes.Buffer {
		b := chunkBuffers.Get().(*bytes.Buffer)
		for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
			render(b, i)
		}
		return b
	}
	write := func(b *bytes.Buffer, err error) error {
		if err == nil {
			_, err = w.Write(b.Bytes())
		}
		b.Reset()
		chunkBuffers.Put(b)
		return err
	}
	workers := runtime.GOMAXPROCS(0)
	if chunks <= 1 || workers == 1 {
		var err error
		for c := range chunks {
			err = write(renderChunk(c), err)
		}
		return err
	}
	// One channel per chunk, taken in order; ahead bounds the chunks
	// rendered but not yet written.
	done := make([]chan *bytes.Buffer, chunks)
	for c := range done {
		done[c] = make(chan *bytes.Buffer, 1)
	}
	ahead := make(chan struct{}, 2*workers)
	go func() {
		for c := range chunks {
			ahead <- struct{}{}
			go func() { done[c] <- renderChunk(c) }()
		}
	}()
	var err error
	for c := range chunks {
		err = write(<-done[c], err) // after an error, only drain
		<-ahead
	}
	return err
}

// chunkBuffers are inOrder's buffers.
var chunkBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}
