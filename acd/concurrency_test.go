package acd_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// TestConcurrentSignInOnOneDevice signs 20 agents in on the same extension
// at once: the device check and the claim must be one atomic step, so
// exactly one wins and every other gets Device Busy.
func TestConcurrentSignInOnOneDevice(t *testing.T) {
	const agents = 20
	for round := range 10 {
		f := newFixture(t, bigConfig(agents))
		ext := deviceOf(0)
		start := make(chan struct{})
		errs := make(chan error, agents)
		var wg sync.WaitGroup
		for i := range agents {
			u := f.user(agentID(i))
			wg.Go(func() {
				<-start
				errs <- f.eng.ChangeState(context.Background(), u, acd.StateRequest{
					AgentID: u.ID, State: model.StateLogin, Extension: ext, RequestID: "login-" + u.ID,
				})
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}

		evs := f.eventsAfter(0)
		if len(evs) != agents {
			t.Fatalf("round %d: %d events, want %d", round, len(evs), agents)
		}
		winner := ""
		busy := 0
		for _, ev := range evs {
			up := parseUpdate(t, ev)
			id := up.Source[len("/finesse/api/User/"):]
			if up.RequestID != "login-"+id {
				t.Errorf("round %d: event for %s carries requestId %q", round, id, up.RequestID)
			}
			switch {
			case len(up.Errors) == 0:
				if winner != "" {
					t.Fatalf("round %d: both %s and %s signed in on %s", round, winner, id, ext)
				}
				winner = id
				if u := parseUserData(t, up); u.State != model.StateNotReady || u.Extension != ext {
					t.Errorf("round %d: winner's Update %+v", round, viewOf(u))
				}
			case up.Errors[0].Type == "Device Busy" && up.Errors[0].Data == ext:
				busy++
			default:
				t.Errorf("round %d: %s refused with %+v", round, id, up.Errors)
			}
		}
		if winner == "" || busy != agents-1 {
			t.Fatalf("round %d: winner %q and %d Device Busy", round, winner, busy)
		}
		_ = f.store.Update(context.Background(), func(tx acd.Tx) error {
			if h, _ := tx.DeviceHolder(ext); h != winner {
				t.Errorf("round %d: %s holds %s, but %s signed in", round, h, ext, winner)
			}
			return nil
		})
		for i := range agents {
			id := agentID(i)
			got := viewOf(f.get(id))
			want := view{State: model.StateLogout}
			if id == winner {
				want = view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: ext}
			}
			if got != want {
				t.Errorf("round %d: %s is %+v, want %+v", round, id, got, want)
			}
		}
	}
}

// TestConcurrentStateChangesOnOneAgent races READY and NOT_READY requests
// on one agent (its own and a supervisor's): whichever commits last must be
// both the newest event and what a GET reads.
func TestConcurrentStateChangesOnOneAgent(t *testing.T) {
	const goroutines, each = 16, 50
	cfg := bigConfig(2)
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "9000", Password: "pw", Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"10"},
	})
	f := newFixture(t, cfg)
	agent := agentID(0)
	f.signIn(agent, deviceOf(0))
	first := f.last()

	var wg sync.WaitGroup
	for g := range goroutines {
		actor := f.user(agent)
		if g%4 == 3 {
			actor = f.user("9000")
		}
		wg.Go(func() {
			for i := range each {
				state := model.StateReady
				if (g+i)%2 == 0 {
					state = model.StateNotReady
				}
				err := f.eng.ChangeState(context.Background(), actor, acd.StateRequest{
					AgentID: agent, State: state, RequestID: fmt.Sprintf("g%d-%d", g, i),
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()

	evs := f.eventsAfter(first)
	if len(evs) != goroutines*each {
		t.Fatalf("%d events for %d requests", len(evs), goroutines*each)
	}
	seen := map[string]bool{}
	for _, ev := range evs {
		up := parseUpdate(t, ev)
		if seen[up.RequestID] {
			t.Errorf("requestId %s in two events", up.RequestID)
		}
		seen[up.RequestID] = true
	}
	up := parseUpdate(t, evs[len(evs)-1])
	var lastState model.AgentState
	if len(up.Errors) > 0 {
		// A forced NOT_READY from NOT_READY is refused; the state then is
		// that of the newest success.
		for i := len(evs) - 1; i >= 0; i-- {
			if u := parseUpdate(t, evs[i]); len(u.Errors) == 0 {
				lastState = parseUserData(t, u).State
				break
			}
		}
	} else {
		lastState = parseUserData(t, up).State
	}
	if got := f.get(agent); got.State != lastState {
		t.Errorf("GET reads %s, the newest event says %s", got.State, lastState)
	}
}

// TestConcurrentSignInsOnOwnDevices signs many agents in at once, each on
// its own device, and checks nothing is lost.
func TestConcurrentSignInsOnOwnDevices(t *testing.T) {
	const agents = 200
	f := newFixture(t, bigConfig(agents))
	var wg sync.WaitGroup
	for i := range agents {
		u := f.user(agentID(i))
		wg.Go(func() {
			err := f.eng.ChangeState(context.Background(), u, acd.StateRequest{
				AgentID: u.ID, State: model.StateLogin, Extension: deviceOf(i), RequestID: "r" + u.ID,
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range agents {
		if got := viewOf(f.get(agentID(i))); got != (view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: deviceOf(i)}) {
			t.Errorf("%s: %+v", agentID(i), got)
		}
	}
	if n := len(f.eventsAfter(0)); n != agents {
		t.Errorf("%d events, want %d", n, agents)
	}
}
