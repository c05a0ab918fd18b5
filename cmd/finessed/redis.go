package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/redis"
)

// redisDialTimeout bounds the first contact with Redis at start.
const redisDialTimeout = 5 * time.Second

// useRedis puts the engine's state, event log, lease and sign-in lockout
// counters in the Redis
// opts.redisURL names, shared with every node that names it too. The
// returned client is for the server to close once the engine is closed.
func useRedis(engine *acd.Options, opts options, reg prometheus.Registerer) (*goredis.Client, error) {
	ropts, err := goredis.ParseURL(opts.redisURL)
	if err != nil {
		return nil, fmt.Errorf("-redis %q: %w", opts.redisURL, err)
	}
	goredis.SetLogger(redisLogger{})
	rdb := goredis.NewClient(ropts)
	ctx, cancel := context.WithTimeout(context.Background(), redisDialTimeout)
	defer cancel()
	store, err := redis.NewStore(ctx, rdb, redis.Options{})
	if err != nil {
		rdb.Close()
		return nil, fmt.Errorf("-redis %s: %w", opts.redisURL, err)
	}
	node := nodeName(opts)
	engine.Store, engine.Log = store, store.Log()
	engine.NodeID = node
	engine.Lease = store.NewLease(node, acd.LeaseTTL)
	engine.Roster = newTimedRoster(store.NewRoster(), reg)
	settings := engine.Directory.Settings
	engine.Lockouts = store.NewLockouts(settings.LockoutAttempts, settings.LockoutDuration)
	slog.Info("shared state in redis", "addr", ropts.Addr, "db", ropts.DB)
	return rdb, nil
}

// nodeName is this node's id among those sharing -redis: -node-id, or the
// host name.
func nodeName(opts options) string {
	if opts.nodeID != "" {
		return opts.nodeID
	}
	host, _ := os.Hostname()
	return host
}

// redisLogger sends go-redis's own messages (one per failed dial while
// Redis is down) to debug: the heartbeat already reports the outage once.
type redisLogger struct{}

func (redisLogger) Printf(ctx context.Context, format string, v ...any) {
	slog.Debug("go-redis: " + fmt.Sprintf(format, v...))
}
