package redis

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
)

//go:embed commit.lua
var commitSource string

var commitScript = goredis.NewScript(commitSource)

// Options configure a Store.
type Options struct {
	// Prefix starts every key the store uses ("finesse:" if empty).
	Prefix string
	// Retain is how many events the stream keeps at least (100,000 if 0).
	Retain int
	// Clock stamps committed events and runs the lease.
	Clock acd.Clock
	// WaitReplicas, when above zero, is how many replicas must have a
	// commit (Redis WAIT) before Update returns: replication is
	// asynchronous, and a change only the master had is lost when a
	// Sentinel fails over to a replica. A commit the replicas do not
	// confirm within WaitTimeout (100 ms if 0) is ErrNotReplicated, unless
	// the master has no replica connected at all (alone after a failover):
	// then it is taken as on a plain Redis.
	WaitReplicas int
	WaitTimeout  time.Duration
	// FileReady, when set, keeps a READY index per queue in Redis, shared
	// by every node (ready.go): it names the queues an agent serves and
	// whether it can take a call in the state given.
	FileReady FileReady
}

// ErrNotReplicated is a commit the master took but no replica confirmed
// in time. It may survive a failover or not; the request answers 503 as
// when Redis is down, and a client's retry with the same requestId is safe:
// if the change survived it is not applied twice (acd.WithRetrySafety).
var ErrNotReplicated = fmt.Errorf("redis store: the change was not confirmed by a replica in time: %w", acd.ErrUnavailable)

// Store is acd's Store on Redis. It is safe for concurrent use.
type Store struct {
	rdb     goredis.UniversalClient
	keys    keys
	retain  int
	clock   acd.Clock
	log     *Log
	wait    int           // replicas a commit waits for
	waitFor time.Duration // and how long
	// alone is until when (Unix nanoseconds) the master was last seen with
	// no replica: commits until then do not wait for one.
	alone     atomic.Int64
	turns     *turns
	file      FileReady
	histories historyCache
}

// maxTxAttempts bounds how often a transaction runs again on conflict.
const maxTxAttempts = 1000

// ErrConflict reports a transaction that kept conflicting with others.
var ErrConflict = errors.New("redis store: transaction conflicted too often")

// NewStore returns the store kept in rdb, creating its epoch when the
// keyspace is new.
func NewStore(ctx context.Context, rdb goredis.UniversalClient, opts Options) (*Store, error) {
	if opts.Prefix == "" {
		opts.Prefix = "finesse:"
	}
	if opts.Retain <= 0 {
		opts.Retain = 100_000
	}
	if opts.Clock == nil {
		opts.Clock = acd.SystemClock{}
	}
	if opts.WaitTimeout <= 0 {
		opts.WaitTimeout = 100 * time.Millisecond
	}
	s := &Store{rdb: rdb, keys: keys{opts.Prefix}, retain: opts.Retain, clock: opts.Clock, wait: opts.WaitReplicas, waitFor: opts.WaitTimeout, turns: newTurns(), file: opts.FileReady,
		histories: historyCache{entries: map[string]cachedHistory{}}}
	epoch, err := s.epoch(ctx)
	if err != nil {
		return nil, fmt.Errorf("redis store: %w", err)
	}
	s.log = &Log{rdb: rdb, keys: s.keys, epoch: epoch, store: s}
	return s, nil
}

// epoch names this keyspace's event history, made once by whichever node
// comes first.
func (s *Store) epoch(ctx context.Context) (string, error) {
	if err := s.rdb.SetNX(ctx, s.keys.epoch(), acd.NewEpoch(), 0).Err(); err != nil {
		return "", err
	}
	return s.rdb.Get(ctx, s.keys.epoch()).Result()
}

// Log is where the store's committed events go.
func (s *Store) Log() *Log { return s.log }

// Update implements acd.Store.
func (s *Store) Update(ctx context.Context, fn func(acd.Tx) error) error {
	for range maxTxAttempts {
		done, err := s.attempt(ctx, fn)
		if err != nil || done {
			return err
		}
	}
	return ErrConflict
}

