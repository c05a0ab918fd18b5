package acd

import (
	"context"
	"sync"
	"time"
)

// Lease says which node runs the periodic work every node could do but
// only one should: the sweeper's pass over every deadline and the queue
// statistics notifications. Everything the engine changes is transactional,
// so the lease is about doing that work once, not about correctness: two
// nodes that briefly both believe they hold it commit nothing twice.
type Lease interface {
	// Hold takes the lease for this node when it is free or expired, or
	// renews it when this node holds it, until ttl from now on the Clock.
	// It reports whether this node holds it afterwards.
	Hold(ctx context.Context) (bool, error)
	// Release gives the lease up if this node holds it.
	Release(ctx context.Context) error
	// Holder names the node holding the lease, "" when none does.
	Holder(ctx context.Context) (string, error)
}

// MemoryLeases is one lease shared by the nodes of a single process: the
// embedded default, where the only node always gets it, and the reference
// the Redis lease is tested against.
type MemoryLeases struct {
	clock Clock
	ttl   time.Duration

	mu       sync.Mutex
	holder   string
	deadline time.Time
}

// NewMemoryLeases returns a free lease that lasts ttl once taken.
func NewMemoryLeases(clock Clock, ttl time.Duration) *MemoryLeases {
	return &MemoryLeases{clock: clock, ttl: ttl}
}

// For is the lease as node sees it.
func (m *MemoryLeases) For(node string) Lease { return memoryLease{m, node} }

type memoryLease struct {
	m    *MemoryLeases
	node string
}

func (l memoryLease) Hold(ctx context.Context) (bool, error) {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	if m.holder != "" && m.holder != l.node && now.Before(m.deadline) {
		return false, nil
	}
	m.holder, m.deadline = l.node, now.Add(m.ttl)
	return true, nil
}

func (l memoryLease) Release(ctx context.Context) error {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == l.node {
		m.holder = ""
	}
	return nil
}

func (l memoryLease) Holder(ctx context.Context) (string, error) {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == "" || !m.clock.Now().Before(m.deadline) {
		return "", nil
	}
	return m.holder, nil
}
