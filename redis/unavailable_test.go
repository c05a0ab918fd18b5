package redis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// A Redis that is gone makes every read and commit fail with
// acd.ErrUnavailable (503 over REST), and the store works again, with what
// it had, once Redis is back.
func TestStoreUnavailable(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s, err := redis.NewStore(ctx, srv.Client(t), redis.Options{Clock: acd.NewFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	put := func(state model.AgentState) error {
		return s.Update(ctx, func(tx acd.Tx) error {
			a, err := tx.Agent("1001")
			if err != nil {
				return err
			}
			a.State = state
			tx.PutAgent(a)
			return nil
		})
	}
	if err := put(model.StateReady); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	if _, err := s.Agent(ctx, "1001"); !errors.Is(err, acd.ErrUnavailable) {
		t.Errorf("read with Redis down: %v, want ErrUnavailable", err)
	}
	if _, err := s.Agents(ctx); !errors.Is(err, acd.ErrUnavailable) {
		t.Errorf("list with Redis down: %v, want ErrUnavailable", err)
	}
	if err := put(model.StateNotReady); !errors.Is(err, acd.ErrUnavailable) {
		t.Errorf("update with Redis down: %v, want ErrUnavailable", err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if a, err := s.Agent(ctx, "1001"); err != nil || (srv.Real && a.State != model.StateReady) {
		t.Errorf("after the restart: %+v, %v", a, err)
	}
}
