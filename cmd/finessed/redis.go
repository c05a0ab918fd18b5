package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/redis"
)

// redisDialTimeout bounds the first contact with Redis at start.
const redisDialTimeout = 5 * time.Second

// useRedis puts the engine's state, event log, lease and sign-in lockout
// counters in the Redis -redis names (or the master -redis-sentinel finds),
// shared with every node that names it too. The returned client is for the
// server to close once the engine is closed.
func useRedis(engine *acd.Options, opts options, reg prometheus.Registerer) (*goredis.Client, error) {
	goredis.SetLogger(redisLogger{})
	rdb, where, err := redisClient(opts)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisDialTimeout)
	defer cancel()
	store, err := redis.NewStore(ctx, rdb, redis.Options{
		WaitReplicas: opts.waitReplicas(), WaitTimeout: opts.redisWaitFor, FileReady: acd.ReadyFiling(engine.Directory),
	})
	if err != nil {
		rdb.Close()
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	// Agents stored before the READY index was kept, or by a node that
	// did not keep it, are filed once; filing twice files nothing twice.
	if err := store.FileReadyAgents(ctx); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("%s: file the READY index: %w", where, err)
	}
	node := nodeName(opts)
	engine.Store, engine.Log = store, store.Log()
	engine.NodeID = node
	engine.Lease = store.NewLease(node, acd.LeaseTTL)
	engine.Roster = newTimedRoster(store.NewRoster(), reg)
	settings := engine.Directory.Settings
	engine.Lockouts = store.NewLockouts(settings.LockoutAttempts, settings.LockoutDuration)
	slog.Info("shared state in redis", "at", where, "waitReplicas", opts.waitReplicas())
	return rdb, nil
}

// redisClient connects to -redis, or through -redis-sentinel to the master
// named -redis-master, taking credentials, database and TLS from -redis.
// It says where, for the log, without the password.
func redisClient(opts options) (*goredis.Client, string, error) {
	ropts := &goredis.Options{}
	if opts.redisURL != "" {
		var err error
		if ropts, err = goredis.ParseURL(opts.redisURL); err != nil {
			return nil, "", fmt.Errorf("-redis: %w", err)
		}
	}
	if opts.redisSentinels == "" {
		return goredis.NewClient(ropts), fmt.Sprintf("%s db %d", ropts.Addr, ropts.DB), nil
	}
	if opts.redisMaster == "" {
		return nil, "", fmt.Errorf("-redis-sentinel needs -redis-master, the name the Sentinels know the master by")
	}
	rdb := goredis.NewFailoverClient(failoverOptions(opts, ropts))
	return rdb, fmt.Sprintf("master %s through sentinels %s db %d", opts.redisMaster, opts.redisSentinels, ropts.DB), nil
}

// failoverOptions are go-redis's options for a master found through
// Sentinels: -redis's credentials, db and TLS for the master and
// replicas, -redis-sentinel-auth for the Sentinels themselves.
func failoverOptions(opts options, ropts *goredis.Options) *goredis.FailoverOptions {
	fo := &goredis.FailoverOptions{
		MasterName: opts.redisMaster, SentinelAddrs: strings.Split(opts.redisSentinels, ","),
		Username: ropts.Username, Password: ropts.Password, DB: ropts.DB, TLSConfig: ropts.TLSConfig,
	}
	if user, password, named := strings.Cut(opts.sentinelAuth, ":"); named {
		fo.SentinelUsername, fo.SentinelPassword = user, password
	} else {
		fo.SentinelPassword = opts.sentinelAuth
	}
	return fo
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
