package acd

import (
	"context"
	"sort"
	"sync"
)

// MemoryStore is the embedded Store of a single node. Transactions run one at
// a time under a mutex, so fn is never repeated.
type MemoryStore struct {
	clock Clock
	log   *MemoryLog

	mu      sync.Mutex
	agents  map[string]Agent
	devices map[string]string
}

// NewMemoryStore returns an empty store whose events go to a MemoryLog that
// keeps the newest retain events.
func NewMemoryStore(clock Clock, retain int) *MemoryStore {
	return &MemoryStore{
		clock:   clock,
		log:     NewMemoryLog(retain),
		agents:  map[string]Agent{},
		devices: map[string]string{},
	}
}

// Log is where the store's committed events go.
func (s *MemoryStore) Log() *MemoryLog { return s.log }

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, fn func(Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &memTx{s: s, agents: map[string]Agent{}, devices: map[string]string{}}
	if err := fn(tx); err != nil {
		return err
	}
	for id, a := range tx.agents {
		s.agents[id] = a
	}
	for ext, id := range tx.devices {
		if id == "" {
			delete(s.devices, ext)
		} else {
			s.devices[ext] = id
		}
	}
	s.log.append(tx.events, s.clock.Now())
	return nil
}

// Agent implements Store.
func (s *MemoryStore) Agent(ctx context.Context, id string) (Agent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.agents[id]; ok {
		return a, nil
	}
	return signedOut(id), nil
}

// Agents implements Store.
func (s *MemoryStore) Agents(ctx context.Context) ([]Agent, error) {
	s.mu.Lock()
	out := make([]Agent, 0, len(s.agents))
	for _, a := range s.agents {
		out = append(out, a)
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// memTx stages writes until the transaction commits; reads see them.
type memTx struct {
	s       *MemoryStore
	agents  map[string]Agent
	devices map[string]string
	events  []Event
}

func (t *memTx) Agent(id string) (Agent, error) {
	if a, ok := t.agents[id]; ok {
		return a, nil
	}
	if a, ok := t.s.agents[id]; ok {
		return a, nil
	}
	return signedOut(id), nil
}

func (t *memTx) PutAgent(a Agent) { t.agents[a.ID] = a }

func (t *memTx) DeviceHolder(ext string) (string, error) {
	if id, ok := t.devices[ext]; ok {
		return id, nil
	}
	return t.s.devices[ext], nil
}

func (t *memTx) SetDeviceHolder(ext, agentID string) { t.devices[ext] = agentID }

func (t *memTx) Emit(e Event) { t.events = append(t.events, e) }
