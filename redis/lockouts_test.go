package redis_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

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

// callCounter counts the commands a client sends.
type callCounter struct{ n atomic.Int64 }

func (c *callCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *callCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *callCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

// A right password Redis has just let in is let in again without asking
// for a second; a wrong one tried here ends that at once, and a lock set
// by another node takes effect here once the second has passed.
func TestLockoutsAskRedisOnceASecondForRightPasswords(t *testing.T) {
	srv := redistest.Start(t)
	var calls callCounter
	rdb := srv.Client(t)
	rdb.AddHook(&calls)
	store, err := redis.NewStore(context.Background(), rdb, redis.Options{Clock: acd.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	here, there := store.NewLockouts(2, time.Minute), store.NewLockouts(2, time.Minute)
	asked := func(what string, want bool, attempt func() bool) {
		t.Helper()
		before := calls.n.Load()
		if got := attempt(); got != want {
			t.Fatalf("%s: let through %v, want %v", what, got, want)
		}
		if calls.n.Load() == before {
			t.Fatalf("%s: answered without asking Redis", what)
		}
	}
	notAsked := func(what string, want bool, attempt func() bool) {
		t.Helper()
		before := calls.n.Load()
		if got := attempt(); got != want {
			t.Fatalf("%s: let through %v, want %v", what, got, want)
		}
		if n := calls.n.Load() - before; n != 0 {
			t.Fatalf("%s: %d Redis calls, want none", what, n)
		}
	}
	right := func(at time.Duration) func() bool {
		return func() bool { return here.Attempt("1001", true, t0.Add(at)) }
	}

	asked("first sign-in", true, right(0))
	notAsked("again within the second", true, right(900*time.Millisecond))
	asked("a second later", true, right(1100*time.Millisecond))

	asked("a wrong password here", true, func() bool { return here.Attempt("1001", false, t0.Add(1200*time.Millisecond)) })
	asked("the right one after it", true, right(1300*time.Millisecond))

	there.Attempt("1001", false, t0.Add(1400*time.Millisecond))
	there.Attempt("1001", false, t0.Add(1500*time.Millisecond)) // locked on the other node
	notAsked("within the second of the last answer", true, right(2200*time.Millisecond))
	asked("once the second has passed", false, right(2400*time.Millisecond))
	asked("while locked", false, right(2500*time.Millisecond))
}
