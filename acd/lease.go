package acd

import (
	"context"
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
