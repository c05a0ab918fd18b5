package directory

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Clock is the time sign-in attempts and cached logins are counted by:
// the engine's clock, so that a test clock moves lockouts on too.
type Clock interface{ Now() time.Time }

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

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

// LockChecker is a Lockouts that can tell that an account is locked
// without counting an attempt. Authenticator asks it before checking a
// password, so that guessing at a locked account costs no hash.
type LockChecker interface {
	// Locked reports whether user is locked at now. Asking while locked
	// is an attempt, and starts the lock period over as Attempt does.
	Locked(user string, now time.Time) bool
}

// Authenticator checks credentials against the directory and applies the
// sign-in lockout. It is safe for concurrent use.
type Authenticator struct {
	dir      *Directory
	clock    Clock
	lockouts Lockouts
	key      [32]byte

	// hashing bounds the bcrypt comparisons running at once, so that a
	// flood of bad passwords queues instead of taking every core.
	hashing chan struct{}
	// compare is bcrypt's; internal tests count the calls.
	compare func(hash, password []byte) error
	// decoy is what an unknown user's password is checked against.
	decoy     secret
	decoyOnce sync.Once

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

// NewAuthenticator returns an Authenticator over dir. A nil clock is the
// wall clock; a nil lockouts uses an in-memory counter with the
// directory's lockout settings.
func NewAuthenticator(dir *Directory, clock Clock, lockouts Lockouts) *Authenticator {
	if clock == nil {
		clock = wallClock{}
	}
	if lockouts == nil {
		lockouts = NewMemoryLockouts(dir.Settings.LockoutAttempts, dir.Settings.LockoutDuration)
	}
	a := &Authenticator{
		dir: dir, clock: clock, lockouts: lockouts, cache: map[[32]byte]cachedLogin{},
		hashing: make(chan struct{}, runtime.GOMAXPROCS(0)), compare: bcrypt.CompareHashAndPassword,
	}
	rand.Read(a.key[:])
	return a
}

// Authenticate is AuthenticateContext without a deadline.
func (a *Authenticator) Authenticate(username, password string) (*User, error) {
	return a.AuthenticateContext(context.Background(), username, password)
}

// AuthenticateContext returns the user whose loginId or loginName is
// username if password is right and the account is not locked. Every
// failure is ErrBadCredentials, so a locked account cannot be told from
// a bad password; a wait for a turn to hash ends with ctx.
//
// The lock is checked before the password, and an unknown user's
// password is hashed as a known one's would be, so that neither guessing
// at a locked account nor probing for names costs or tells more than a
// wrong password does.
//
// Every refusal is logged once, here, with the user, why, and what
// WithLogAttrs put in ctx; so is a lockout taking effect.
func (a *Authenticator) AuthenticateContext(ctx context.Context, username, password string) (*User, error) {
	if CheckUsername(username) != nil {
		return nil, refused(ctx, username, refusedMalformed)
	}
	u, ok := a.dir.User(username)
	if !ok {
		if _, err := a.matches(ctx, a.decoySecret(), password); err != nil {
			return nil, err
		}
		return nil, refused(ctx, username, refusedUnknown)
	}
	now := a.clock.Now()
	key := a.cacheKey(username, password)
	right := a.cached(key, now) == u
	if !right {
		// The lock is asked only where a hash would follow: credentials
		// the cache vouches for cost no hash, and Attempt still refuses
		// them while locked, in one round trip to a shared store, not two.
		if lc, ok := a.lockouts.(LockChecker); ok && lc.Locked(u.ID, now) {
			return nil, refused(ctx, u.ID, refusedLocked)
		}
		var err error
		if right, err = a.matches(ctx, u.secret, password); err != nil {
			return nil, err
		}
	}
	if !a.lockouts.Attempt(u.ID, right, now) {
		return nil, refused(ctx, u.ID, refusedLocked)
	}
	if !right {
		err := refused(ctx, u.ID, refusedPassword)
		if a.lockedNow(u.ID, now) {
			a.logLocked(ctx, u.ID)
		}
		return nil, err
	}
	a.remember(key, u, now)
	return u, nil
}

// matches checks password against s, waiting for a turn when s is a
// hash. A request given up while waiting is neither right nor counted.
func (a *Authenticator) matches(ctx context.Context, s secret, password string) (bool, error) {
	if s.hash == nil {
		return s.matchesPlain(password), nil
	}
	select {
	case a.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("%w: waiting to check the password: %w", ErrBadCredentials, ctx.Err())
	}
	defer func() { <-a.hashing }()
	return a.compare(s.hash, []byte(password)) == nil, nil
}

// decoySecret is a hash as costly to check as the directory's costliest,
// made on first use; with no hashed user it is a plain secret, as cheap
// as every user's.
func (a *Authenticator) decoySecret() secret {
	a.decoyOnce.Do(func() {
		cost := 0
		for _, u := range a.dir.users {
			if c, err := bcrypt.Cost(u.secret.hash); err == nil {
				cost = max(cost, c)
			}
		}
		a.decoy = secret{plain: []byte{0}}
		if cost == 0 {
			return
		}
		var pw [16]byte
		rand.Read(pw[:])
		if hash, err := bcrypt.GenerateFromPassword(pw[:], cost); err == nil {
			a.decoy = secret{hash: hash}
		}
	})
	return a.decoy
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
	if m.lockedLocked(user, now) {
		return false
	}
	l := m.accounts[user]
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

// Locked implements LockChecker.
func (m *MemoryLockouts) Locked(user string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lockedLocked(user, now)
}

// lockedLocked reports whether user is locked, starting the lock over if
// so; m.mu is held.
func (m *MemoryLockouts) lockedLocked(user string, now time.Time) bool {
	l := m.accounts[user]
	if l == nil || !now.Before(l.lockedUntil) {
		return false
	}
	l.lockedUntil = now.Add(m.duration)
	return true
}
