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

// The multiplexer alone: a request whose deadline passes while an earlier
// one is pending waits behind it (deadline pushed back, the wait counted)
// until its budget is spent; a hello poll or a request found lost holds
// nothing back, and a reply ahead starts the count over.
func TestMuxWaitBehind(t *testing.T) {
	m := newMux(time.Now(), 0)
	m.setLimits(4, 8)
	ctx := context.Background()
	newCall := func(poll bool) *call {
		p := &call{op: "get", timeout: time.Second, reply: make(chan []byte, 1), kick: make(chan struct{}, 1), slot: !poll, poll: poll}
		if _, err := m.register(ctx, p, func() error { return nil }, nil); err != nil {
			t.Fatal(err)
		}
		m.sent(p)
		return p
	}
	expire := func(ps ...*call) {
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, p := range ps {
			p.deadline = time.Now().Add(-time.Millisecond)
		}
	}
	hello, a, b := newCall(true), newCall(false), newCall(false)
	expire(a, b)
	if behind, _ := m.waitBehind(a, 4); behind {
		t.Error("a, the oldest request (a poll before it), waits instead of resending")
	}
	if behind, waited := m.waitBehind(b, 1); !behind || waited != 1 {
		t.Errorf("b behind a: behind %v, waited %d", behind, waited)
	}
	if left, _ := m.due(b); left <= 0 {
		t.Error("b's deadline not pushed back")
	}
	expire(b)
	if behind, waited := m.waitBehind(b, 1); behind || waited != 1 {
		t.Errorf("b's budget spent: behind %v, waited %d", behind, waited)
	}
	m.dispatch(hello.id, []byte(`{}`), time.Now())
	m.mu.Lock()
	if b.waited != 0 {
		t.Errorf("a reply ahead of b left %d waits", b.waited)
	}
	a.lost = true
	m.mu.Unlock()
	expire(b)
	if behind, _ := m.waitBehind(b, 4); behind {
		t.Error("b waits behind a request found lost")
	}
	// b waited, then was found lost: resent, it starts a new place in
	// the queue, its old waits not counted against its tries.
	m.mu.Lock()
	b.waited, b.lost = 2, true
	m.mu.Unlock()
	m.sent(b)
	m.mu.Lock()
	if b.waited != 0 {
		t.Errorf("b resent after a loss kept %d waits", b.waited)
	}
	m.mu.Unlock()
}
