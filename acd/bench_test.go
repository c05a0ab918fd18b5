package acd_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// BenchmarkChangeState toggles one agent between READY and NOT_READY: the
// validation, one transaction and the rendering of one Update.
func BenchmarkChangeState(b *testing.B) {
	f := newFixture(b, demoConfig(b))
	f.signIn("1001", "3001")
	u := f.user("1001")
	reqs := [2]acd.StateRequest{
		{AgentID: "1001", State: model.StateReady, RequestID: "r"},
		{AgentID: "1001", State: model.StateNotReady, ReasonCodeID: "1", RequestID: "n"},
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if err := f.eng.ChangeState(ctx, u, reqs[i&1]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkChangeStateParallel toggles a different agent in each goroutine,
// so that they contend only for the store.
func BenchmarkChangeStateParallel(b *testing.B) {
	const agents = 2000
	f := newFixture(b, bigConfig(agents))
	users := make([]*acd.User, agents)
	for i := range agents {
		f.signIn(agentID(i), deviceOf(i))
		users[i] = f.user(agentID(i))
	}
	var next atomic.Int64
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		u := users[int(next.Add(1)-1)%agents]
		reqs := [2]acd.StateRequest{
			{AgentID: u.ID, State: model.StateReady, RequestID: "r"},
			{AgentID: u.ID, State: model.StateNotReady, RequestID: "n"},
		}
		i := 0
		for pb.Next() {
			if err := f.eng.ChangeState(ctx, u, reqs[i&1]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
