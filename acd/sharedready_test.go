package acd_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
)

// sharedFixture is a fixture whose engine shares a Redis Store that keeps
// the READY index, as a node of a pair does (a Lease: no index of its own).
func sharedFixture(tb testing.TB, cfg directory.Config) *fixture {
	tb.Helper()
	dir, err := directory.NewDirectory(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	clock := acd.NewFakeClock(t0)
	store, err := redis.NewStore(context.Background(), sharedRedis(tb), redis.Options{
		Prefix: fmt.Sprintf("t%d:", fixtures.Add(1)), Retain: 100_000, Clock: clock, FileReady: acd.ReadyFiling(dir),
	})
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: store, Log: store.Log(), Clock: clock, Lease: store.NewLease("a", acd.LeaseTTL)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(eng.Close)
	return &fixture{tb: tb, eng: eng, store: store, log: store.Log(), clock: clock}
}

// On a shared Store an offer reads the Store's READY index: the call goes
// to the agent READY longest, not to the first of the queue's list.
func TestSharedReadyIndexRouting(t *testing.T) {
	f := sharedFixture(t, demoConfig(t))
	for i, id := range []string{"1002", "1001", "1003"} {
		f.ready(id, "300"+id[3:])
		f.clock.Advance(time.Duration(i+1) * time.Second)
	}
	if c := f.inject("100", "5551234"); c.Agent != "1002" {
		t.Fatalf("offered to %s, want 1002, READY longest", c.Agent)
	}
	f.mustChange("1001", "1001", model.StateNotReady, "", "1")
	if c := f.inject("100", "5551235"); c.Agent != "1003" {
		t.Fatalf("second call offered to %s, want 1003 (1001 left READY)", c.Agent)
	}
}

// BenchmarkRouteCallShared is BenchmarkRouteCall on a node sharing Redis:
// the offer reads the Store's READY index rather than the queue's 2,000
// agents.
func BenchmarkRouteCallShared(b *testing.B) {
	const agents = 2000
	cfg := bigConfig(agents)
	cfg.Teams[0].WrapUpOnIncoming = model.WrapUpNotAllowed
	q := directory.QueueConfig{ID: "1", Name: "Load"}
	for i := range agents {
		q.Agents = append(q.Agents, agentID(i))
	}
	cfg.Queues = []directory.QueueConfig{q}
	f := sharedFixture(b, cfg)
	for i := range agents {
		f.ready(agentID(i), deviceOf(i))
	}
	ctx := context.Background()
	req := acd.CallRequest{Queue: "1", ANI: "5551234", DNIS: "8000"}
	var routing time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		c, err := f.eng.InjectCall(ctx, req)
		routing += time.Since(start)
		if err != nil || c.State != acd.CallAlerting {
			b.Fatalf("call %+v: %v", c, err)
		}
		i, _ := strconv.Atoi(c.Agent)
		for _, action := range []string{"ANSWER", "DROP"} {
			err := f.eng.DialogAction(ctx, f.user(c.Agent), acd.DialogRequest{DialogID: c.DialogID, Action: action, TargetMediaAddress: deviceOf(i - 100000)})
			if err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(n)/routing.Seconds(), "calls/s")
	b.ReportMetric(float64(routing.Nanoseconds())/float64(n), "ns/route")
}
