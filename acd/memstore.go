package acd

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
)

// MemoryStore is the embedded Store of a single node: one versioned key
// space (agent:, device:, subs:, call:, dialog:, waiting:, seq:, history:,
// mark:, desktop:, lastreq: keys), as a Redis store keeps it. Transactions are optimistic, as on Redis: fn runs
// without the store's lock, reading versioned values, and the commit
// re-checks those versions under the lock, running fn again if another
// transaction changed them meanwhile. Rendering events (the costly part of
// a change) therefore runs in parallel.
type MemoryStore struct {
	clock Clock
	log   *MemoryLog

	mu   sync.RWMutex
	data map[string]versioned
}

// versioned is a stored value with the number of times it was written.
// Values are held by value; slices inside them are cloned on every read,
// so a transaction never shares memory with what is committed.
type versioned struct {
	value   any
	version uint64
}

// maxTxAttempts bounds how often a transaction is retried on conflict; a
// conflict needs another commit on the same keys, so this is never reached
// unless one key is written without pause by many goroutines.
const maxTxAttempts = 1000

// errTxConflict reports a transaction that kept conflicting.
var errTxConflict = errors.New("memory store: transaction conflicted too often")

// NewMemoryStore returns an empty store whose events go to a MemoryLog that
// keeps the newest retain events.
func NewMemoryStore(clock Clock, retain int) *MemoryStore {
	return &MemoryStore{clock: clock, log: NewMemoryLog(retain), data: map[string]versioned{}}
}

// Log is where the store's committed events go.
func (s *MemoryStore) Log() *MemoryLog { return s.log }

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	for range maxTxAttempts {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx := &memTx{s: s, reads: map[string]uint64{}, writes: map[string]any{}}
		if err := fn(tx); err != nil {
			return err
		}
		if s.commit(tx) {
			return nil
		}
	}
	return errTxConflict
}

// commit applies tx if nothing it read has changed since; events are
// appended under the same lock so the log's order is the commit order.
func (s *MemoryStore) commit(tx *memTx) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, v := range tx.reads {
		if s.data[key].version != v {
			return false
		}
	}
	for key, value := range tx.writes {
		if value == nil {
			// A deleted key goes, version and all: a transaction that read
			// it before it existed sees the same absence now.
			delete(s.data, key)
			continue
		}
		s.data[key] = versioned{value, s.data[key].version + 1}
	}
	s.log.append(tx.events, s.clock.Now())
	return true
}

// read returns the committed value at key, cloned, and its version.
func (s *MemoryStore) read(key string) (any, uint64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v := s.data[key]
	return cloneValue(v.value), v.version
}

// scan returns every committed value under prefix, cloned, in key order.
func (s *MemoryStore) scan(prefix string) []any {
	s.mu.RLock()
	keys := make([]string, 0)
	for k := range s.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		if v := s.data[k].value; v != nil {
			out = append(out, cloneValue(v))
		}
	}
	s.mu.RUnlock()
	return out
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case Agent:
		return t.clone()
	case Call:
		return t.clone()
	case Dialog:
		return t.clone()
	case History:
		return t.clone()
	case []Subscription:
		return slices.Clone(t)
	case []string:
		return slices.Clone(t)
	}
	return v
}

// Agent implements Store.
func (s *MemoryStore) Agent(ctx context.Context, id string) (Agent, error) {
	v, _ := s.read("agent:" + id)
	if a, ok := v.(Agent); ok {
		return a, nil
	}
	return signedOut(id), nil
}

// Agents implements Store.
func (s *MemoryStore) Agents(ctx context.Context) ([]Agent, error) {
	return scanAs[Agent](s, "agent:"), nil
}

// Subscriptions implements Store.
func (s *MemoryStore) Subscriptions(ctx context.Context, user string) ([]Subscription, error) {
	v, _ := s.read("subs:" + user)
	subs, _ := v.([]Subscription)
	return subs, nil
}

// Call implements Store.
func (s *MemoryStore) Call(ctx context.Context, id string) (Call, bool, error) {
	v, _ := s.read("call:" + id)
	c, ok := v.(Call)
	return c, ok, nil
}

// Calls implements Store.
func (s *MemoryStore) Calls(ctx context.Context) ([]Call, error) {
	return scanAs[Call](s, "call:"), nil
}

// Dialog implements Store.
func (s *MemoryStore) Dialog(ctx context.Context, id string) (Dialog, bool, error) {
	v, _ := s.read("dialog:" + id)
	d, ok := v.(Dialog)
	return d, ok, nil
}

// Dialogs implements Store.
func (s *MemoryStore) Dialogs(ctx context.Context) ([]Dialog, error) {
	return scanAs[Dialog](s, "dialog:"), nil
}

// Desktops implements Store.
func (s *MemoryStore) Desktops(ctx context.Context) ([]Desktop, error) {
	return scanAs[Desktop](s, "desktop:"), nil
}

func scanAs[T any](s *MemoryStore, prefix string) []T {
	values := s.scan(prefix)
	out := make([]T, 0, len(values))
	for _, v := range values {
		out = append(out, v.(T))
	}
	return out
}
