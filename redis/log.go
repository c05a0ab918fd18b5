package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
)

// Log is acd's Log on the Redis Stream the Store commits events to. Event
// n is stream entry "n-0", so XREAD from "after-0" resumes exactly after
// event after.
type Log struct {
	rdb   goredis.UniversalClient
	keys  keys
	epoch string
	store *Store
}

// readBlock is how long one XREAD waits before Read checks its context
// again: go-redis does not interrupt a blocked read when a context is
// cancelled.
const readBlock = 500 * time.Millisecond

// Read implements acd.Log.
func (l *Log) Read(ctx context.Context, after acd.EventID, limit int) ([]acd.Event, error) {
	limit = max(limit, 1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		streams, err := l.rdb.XRead(ctx, &goredis.XReadArgs{
			Streams: []string{l.keys.events(), fmt.Sprintf("%d-0", after)},
			Count:   int64(limit),
			Block:   readBlock,
		}).Result()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("redis log: read after %d: %w", after, err)
		}
		if len(streams) == 0 || len(streams[0].Messages) == 0 {
			continue
		}
		if err := l.replicated(ctx); err != nil {
			return nil, fmt.Errorf("redis log: read after %d: %w", after, err)
		}
		return decodeEvents(streams[0].Messages)
	}
}

// replicated returns once the events just read are on as many replicas as
// a commit waits for, or the master has none. Behind Sentinel an event the
// master has and its replica does not yet is one a failover may lose: a
// node that delivered it would have told desktops of a change that never
// happened, and, its cursor past the promoted replica's last event, it
// would skip the events the new master then numbers as the lost ones were.
// WAIT counts the replicas that have this connection's writes, so the
// reader writes a mark after what it read and waits for that.
func (l *Log) replicated(ctx context.Context) error {
	s := l.store
	for {
		if s == nil || !s.mustWait(ctx) {
			return nil
		}
		pipe := l.rdb.Pipeline()
		pipe.Incr(ctx, l.keys.readMark())
		waited := pipe.Do(ctx, "WAIT", s.wait, s.waitFor.Milliseconds())
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
		if n, err := waited.Int64(); err == nil && n >= int64(s.wait) {
			return nil
		}
		if !s.hasReplicas(ctx) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

func decodeEvents(msgs []goredis.XMessage) ([]acd.Event, error) {
	out := make([]acd.Event, 0, len(msgs))
	for _, m := range msgs {
		id, _, _ := strings.Cut(m.ID, "-")
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis log: entry id %q: %w", m.ID, err)
		}
		e := acd.Event{ID: acd.EventID(n)}
		if nodes, _ := m.Values["n"].(string); nodes != "" {
			e.Nodes = strings.Split(nodes, "\n")
		}
		payload, _ := m.Values["p"].(string)
		e.Payload = []byte(payload)
		e.SubscriptionsOf, _ = m.Values["s"].(string)
		if t, _ := m.Values["t"].(string); t != "" {
			nanos, err := strconv.ParseInt(t, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("redis log: entry %s time %q: %w", m.ID, t, err)
			}
			e.Time = time.Unix(0, nanos).UTC()
		}
		out = append(out, e)
	}
	return out, nil
}

// Last implements acd.Log.
func (l *Log) Last(ctx context.Context) (acd.EventID, error) {
	n, err := l.rdb.Get(ctx, l.keys.eventSeq()).Uint64()
	if errors.Is(err, goredis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis log: last: %w", err)
	}
	return acd.EventID(n), nil
}

// Epoch implements acd.Log: made once per keyspace, so every node agrees
// and a wiped Redis starts a new one.
func (l *Log) Epoch() string { return l.epoch }
