package redis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// readyLister is what acd's routing would ask a shared store's
// transaction for (redis/ready.go).
type readyLister interface {
	ReadyAgents(queue string, limit int) ([]string, bool, error)
}

// fileBy files agents under the queues serving them, routable as acd's
// rule has it: READY, on a phone, not ringing.
func fileBy(queues map[string][]string) redis.FileReady {
	return func(a acd.Agent) ([]string, bool) {
		return queues[a.ID], a.State == model.StateReady && a.Extension != "" && len(a.Dialogs) == 0
	}
}

func readyStore(t testing.TB, rdb goredis.UniversalClient, file redis.FileReady) *redis.Store {
	t.Helper()
	s, err := redis.NewStore(context.Background(), rdb, redis.Options{Clock: acd.NewFakeClock(t0), FileReady: file})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readyIn(t testing.TB, s *redis.Store, queue string, limit int) []string {
	t.Helper()
	var ids []string
	err := s.Update(context.Background(), func(tx acd.Tx) error {
		var kept bool
		var err error
		ids, kept, err = tx.(readyLister).ReadyAgents(queue, limit)
		if err == nil && !kept {
			t.Fatal("the store says it keeps no READY index")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func putAgents(t testing.TB, s *redis.Store, agents ...acd.Agent) {
	t.Helper()
	err := s.Update(context.Background(), func(tx acd.Tx) error {
		for _, a := range agents {
			tx.PutAgent(a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The index follows every committed change of an agent, on every node:
// routable agents under each of their queues, longest available first,
// and out again when they go RESERVED or NOT_READY.
func TestReadyIndexFollowsCommits(t *testing.T) {
	srv := redistest.Start(t)
	file := fileBy(map[string][]string{"1001": {"100", "300"}, "1002": {"100"}, "1003": {"100"}})
	a, b := readyStore(t, srv.Client(t), file), readyStore(t, srv.Client(t), file)
	ready := func(id string, since time.Duration) acd.Agent {
		return acd.Agent{ID: id, State: model.StateReady, Extension: "3" + id[1:], ReadySince: t0.Add(since)}
	}
	putAgents(t, a, ready("1001", 2*time.Second), ready("1002", time.Second),
		acd.Agent{ID: "1003", State: model.StateNotReady, Extension: "3003"})
	check := func(s *redis.Store, queue string, limit int, want ...string) {
		t.Helper()
		if got := readyIn(t, s, queue, limit); !slices.Equal(got, want) {
			t.Fatalf("READY in %s (limit %d): %v, want %v", queue, limit, got, want)
		}
	}
	check(b, "100", 0, "1002", "1001")
	check(b, "100", 1, "1002")
	check(b, "300", 0, "1001")

	reserved := ready("1002", time.Second)
	reserved.State, reserved.Dialogs = model.StateReserved, []string{"7"}
	putAgents(t, b, reserved, ready("1003", 3*time.Second))
	check(a, "100", 0, "1001", "1003")
	notReady := ready("1001", 0)
	notReady.State = model.StateNotReady
	putAgents(t, a, notReady)
	check(b, "100", 0, "1003")
	check(b, "300", 0)
}

// Agents written before the index was kept (by a node without FileReady)
// are filed by FileReadyAgents, as they are stored.
func TestFileReadyAgentsFilesWhatWasThere(t *testing.T) {
	srv := redistest.Start(t)
	file := fileBy(map[string][]string{"1001": {"100"}, "1002": {"100"}})
	putAgents(t, readyStore(t, srv.Client(t), nil),
		acd.Agent{ID: "1001", State: model.StateReady, Extension: "3001", ReadySince: t0.Add(time.Second)},
		acd.Agent{ID: "1002", State: model.StateReady, Extension: "3002", ReadySince: t0})
	s := readyStore(t, srv.Client(t), file)
	if got := readyIn(t, s, "100", 0); len(got) != 0 {
		t.Fatalf("READY before filing: %v", got)
	}
	err := readyStore(t, srv.Client(t), nil).Update(context.Background(), func(tx acd.Tx) error {
		if _, kept, err := tx.(readyLister).ReadyAgents("100", 0); kept || err != nil {
			t.Errorf("a store without FileReady says it keeps the index (%v)", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.FileReadyAgents(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if got := readyIn(t, s, "100", 0); !slices.Equal(got, []string{"1002", "1001"}) {
		t.Fatalf("READY after filing: %v", got)
	}
}

// BenchmarkPickLongestAvailable is an offer's read of a queue of 2,000
// READY agents, in one transaction: every agent (what nodes sharing Redis
// do without the index), or the index's first 8 and those agents.
func BenchmarkPickLongestAvailable(b *testing.B) {
	srv := redistest.Start(b)
	ids := make([]string, 2000)
	queues := map[string][]string{}
	var agents []acd.Agent
	for i := range ids {
		ids[i] = fmt.Sprint(10000 + i)
		queues[ids[i]] = []string{"100"}
		agents = append(agents, acd.Agent{ID: ids[i], State: model.StateReady, Extension: "3" + ids[i], ReadySince: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	s := readyStore(b, srv.Client(b), fileBy(queues))
	putAgents(b, s, agents...)
	ctx := context.Background()
	pick := func(b *testing.B, read func(tx acd.Tx) ([]acd.Agent, error)) {
		for b.Loop() {
			err := s.Update(ctx, func(tx acd.Tx) error {
				agents, err := read(tx)
				if err != nil {
					return err
				}
				best := agents[0]
				for _, a := range agents[1:] {
					if a.ReadySince.Before(best.ReadySince) {
						best = a
					}
				}
				if best.ID != ids[0] {
					b.Fatalf("picked %s", best.ID)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("scan", func(b *testing.B) {
		pick(b, func(tx acd.Tx) ([]acd.Agent, error) { return tx.AgentsOf(ids) })
	})
	b.Run("index", func(b *testing.B) {
		pick(b, func(tx acd.Tx) ([]acd.Agent, error) {
			first, _, err := tx.(readyLister).ReadyAgents("100", 8)
			if err != nil {
				return nil, err
			}
			return tx.AgentsOf(first)
		})
	})
}
