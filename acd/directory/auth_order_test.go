package directory

// Internal, like auth_cache_test.go: the hash comparisons are counted
// through the Authenticator's compare hook, never timed.

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/finessed/finessed/model"
)

// countingAuth is an Authenticator over one agent, 1001 (agent1), whose
// password s3cret is given as a hash when hashed, and the number of
// bcrypt comparisons it has made.
func countingAuth(t *testing.T, hashed bool) (*Authenticator, *atomic.Int64) {
	t.Helper()
	uc := UserConfig{ID: "1001", LoginName: "agent1", Password: "s3cret", Roles: []model.Role{model.RoleAgent}, Team: "10"}
	if hashed {
		hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		uc.Password, uc.PasswordHash = "", string(hash)
	}
	dir, err := NewDirectory(Config{
		Teams:    []TeamConfig{{ID: "10", Name: "Sales"}},
		Users:    []UserConfig{uc},
		Settings: Settings{LockoutAttempts: 5, LockoutDuration: 5 * time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(dir, newTestClock(), nil)
	var n atomic.Int64
	a.compare = func(hash, password []byte) error {
		n.Add(1)
		return bcrypt.CompareHashAndPassword(hash, password)
	}
	return a, &n
}

func TestLockedAccountCostsNoHash(t *testing.T) {
	a, compared := countingAuth(t, true)
	for range 5 {
		if _, err := a.Authenticate("agent1", "wrong"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if got := compared.Load(); got != 5 {
		t.Fatalf("%d comparisons for 5 wrong passwords, want 5", got)
	}
	for _, pw := range []string{"wrong", "s3cret", "again"} {
		if _, err := a.Authenticate("agent1", pw); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("locked account, password %q: %v, want ErrBadCredentials", pw, err)
		}
	}
	if got := compared.Load(); got != 5 {
		t.Errorf("%d comparisons after the lock, want none (5 in all)", got-5)
	}
}

func TestUnknownUserCostsAHash(t *testing.T) {
	a, compared := countingAuth(t, true)
	for _, name := range []string{"nobody", "9999", "agent2"} {
		if _, err := a.Authenticate(name, "s3cret"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("unknown user %s: %v", name, err)
		}
	}
	if got := compared.Load(); got != 3 {
		t.Errorf("%d comparisons for 3 unknown users, want 3, as for known ones", got)
	}
	if _, err := bcrypt.Cost(a.decoy.hash); err != nil {
		t.Errorf("the decoy is not a bcrypt hash: %v", err)
	}

	// With no hashed user, nobody's password costs a hash.
	plain, compared := countingAuth(t, false)
	if _, err := plain.Authenticate("nobody", "s3cret"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	if got := compared.Load(); got != 0 {
		t.Errorf("%d comparisons with only plain passwords, want 0", got)
	}
}

func TestHashingWaitEndsWithTheRequest(t *testing.T) {
	a, compared := countingAuth(t, true)
	for range 4 {
		a.Authenticate("agent1", "wrong")
	}
	compared.Store(0)
	for range cap(a.hashing) {
		a.hashing <- struct{}{} // every turn taken
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := a.AuthenticateContext(ctx, "agent1", "s3cret")
	if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want ErrBadCredentials and context.Canceled", err)
	}
	if compared.Load() != 0 {
		t.Errorf("compared without a turn")
	}
	// A request given up is no failed attempt: had it counted as the
	// fifth, the account would now be locked.
	for range cap(a.hashing) {
		<-a.hashing
	}
	if _, err := a.Authenticate("agent1", "s3cret"); err != nil {
		t.Fatalf("right password after the abandoned one: %v", err)
	}
}
