package redis

import (
	"context"
	"log/slog"
	"sync"
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
//
// Every REST request signs in, and nearly all with credentials the
// authenticator's cache vouches for: asking Redis each time cost a round
// trip a request for nothing. Once Redis has let a right password through
// (no failure counted, no lock), right passwords for that account are let
// through here without asking for clearFor. A wrong password tried on
// this node ends that at once; a lock that another node sets takes effect
// here within clearFor, and failures counted there are not reset by
// sign-ins here until it has passed.
type Lockouts struct {
	rdb      goredis.UniversalClient
	prefix   string
	attempts int
	duration time.Duration
	local    *directory.MemoryLockouts
	failing  atomic.Bool // Redis did not answer the last call

	mu    sync.Mutex
	clear map[string]time.Time // account: until when right passwords go through without asking
	// wrong counts the wrong passwords tried on this node, so that a right
	// one answered while one was being counted does not clear the account.
	wrong uint64
}

// clearFor is how long an account Redis let a right password in for is
// taken to be clear of failures and locks without asking again.
const clearFor = time.Second

// NewLockouts locks an account for duration after attempts bad passwords
// in a row, counted in the store's keyspace.
func (s *Store) NewLockouts(attempts int, duration time.Duration) *Lockouts {
	return &Lockouts{
		rdb: s.rdb, prefix: s.keys.prefix + "lockout:", attempts: attempts, duration: duration,
		local: directory.NewMemoryLockouts(attempts, duration), clear: map[string]time.Time{},
	}
}

// Attempt implements directory.Lockouts.
func (l *Lockouts) Attempt(user string, ok bool, now time.Time) bool {
	wrong, clear := l.clearAt(user, now, ok)
	if clear {
		return true
	}
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
	if ok && n == 1 {
		l.cleared(user, now, wrong)
	}
	return n == 1
}

// clearAt reports whether an attempt (ok: with the right password) on
// user at now can be let through without asking Redis, and how many wrong
// passwords this node had seen then. A wrong one ends the account's clear
// time.
func (l *Lockouts) clearAt(user string, now time.Time, ok bool) (uint64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ok {
		l.wrong++
		delete(l.clear, user)
		return l.wrong, false
	}
	return l.wrong, now.Before(l.clear[user])
}

// cleared takes user to be clear for clearFor after Redis let a right
// password in at now, unless a wrong password was tried meanwhile.
func (l *Lockouts) cleared(user string, now time.Time, wrong uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.wrong == wrong {
		l.clear[user] = now.Add(clearFor)
	}
}

// locked ends user's clear time: Redis says another node locked it.
func (l *Lockouts) locked(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.clear, user)
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
	if n == 1 {
		l.locked(user)
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
