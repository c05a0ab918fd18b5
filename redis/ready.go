package redis

import (
	"context"
	"fmt"
	"slices"

	"github.com/finessed/finessed/acd"
)

// Routing offers a queue's call to its longest available agent. The engine
// keeps a READY index per queue for that, but in memory, which is exact
// only when one node makes every change; nodes that share Redis read every
// agent of the queue for each offer instead (2,000 agents: 36 ms an offer).
// With FileReady set the store keeps the index itself: per queue a sorted
// set of the agents that can take a call, by READY time, written by the
// commit script together with the agents it describes, so it is never
// behind a committed change on any node. An offer reads the first few
// members and those agents (ReadyAgents), not the whole queue.
//
// Like the engine's, the index is a hint: the offer's transaction reads
// the agents it picks and checks them, and only those reads are checked at
// commit, so an offer does not conflict with every change of the queue's
// agents.

// FileReady tells the store where an agent goes in the READY index: the
// queues it serves and whether, in the state a, it can be offered a call.
type FileReady func(a acd.Agent) (queues []string, routable bool)

// filing is one change of the READY index, made by the commit script.
type filing struct {
	queue, op, agent string
	score            int64 // READY since, microseconds: exact in a Redis score
}

// filings are the index changes for the agents a transaction wrote.
func (s *Store) filings(agents map[string]acd.Agent) []filing {
	if s.file == nil || len(agents) == 0 {
		return nil
	}
	var out []filing
	for _, a := range agents {
		queues, routable := s.file(a)
		for _, q := range queues {
			f := filing{queue: q, op: "r", agent: a.ID}
			if routable {
				f.op, f.score = "a", a.ReadySince.UnixMicro()
			}
			out = append(out, f)
		}
	}
	return out
}

// ReadyAgents is the ids of up to limit agents of queue that could take a
// call when the index was read, longest available first (all of them if
// limit is 0 or less), and whether the store keeps the index at all
// (FileReady set). It is for acd's routing on a shared store; the caller
// reads the agents it considers with Agent or AgentsOf, which the commit
// checks, and skips those no longer routable.
func (t *tx) ReadyAgents(queue string, limit int) ([]string, bool, error) {
	if t.s.file == nil {
		return nil, false, nil
	}
	stop := int64(limit) - 1
	if limit <= 0 {
		stop = -1
	}
	ids, err := t.s.rdb.ZRange(t.ctx, t.s.keys.ready(queue), 0, stop).Result()
	if err != nil {
		err = callFailed("read the READY index of queue "+queue, err)
		t.fail(err)
		return nil, true, err
	}
	return ids, true, nil
}

// FileReadyAgents files every stored agent in the READY index, for a
// keyspace written before the index was kept: each agent as it was read,
// in a commit that checks it was not changed meanwhile (a change files it
// itself). Nodes call it at start; running it twice files nothing twice.
func (s *Store) FileReadyAgents(ctx context.Context) error {
	if s.file == nil {
		return nil
	}
	ids, err := s.rdb.SMembers(ctx, s.keys.index("agent")).Result()
	if err != nil {
		return callFailed("list agents", err)
	}
	slices.Sort(ids)
	for batch := range slices.Chunk(ids, 500) {
		if err := s.fileBatch(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// fileBatch files the agents ids as stored, again for those a change
// overtook.
func (s *Store) fileBatch(ctx context.Context, ids []string) error {
	for range maxTxAttempts {
		done, err := s.fileOnce(ctx, ids)
		if err != nil || done {
			return err
		}
	}
	return ErrConflict
}

// fileOnce reads the agents ids and commits their READY index entries,
// reporting false when one changed meanwhile.
func (s *Store) fileOnce(ctx context.Context, ids []string) (bool, error) {
	t := &tx{ctx: ctx, s: s, reads: map[string]readValue{}, writes: map[string]*string{}, agents: map[string]acd.Agent{}}
	defer t.done()
	agents, err := t.AgentsOf(ids)
	if err != nil {
		return false, fmt.Errorf("redis store: file READY agents: %w", err)
	}
	for _, a := range agents {
		t.agents[a.ID] = a
	}
	return s.commitFilings(ctx, t)
}

// commitFilings commits only the READY index entries of t's agents,
// provided what t read is unchanged.
func (s *Store) commitFilings(ctx context.Context, t *tx) (bool, error) {
	filings := s.filings(t.agents)
	keys := []string{s.keys.events(), s.keys.eventSeq()}
	args := []any{s.keys.prefix, len(t.reads), 0, 0, s.retain, 0, len(filings)}
	for key, r := range t.reads {
		keys = append(keys, s.keys.entity(key))
		args = append(args, r.version)
	}
	for _, f := range filings {
		args = append(args, f.queue, f.op, f.score, f.agent)
	}
	n, err := commitScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return false, callFailed("file READY agents", err)
	}
	return n == 1, nil
}
