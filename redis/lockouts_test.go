package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// attempt is one sign-in attempt at an offset from t0.
type attempt struct {
	user string
	ok   bool
	at   time.Duration
}

// lockoutScript exercises every rule: five failures lock; a right password
// is refused while locked and trying again restarts the lock; the lock
// ends; failures further apart than the lock do not add up; a success
// resets the count; accounts are separate.
var lockoutScript = []attempt{
	{"1001", false, 0}, {"1001", false, time.Second}, {"1001", false, 2 * time.Second},
	{"1002", false, 2 * time.Second},
	{"1001", false, 3 * time.Second}, {"1001", false, 4 * time.Second}, // locked until 4s+5m
	{"1001", true, 5 * time.Second},                                      // refused, lock to 5s+5m
	{"1002", true, 6 * time.Second},                                      // 1002 is not locked
	{"1001", true, 5*time.Minute + 4*time.Second},                        // still locked (restarted)
	{"1001", true, 10*time.Minute + 5*time.Second},                       // free again
	{"1001", false, 11 * time.Minute}, {"1001", false, 17 * time.Minute}, // too far apart
	{"1001", false, 18 * time.Minute}, {"1001", false, 19 * time.Minute},
	{"1001", true, 20 * time.Minute}, // resets
	{"1001", false, 21 * time.Minute}, {"1001", false, 21 * time.Minute},
	{"1001", false, 21 * time.Minute}, {"1001", false, 21 * time.Minute},
	{"1001", true, 21 * time.Minute}, // 4 failures: not locked
}

// The Redis lockouts give exactly the in-memory lockouts' answers, even
// when the attempts alternate between two nodes.
func TestLockoutsMatchMemory(t *testing.T) {
	srv := redistest.Start(t)
	store, err := redis.NewStore(context.Background(), srv.Client(t), redis.Options{Clock: acd.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	nodes := []*redis.Lockouts{store.NewLockouts(5, 5*time.Minute), store.NewLockouts(5, 5*time.Minute)}
	mem := directory.NewMemoryLockouts(5, 5*time.Minute)
	for i, a := range lockoutScript {
		at := t0.Add(a.at)
		// Asked first whether the account is locked, as the Authenticator
		// asks before it hashes, then the attempt itself.
		if got, want := nodes[(i+1)%2].Locked(a.user, at), mem.Locked(a.user, at); got != want {
			t.Fatalf("before attempt %d %+v: redis says locked %v, memory %v", i, a, got, want)
		}
		want := mem.Attempt(a.user, a.ok, at)
		if got := nodes[i%2].Attempt(a.user, a.ok, at); got != want {
			t.Fatalf("attempt %d %+v: redis says %v, memory %v", i, a, got, want)
		}
	}
}

// With Redis gone, each node counts on its own rather than failing.
func TestLockoutsFallBackWhileRedisIsDown(t *testing.T) {
	srv := redistest.Start(t)
	store, err := redis.NewStore(context.Background(), srv.Client(t), redis.Options{Clock: acd.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	l := store.NewLockouts(2, time.Minute)
	srv.Stop()
	l.Attempt("1001", false, t0)
	l.Attempt("1001", false, t0)
	if l.Attempt("1001", true, t0.Add(time.Second)) {
		t.Fatal("locally counted failures did not lock the account")
	}
}
