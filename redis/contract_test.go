package redis_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/storetest"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// The Redis Store, Log and Lease meet the same contract as the in-memory
// ones. One server serves every subtest, each under a key prefix of its
// own. The stream is trimmed approximately (MAXLEN ~), a whole stream node
// at a time, so retain is large enough for that slack to stay within the
// contract's bound of twice retain.
func TestContract(t *testing.T) {
	const retain, ttl = 200, 15 * time.Second
	srv := redistest.Start(t)
	rdb := srv.Client(t)
	n := 0
	storetest.Run(t, retain, ttl, func(t *testing.T, clock *acd.FakeClock) storetest.Backend {
		n++
		s, err := redis.NewStore(context.Background(), rdb, redis.Options{Prefix: fmt.Sprintf("contract%d:", n), Retain: retain, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		return storetest.Backend{Store: s, Log: s.Log(), Lease: func(node string) acd.Lease { return s.NewLease(node, ttl) }, Roster: s.NewRoster()}
	})
}
