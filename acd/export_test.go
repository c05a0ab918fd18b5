package acd

import "context"

// What the external tests need to see of the engine's insides: whether the
// READY index agrees with the Store can only be seen from there.

// ReadyList is the READY agents of q in the order routing would offer
// them a call, building q's list first if need be.
func (e *Engine) ReadyList(ctx context.Context, q *Queue) (ids []string, err error) {
	err = e.update(ctx, func(tx Tx) error {
		ids, err = e.ready.candidates(tx, q)
		return err
	})
	return ids, err
}

// Routable reports whether routing may offer a call to a.
var Routable = routable

// PendingTimers is how many timers the engine has pending.
func (e *Engine) PendingTimers() int {
	e.timers.mu.Lock()
	defer e.timers.mu.Unlock()
	return len(e.timers.timers)
}
