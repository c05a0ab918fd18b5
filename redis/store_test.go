package redis_test

import (
	"context"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// Two stores on one Redis (two nodes) see each other's commits, and the
// events of one reach a reader of the other's log.
func TestTwoNodesShareState(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	clock := acd.NewFakeClock(t0)
	a, err := redis.NewStore(ctx, srv.Client(t), redis.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	b, err := redis.NewStore(ctx, srv.Client(t), redis.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if a.Log().Epoch() == "" || a.Log().Epoch() != b.Log().Epoch() {
		t.Fatalf("epochs %q and %q", a.Log().Epoch(), b.Log().Epoch())
	}
	err = a.Update(ctx, func(tx acd.Tx) error {
		tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Extension: "3001"})
		tx.Emit(acd.Event{Nodes: []string{"/finesse/api/User/1001"}, Payload: []byte("<Update/>")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Agent(ctx, "1001")
	if err != nil || got.State != model.StateReady || got.Extension != "3001" {
		t.Fatalf("node b reads %+v, %v", got, err)
	}
	evs, err := b.Log().Read(ctx, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].ID != 1 || string(evs[0].Payload) != "<Update/>" || !evs[0].Time.Equal(t0) {
		t.Fatalf("node b reads events %+v, %v", evs, err)
	}
}