// attempt runs fn once and commits it, reporting false on a conflict.
func (s *Store) attempt(ctx context.Context, fn func(acd.Tx) error) (bool, error) {
	t := &tx{ctx: ctx, s: s, reads: map[string]readValue{}, writes: map[string]*string{}}
	defer t.done()
	if err := fn(t); err != nil {
		return false, err
	}
	if t.err != nil {
		return false, t.err
	}
	return s.commit(ctx, t)
}

// commit runs the commit script for t, reporting false on a conflict.
func (s *Store) commit(ctx context.Context, t *tx) (bool, error) {
	if len(t.writes) == 0 && len(t.events) == 0 {
		return true, nil
	}
	filings := s.filings(t.agents)
	keys := []string{s.keys.events(), s.keys.eventSeq()}
	args := []any{s.keys.prefix, len(t.reads), len(t.writes), strconv.FormatInt(s.clock.Now().UnixNano(), 10), s.retain, len(t.events), len(filings)}
	for key, r := range t.reads {
		keys = append(keys, s.keys.entity(key))
		args = append(args, r.version)
	}
	for key, data := range t.writes {
		keys = append(keys, s.keys.entity(key))
		kind, id := indexOf(key)
		if data == nil {
			args = append(args, "d", "", kind, id)
		} else {
			args = append(args, "s", *data, kind, id)
		}
	}
	for _, e := range t.events {
		args = append(args, strings.Join(e.Nodes, "\n"), e.Payload, e.SubscriptionsOf)
	}
	for _, f := range filings {
		args = append(args, f.queue, f.op, f.score, f.agent)
	}
	if s.mustWait(ctx) {
		return s.commitReplicated(ctx, keys, args)
	}
	n, err := commitScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return false, callFailed("commit", err)
	}
	return n == 1, nil
}

// commitReplicated runs the commit script and WAIT on one connection, as
// WAIT counts the replicas that have the writes of the connection it runs
// on. The script goes by its digest, and in full when this master does not
// know it yet (a replica just promoted has an empty script cache).
func (s *Store) commitReplicated(ctx context.Context, keys []string, args []any) (bool, error) {
	run := func(full bool) (int, int64, error) {
		pipe := s.rdb.Pipeline()
		var committed *goredis.Cmd
		if full {
			committed = commitScript.Eval(ctx, pipe, keys, args...)
		} else {
			committed = commitScript.EvalSha(ctx, pipe, keys, args...)
		}
		waited := pipe.Do(ctx, "WAIT", s.wait, s.waitFor.Milliseconds())
		pipe.Exec(ctx)
		n, err := committed.Int()
		if err != nil {
			return 0, 0, err
		}
		replicas, err := waited.Int64()
		return n, replicas, err
	}
	n, replicas, err := run(false)
	if err != nil && goredis.HasErrorPrefix(err, "NOSCRIPT") {
		n, replicas, err = run(true)
	}
	switch {
	case err != nil:
		return false, callFailed("commit", err)
	case n == 1 && replicas < int64(s.wait) && s.hasReplicas(ctx):
		return true, ErrNotReplicated
	}
	return n == 1, nil
}

// hasReplicas reports whether the master has a replica connected, asked
// when a commit was not confirmed: a master left alone after a failover
// (its old master not back yet) takes changes as a plain Redis does,
// rather than refusing every one until a replica returns, and for the
// next second commits and reads do not wait for a replica it does not
// have.
func (s *Store) hasReplicas(ctx context.Context) bool {
	info, err := s.rdb.Info(ctx, "replication").Result()
	if err != nil || !strings.Contains(info, "connected_slaves:0\r\n") {
		s.alone.Store(0)
		return true
	}
	s.alone.Store(time.Now().Add(aloneRecheck).UnixNano())
	return false
}

// mustWait reports whether a commit, or a read of the log, waits for
// replicas. Once the master was seen alone, it is asked again each second
// (INFO, one round trip) rather than left to a WAIT that would hold a
// commit or a delivery for the whole WaitTimeout to find out.
func (s *Store) mustWait(ctx context.Context) bool {
	if s.wait == 0 {
		return false
	}
	switch until := s.alone.Load(); {
	case until == 0:
		return true
	case time.Now().UnixNano() < until:
		return false
	}
	return s.hasReplicas(ctx)
}

// aloneRecheck is how long a master seen without replicas is taken to have
// none before a commit waits for one again.
const aloneRecheck = time.Second

