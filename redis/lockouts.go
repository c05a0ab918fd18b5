package redis

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd/directory"
)

// attemptScript is directory.MemoryLockouts' rule on a hash per account: f
// failures in a row, the last one at last, locked until until (ms on the
// acd Clock). Trying while locked starts the lock over; failures further
// apart than the lock duration do not add up.
var attemptScript = goredis.NewScript(`
local ok, now, dur, attempts = ARGV[1] == '1', tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local h = redis.call('HMGET', KEYS[1], 'f', 'last', 'until')
local f, last, locked = tonumber(h[1]) or 0, tonumber(h[2]), tonumber(h[3]) or 0
if now < locked then
  redis.call('HSET', KEYS[1], 'until', now + dur)
  redis.call('PEXPIRE', KEYS[1], 2 * dur)
  return 0
end
if ok or (last and now - last >= dur) then
  if h[1] or h[3] then redis.call('DEL', KEYS[1]) end
  f = 0
end
if ok then return 1 end
f = f + 1
if f >= attempts then
  redis.call('HSET', KEYS[1], 'f', 0, 'last', now, 'until', now + dur)
else
  redis.call('HSET', KEYS[1], 'f', f, 'last', now)
end
redis.call('PEXPIRE', KEYS[1], 2 * dur)
return 1
`)

// lockedScript is directory.MemoryLockouts' Locked: 1 when the account is
// locked at now, starting the lock over as an attempt would; 0 otherwise.
var lockedScript = goredis.NewScript(`
local now, dur = tonumber(ARGV[1]), tonumber(ARGV[2])
local locked = tonumber(redis.call('HGET', KEYS[1], 'until')) or 0
if now >= locked then return 0 end
redis.call('HSET', KEYS[1], 'until', now + dur)
redis.call('PEXPIRE', KEYS[1], 2 * dur)
return 1
`)

// lockoutTimeout bounds one Attempt's wait for Redis before the local
// counters answer instead.
const lockoutTimeout = 250 * time.Millisecond

// Lockouts is acd's Lockouts shared by every node through Redis, so five
// bad passwords lock an account whichever nodes they were tried on. While
// Redis cannot be reached, a node's own counters decide.
type Lockouts struct {
	rdb      goredis.UniversalClient
	prefix   string
	attempts int
	duration time.Duration
	local    *directory.MemoryLockouts
	failing  atomic.Bool // Redis did not answer the last call
}

// NewLockouts locks an account for duration after attempts bad passwords
// in a row, counted in the store's keyspace.
func (s *Store) NewLockouts(attempts int, duration time.Duration) *Lockouts {
	return &Lockouts{
		rdb: s.rdb, prefix: s.keys.prefix + "lockout:", attempts: attempts, duration: duration,
		local: directory.NewMemoryLockouts(attempts, duration),
	}
}

// Attempt implements directory.Lockouts.
func (l *Lockouts) Attempt(user string, ok bool, now time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), lockoutTimeout)
	defer cancel()
	okArg := "0"
	if ok {
		okArg = "1"
	}
	n, err := attemptScript.Run(ctx, l.rdb, []string{l.prefix + user}, okArg, now.UnixMilli(), l.duration.Milliseconds(), l.attempts).Int()
	if l.answered(err) != nil {
		return l.local.Attempt(user, ok, now)
	}
	return n == 1
}

// Locked implements directory.LockChecker, so that guessing at an account locked
// on any node costs no password hash on this one.
func (l *Lockouts) Locked(user string, now time.Time) bool {
	ctx, cancel := context.WithTimeout(context.Background(), lockoutTimeout)
	defer cancel()
	n, err := lockedScript.Run(ctx, l.rdb, []string{l.prefix + user}, now.UnixMilli(), l.duration.Milliseconds()).Int()
	if l.answered(err) != nil {
		return l.local.Locked(user, now)
	}
	return n == 1
}

// answered notes whether Redis answered a call (err nil) and returns err.
// It logs the first failure of a run and the answer that ends it, not
// every sign-in in between: the local counters decide meanwhile.
func (l *Lockouts) answered(err error) error {
	switch {
	case err != nil && !l.failing.Swap(true):
		slog.Warn("sign-in lockout: redis unreachable, counting on this node until it answers", "err", err)
	case err == nil && l.failing.Load() && l.failing.Swap(false):
		slog.Info("sign-in lockout: redis answers again, counting there")
	}
	return err
}

var _ directory.LockChecker = (*Lockouts)(nil)
