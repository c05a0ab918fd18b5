package acd_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// openStore is the Store a fixture runs on: in memory (memstore, finessed.s
// default), or on Redis when FINESSE_TEST_STORE=redis, each fixture under
// a key prefix of its own on one Redis for the whole run.
func openStore(tb testing.TB, clock acd.Clock) (acd.Store, acd.Log) {
	if os.Getenv("FINESSE_TEST_STORE") != "redis" {
		s := memstore.New(clock, 100_000)
		return s, s.Log()
	}
	rdb := sharedRedis(tb)
	s, err := redis.NewStore(context.Background(), rdb, redis.Options{
		Prefix: fmt.Sprintf("t%d:", fixtures.Add(1)), Retain: 100_000, Clock: clock,
	})
	if err != nil {
		tb.Fatalf("redis store: %v", err)
	}
	return s, s.Log()
}

var (
	fixtures    atomic.Int64
	redisOnce   sync.Once
	redisClient *goredis.Client
	redisServer *redistest.Server
)

// sharedRedis starts one Redis for the run, on the first test that needs
// it; TestMain stops it.
func sharedRedis(tb testing.TB) *goredis.Client {
	redisOnce.Do(func() {
		srv, err := redistest.StartForRun()
		if err != nil {
			tb.Fatal(err)
		}
		redisServer = srv
		redisClient = goredis.NewClient(&goredis.Options{Addr: srv.Addr, PoolSize: 64})
	})
	if redisClient == nil {
		tb.Fatal("no Redis for the run")
	}
	return redisClient
}

func TestMain(m *testing.M) {
	code := m.Run()
	if redisServer != nil {
		redisClient.Close()
		redisServer.Close()
	}
	os.Exit(code)
}
