package redis

import (
	"context"
	"hash/maphash"
	"time"
)

// Transactions are optimistic: one that read a key another changed before
// it committed runs again, paying its round trips twice. Under load most
// such conflicts are between transactions of one node about one agent (two
// requests for it at once), so a node's transactions take turns on the
// first key they read: they queue for a stripe of that key, and the second
// reads what the first committed instead of conflicting with it.
// Transactions on other nodes still conflict and run again.
//
// A transaction holds one turn at most, until it has committed, and waits
// for none while holding it. A transaction run inside another's function
// (which acd.Store forbids, but the store contract's tests do to stage a
// rival) could wait for its own caller's turn: no turn is waited for longer
// than turnWait, after which the transaction runs without one, as it would
// have without turns.

// turnStripes is how many turns a node has; keys that share one wait for
// each other needlessly, rarely with this many. turnWait is far more than
// a transaction takes.
const (
	turnStripes = 256
	turnWait    = 50 * time.Millisecond
)

type turns struct {
	seed    maphash.Seed
	stripes [turnStripes]chan struct{}
}

func newTurns() *turns {
	t := &turns{seed: maphash.MakeSeed()}
	for i := range t.stripes {
		t.stripes[i] = make(chan struct{}, 1)
	}
	return t
}

// take waits for key's turn and returns what gives it back: nothing if
// the turn did not come within turnWait. It fails only when ctx ends.
func (t *turns) take(ctx context.Context, key string) (func(), error) {
	stripe := t.stripes[maphash.String(t.seed, key)%turnStripes]
	select {
	case stripe <- struct{}{}:
		return func() { <-stripe }, nil
	default:
	}
	wait := time.NewTimer(turnWait)
	defer wait.Stop()
	select {
	case stripe <- struct{}{}:
		return func() { <-stripe }, nil
	case <-wait.C:
		return func() {}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
