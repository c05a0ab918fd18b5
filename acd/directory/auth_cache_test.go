package directory

// An internal test, because whether the hash was checked again can only be
// seen from inside. It cannot use package config (config imports acd), so
// it builds its directory by hand.

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/finessed/finessed/model"
)

func TestAuthCacheSkipsTheHashUntilItExpires(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := NewDirectory(Config{
		Teams: []TeamConfig{{ID: "10", Name: "Sales"}},
		Users: []UserConfig{{ID: "1001", LoginName: "agent1", PasswordHash: string(hash), Roles: []model.Role{model.RoleAgent}, Team: "10"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := newTestClock()
	a := NewAuthenticator(dir, clock, nil)

	if _, err := a.Authenticate("agent1", "wrong"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	if len(a.cache) != 0 {
		t.Fatalf("a failed sign-in was cached: %d entries", len(a.cache))
	}
	u, err := a.Authenticate("agent1", "s3cret")
	if err != nil {
		t.Fatal(err)
	}

	// From here on the secret refuses "s3cret": only the cache can let it in.
	u.secret, err = newSecret("something else", "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(authCacheTTL - time.Second)
	if _, err := a.Authenticate("agent1", "s3cret"); err != nil {
		t.Fatalf("a cached password was checked again: %v", err)
	}
	// A hit does not extend the entry, so a changed password is noticed
	// within authCacheTTL of the first check.
	clock.Advance(2 * time.Second)
	if _, err := a.Authenticate("agent1", "s3cret"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("an expired cache entry let the old password in: %v", err)
	}
}
