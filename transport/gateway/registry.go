package gateway

import (
	"context"
	"sync"
)

// Registry records which gateway instance holds each station's connection.
// One instance uses a LocalRegistry; several instances serving one fleet
// share one backed by an engine with leases (docs/architecture.md, "More
// than one gateway"), and the control API answers for a station held
// elsewhere with the holder's address instead of acting.
type Registry interface {
	// Claim records that instance now holds chargeBoxID (a new connection
	// replaces an older one, wherever it was).
	Claim(ctx context.Context, chargeBoxID, instance string) error
	// Release forgets the claim if instance still holds it.
	Release(ctx context.Context, chargeBoxID, instance string) error
	// Lookup returns the instance holding chargeBoxID.
	Lookup(ctx context.Context, chargeBoxID string) (instance string, ok bool, err error)
}

// LocalRegistry is the Registry of a single instance, in memory.
type LocalRegistry struct {
	mu sync.Mutex
	m  map[string]string
}

// NewLocalRegistry returns an empty LocalRegistry.
func NewLocalRegistry() *LocalRegistry { return &LocalRegistry{m: map[string]string{}} }

// Claim implements Registry.
func (r *LocalRegistry) Claim(_ context.Context, id, instance string) error {
	r.mu.Lock()
	r.m[id] = instance
	r.mu.Unlock()
	return nil
}

// Release implements Registry.
func (r *LocalRegistry) Release(_ context.Context, id, instance string) error {
	r.mu.Lock()
	if r.m[id] == instance {
		delete(r.m, id)
	}
	r.mu.Unlock()
	return nil
}

// Lookup implements Registry.
func (r *LocalRegistry) Lookup(_ context.Context, id string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.m[id]
	return in, ok, nil
}
