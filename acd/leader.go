package acd

import (
	"context"
	"log/slog"
	"time"
)

// LeaseTTL is how long a node's lease lasts unless renewed, and
// leaseRenewal how often Start's heartbeat renews (or, on the other node, polls)
// it: a node that dies is replaced within LeaseTTL plus one poll.
const (
	LeaseTTL     = 2 * time.Second
	leaseRenewal = 250 * time.Millisecond
)

// leading reports whether this node runs the periodic work.
func (e *Engine) leading() bool { return e.lease == nil || e.leader.Load() }

// Leading reports whether this node holds the lease (always, alone).
func (e *Engine) Leading() bool { return e.leading() }

// holdLease renews or polls the lease. The node that takes it sweeps at
// once, firing every deadline that came due while nobody held it, and
// routes every queue, so a call that waited through a failover is offered
// without waiting for an event.
func (e *Engine) holdLease(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, leaseRenewal)
	defer cancel()
	held, err := e.lease.Hold(ctx)
	now := e.clock.Now()
	switch {
	case err == nil && held:
		e.beat.leaseUntil = now.Add(LeaseTTL)
	case err != nil:
		// A renewal that did not get through leaves the lease ours until
		// its TTL runs out (less a renewal, for safety): one slow answer
		// must not hand the periodic work back and forth.
		held = now.Before(e.beat.leaseUntil.Add(-leaseRenewal))
		if e.leader.Load() && !held {
			slog.Warn("hold the lease", "err", err)
		}
	}
	switch was := e.leader.Swap(held); {
	case held && !was:
		slog.Info("took the lease: this node runs routing sweeps and timers")
		e.Sweep(context.Background())
		for _, q := range e.dir.Queues() {
			e.route(context.Background(), q)
		}
	case !held && was:
		slog.Warn("lost the lease")
	}
}
