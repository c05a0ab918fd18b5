package acd

import (
	"context"
	"errors"
	"slices"
	"sort"
	"sync"
)

// MemoryStore is the embedded Store of a single node. Transactions are
// optimistic, as on Redis: fn runs without the store's lock, reading
// versioned values, and the commit re-checks those versions under the lock,
// running fn again if another transaction changed them meanwhile. Rendering
// events (the costly part of a change) therefore runs in parallel.
type MemoryStore struct {
	clock Clock
	log   *MemoryLog

	mu      sync.RWMutex
	agents  map[string]versioned[Agent]
	devices map[string]versioned[string]
	subs    map[string]versioned[[]Subscription]
}

type versioned[T any] struct {
	value   T
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
	return &MemoryStore{
		clock:   clock,
		log:     NewMemoryLog(retain),
		agents:  map[string]versioned[Agent]{},
		devices: map[string]versioned[string]{},
		subs:    map[string]versioned[[]Subscription]{},
	}
}

// Log is where the store's committed events go.
func (s *MemoryStore) Log() *MemoryLog { return s.log }

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	for range maxTxAttempts {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx := newMemTx(s)
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
	for id, v := range tx.agentReads {
		if s.agents[id].version != v {
			return false
		}
	}
	for ext, v := range tx.deviceReads {
		if s.devices[ext].version != v {
			return false
		}
	}
	for user, v := range tx.subReads {
		if s.subs[user].version != v {
			return false
		}
	}
	for id, a := range tx.agents {
		s.agents[id] = versioned[Agent]{a, s.agents[id].version + 1}
	}
	for ext, holder := range tx.devices {
		s.devices[ext] = versioned[string]{holder, s.devices[ext].version + 1}
	}
	for user, subs := range tx.subs {
		s.subs[user] = versioned[[]Subscription]{subs, s.subs[user].version + 1}
	}
	s.log.append(tx.events, s.clock.Now())
	return true
}

// Agent implements Store.
func (s *MemoryStore) Agent(ctx context.Context, id string) (Agent, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.agentLocked(id), nil
}

func (s *MemoryStore) agentLocked(id string) Agent {
	if a, ok := s.agents[id]; ok && a.version > 0 {
		return a.value
	}
	return signedOut(id)
}

// Agents implements Store.
func (s *MemoryStore) Agents(ctx context.Context) ([]Agent, error) {
	s.mu.RLock()
	out := make([]Agent, 0, len(s.agents))
	for _, a := range s.agents {
		out = append(out, a.value)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Subscriptions implements Store.
func (s *MemoryStore) Subscriptions(ctx context.Context, user string) ([]Subscription, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.subs[user].value), nil
}

// memTx records the version of everything it reads and stages its writes;
// reads see the transaction's own writes.
type memTx struct {
	s           *MemoryStore
	agentReads  map[string]uint64
	deviceReads map[string]uint64
	subReads    map[string]uint64
	agents      map[string]Agent
	devices     map[string]string
	subs        map[string][]Subscription
	events      []Event
}

func newMemTx(s *MemoryStore) *memTx {
	return &memTx{
		s: s, agentReads: map[string]uint64{}, deviceReads: map[string]uint64{}, subReads: map[string]uint64{},
		agents: map[string]Agent{}, devices: map[string]string{}, subs: map[string][]Subscription{},
	}
}

func (t *memTx) Agent(id string) (Agent, error) {
	if a, ok := t.agents[id]; ok {
		return a, nil
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	t.agentReads[id] = t.s.agents[id].version
	return t.s.agentLocked(id), nil
}

func (t *memTx) PutAgent(a Agent) { t.agents[a.ID] = a }

func (t *memTx) DeviceHolder(ext string) (string, error) {
	if id, ok := t.devices[ext]; ok {
		return id, nil
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	d := t.s.devices[ext]
	t.deviceReads[ext] = d.version
	return d.value, nil
}

func (t *memTx) SetDeviceHolder(ext, agentID string) { t.devices[ext] = agentID }

func (t *memTx) Subscriptions(user string) ([]Subscription, error) {
	if subs, ok := t.subs[user]; ok {
		return slices.Clone(subs), nil
	}
	t.s.mu.RLock()
	defer t.s.mu.RUnlock()
	v := t.s.subs[user]
	t.subReads[user] = v.version
	return slices.Clone(v.value), nil
}

func (t *memTx) PutSubscriptions(user string, subs []Subscription) {
	t.subs[user] = slices.Clone(subs)
}

func (t *memTx) Emit(e Event) { t.events = append(t.events, e) }
