package directory_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// recordingLockouts passes attempts on to MemoryLockouts and remembers
// which accounts they were counted against.
type recordingLockouts struct {
	inner *directory.MemoryLockouts
	mu    sync.Mutex
	users []string
}

func (r *recordingLockouts) Attempt(user string, ok bool, now time.Time) bool {
	r.mu.Lock()
	r.users = append(r.users, user)
	r.mu.Unlock()
	return r.inner.Attempt(user, ok, now)
}

func newAuth(tb testing.TB, cfg directory.Config) (*directory.Authenticator, *directory.TestClock) {
	tb.Helper()
	dir, err := directory.NewDirectory(cfg)
	if err != nil {
		tb.Fatalf("NewDirectory: %v", err)
	}
	clock := directory.NewTestClock()
	return directory.NewAuthenticator(dir, clock, nil), clock
}

// withHashedUser adds user 1011 (loginName hashed) whose password is
// s3cret, given only as a bcrypt hash.
func withHashedUser(tb testing.TB, cfg directory.Config) directory.Config {
	tb.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "1011", LoginName: "hashed", PasswordHash: string(hash), Roles: []model.Role{model.RoleAgent}, Team: "10",
	})
	return cfg
}

func wantLogin(tb testing.TB, a *directory.Authenticator, username, password, wantID string) {
	tb.Helper()
	u, err := a.Authenticate(username, password)
	if err != nil {
		tb.Fatalf("Authenticate(%q, %q): %v, want user %s", username, password, err, wantID)
	}
	if u.ID != wantID {
		tb.Fatalf("Authenticate(%q, %q) = user %s, want %s", username, password, u.ID, wantID)
	}
}

func wantNoLogin(tb testing.TB, a *directory.Authenticator, username, password string) {
	tb.Helper()
	u, err := a.Authenticate(username, password)
	if u != nil {
		// Only the id: a User holds its secret.
		tb.Fatalf("Authenticate(%q, %q) = user %s, %v; want ErrBadCredentials", username, password, u.ID, err)
	}
	if !errors.Is(err, directory.ErrBadCredentials) {
		tb.Fatalf("Authenticate(%q, %q): %v, want ErrBadCredentials", username, password, err)
	}
}

func TestAuthenticate(t *testing.T) {
	cases := []struct {
		username, password, wantID string
	}{
		{"1001", "finesse", "1001"},
		{"agent1", "finesse", "1001"},
		{"administrator", "finesse", "admin"},
		{"1011", "s3cret", "1011"},
		{"hashed", "s3cret", "1011"},
		{"agent1", "wrong", ""},
		{"agent1", "", ""},
		{"agent1", "finesse ", ""},
		{"agent1", "finess", ""},
		{"AGENT1", "finesse", ""},
		{"hashed", "S3cret", ""},
		{"hashed", "", ""},
		{"nobody", "finesse", ""},
		{"", "finesse", ""},
	}
	cfg := withHashedUser(t, demoConfig(t))
	for _, c := range cases {
		a, _ := newAuth(t, cfg)
		if c.wantID != "" {
			wantLogin(t, a, c.username, c.password, c.wantID)
		} else {
			wantNoLogin(t, a, c.username, c.password)
		}
	}
}

