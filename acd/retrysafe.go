package acd

import (
	"context"
	"errors"
	"time"
)

// A client that loses the connection while a change is in flight (its
// node died, say) cannot tell whether the change was committed. Finesse
// clients send a requestId with every change; a request repeated with the
// same one, with nothing else changing the same user in between, is taken
// as that retry and answered as the first was, without applying it again,
// on any node, since the mark that recognises it commits with the change.
// Any other event about the user, whoever or whatever caused it, clears
// the mark (emitbuffer.go).

// ErrRepeated reports a request that is the retry of one already applied.
// The REST API answers it as it answered the first: 202.
var ErrRepeated = errors.New("acd: this request was already applied")

// RetryWindow is how long after it was applied a request is recognised
// when repeated.
const RetryWindow = 60 * time.Second

// LastRequest is the last retry-safe request applied to a user, while
// nothing else has changed that user since: a key naming the request (its
// method, resource, requestId and body) and when. The zero value is none.
type LastRequest struct {
	Key string
	At  time.Time
}

type retryKey struct{}

// retryClaim is one retry-safe request as its transactions see it.
type retryClaim struct {
	user, key string
	applied   bool // a transaction of this request has committed its mark
}

// WithRetrySafety marks ctx as carrying a request that changes user and
// that its client may retry; key names the request. The engine's transactions for it then
// check that it was not applied already and mark it applied.
func WithRetrySafety(ctx context.Context, user, key string) context.Context {
	return context.WithValue(ctx, retryKey{}, &retryClaim{user: user, key: key})
}

// retrySafe wraps fn for a request of ctx marked WithRetrySafety, until
// one of its transactions has applied it: fn is refused with ErrRepeated
// when the user's last request is this one, applied within RetryWindow,
// and the transaction in which fn emits an event marks the request
// applied. It returns what to do once the transaction committed.
func (e *Engine) retrySafe(ctx context.Context, fn func(Tx) error) (func(Tx) error, func()) {
	claim, _ := ctx.Value(retryKey{}).(*retryClaim)
	if claim == nil || claim.applied {
		return fn, func() {}
	}
	var emitted bool
	wrapped := func(tx Tx) error {
		now := e.clock.Now()
		last, err := tx.LastRequest(claim.user)
		if err != nil {
			return err
		}
		if last.Key == claim.key && now.Sub(last.At) < RetryWindow {
			return ErrRepeated
		}
		rec := &emitWatch{Tx: tx}
		if err := fn(rec); err != nil {
			return err
		}
		if emitted = rec.emitted; emitted {
			tx.PutLastRequest(claim.user, LastRequest{Key: claim.key, At: now})
		}
		return nil
	}
	return wrapped, func() { claim.applied = emitted }
}

// emitWatch is a transaction that notes whether it emitted an event.
type emitWatch struct {
	Tx
	emitted bool
}

func (t *emitWatch) Emit(ev Event) {
	t.emitted = true
	t.Tx.Emit(ev)
}
