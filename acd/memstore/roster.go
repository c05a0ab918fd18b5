package memstore

import (
	"context"
	"sync"

	"github.com/finessed/finessed/acd"
)

// Roster is the Roster of the nodes of one process: the reference the
// Redis roster is tested against.
type Roster struct {
	mu      sync.Mutex
	members map[string]acd.Member
}

// Announce implements Roster.
func (r *Roster) Announce(ctx context.Context, m acd.Member) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.members == nil {
		r.members = map[string]acd.Member{}
	}
	r.members[m.ID] = m
	return nil
}

// Members implements Roster.
func (r *Roster) Members(ctx context.Context) ([]acd.Member, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]acd.Member, 0, len(r.members))
	for _, m := range r.members {
		out = append(out, m)
	}
	return out, nil
}
