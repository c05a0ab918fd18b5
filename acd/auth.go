package acd

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// Lockouts counts bad sign-in attempts so that an account can be locked.
// Implementations must make each Attempt atomic, since REST and XMPP (and, in
// a shared deployment, both nodes) sign users in concurrently.
type Lockouts interface {
	// Attempt records one sign-in attempt by user at now; ok says whether
	// the password was right. It reports whether the attempt is let
	// through: false while the account is locked, even with the right
	// password.
	Attempt(user string, ok bool, now time.Time) bool
}

// Authenticator checks credentials against the directory and applies the
// sign-in lockout. It is safe for concurrent use.
type Authenticator struct {
	dir      *Directory
	clock    Clock
	lockouts Lockouts
	key      [32]byte

	mu    sync.Mutex
	cache map[[32]byte]cachedLogin
}

type cachedLogin struct {
	user    *User
	expires time.Time
}

// authCacheTTL bounds how long a verified password is trusted without
// checking the hash again; authCacheMax bounds the cache's memory.
const (
	authCacheTTL = 30 * time.Second
	authCacheMax = 100000
)

// NewAuthenticator returns an Authenticator over dir. A nil lockouts uses
// an in-memory counter with the directory's lockout settings.
func NewAuthenticator(dir *Directory, clock Clock, lockouts Lockouts) *Authenticator {
	if lockouts == nil {
		lockouts = NewMemoryLockouts(dir.Settings.LockoutAttempts, dir.Settings.LockoutDuration)
	}
	a := &Authenticator{dir: dir, clock: clock, lockouts: lockouts, cache: map[[32]byte]cachedLogin{}}
	rand.Read(a.key[:])
	return a
}

// Authenticate returns the user whose loginId or loginName is username if
// password is right and the account is not locked. Every failure is the
// same ErrBadCredentials, so a locked account cannot be told from a bad
// password.
func (a *Authenticator) Authenticate(username, password string) (*User, error) {
	if CheckUsername(username) != nil {
		return nil, ErrBadCredentials
	}
	u, ok := a.dir.User(username)
	if !ok {
		return nil, ErrBadCredentials
	}
	now := a.clock.Now()
	key := a.cacheKey(username, password)
	right := a.cached(key, now) == u
	if !right {
		right = u.secret.matches(password)
	}
	if !a.lockouts.Attempt(u.ID, right, now) || !right {
		return nil, ErrBadCredentials
	}
	a.remember(key, u, now)
	return u, nil
}

// cacheKey is a keyed hash of the credentials, so the cache never holds a
// password and cannot be probed without the process's random key.
func (a *Authenticator) cacheKey(username, password string) [32]byte {
	m := hmac.New(sha256.New, a.key[:])
	m.Write([]byte(username))
	m.Write([]byte{0})
	m.Write([]byte(password))
	var k [32]byte
	m.Sum(k[:0])
	return k
}

func (a *Authenticator) cached(key [32]byte, now time.Time) *User {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.cache[key]
	if !ok || now.After(c.expires) {
		return nil
	}
	return c.user
}

func (a *Authenticator) remember(key [32]byte, u *User, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.cache[key]; ok && now.Before(c.expires) {
		return
	}
	if len(a.cache) >= authCacheMax {
		clear(a.cache)
	}
	a.cache[key] = cachedLogin{user: u, expires: now.Add(authCacheTTL)}
}

// MemoryLockouts is the in-memory Lockouts of a single node.
type MemoryLockouts struct {
	attempts int
	duration time.Duration

	mu       sync.Mutex
	accounts map[string]*lockout
}

type lockout struct {
	failures    int
	lastFailure time.Time
	lockedUntil time.Time
}

// NewMemoryLockouts locks an account for duration after attempts bad
// passwords in a row.
func NewMemoryLockouts(attempts int, duration time.Duration) *MemoryLockouts {
	return &MemoryLockouts{attempts: attempts, duration: duration, accounts: map[string]*lockout{}}
}

// Attempt implements Lockouts. Trying again while locked starts the lock
// period over, as the Finesse user guide warns. Failures count as "in a
// row" only while each comes within duration of the one before, so typos
// weeks apart never add up to a lock.
func (m *MemoryLockouts) Attempt(user string, ok bool, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.accounts[user]
	if l != nil && now.Before(l.lockedUntil) {
		l.lockedUntil = now.Add(m.duration)
		return false
	}
	if ok || (l != nil && now.Sub(l.lastFailure) >= m.duration) {
		delete(m.accounts, user)
		l = nil
	}
	if ok {
		return true
	}
	if l == nil {
		l = &lockout{}
		m.accounts[user] = l
	}
	l.failures++
	l.lastFailure = now
	if l.failures >= m.attempts {
		l.failures = 0
		l.lockedUntil = now.Add(m.duration)
	}
	return true
}
