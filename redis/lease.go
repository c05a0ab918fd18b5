package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
)

// holdScript takes or renews the lease: the key holds "node|deadline"
// (milliseconds on the acd Clock), so expiry follows the Clock, fake
// clocks included, not Redis's own timers. The key also expires by itself
// long after, so a keyspace left behind does not keep a dead holder.
var holdScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then
  local holder, deadline = string.match(v, '^(.*)|(%d+)$')
  if holder ~= ARGV[1] and tonumber(deadline) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1
`)

var releaseScript = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v and string.match(v, '^(.*)|') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`)

// Lease is acd's Lease held in Redis by one node of those sharing it.
type Lease struct {
	rdb   goredis.UniversalClient
	key   string
	node  string
	clock acd.Clock
	ttl   time.Duration
}

// NewLease returns node's view of the lease of the store's keyspace.
func (s *Store) NewLease(node string, ttl time.Duration) *Lease {
	return &Lease{rdb: s.rdb, key: s.keys.lease(), node: node, clock: s.clock, ttl: ttl}
}

// Hold implements acd.Lease.
func (l *Lease) Hold(ctx context.Context) (bool, error) {
	now := l.clock.Now()
	deadline := now.Add(l.ttl).UnixMilli()
	n, err := holdScript.Run(ctx, l.rdb, []string{l.key}, l.node, now.UnixMilli(), deadline, (10 * l.ttl).Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redis lease: hold for %s: %w", l.node, err)
	}
	return n == 1, nil
}

// Release implements acd.Lease.
func (l *Lease) Release(ctx context.Context) error {
	if err := releaseScript.Run(ctx, l.rdb, []string{l.key}, l.node).Err(); err != nil {
		return fmt.Errorf("redis lease: release for %s: %w", l.node, err)
	}
	return nil
}

// Holder implements acd.Lease.
func (l *Lease) Holder(ctx context.Context) (string, error) {
	v, err := l.rdb.Get(ctx, l.key).Result()
	if errors.Is(err, goredis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("redis lease: holder: %w", err)
	}
	i := strings.LastIndexByte(v, '|')
	if i < 0 {
		return "", fmt.Errorf("redis lease: malformed value %q", v)
	}
	deadline, err := strconv.ParseInt(v[i+1:], 10, 64)
	if err != nil {
		return "", fmt.Errorf("redis lease: malformed deadline %q: %w", v, err)
	}
	if l.clock.Now().UnixMilli() >= deadline {
		return "", nil
	}
	return v[:i], nil
}
