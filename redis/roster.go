package redis

import (
	"context"
	"encoding/json"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
)

// Roster is acd's Roster as one hash of the keyspace: a field per node id,
// its value the node's last announcement in JSON. Entries are never
// removed, so a dead node stays known as the peer SystemInfo reports.
type Roster struct {
	rdb goredis.UniversalClient
	key string
}

// NewRoster returns the roster of the store's keyspace.
func (s *Store) NewRoster() *Roster { return &Roster{rdb: s.rdb, key: s.keys.roster()} }

// Announce implements acd.Roster.
func (r *Roster) Announce(ctx context.Context, m acd.Member) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("redis roster: announce %s: %w", m.ID, err)
	}
	if err := r.rdb.HSet(ctx, r.key, m.ID, b).Err(); err != nil {
		return fmt.Errorf("redis roster: announce %s: %w", m.ID, err)
	}
	return nil
}

// Members implements acd.Roster.
func (r *Roster) Members(ctx context.Context) ([]acd.Member, error) {
	all, err := r.rdb.HGetAll(ctx, r.key).Result()
	if err != nil {
		return nil, fmt.Errorf("redis roster: members: %w", err)
	}
	out := make([]acd.Member, 0, len(all))
	for id, v := range all {
		var m acd.Member
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, fmt.Errorf("redis roster: member %s: %w", id, err)
		}
		out = append(out, m)
	}
	return out, nil
}
