package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/finessed/finessed/acd"
)

// Leases is one lease shared by the nodes of a single process: the
// embedded default, where the only node always gets it, and the reference
// the Redis lease is tested against.
type Leases struct {
	clock acd.Clock
	ttl   time.Duration

	mu       sync.Mutex
	holder   string
	deadline time.Time
}

// NewLeases returns a free lease that lasts ttl once taken.
func NewLeases(clock acd.Clock, ttl time.Duration) *Leases {
	return &Leases{clock: clock, ttl: ttl}
}

// For is the lease as node sees it.
func (m *Leases) For(node string) acd.Lease { return lease{m, node} }

type lease struct {
	m    *Leases
	node string
}

func (l lease) Hold(ctx context.Context) (bool, error) {
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

func (l lease) Release(ctx context.Context) error {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == l.node {
		m.holder = ""
	}
	return nil
}

func (l lease) Holder(ctx context.Context) (string, error) {
	m := l.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder == "" || !m.clock.Now().Before(m.deadline) {
		return "", nil
	}
	return m.holder, nil
}
