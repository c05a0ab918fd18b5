package acd_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/model"
)

// TestReadyIndexConvergesUnderConcurrentChanges: agents sign in and go
// READY and NOT_READY from several goroutines at once, so that commits and
// the index's notes of them interleave. Afterwards the index must hold
// exactly the routable agents, longest available first: a READY agent
// left out would never be offered a call.
func TestReadyIndexConvergesUnderConcurrentChanges(t *testing.T) {
	const agents = 40
	cfg := directory.Config{Teams: []directory.TeamConfig{{ID: "1", Name: "One"}}}
	var ids []string
	for i := range agents {
		id := fmt.Sprintf("%d", 5000+i)
		ids = append(ids, id)
		cfg.Users = append(cfg.Users, directory.UserConfig{ID: id, LoginName: "a" + id, Password: "x", Roles: []model.Role{model.RoleAgent}, Team: "1"})
		cfg.Devices = append(cfg.Devices, fmt.Sprintf("%d", 7000+i))
	}
	cfg.Queues = []directory.QueueConfig{{ID: "q", Name: "Q", Agents: ids}}
	dir, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := acd.NewFakeClock(t0)
	mem := memstore.New(clock, memstore.DefaultRetain)
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Clock: clock, Store: mem, Log: mem.Log()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	q, _ := dir.Queue("q")
	// Build the queue's list before the changes, so that every change
	// goes through note.
	if _, err := eng.ReadyList(ctx, q); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < agents; i += 4 {
				u, _ := dir.UserByID(ids[i])
				steps := []acd.StateRequest{
					{AgentID: u.ID, State: model.StateLogin, Extension: fmt.Sprintf("%d", 7000+i)},
					{AgentID: u.ID, State: model.StateReady},
					{AgentID: u.ID, State: model.StateNotReady},
					{AgentID: u.ID, State: model.StateReady},
				}
				if i%3 == 0 {
					steps = steps[:3]
				}
				for _, req := range steps {
					if err := eng.ChangeState(ctx, u, req); err != nil {
						t.Errorf("%s %s: %v", u.ID, req.State, err)
					}
				}
			}
		})
	}
	wg.Wait()
	var want []string
	all, err := mem.Agents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(all, func(a, b acd.Agent) int { return a.ReadySince.Compare(b.ReadySince) })
	for _, a := range all {
		if acd.Routable(a) {
			want = append(want, a.ID)
		}
	}
	got, err := eng.ReadyList(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	// The clock stands still, so all READY times tie and their order is
	// the index's choice: compare the sets, then the order by time.
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("the index lists %v, the Store has READY %v", got, want)
	}
	since := map[string]time.Time{}
	for _, a := range all {
		since[a.ID] = a.ReadySince
	}
	for i := 1; i < len(got); i++ {
		if since[got[i]].Before(since[got[i-1]]) {
			t.Fatalf("the index lists %s before %s, who was READY first", got[i-1], got[i])
		}
	}
	if len(want) == 0 {
		t.Fatal("no agent ended READY: the test proves nothing")
	}
}
