package transport

import (
	"context"
	"testing"
	"time"
)

// The multiplexer alone: a reply to a request sent after an unanswered
// one marks that one lost (and kicks it), pushes back the deadline of one
// sent later, and frees the window slot of the answered one.
func TestMuxDispatchInfersLost(t *testing.T) {
	m := newMux(time.Now(), 0)
	m.setLimits(3, 8)
	alive := func() error { return nil }
	ctx := context.Background()
	newCall := func() *call {
		p := &call{op: "get", timeout: time.Second, reply: make(chan []byte, 1), kick: make(chan struct{}, 1), slot: true}
		if _, err := m.register(ctx, p, alive, nil); err != nil {
			t.Fatal(err)
		}
		m.sent(p)
		return p
	}
	a, b, c := newCall(), newCall(), newCall()
	if b.id != a.id+1 || c.id != b.id+1 {
		t.Fatalf("ids %d %d %d: want consecutive", a.id, b.id, c.id)
	}
	cBefore := c.deadline
	later := time.Now().Add(500 * time.Millisecond)
	if !m.dispatch(b.id, []byte(`{"id":0,"ok":true}`), later) {
		t.Fatal("reply not dispatched")
	}
	if _, lost := m.due(a); !lost {
		t.Error("a, sent before the answered b, is not marked lost")
	}
	select {
	case <-a.kick:
	default:
		t.Error("a not kicked")
	}
	if _, lost := m.due(c); lost || !c.deadline.After(cBefore) {
		t.Errorf("c: lost %v, deadline not pushed back", lost)
	}
	if got := <-b.reply; string(got) != `{"id":0,"ok":true}` {
		t.Errorf("b's reply %s", got)
	}
	if m.dispatch(b.id, nil, later) {
		t.Error("a second reply to b was not stray")
	}
	// b's slot is free: a fourth request fits the window of 3.
	done := make(chan struct{})
	go func() { newCall(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no slot freed by the answered request")
	}
}
