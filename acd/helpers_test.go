package acd_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
)

// t0 has no sub-millisecond part so that times survive the millisecond
// precision of stateChangeTime unchanged.
var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// demoConfig is a fresh copy of the demo directory; callers may change it.
func demoConfig(tb testing.TB) directory.Config {
	tb.Helper()
	f, err := config.Demo()
	if err != nil {
		tb.Fatalf("config.Demo: %v", err)
	}
	return f.Config
}

// bigConfig is n agents on one team with no reason codes, each with a
// device of its own, and an administrator, for load and concurrency tests.
// Agent i is agentID(i) and its device is deviceOf(i).
func bigConfig(n int) directory.Config {
	cfg := directory.Config{
		Teams:   []directory.TeamConfig{{ID: "10", Name: "Load"}},
		Devices: []string{fmt.Sprintf("%d-%d", 200000, 200000+n-1)},
		Users:   []directory.UserConfig{{ID: "admin", Password: "pw", Roles: []model.Role{model.RoleAdmin}}},
	}
	for i := range n {
		cfg.Users = append(cfg.Users, directory.UserConfig{
			ID: agentID(i), Password: "pw", Roles: []model.Role{model.RoleAgent}, Team: "10",
		})
	}
	return cfg
}

func agentID(i int) string  { return strconv.Itoa(100000 + i) }
func deviceOf(i int) string { return strconv.Itoa(200000 + i) }

// fixture is an engine over a Store the test can also write to directly,
// with a clock that only moves when told. The Store is in memory, or on
// Redis when FINESSE_TEST_STORE=redis, so that the whole engine suite can
// be run against the shared store too.
type fixture struct {
	tb    testing.TB
	eng   *acd.Engine
	store acd.Store
	log   acd.Log
	clock *acd.FakeClock
	reqs  atomic.Int64
	// desktops counts each user's desktops open on the fixture's engine,
	// as a node's notification service does.
	desktops map[string]int
}

func newFixture(tb testing.TB, cfg directory.Config) *fixture {
	tb.Helper()
	dir, err := directory.NewDirectory(cfg)
	if err != nil {
		tb.Fatalf("NewDirectory: %v", err)
	}
	clock := acd.NewFakeClock(t0)
	store, log := openStore(tb, clock)
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: store, Log: log, Clock: clock})
	if err != nil {
		tb.Fatalf("NewEngine: %v", err)
	}
	return &fixture{tb: tb, eng: eng, store: store, log: log, clock: clock}
}

func (f *fixture) user(id string) *acd.User {
	f.tb.Helper()
	u, ok := f.eng.Directory().User(id)
	if !ok {
		f.tb.Fatalf("no user %q in the directory", id)
	}
	return u
}

// change makes a state request of actor on target and returns the
// requestId it used, unique within the fixture, with ChangeState's error.
func (f *fixture) change(actor, target string, state model.AgentState, ext, reason string) (string, error) {
	f.tb.Helper()
	rid := fmt.Sprintf("req-%d", f.reqs.Add(1))
	err := f.eng.ChangeState(context.Background(), f.user(actor), acd.StateRequest{
		AgentID: target, State: state, Extension: ext, ReasonCodeID: reason, RequestID: rid,
	})
	return rid, err
}

// mustChange is change for a setup step that the test relies on being
// accepted and applied (a success event, not an error Update).
func (f *fixture) mustChange(actor, target string, state model.AgentState, ext, reason string) model.User {
	f.tb.Helper()
	rid, err := f.change(actor, target, state, ext, reason)
	if err != nil {
		f.tb.Fatalf("%s sets %s to %s: %v", actor, target, state, err)
	}
	u := f.lastUpdate()
	if len(u.Errors) > 0 {
		f.tb.Fatalf("%s sets %s to %s: refused asynchronously: %v", actor, target, state, u.Errors)
	}
	if u.RequestID != rid {
		f.tb.Fatalf("%s sets %s to %s: last event has requestId %q, want %q", actor, target, state, u.RequestID, rid)
	}
	return parseUserData(f.tb, u)
}

// signIn signs agent id in on ext; it is then NOT_READY.
func (f *fixture) signIn(id, ext string) {
	f.tb.Helper()
	f.mustChange(id, id, model.StateLogin, ext, "")
}

// putOnState writes state straight into the store, as the call side of
// the engine would, for states no request can reach (TALKING, WORK...).
func (f *fixture) putOnState(id string, state model.AgentState) {
	f.tb.Helper()
	err := f.store.Update(context.Background(), func(tx acd.Tx) error {
		a, err := tx.Agent(id)
		if err != nil {
			return err
		}
		a.State = state
		tx.PutAgent(a)
		return nil
	})
	if err != nil {
		f.tb.Fatalf("put %s in %s: %v", id, state, err)
	}
}

// get is the committed state of user id as an administrator reads it.
func (f *fixture) get(id string) model.User {
	f.tb.Helper()
	u, err := f.eng.User(context.Background(), f.user("admin"), id)
	if err != nil {
		f.tb.Fatalf("GET %s: %v", id, err)
	}
	return u
}

func (f *fixture) last() acd.EventID {
	f.tb.Helper()
	id, err := f.eng.Log().Last(context.Background())
	if err != nil {
		f.tb.Fatalf("Log.Last: %v", err)
	}
	return id
}

// eventsAfter returns every event after id without blocking.
func (f *fixture) eventsAfter(id acd.EventID) []acd.Event {
	f.tb.Helper()
	last := f.last()
	if last <= id {
		return nil
	}
	evs, err := f.eng.Log().Read(context.Background(), id, int(last-id))
	if err != nil {
		f.tb.Fatalf("Log.Read: %v", err)
	}
	return evs
}

func (f *fixture) lastEvent() acd.Event {
	f.tb.Helper()
	last := f.last()
	if last == 0 {
		f.tb.Fatal("the log is empty")
	}
	return f.eventsAfter(last - 1)[0]
}

func (f *fixture) lastUpdate() model.Update {
	f.tb.Helper()
	return parseUpdate(f.tb, f.lastEvent())
}

func parseUpdate(tb testing.TB, ev acd.Event) model.Update {
	tb.Helper()
	root, err := model.ParseRoot(ev.Payload, "Update")
	if err != nil {
		tb.Fatalf("event %d: %v\n%s", ev.ID, err, ev.Payload)
	}
	u, err := model.ParseUpdate(root)
	if err != nil {
		tb.Fatalf("event %d: %v\n%s", ev.ID, err, ev.Payload)
	}
	return u
}

// parseUserData is the <user> a success Update carries.
func parseUserData(tb testing.TB, u model.Update) model.User {
	tb.Helper()
	if u.Data == nil || u.Data.Tag != "user" {
		tb.Fatalf("Update %s carries no <user>", u.RequestID)
	}
	user, err := model.ParseUser(u.Data)
	if err != nil {
		tb.Fatalf("Update %s: %v", u.RequestID, err)
	}
	return user
}

// wantRefusal checks that err is a *RequestError of kind with field.
func wantRefusal(tb testing.TB, err, kind error, field string) {
	tb.Helper()
	if !errors.Is(err, kind) {
		tb.Fatalf("error %v, want kind %v", err, kind)
	}
	var re *acd.RequestError
	if !errors.As(err, &re) {
		tb.Fatalf("error %v (%T) is not a *RequestError", err, err)
	}
	if re.Field != field {
		tb.Errorf("RequestError.Field = %q, want %q", re.Field, field)
	}
}

func sameNodes(got []string, want ...string) bool {
	return strings.Join(got, " ") == strings.Join(want, " ")
}
