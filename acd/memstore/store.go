package memstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/finessed/finessed/acd"
)

// Store is the embedded Store of a single node: one versioned key
// space (agent:, device:, subs:, call:, dialog:, waiting:, seq:, history:,
// mark:, desktop:, lastreq: keys), as a Redis store keeps it. Transactions are optimistic, as on Redis: fn runs
// without the store's lock, reading versioned values, and the commit
// re-checks those versions under the lock, running fn again if another
// transaction changed them meanwhile. Rendering events (the costly part of
// a change) therefore runs in parallel.
type Store struct {
	clock acd.Clock
	log   *Log

	mu   sync.RWMutex
	data map[string]versioned
	// kinds indexes data's keys by kind (a key up to its first colon), so
	// that listing the agents does not walk every history and desktop
	// record under the lock that every commit waits for.
	kinds map[string]map[string]struct{}
}

// versioned is a stored value with the number of times it was written.
// Values are held by value and never changed once committed (a commit
// replaces them); slices inside them are cloned on every read, outside
// the lock, so a transaction never shares memory with what is committed.
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

// DefaultRetain is how many events a node's Log keeps by default, for the
// sessions that reconnect and replay what they missed.
const DefaultRetain = 100000

// New returns an empty store whose events go to a Log that keeps the
// newest retain events (DefaultBytes of them at most), stamped by clock
// (nil: the system clock, which an engine with a test clock must not be
// given).
func New(clock acd.Clock, retain int) *Store {
	return NewLimited(clock, Limits{Events: retain, Bytes: DefaultBytes})
}

// NewLimited is New with a Log that keeps the newest events up to limits.
func NewLimited(clock acd.Clock, limits Limits) *Store {
	if clock == nil {
		clock = acd.SystemClock{}
	}
	return &Store{clock: clock, log: NewLimitedLog(limits), data: map[string]versioned{}, kinds: map[string]map[string]struct{}{}}
}

// Log is where the store's committed events go.
func (s *Store) Log() *Log { return s.log }

// Update implements Store.
func (s *Store) Update(ctx context.Context, fn func(acd.Tx) error) error {
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
func (s *Store) commit(tx *memTx) bool {
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
			delete(s.kinds[kindOf(key)], key)
			continue
		}
		old, existed := s.data[key]
		s.data[key] = versioned{value, old.version + 1}
		if !existed {
			s.index(key)
		}
	}
	s.log.append(tx.events, s.clock.Now())
	return true
}

// index adds a new key to its kind's set. The caller holds mu.
func (s *Store) index(key string) {
	kind := kindOf(key)
	keys := s.kinds[kind]
	if keys == nil {
		keys = map[string]struct{}{}
		s.kinds[kind] = keys
	}
	keys[key] = struct{}{}
}

// kindOf is key up to and including its first colon ("agent:"), the
// whole key if it has none.
func kindOf(key string) string {
	if i := strings.IndexByte(key, ':'); i >= 0 {
		return key[:i+1]
	}
	return key
}

// read returns the committed value at key, cloned, and its version.
func (s *Store) read(key string) (any, uint64) {
	s.mu.RLock()
	v := s.data[key]
	s.mu.RUnlock()
	return cloneValue(v.value), v.version
}

// scan returns every committed value under prefix, cloned, in key order.
// Only the listing holds the lock: a commit replaces values rather than
// changing them, so sorting and cloning can wait until it is released.
func (s *Store) scan(prefix string) []any {
	type entry struct {
		key   string
		value any
	}
	s.mu.RLock()
	keys := s.kinds[kindOf(prefix)]
	entries := make([]entry, 0, len(keys))
	for k := range keys {
		if strings.HasPrefix(k, prefix) {
			entries = append(entries, entry{k, s.data[k].value})
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		if e.value != nil {
			out = append(out, cloneValue(e.value))
		}
	}
	return out
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case acd.Agent:
		return t.Clone()
	case acd.Call:
		return t.Clone()
	case acd.Dialog:
		return t.Clone()
	case acd.History:
		// Histories are the largest values a state change reads and
		// writes, and the engine only appends to them (Tx.History): they
		// are shared, clipped so that an append copies instead of writing
		// into the shared array.
		return acd.History{States: slices.Clip(t.States), Calls: slices.Clip(t.Calls)}
	case acd.TeamMessage:
		return t.Clone()
	case acd.Campaign:
		return t.Clone()
	case acd.ReasonCodeRecord:
		return t.Clone()
	case acd.MediaAgent:
		return t.Clone()
	case acd.WrapUpRecord:
		return t.Clone()
	case acd.PhoneBookRecord:
		return t.Clone()
	case acd.WorkflowRecord:
		return t.Clone()
	case acd.ActionRecord:
		return t.Clone()
	case acd.LayoutRecord:
		return t.Clone()
	case []acd.Subscription:
		return slices.Clone(t)
	case []string:
		return slices.Clone(t)
	}
	return v
}

// Agent implements Store.
func (s *Store) Agent(ctx context.Context, id string) (acd.Agent, error) {
	v, _ := s.read("agent:" + id)
	if a, ok := v.(acd.Agent); ok {
		return a, nil
	}
	return acd.SignedOut(id), nil
}

// Agents implements Store.
func (s *Store) Agents(ctx context.Context) ([]acd.Agent, error) {
	return scanAs[acd.Agent](s, "agent:"), nil
}

// Subscriptions implements Store.
func (s *Store) Subscriptions(ctx context.Context, user string) ([]acd.Subscription, error) {
	v, _ := s.read("subs:" + user)
	subs, _ := v.([]acd.Subscription)
	return subs, nil
}

// Call implements Store.
func (s *Store) Call(ctx context.Context, id string) (acd.Call, bool, error) {
	v, _ := s.read("call:" + id)
	c, ok := v.(acd.Call)
	return c, ok, nil
}

// Calls implements Store.
func (s *Store) Calls(ctx context.Context) ([]acd.Call, error) {
	return scanAs[acd.Call](s, "call:"), nil
}

// Dialog implements Store.
func (s *Store) Dialog(ctx context.Context, id string) (acd.Dialog, bool, error) {
	v, _ := s.read("dialog:" + id)
	d, ok := v.(acd.Dialog)
	return d, ok, nil
}

// Dialogs implements Store.
func (s *Store) Dialogs(ctx context.Context) ([]acd.Dialog, error) {
	return scanAs[acd.Dialog](s, "dialog:"), nil
}

// TeamMessages implements Store.
func (s *Store) TeamMessages(ctx context.Context) ([]acd.TeamMessage, error) {
	return scanAs[acd.TeamMessage](s, "teammsg:"), nil
}

// Desktops implements Store.
func (s *Store) Desktops(ctx context.Context) ([]acd.Desktop, error) {
	return scanAs[acd.Desktop](s, "desktop:"), nil
}

func scanAs[T any](s *Store, prefix string) []T {
	values := s.scan(prefix)
	out := make([]T, 0, len(values))
	for _, v := range values {
		out = append(out, v.(T))
	}
	return out
}
