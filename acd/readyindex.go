package acd

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/finessed/finessed/model"
)

// readyIndex keeps, per queue, the agents that can take a call, longest
// available first, so that an offer reads the agent it picks instead of
// every agent of the queue. It is a hint: the offer's transaction reads
// the chosen agent again, so an entry that went stale can cost a read but
// never a wrong offer.
//
// The index is exact only when this engine makes every write to the
// Store, so it is built for a single node (no Lease, no Roster); nodes
// that share a Store scan the queue as before.
type readyIndex struct {
	mu      sync.Mutex
	built   map[string]bool // queues whose list was built by a scan
	byQueue map[string][]readyEntry
}

// readyEntry is one routable agent of a queue.
type readyEntry struct {
	id    string
	since time.Time
}

// routable reports whether a can be offered a call now: READY, on a
// phone, and not already ringing with another call.
func routable(a Agent) bool {
	return a.State == model.StateReady && a.Extension != "" && len(a.Dialogs) == 0
}

// ReadyFiling is how a shared Store files an agent in its READY index, by
// dir: the queues the agent serves, and whether it can take a call in the
// state given.
func ReadyFiling(dir *Directory) func(a Agent) (queues []string, ready bool) {
	return func(a Agent) ([]string, bool) {
		u, ok := dir.UserByID(a.ID)
		if !ok {
			return nil, false
		}
		queues := make([]string, 0, len(u.Queues))
		for _, q := range u.Queues {
			queues = append(queues, q.ID)
		}
		return queues, routable(a)
	}
}

// note re-reads the agents a committed transaction wrote and files each
// under its queues. Reading the Store, not the transaction's copy, under
// the index's lock is what keeps commits that finish out of order from
// leaving a READY agent out: whichever note runs last reads the newest
// state.
func (x *readyIndex) note(ctx context.Context, e *Engine, ids []string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		u, ok := e.dir.UserByID(id)
		if !ok || len(u.Queues) == 0 {
			continue
		}
		a, err := e.store.Agent(ctx, id)
		if err != nil {
			// Unknown now: drop the queues' lists so the next offer scans.
			for _, q := range u.Queues {
				delete(x.built, q.ID)
			}
			continue
		}
		for _, q := range u.Queues {
			if x.built[q.ID] {
				x.byQueue[q.ID] = file(x.byQueue[q.ID], a)
			}
		}
	}
}

// file puts a in list, ordered by READY time, if it is routable, and
// takes it out otherwise.
func file(list []readyEntry, a Agent) []readyEntry {
	list = slices.DeleteFunc(list, func(r readyEntry) bool { return r.id == a.ID })
	if !routable(a) {
		return list
	}
	i, _ := slices.BinarySearchFunc(list, a.ReadySince, func(r readyEntry, t time.Time) int { return r.since.Compare(t) })
	// Equal times keep arrival order: file after them.
	for i < len(list) && list[i].since.Equal(a.ReadySince) {
		i++
	}
	return slices.Insert(list, i, readyEntry{a.ID, a.ReadySince})
}

// candidates returns the ids of q's agents that may be routable, longest
// available first, building q's list with a scan in tx the first time.
func (x *readyIndex) candidates(tx Tx, q *Queue) ([]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.built[q.ID] {
		agents, err := tx.AgentsOf(q.AgentIDs())
		if err != nil {
			return nil, err
		}
		var list []readyEntry
		for _, a := range agents {
			list = file(list, a)
		}
		x.byQueue[q.ID], x.built[q.ID] = list, true
	}
	ids := make([]string, len(x.byQueue[q.ID]))
	for i, r := range x.byQueue[q.ID] {
		ids[i] = r.id
	}
	return ids, nil
}
