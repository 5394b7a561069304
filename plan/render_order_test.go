package plan

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// inOrder writes every item once, in order, however the chunks rendered
// in parallel finish; after a failed write it still returns (draining the
// chunks under way) with that error.
func TestInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 255, 256, 257, 5000} {
		var want strings.Builder
		for i := range n {
			fmt.Fprintf(&want, "item %d\n", i)
		}
		var got bytes.Buffer
		err := inOrder(&got, n, func(b *bytes.Buffer, i int) {
			if i%700 == 0 { // later chunks finish first
				time.Sleep(time.Millisecond)
			}
			fmt.Fprintf(b, "item %d\n", i)
		})
		if err != nil || got.String() != want.String() {
			t.Errorf("n=%d: err %v, output in order: %v", n, err, got.String() == want.String())
		}
	}
	fail := errors.New("disk full")
	w := &failingWriter{after: 3, err: fail}
	if err := inOrder(w, 5000, func(b *bytes.Buffer, i int) { b.WriteString("x\n") }); !errors.Is(err, fail) || w.writes != 3 {
		t.Errorf("err %v after %d writes", err, w.writes)
	}
}

type failingWriter struct {
	writes, after int
	err           error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.writes == w.after {
		return 0, w.err
	}
	w.writes++
	return len(p), nil
}