// Usernames that cannot be a user must not count against any account:
// otherwise "agent1 " or "agent1;" could lock agent1 out.
func TestUnusableUsernamesAreNotCounted(t *testing.T) {
	dir, err := directory.NewDirectory(demoConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingLockouts{inner: directory.NewMemoryLockouts(5, 5*time.Minute)}
	a := directory.NewAuthenticator(dir, directory.NewTestClock(), rec)
	bad := []string{
		"nobody", "", "agent1 ", " agent1", "agent1/x", `agent1\`, "[agent1]", "agent1:", "agent1;",
		"agent1|", "agent1=", "agent1,", "agent1+", "agent1*", "agent1?", "<agent1>", "agent\x00",
		"agent\t1", "agent\x7f", "agënt1", "agent1\u00a0",
	}
	for _, name := range bad {
		for range 6 {
			wantNoLogin(t, a, name, "finesse")
		}
	}
	if len(rec.users) != 0 {
		t.Fatalf("attempts counted against %v", rec.users)
	}
	wantLogin(t, a, "agent1", "finesse", "1001")
	wantNoLogin(t, a, "agent1", "wrong")
	if len(rec.users) != 2 || rec.users[0] != "1001" || rec.users[1] != "1001" {
		t.Errorf("attempts counted against %v, want 1001 twice", rec.users)
	}
}

func TestLockout(t *testing.T) {
	a, clock := newAuth(t, demoConfig(t))
	for range 5 {
		wantNoLogin(t, a, "agent1", "wrong")
	}
	wantNoLogin(t, a, "agent1", "finesse")

	// Each attempt while locked starts the five minutes over, so at
	// 4+4 minutes, past the first lock's end, the account is still locked.
	clock.Advance(4 * time.Minute)
	wantNoLogin(t, a, "agent1", "finesse")
	clock.Advance(4 * time.Minute)
	wantNoLogin(t, a, "agent1", "finesse")
	clock.Advance(4*time.Minute + 59*time.Second)
	wantNoLogin(t, a, "agent1", "finesse")

	clock.Advance(5*time.Minute + time.Second)
	wantLogin(t, a, "agent1", "finesse", "1001")

	// The lock is over and the count starts from zero.
	for range 4 {
		wantNoLogin(t, a, "agent1", "wrong")
	}
	wantLogin(t, a, "agent1", "finesse", "1001")
}

func TestLockoutCountsOnlyConsecutiveFailures(t *testing.T) {
	a, _ := newAuth(t, demoConfig(t))
	for range 3 {
		for range 4 {
			wantNoLogin(t, a, "agent1", "wrong")
		}
		wantLogin(t, a, "agent1", "finesse", "1001")
	}
	for range 5 {
		wantNoLogin(t, a, "agent1", "wrong")
	}
	wantNoLogin(t, a, "agent1", "finesse")
}

func TestLockoutIsPerAccount(t *testing.T) {
	a, _ := newAuth(t, demoConfig(t))
	// loginId and loginName are the same account.
	for range 3 {
		wantNoLogin(t, a, "agent1", "wrong")
	}
	for range 2 {
		wantNoLogin(t, a, "1001", "wrong")
	}
	wantNoLogin(t, a, "1001", "finesse")
	wantNoLogin(t, a, "agent1", "finesse")
	wantLogin(t, a, "agent2", "finesse", "1002")
	wantLogin(t, a, "1002", "finesse", "1002")
}

func TestLockoutSettings(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings.LockoutAttempts = 2
	cfg.Settings.LockoutDuration = time.Minute
	a, clock := newAuth(t, cfg)
	wantNoLogin(t, a, "agent1", "wrong")
	wantLogin(t, a, "agent1", "finesse", "1001")
	wantNoLogin(t, a, "agent1", "wrong")
	wantNoLogin(t, a, "agent1", "wrong")
	wantNoLogin(t, a, "agent1", "finesse")
	clock.Advance(time.Minute + time.Second)
	wantLogin(t, a, "agent1", "finesse", "1001")
}

// A verified password is cached; the cache must not bypass the lockout.
func TestAuthCacheNeverAdmitsALockedAccount(t *testing.T) {
	for _, user := range []struct{ name, password, id string }{
		{"agent1", "finesse", "1001"},
		{"hashed", "s3cret", "1011"},
	} {
		a, clock := newAuth(t, withHashedUser(t, demoConfig(t)))
		wantLogin(t, a, user.name, user.password, user.id)
		wantLogin(t, a, user.name, user.password, user.id)
		for range 5 {
			wantNoLogin(t, a, user.name, "wrong")
		}
		wantNoLogin(t, a, user.name, user.password)
		clock.Advance(time.Second)
		wantNoLogin(t, a, user.name, user.password)
		clock.Advance(5*time.Minute + time.Second)
		wantLogin(t, a, user.name, user.password, user.id)
	}
}

// A wrong password must fail however often it is tried and whatever the
// cache holds, including right after the right one was cached.
func TestAuthCacheNeverTakesAWrongPasswordForRight(t *testing.T) {
	cfg := withHashedUser(t, demoConfig(t))
	cfg.Settings.LockoutAttempts = 1000
	a, clock := newAuth(t, cfg)
	for _, user := range []struct{ name, password string }{{"agent1", "finesse"}, {"hashed", "s3cret"}} {
		for range 3 {
			wantNoLogin(t, a, user.name, "wrong")
		}
		wantLogin(t, a, user.name, user.password, a2id(user.name))
		for range 3 {
			wantNoLogin(t, a, user.name, "wrong")
			wantNoLogin(t, a, user.name, user.password+"x")
			wantLogin(t, a, user.name, user.password, a2id(user.name))
		}
		clock.Advance(time.Minute)
		wantNoLogin(t, a, user.name, "wrong")
		wantLogin(t, a, user.name, user.password, a2id(user.name))
	}
	// A cached password of one user is no password of another.
	wantNoLogin(t, a, "agent2", "s3cret")
	wantNoLogin(t, a, "hashed", "finesse")
}

func a2id(name string) string {
	if name == "hashed" {
		return "1011"
	}
	return "1001"
}

func TestMemoryLockouts(t *testing.T) {
	l := directory.NewMemoryLockouts(3, time.Minute)
	for i := range 3 {
		if !l.Attempt("u", false, t0) {
			t.Fatalf("bad attempt %d refused before the lock", i+1)
		}
	}
	if l.Attempt("u", true, t0.Add(59*time.Second)) {
		t.Fatal("a good attempt let through while locked")
	}
	// The refused attempt at 59s moved the end of the lock to 1m59s.
	if l.Attempt("u", true, t0.Add(time.Minute+58*time.Second)) {
		t.Fatal("a good attempt let through while locked again")
	}
	if !l.Attempt("u", true, t0.Add(3*time.Minute)) {
		t.Fatal("a good attempt refused after the lock")
	}
	if !l.Attempt("v", true, t0) {
		t.Fatal("another account is locked")
	}
}

// BenchmarkAuthenticateCached is the cost of a request's Basic credentials
// once the bcrypt check of the first request is cached.
func BenchmarkAuthenticateCached(b *testing.B) {
	a, _ := newAuth(b, withHashedUser(b, demoConfig(b)))
	if _, err := a.Authenticate("hashed", "s3cret"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authenticate("hashed", "s3cret"); err != nil {
			b.Fatal(err)
		}
	}
}