// get reads one entity: its JSON (nil when absent) and version.
func (s *Store) get(ctx context.Context, key string) ([]byte, uint64, error) {
	raw, err := s.rdb.Get(ctx, s.keys.entity(key)).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, callFailed("read "+key, err)
	}
	ver, data, err := decodeVersioned(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("redis store: read %s: %w", key, err)
	}
	return data, ver, nil
}

// mget reads several entities in one round trip: each one's JSON (nil
// when absent) and version, in the order of names.
func (s *Store) mget(ctx context.Context, names []string) ([]readValue, error) {
	keys := make([]string, len(names))
	for i, name := range names {
		keys[i] = s.keys.entity(name)
	}
	raws, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, callFailed(fmt.Sprintf("read %d keys", len(keys)), err)
	}
	out := make([]readValue, len(raws))
	for i, raw := range raws {
		str, ok := raw.(string)
		if !ok {
			continue // absent
		}
		ver, data, err := decodeVersioned(str)
		if err != nil {
			return nil, fmt.Errorf("redis store: read %s: %w", names[i], err)
		}
		out[i] = readValue{data, ver}
	}
	return out, nil
}

// list reads every entity of a listed kind, in key order, as the
// in-memory store lists them.
func list[T any](ctx context.Context, s *Store, kind string) ([]T, error) {
	ids, err := s.rdb.SMembers(ctx, s.keys.index(kind)).Result()
	if err != nil {
		return nil, callFailed("list "+kind, err)
	}
	out := make([]T, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	slices.Sort(ids)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = kind + ":" + id
	}
	values, err := s.mget(ctx, names)
	if err != nil {
		return nil, err
	}
	for i, v := range values {
		if v.data == nil {
			continue // deleted between SMEMBERS and MGET
		}
		var e T
		if err := json.Unmarshal(v.data, &e); err != nil {
			return nil, fmt.Errorf("redis store: decode %s: %w", names[i], err)
		}
		out = append(out, e)
	}
	return out, nil
}

// one reads and decodes one entity, reporting whether it exists.
func one[T any](ctx context.Context, s *Store, key string) (T, bool, error) {
	var v T
	data, _, err := s.get(ctx, key)
	if err != nil || data == nil {
		return v, false, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, false, fmt.Errorf("redis store: decode %s: %w", key, err)
	}
	return v, true, nil
}

// Agent implements acd.Store.
func (s *Store) Agent(ctx context.Context, id string) (acd.Agent, error) {
	a, found, err := one[acd.Agent](ctx, s, "agent:"+id)
	if !found && err == nil {
		return acd.SignedOut(id), nil
	}
	return a, err
}

// Agents implements acd.Store.
func (s *Store) Agents(ctx context.Context) ([]acd.Agent, error) {
	return list[acd.Agent](ctx, s, "agent")
}

// Subscriptions implements acd.Store.
func (s *Store) Subscriptions(ctx context.Context, user string) ([]acd.Subscription, error) {
	subs, _, err := one[[]acd.Subscription](ctx, s, "subs:"+user)
	return subs, err
}

// Call implements acd.Store.
func (s *Store) Call(ctx context.Context, id string) (acd.Call, bool, error) {
	return one[acd.Call](ctx, s, "call:"+id)
}

// Calls implements acd.Store.
func (s *Store) Calls(ctx context.Context) ([]acd.Call, error) { return list[acd.Call](ctx, s, "call") }

// Dialog implements acd.Store.
func (s *Store) Dialog(ctx context.Context, id string) (acd.Dialog, bool, error) {
	return one[acd.Dialog](ctx, s, "dialog:"+id)
}

// Dialogs implements acd.Store.
func (s *Store) Dialogs(ctx context.Context) ([]acd.Dialog, error) {
	return list[acd.Dialog](ctx, s, "dialog")
}

// TeamMessages implements acd.Store.
func (s *Store) TeamMessages(ctx context.Context) ([]acd.TeamMessage, error) {
	return list[acd.TeamMessage](ctx, s, "teammsg")
}

// Desktops implements acd.Store.
func (s *Store) Desktops(ctx context.Context) ([]acd.Desktop, error) {
	return list[acd.Desktop](ctx, s, "desktop")
}
