package redis_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
	"github.com/finessed/finessed/redis/redistest"
)

// TestTwoNodesConflictingRequests runs two engines ("node a" and "node b"),
// each over its own Redis client, Store, Lease and Lockouts, on one Redis
// and one demo directory, and fires conflicting requests for the same
// agents from both nodes at the same instant, round after round (issue #5:
// "never a double reservation or a lost update"):
//
//   - States: READY and NOT_READY for one agent at once, each from the
//     agent or its supervisor. The log must hold one event per request, and
//     replaying the requests in log order through the state machine must
//     give every event's outcome and the committed state.
//   - Routing: customer calls injected on both nodes while agents of the
//     queue go READY or NOT_READY on both nodes. No agent is offered two
//     calls, no call two agents, no call is lost (each is offered or
//     waiting), and no call waits while an agent is READY and idle.
//   - Answers: the ringing agent answers on both nodes at once, or answers
//     on one while it asks for NOT_READY, or while the customer hangs up, on
//     the other. Exactly one outcome wins, and log, store and history agree
//     on which.
//
// The clock is a FakeClock shared by both nodes, moved a little between
// rounds, so no ring-no-answer or wrap-up timer fires during the test.
// FINESSE_RACE_SEED=n replays the random choices of a failed run.
func TestTwoNodesConflictingRequests(t *testing.T) {
	states, routing, answers := 300, 70, 105
	if testing.Short() {
		states, routing, answers = 60, 15, 30
	}
	r := newRaceRig(t)
	began := time.Now()
	r.start(t)
	for i, id := range raceStateAgents {
		r.mustChange(t, i%2, id, id, model.StateLogin, raceExt(id), "", model.StateNotReady)
	}
	for i, id := range raceQueueAgents {
		r.mustChange(t, i%2, id, id, model.StateLogin, raceExt(id), "", model.StateNotReady)
	}
	ok := t.Run("States", func(t *testing.T) {
		for round := range states {
			r.stateRound(t, round)
			if round%40 == 39 {
				r.signInAfresh(t, raceStateAgents)
			}
			r.clock.Advance(5 * time.Millisecond)
		}
	})
	ok = ok && t.Run("Routing", func(t *testing.T) {
		for round := range routing {
			r.routingRound(t, round)
			if round%10 == 9 {
				r.signInAfresh(t, raceQueueAgents)
			}
			r.clock.Advance(5 * time.Millisecond)
		}
	})
	ok = ok && t.Run("Answers", func(t *testing.T) {
		for round := range answers {
			r.answerRound(t, round)
			if round%10 == 9 {
				r.signInAfresh(t, raceQueueAgents)
			}
			r.clock.Advance(5 * time.Millisecond)
		}
	})
	r.stop(t)
	t.Logf("%d rounds (%d states, %d routing, %d answers) on %s in %v, seed %d",
		states+routing+answers, states, routing, answers, r.redisKind, time.Since(began).Round(time.Millisecond), r.seed)
	if !ok {
		t.Logf("replay with FINESSE_RACE_SEED=%d", r.seed)
	}
}

// The agents the rounds use: team Support's, in queue Support only (which
// gets no calls), for the state rounds; queue Sales's for the others.
var (
	raceStateAgents = []string{"1007", "1008", "1009", "1010"}
	raceQueueAgents = []string{"1001", "1002", "1003", "1004", "1005"}
)

const (
	raceQueue      = "100" // Sales: longest-available, not ring-all
	raceSupervisor = "2001"
)

// raceExt is the extension agent 10nn signs in on: 30nn.
func raceExt(agent string) string { return "3" + agent[1:] }

type raceNode struct {
	name  string
	eng   *acd.Engine
	store *redis.Store
}

type raceRig struct {
	ctx       context.Context
	clock     *acd.FakeClock
	dir       *acd.Directory
	nodes     [2]raceNode
	rng       *rand.Rand
	seed      uint64
	redisKind string
}

func newRaceRig(t *testing.T) *raceRig {
	t.Helper()
	srv := redistest.Start(t)
	demo, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := directory.NewDirectory(demo.Config)
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FINESSE_RACE_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("FINESSE_RACE_SEED: %v", err)
		}
	}
	r := &raceRig{
		ctx: context.Background(), clock: acd.NewFakeClock(t0), dir: dir,
		rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, redisKind: "miniredis",
	}
	if srv.Real {
		r.redisKind = "redis-server"
	}
	for i, name := range []string{"a", "b"} {
		// Each node has a client of its own, as two processes would.
		store, err := redis.NewStore(r.ctx, srv.Client(t), redis.Options{Prefix: "race:", Clock: r.clock})
		if err != nil {
			t.Fatal(err)
		}
		eng, err := acd.NewEngine(acd.Options{
			Directory: dir, Store: store, Log: store.Log(), Clock: r.clock,
			Lockouts: store.NewLockouts(dir.Settings.LockoutAttempts, dir.Settings.LockoutDuration),
			Lease:    store.NewLease(name, acd.LeaseTTL),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(eng.Close) // before the client closes: cleanups run last first
		r.nodes[i] = raceNode{name: name, eng: eng, store: store}
	}
	if r.nodes[0].store.Log().Epoch() != r.nodes[1].store.Log().Epoch() {
		t.Fatal("the two nodes see different epochs")
	}
	return r
}

// start starts both nodes' heartbeats: node a, first, takes the lease.
func (r *raceRig) start(t *testing.T) {
	t.Helper()
	r.nodes[0].eng.Start()
	r.nodes[1].eng.Start()
	if !r.nodes[0].eng.Leading() || r.nodes[1].eng.Leading() {
		t.Fatalf("leading: a %v, b %v; want a only", r.nodes[0].eng.Leading(), r.nodes[1].eng.Leading())
	}
	if h := r.holder(t); h != "a" {
		t.Fatalf("lease holder %q, want a", h)
	}
}

// stop closes both nodes: the leader gives the lease up.
func (r *raceRig) stop(t *testing.T) {
	t.Helper()
	if h := r.holder(t); h != "a" {
		t.Errorf("lease holder after the rounds %q, want a", h)
	}
	r.nodes[1].eng.Close()
	r.nodes[0].eng.Close()
	if h := r.holder(t); h != "" {
		t.Errorf("lease holder after both nodes closed %q, want none", h)
	}
}

func (r *raceRig) holder(t *testing.T) string {
	t.Helper()
	h, err := r.nodes[1].store.NewLease("observer", acd.LeaseTTL).Holder(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// signInAfresh signs agents out and in again, NOT_READY: a new sign-in
// starts a new history, which every state change reads and writes, so the
// rounds do not slow down as it grows to its bound.
func (r *raceRig) signInAfresh(t *testing.T, agents []string) {
	t.Helper()
	for i, id := range agents {
		r.mustChange(t, i%2, id, id, model.StateNotReady, "", "1", model.StateNotReady)
		r.mustChange(t, 1-i%2, id, id, model.StateLogout, "", "4", model.StateLogout)
		r.mustChange(t, i%2, id, id, model.StateLogin, raceExt(id), "", model.StateNotReady)
	}
}

func (r *raceRig) user(t *testing.T, id string) *acd.User {
	t.Helper()
	u, ok := r.dir.User(id)
	if !ok {
		t.Fatalf("no user %s in the demo directory", id)
	}
	return u
}

// change makes a state request on node; it may run on any goroutine.
func (r *raceRig) change(node int, actor, agent string, state model.AgentState, ext, reason, rid string) error {
	u, ok := r.dir.User(actor)
	if !ok {
		return fmt.Errorf("no user %s in the demo directory", actor)
	}
	return r.nodes[node].eng.ChangeState(r.ctx, u, acd.StateRequest{
		AgentID: agent, State: state, Extension: ext, ReasonCodeID: reason, RequestID: rid,
	})
}

// mustChange is a set-up or reset step that must leave agent in want.
func (r *raceRig) mustChange(t *testing.T, node int, actor, agent string, state model.AgentState, ext, reason string, want model.AgentState) {
	t.Helper()
	if err := r.change(node, actor, agent, state, ext, reason, "setup"); err != nil {
		t.Fatalf("%s sets %s to %s on node %s: %v", actor, agent, state, r.nodes[node].name, err)
	}
	if a := r.agent(t, agent); a.State != want || len(a.Dialogs) > 0 {
		t.Fatalf("%s sets %s to %s on node %s: agent is %s with dialogs %v, want %s", actor, agent, state, r.nodes[node].name, a.State, a.Dialogs, want)
	}
}

// agent is agent id's committed state, read through both nodes' stores,
// which must agree.
func (r *raceRig) agent(t *testing.T, id string) acd.Agent {
	t.Helper()
	a, err := r.nodes[0].store.Agent(r.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.nodes[1].store.Agent(r.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("agent %s reads differently on the two nodes:\n a: %+v\n b: %+v", id, a, b)
	}
	return a
}

func (r *raceRig) call(t *testing.T, id string) acd.Call {
	t.Helper()
	c, found, err := r.nodes[1].store.Call(r.ctx, id)
	if err != nil || !found {
		t.Fatalf("call %s: found %v, %v", id, found, err)
	}
	return c
}

func (r *raceRig) dialog(t *testing.T, id string) acd.Dialog {
	t.Helper()
	d, found, err := r.nodes[0].store.Dialog(r.ctx, id)
	if err != nil || !found {
		t.Fatalf("dialog %s: found %v, %v", id, found, err)
	}
	return d
}

// waiting is the queue's waiting list, read in a transaction that writes
// nothing.
func (r *raceRig) waiting(t *testing.T, queue string) []string {
	t.Helper()
	var out []string
	err := r.nodes[0].store.Update(r.ctx, func(tx acd.Tx) error {
		w, err := tx.Waiting(queue)
		out = w
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (r *raceRig) history(t *testing.T, agent string) acd.History {
	t.Helper()
	var h acd.History
	err := r.nodes[1].store.Update(r.ctx, func(tx acd.Tx) error {
		var err error
		h, err = tx.History(agent)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// last is the newest event's id, which both nodes' logs must agree on.
func (r *raceRig) last(t *testing.T) acd.EventID {
	t.Helper()
	a, err := r.nodes[0].eng.Log().Last(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.nodes[1].eng.Log().Last(r.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("newest event: %d on node a, %d on node b", a, b)
	}
	return a
}

// raceEvent is one committed event with its Update parsed.
type raceEvent struct {
	id    acd.EventID
	nodes []string
	up    model.Update
}

func (e raceEvent) String() string {
	s := fmt.Sprintf("#%d %s %s rid=%q", e.id, e.up.Event, e.up.Source, e.up.RequestID)
	if len(e.up.Errors) > 0 {
		return s + fmt.Sprintf(" errors=%v", e.up.Errors)
	}
	if e.up.Data != nil {
		switch e.up.Data.Tag {
		case "user":
			if u, err := model.ParseUser(e.up.Data); err == nil {
				s += fmt.Sprintf(" state=%s reason=%q pending=%s", u.State, u.ReasonCodeID, u.PendingState)
			}
		case "dialog":
			if d, err := model.ParseDialog(e.up.Data); err == nil {
				s += " dialog=" + d.State
			}
		}
	}
	return s
}

// eventsAfter reads every event after id, in order, through node b's log
// (the rounds' requests went to both nodes): there must be no gap.
func (r *raceRig) eventsAfter(t *testing.T, after acd.EventID) []raceEvent {
	t.Helper()
	last := r.last(t)
	var out []raceEvent
	for after < last {
		evs, err := r.nodes[1].eng.Log().Read(r.ctx, after, int(last-after))
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.ID != after+1 {
				t.Fatalf("event %d follows event %d", ev.ID, after)
			}
			root, err := model.ParseRoot(ev.Payload, "Update")
			if err != nil {
				t.Fatalf("event %d: %v\n%s", ev.ID, err, ev.Payload)
			}
			up, err := model.ParseUpdate(root)
			if err != nil {
				t.Fatalf("event %d: %v\n%s", ev.ID, err, ev.Payload)
			}
			out = append(out, raceEvent{id: ev.ID, nodes: ev.Nodes, up: up})
			after = ev.ID
		}
	}
	return out
}

func bySource(evs []raceEvent, source string) []raceEvent {
	var out []raceEvent
	for _, e := range evs {
		if e.up.Source == source {
			out = append(out, e)
		}
	}
	return out
}

func userNode(agent string) string    { return "/finesse/api/User/" + agent }
func dialogsNode(agent string) string { return "/finesse/api/User/" + agent + "/Dialogs" }

func userOf(t *testing.T, e raceEvent) model.User {
	t.Helper()
	if len(e.up.Errors) > 0 || e.up.Data == nil || e.up.Data.Tag != "user" {
		t.Fatalf("event %v carries no <user>", e)
	}
	u, err := model.ParseUser(e.up.Data)
	if err != nil {
		t.Fatalf("event %v: %v", e, err)
	}
	return u
}

func dialogOf(t *testing.T, e raceEvent) model.Dialog {
	t.Helper()
	if len(e.up.Errors) > 0 || e.up.Data == nil || e.up.Data.Tag != "dialog" {
		t.Fatalf("event %v carries no <dialog>", e)
	}
	d, err := model.ParseDialog(e.up.Data)
	if err != nil {
		t.Fatalf("event %v: %v", e, err)
	}
	return d
}

func participant(d model.Dialog, ext string) (model.Participant, bool) {
	for _, p := range d.Participants {
		if p.MediaAddress == ext {
			return p, true
		}
	}
	return model.Participant{}, false
}

// together runs fns at the same instant, one goroutine each, released by
// one channel, and returns their errors once all are done.
func together(fns ...func() error) []error {
	start := make(chan struct{})
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			<-start
			errs[i] = fn()
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func dump(evs []raceEvent) string {
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "\n  %v", e)
	}
	return b.String()
}

// --- States ---

type stateReq struct {
	node   int
	actor  string
	state  model.AgentState
	reason string
	rid    string
}

func (q stateReq) String() string {
	return fmt.Sprintf("%s: %s sets %s %q on node %c", q.rid, q.actor, q.state, q.reason, 'a'+q.node)
}

type agentState struct {
	state  model.AgentState
	reason string
}

// outcome is what the state machine does with q for agent, signed in and
// on no call, in cur: the state after it, or false for a refusal.
func (q stateReq) outcome(agent string, cur agentState) (agentState, bool) {
	switch {
	case q.state == model.StateReady:
		return agentState{model.StateReady, ""}, true
	case q.actor == agent:
		return agentState{model.StateNotReady, q.reason}, true
	case cur.state == model.StateReady: // a supervisor forces NOT_READY from READY only
		return agentState{model.StateNotReady, "999"}, true
	}
	return cur, false
}

// stateRound races a READY and a NOT_READY request for one agent from the
// two nodes, with a third request on either node every third round.
func (r *raceRig) stateRound(t *testing.T, round int) {
	t.Helper()
	agent := raceStateAgents[round%len(raceStateAgents)]
	actor := func() string {
		if r.rng.IntN(3) == 0 {
			return raceSupervisor
		}
		return agent
	}
	notReady := func(node int, actor, rid string) stateReq {
		q := stateReq{node: node, actor: actor, state: model.StateNotReady, rid: rid}
		if actor == agent {
			q.reason = strconv.Itoa(1 + r.rng.IntN(3)) // the demo's NOT_READY codes 1..3
		}
		return q
	}
	readyNode := r.rng.IntN(2)
	reqs := []stateReq{
		{node: readyNode, actor: actor(), state: model.StateReady, rid: fmt.Sprintf("s%d-ready", round)},
		notReady(1-readyNode, actor(), fmt.Sprintf("s%d-notready", round)),
	}
	if round%3 == 2 {
		rid := fmt.Sprintf("s%d-third", round)
		if r.rng.IntN(2) == 0 {
			reqs = append(reqs, stateReq{node: r.rng.IntN(2), actor: actor(), state: model.StateReady, rid: rid})
		} else {
			reqs = append(reqs, notReady(r.rng.IntN(2), actor(), rid))
		}
	}

	a := r.agent(t, agent)
	start := agentState{a.State, a.ReasonCodeID}
	before := r.last(t)
	fns := make([]func() error, len(reqs))
	for i, q := range reqs {
		fns[i] = func() error { return r.change(q.node, q.actor, agent, q.state, "", q.reason, q.rid) }
	}
	errs := together(fns...)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("round %d: %v: %v", round, reqs[i], err)
		}
	}

	// Every request that returned nil has exactly one event, and the
	// requests replayed in log order explain each event and the end state.
	evs := r.eventsAfter(t, before)
	mine := bySource(evs, userNode(agent))
	ctx := func() string {
		return fmt.Sprintf("round %d, agent %s from %s %q, requests %v, events:%s", round, agent, start.state, start.reason, reqs, dump(evs))
	}
	if len(mine) != len(reqs) || len(evs) != len(reqs) {
		t.Fatalf("%d events, %d of them on %s, for %d accepted requests (lost update or duplicate): %s", len(evs), len(mine), userNode(agent), len(reqs), ctx())
	}
	cur := start
	seen := map[string]bool{}
	lastAccepted := -1
	for _, e := range mine {
		i := slices.IndexFunc(reqs, func(q stateReq) bool { return q.rid == e.up.RequestID })
		if i < 0 || seen[e.up.RequestID] {
			t.Fatalf("event %v: unknown or repeated requestId: %s", e, ctx())
		}
		seen[e.up.RequestID] = true
		want, accepted := reqs[i].outcome(agent, cur)
		switch {
		case accepted && len(e.up.Errors) > 0:
			t.Fatalf("event %v refuses %v, which from %s %q is accepted: %s", e, reqs[i], cur.state, cur.reason, ctx())
		case !accepted && len(e.up.Errors) == 0:
			t.Fatalf("event %v accepts %v, which from %s %q is refused: %s", e, reqs[i], cur.state, cur.reason, ctx())
		case !accepted:
			if e.up.Errors[0].Type != "Invalid State" {
				t.Fatalf("event %v: refusal %+v: %s", e, e.up.Errors, ctx())
			}
			continue
		}
		u := userOf(t, e)
		if u.State != want.state || u.ReasonCodeID != want.reason || u.PendingState != "" || u.Extension != raceExt(agent) {
			t.Fatalf("event %v: %s %q pending %q on %s, want %s %q on %s (from %s %q): %s",
				e, u.State, u.ReasonCodeID, u.PendingState, u.Extension, want.state, want.reason, raceExt(agent), cur.state, cur.reason, ctx())
		}
		if !slices.Equal(e.nodes, []string{userNode(agent), model.TeamUsersNode("20")}) {
			t.Fatalf("event %v went to %v: %s", e, e.nodes, ctx())
		}
		cur, lastAccepted = want, i
	}
	if lastAccepted < 0 {
		t.Fatalf("no request was accepted, yet an agent's own request always is: %s", ctx())
	}

	// The committed state is the last accepted request's, on both nodes,
	// in the store and through the engines.
	a = r.agent(t, agent)
	if a.State != cur.state || a.ReasonCodeID != cur.reason || a.PendingState != "" || a.Extension != raceExt(agent) || len(a.Dialogs) > 0 {
		t.Fatalf("store holds %+v, but the last accepted request (%v) left %s %q: %s", a, reqs[lastAccepted], cur.state, cur.reason, ctx())
	}
	for _, n := range r.nodes {
		u, err := n.eng.User(r.ctx, r.user(t, "admin"), agent)
		if err != nil {
			t.Fatal(err)
		}
		if u.State != cur.state || u.ReasonCodeID != cur.reason {
			t.Fatalf("node %s reads %s %q, want %s %q: %s", n.name, u.State, u.ReasonCodeID, cur.state, cur.reason, ctx())
		}
	}
}

// --- Routing ---

// The parts the queue's agents play in a routing round.
const (
	planIdle          = iota // NOT_READY throughout
	planReady                // READY before the calls come
	planRaceReady            // goes READY as the calls come
	planReadyNotReady        // READY before, asks for NOT_READY as the calls come
)

// routingRound injects calls on both nodes at once while agents of the
// queue go READY or NOT_READY on both nodes.
func (r *raceRig) routingRound(t *testing.T, round int) {
	t.Helper()
	plan := map[string]int{}
	reason := map[string]string{}
	for i, agent := range raceQueueAgents {
		switch p := r.rng.IntN(20); {
		case p < 5:
			plan[agent] = planIdle
		case p < 12:
			plan[agent] = planReady
		case p < 17:
			plan[agent] = planRaceReady
		default:
			plan[agent] = planReadyNotReady
			reason[agent] = strconv.Itoa(1 + r.rng.IntN(3))
		}
		if plan[agent] == planReady || plan[agent] == planReadyNotReady {
			r.mustChange(t, i%2, agent, agent, model.StateReady, "", "", model.StateReady)
		}
	}
	calls := 1 + r.rng.IntN(7)
	start := map[string]acd.Agent{}
	for _, agent := range raceQueueAgents {
		start[agent] = r.agent(t, agent)
	}
	if w := r.waiting(t, raceQueue); len(w) > 0 {
		t.Fatalf("round %d starts with calls %v waiting", round, w)
	}

	before := r.last(t)
	callIDs := make([]string, calls)
	var fns []func() error
	for i := range calls {
		node := r.rng.IntN(2)
		fns = append(fns, func() error {
			c, err := r.nodes[node].eng.InjectCall(r.ctx, acd.CallRequest{Queue: raceQueue, ANI: fmt.Sprintf("555%02d%02d", round%100, i), DNIS: "8000"})
			callIDs[i] = c.ID
			return err
		})
	}
	rids := map[string]string{}
	for _, agent := range raceQueueAgents {
		node := r.rng.IntN(2)
		switch plan[agent] {
		case planRaceReady:
			rids[agent] = fmt.Sprintf("r%d-%s-ready", round, agent)
			fns = append(fns, func() error {
				return r.change(node, agent, agent, model.StateReady, "", "", rids[agent])
			})
		case planReadyNotReady:
			rids[agent] = fmt.Sprintf("r%d-%s-notready", round, agent)
			fns = append(fns, func() error {
				return r.change(node, agent, agent, model.StateNotReady, "", reason[agent], rids[agent])
			})
		}
	}
	errs := together(fns...)
	for _, err := range errs {
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}

	evs := r.eventsAfter(t, before)
	planNames := []string{"idle", "ready", "race-ready", "ready+race-not-ready"}
	var summary []string
	for _, agent := range raceQueueAgents {
		summary = append(summary, agent+":"+planNames[plan[agent]])
	}
	ctx := func() string {
		return fmt.Sprintf("round %d, %d calls %v, agents %v, events:%s", round, calls, callIDs, summary, dump(evs))
	}

	if ids := slices.Compact(slices.Sorted(slices.Values(callIDs))); len(ids) != len(callIDs) {
		t.Fatalf("LOST UPDATE: %d calls came in but got only %d ids: %s", len(callIDs), len(ids), ctx())
	}

	// Every call is offered to one agent or waits in the queue, once.
	waiting := r.waiting(t, raceQueue)
	offeredTo := map[string]string{} // agent: call
	var queued []string
	for _, id := range callIDs {
		c := r.call(t, id)
		switch c.State {
		case acd.CallQueued:
			if c.DialogID != "" || c.Agent != "" {
				t.Fatalf("queued call %s has dialog %q and agent %q: %s", id, c.DialogID, c.Agent, ctx())
			}
			queued = append(queued, id)
		case acd.CallAlerting:
			d := r.dialog(t, c.DialogID)
			var agents []string
			for _, p := range d.Parties {
				if p.Agent != "" {
					agents = append(agents, p.Agent)
					if p.State != acd.PartyAlerting || p.Address != raceExt(p.Agent) {
						t.Fatalf("call %s: party %+v of dialog %s: %s", id, p, d.ID, ctx())
					}
				}
			}
			if d.State != acd.DialogAlerting || d.CallID != id || len(agents) != 1 || agents[0] != c.Agent {
				t.Fatalf("call %s offered to %q: dialog %s is %s for call %s with agents %v (offered to more than one agent?): %s",
					id, c.Agent, d.ID, d.State, d.CallID, agents, ctx())
			}
			if prev, dup := offeredTo[c.Agent]; dup {
				t.Fatalf("DOUBLE RESERVATION: agent %s is offered calls %s and %s at once: %s", c.Agent, prev, id, ctx())
			}
			offeredTo[c.Agent] = id
		default:
			t.Fatalf("call %s is %s: %s", id, c.State, ctx())
		}
	}
	// Call ids come from one sequence in the transaction that queues the
	// call, so they are in the order the calls joined the queue.
	byNumber := func(x, y string) int { return cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y)) }
	slices.SortFunc(queued, byNumber)
	if !slices.Equal(waiting, queued) {
		t.Fatalf("LOST CALL: the queue holds %v, the calls still queued are %v (oldest first): %s", waiting, queued, ctx())
	}
	for _, id := range offeredTo {
		if len(queued) > 0 && byNumber(id, queued[0]) > 0 {
			t.Fatalf("call %s was offered while the older call %s waited: %s", id, queued[0], ctx())
		}
	}
	for _, n := range r.nodes {
		q, err := n.eng.Queue(r.ctx, raceQueue)
		if err != nil {
			t.Fatal(err)
		}
		if q.Statistics.CallsInQueue != len(queued) {
			t.Fatalf("node %s: %d calls in queue, want %d: %s", n.name, q.Statistics.CallsInQueue, len(queued), ctx())
		}
	}

	// Every agent: one call at most, and a READY idle agent while calls wait
	// is an offer lost.
	for _, agent := range raceQueueAgents {
		a := r.agent(t, agent)
		call, offered := offeredTo[agent]
		switch {
		case len(a.Dialogs) > 1:
			t.Fatalf("DOUBLE RESERVATION: agent %s has dialogs %v: %s", agent, a.Dialogs, ctx())
		case a.State == model.StateReserved:
			if !offered || len(a.Dialogs) != 1 || r.call(t, call).DialogID != a.Dialogs[0] {
				t.Fatalf("agent %s is RESERVED with dialogs %v, offered call %q: %s", agent, a.Dialogs, call, ctx())
			}
		case offered:
			t.Fatalf("agent %s is %s but call %s is offered to it: %s", agent, a.State, call, ctx())
		case len(a.Dialogs) > 0:
			t.Fatalf("agent %s is %s with dialogs %v: %s", agent, a.State, a.Dialogs, ctx())
		case a.State == model.StateReady && len(queued) > 0:
			t.Fatalf("LOST OFFER: agent %s is READY and idle while calls %v wait: %s", agent, queued, ctx())
		case a.State != model.StateReady && a.State != model.StateNotReady:
			t.Fatalf("agent %s is %s: %s", agent, a.State, ctx())
		}
		wantPending := model.AgentState("")
		switch plan[agent] {
		case planIdle:
			if a.State != model.StateNotReady || offered {
				t.Fatalf("agent %s never went READY but is %s (offered %q): %s", agent, a.State, call, ctx())
			}
		case planReadyNotReady:
			if a.State == model.StateReserved {
				wantPending = model.StateNotReady
			} else if a.State != model.StateNotReady || a.ReasonCodeID != reason[agent] {
				t.Fatalf("LOST UPDATE: agent %s asked for NOT_READY %s and got no call, but is %s %q: %s", agent, reason[agent], a.State, a.ReasonCodeID, ctx())
			}
		default:
			if a.State != model.StateReady && a.State != model.StateReserved {
				t.Fatalf("LOST UPDATE: agent %s went READY but is %s: %s", agent, a.State, ctx())
			}
		}
		if a.PendingState != wantPending || (wantPending != "" && a.PendingReasonCodeID != reason[agent]) {
			t.Fatalf("LOST UPDATE: agent %s is %s pending %q %q, want pending %q %q: %s", agent, a.State, a.PendingState, a.PendingReasonCodeID, wantPending, reason[agent], ctx())
		}
		r.checkRoutingEvents(t, agent, start[agent], a, plan[agent], rids[agent], reason[agent], call, evs, ctx)
	}

	// Reset: the customers hang up, queued calls first so that no agent a
	// hang-up frees takes one, and the agents go NOT_READY.
	hangUps := slices.Clone(queued)
	for _, id := range offeredTo {
		hangUps = append(hangUps, id)
	}
	for i, id := range hangUps {
		c, err := r.nodes[i%2].eng.HangUpCall(r.ctx, id)
		if err != nil || c.State != acd.CallEnded {
			t.Fatalf("round %d: hang up call %s: %s, %v", round, id, c.State, err)
		}
	}
	for i, agent := range raceQueueAgents {
		if a := r.agent(t, agent); a.State != model.StateNotReady || len(a.Dialogs) > 0 {
			r.mustChange(t, i%2, agent, agent, model.StateNotReady, "", "1", model.StateNotReady)
		}
	}
	if w := r.waiting(t, raceQueue); len(w) > 0 {
		t.Fatalf("round %d: calls %v wait after every customer hung up", round, w)
	}
}

// checkRoutingEvents replays agent's User events of a routing round: an
// offer (RESERVED, no requestId) only to a READY agent, once at most, each
// request once with the outcome its place in the log gives, and the last
// event what the store holds. An offer also shows the dialog on the
// agent's Dialogs node, once.
func (r *raceRig) checkRoutingEvents(t *testing.T, agent string, start, end acd.Agent, plan int, rid, reason, call string, evs []raceEvent, ctx func() string) {
	t.Helper()
	cur := agentState{start.State, start.ReasonCodeID}
	pending := model.AgentState("")
	offers, requests := 0, 0
	for _, e := range bySource(evs, userNode(agent)) {
		u := userOf(t, e)
		switch {
		case e.up.RequestID == "":
			if cur.state != model.StateReady {
				t.Fatalf("agent %s offered a call while %s: %v: %s", agent, cur.state, e, ctx())
			}
			offers++
			cur = agentState{model.StateReserved, ""}
		case e.up.RequestID == rid && plan == planRaceReady:
			requests++
			cur = agentState{model.StateReady, ""}
		case e.up.RequestID == rid && plan == planReadyNotReady:
			requests++
			if cur.state == model.StateReserved {
				pending = model.StateNotReady
			} else {
				cur = agentState{model.StateNotReady, reason}
			}
		default:
			t.Fatalf("agent %s: unexpected event %v: %s", agent, e, ctx())
		}
		if u.State != cur.state || u.ReasonCodeID != cur.reason || u.PendingState != pending {
			t.Fatalf("agent %s: event %v, want %s %q pending %q: %s", agent, e, cur.state, cur.reason, pending, ctx())
		}
	}
	if offers > 1 {
		t.Fatalf("DOUBLE RESERVATION: agent %s has %d offers in the log: %s", agent, offers, ctx())
	}
	if (offers == 1) != (call != "") {
		t.Fatalf("agent %s: %d offers in the log, offered call %q in the store: %s", agent, offers, call, ctx())
	}
	if wantReq := map[bool]int{true: 1, false: 0}[rid != ""]; requests != wantReq {
		t.Fatalf("LOST UPDATE: agent %s: request %q has %d events: %s", agent, rid, requests, ctx())
	}
	if end.State != cur.state || end.ReasonCodeID != cur.reason || end.PendingState != pending {
		t.Fatalf("agent %s: store holds %s %q pending %q, the last event says %s %q pending %q: %s",
			agent, end.State, end.ReasonCodeID, end.PendingState, cur.state, cur.reason, pending, ctx())
	}
	var posts []raceEvent
	for _, e := range bySource(evs, dialogsNode(agent)) {
		if e.up.Event != model.EventPost {
			t.Fatalf("agent %s: unexpected event %v: %s", agent, e, ctx())
		}
		posts = append(posts, e)
	}
	if len(posts) != offers {
		t.Fatalf("agent %s: %d dialogs added for %d offers: %s", agent, len(posts), offers, ctx())
	}
	if offers == 1 {
		dialogID := posts[0].up.Data.FindElement("Dialog/id")
		if dialogID == nil || dialogID.Text() != r.call(t, call).DialogID {
			t.Fatalf("agent %s: dialog added %v, but offered call %s: %s", agent, posts[0], call, ctx())
		}
	}
}

// --- Answers ---

// answerRound rings one agent with a call and then, at once on the two
// nodes: answers twice; answers and asks for NOT_READY; or answers while
// the customer hangs up.
func (r *raceRig) answerRound(t *testing.T, round int) {
	t.Helper()
	agent := raceQueueAgents[round%len(raceQueueAgents)]
	ext := raceExt(agent)
	u := r.user(t, agent)
	r.mustChange(t, round%2, agent, agent, model.StateReady, "", "", model.StateReady)
	call, err := r.nodes[1-round%2].eng.InjectCall(r.ctx, acd.CallRequest{Queue: raceQueue, ANI: "5550000", DNIS: "8000"})
	if err != nil {
		t.Fatal(err)
	}
	if call.State != acd.CallAlerting || call.Agent != agent {
		t.Fatalf("round %d: call %s is %s for %q, want ALERTING for %s", round, call.ID, call.State, call.Agent, agent)
	}
	dialogID := call.DialogID
	answer := func(node int, rid string) func() error {
		return func() error {
			return r.nodes[node].eng.DialogAction(r.ctx, u, acd.DialogRequest{
				DialogID: dialogID, Action: "ANSWER", TargetMediaAddress: ext, RequestID: rid,
			})
		}
	}
	node := r.rng.IntN(2)
	ridA, ridB := fmt.Sprintf("a%d-answer", round), fmt.Sprintf("a%d-other", round)
	variant := round % 3
	reason := strconv.Itoa(1 + r.rng.IntN(3))
	before := r.last(t)
	var errs []error
	switch variant {
	case 0:
		ridB = fmt.Sprintf("a%d-answer2", round)
		errs = together(answer(node, ridA), answer(1-node, ridB))
	case 1:
		ridB = fmt.Sprintf("a%d-notready", round)
		errs = together(answer(node, ridA), func() error {
			return r.change(1-node, agent, agent, model.StateNotReady, "", reason, ridB)
		})
	case 2:
		errs = together(answer(node, ridA), func() error {
			_, err := r.nodes[1-node].eng.HangUpCall(r.ctx, call.ID)
			return err
		})
	}
	for _, err := range errs {
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}

	evs := r.eventsAfter(t, before)
	ctx := func() string {
		return fmt.Sprintf("round %d (variant %d), agent %s, call %s, dialog %s, first request on node %s, events:%s",
			round, variant, agent, call.ID, dialogID, r.nodes[node].name, dump(evs))
	}
	dialogEvs := bySource(evs, model.DialogURI(dialogID))
	userEvs := bySource(evs, userNode(agent))
	a := r.agent(t, agent)
	c := r.call(t, call.ID)
	d := r.dialog(t, dialogID)
	party, _ := participantOf(d, agent)

	switch variant {
	case 0: // one answer wins, the other is refused after it
		if len(dialogEvs) != 2 {
			t.Fatalf("%d dialog events for two answers: %s", len(dialogEvs), ctx())
		}
		won, lost := dialogEvs[0], dialogEvs[1]
		if len(won.up.Errors) > 0 || len(lost.up.Errors) != 1 || !strings.HasPrefix(lost.up.Errors[0].Message, "INVALID_ACTION ") ||
			won.up.RequestID == lost.up.RequestID || !slices.Contains([]string{ridA, ridB}, won.up.RequestID) || !slices.Contains([]string{ridA, ridB}, lost.up.RequestID) {
			t.Fatalf("DOUBLE ANSWER: want one answer accepted, then the other refused: %s", ctx())
		}
		if p, ok := participant(dialogOf(t, won), ext); !ok || p.State != acd.PartyActive || dialogOf(t, won).State != acd.DialogActive {
			t.Fatalf("the accepted answer's dialog: %s", ctx())
		}
		if len(userEvs) != 1 || userEvs[0].up.RequestID != won.up.RequestID || userOf(t, userEvs[0]).State != model.StateTalking {
			t.Fatalf("want one TALKING User event for %s: %s", won.up.RequestID, ctx())
		}
		if a.State != model.StateTalking || !slices.Equal(a.Dialogs, []string{dialogID}) || a.PendingState != "" ||
			d.State != acd.DialogActive || party.State != acd.PartyActive || c.State != acd.CallConnected || c.Agent != agent {
			t.Fatalf("after two answers: agent %+v, dialog %s party %s, call %s for %q: %s", a, d.State, party.State, c.State, c.Agent, ctx())
		}
	case 1: // the answer and the NOT_READY both hold, NOT_READY as pending
		if len(dialogEvs) != 1 || dialogEvs[0].up.RequestID != ridA || dialogOf(t, dialogEvs[0]).State != acd.DialogActive {
			t.Fatalf("want one accepted answer: %s", ctx())
		}
		if len(userEvs) != 2 {
			t.Fatalf("LOST UPDATE: %d User events for an answer and a NOT_READY: %s", len(userEvs), ctx())
		}
		notReadyFirst := userEvs[0].up.RequestID == ridB
		first, second := userOf(t, userEvs[0]), userOf(t, userEvs[1])
		wantFirst, wantSecond := model.StateTalking, model.StateTalking
		wantFirstPending := model.AgentState("")
		if notReadyFirst {
			wantFirst, wantFirstPending = model.StateReserved, model.StateNotReady
		}
		if userEvs[0].up.RequestID == userEvs[1].up.RequestID || !slices.Contains([]string{ridA, ridB}, userEvs[1].up.RequestID) ||
			first.State != wantFirst || first.PendingState != wantFirstPending || second.State != wantSecond || second.PendingState != model.StateNotReady {
			t.Fatalf("LOST UPDATE: the User events do not replay to TALKING with NOT_READY pending: %s", ctx())
		}
		if a.State != model.StateTalking || a.PendingState != model.StateNotReady || a.PendingReasonCodeID != reason ||
			!slices.Equal(a.Dialogs, []string{dialogID}) || c.State != acd.CallConnected || party.State != acd.PartyActive {
			t.Fatalf("LOST UPDATE: agent %+v (want TALKING, pending NOT_READY %s), call %s, party %s: %s", a, reason, c.State, party.State, ctx())
		}
	case 2: // the answer wins before the hang-up, or is refused after it
		var accepted, refused, dropped []raceEvent
		for _, e := range dialogEvs {
			switch {
			case e.up.RequestID == ridA && len(e.up.Errors) == 0:
				accepted = append(accepted, e)
			case e.up.RequestID == ridA:
				refused = append(refused, e)
			case e.up.RequestID == "" && dialogOf(t, e).State == acd.DialogDropped:
				dropped = append(dropped, e)
			default:
				t.Fatalf("unexpected dialog event %v: %s", e, ctx())
			}
		}
		if len(accepted)+len(refused) != 1 || len(dropped) != 1 {
			t.Fatalf("want the answer accepted or refused, once, and the call dropped once: %s", ctx())
		}
		answered := len(accepted) == 1
		var states []model.AgentState
		for _, e := range userEvs {
			states = append(states, userOf(t, e).State)
		}
		h := r.history(t, agent)
		var disposition string
		if n := len(h.Calls); n > 0 && h.Calls[n-1].Dialog == dialogID {
			disposition = h.Calls[n-1].Disposition
		}
		if answered {
			if accepted[0].id > dropped[0].id || !slices.Equal(states, []model.AgentState{model.StateTalking, model.StateReady}) ||
				userEvs[0].up.RequestID != ridA || disposition != "Handled" {
				t.Fatalf("answered: want the answer before the drop, TALKING then READY, and a handled call (history %q): %s", disposition, ctx())
			}
		} else if refused[0].id < dropped[0].id || !slices.Equal(states, []model.AgentState{model.StateReady}) || disposition != "Not answered" {
			t.Fatalf("not answered: want the refusal after the drop, READY only, and an unanswered call (history %q): %s", disposition, ctx())
		}
		if a.State != model.StateReady || len(a.Dialogs) > 0 || a.PendingState != "" || c.State != acd.CallEnded ||
			d.State != acd.DialogDropped || party.State != acd.PartyDropped {
			t.Fatalf("after the hang-up: agent %+v, call %s, dialog %s, party %s: %s", a, c.State, d.State, party.State, ctx())
		}
	}

	// Reset: the customer hangs up and the agent goes NOT_READY.
	if c.State != acd.CallEnded {
		if c, err := r.nodes[node].eng.HangUpCall(r.ctx, call.ID); err != nil || c.State != acd.CallEnded {
			t.Fatalf("round %d: hang up call %s: %s, %v", round, call.ID, c.State, err)
		}
	}
	r.mustChange(t, 1-node, agent, agent, model.StateNotReady, "", "1", model.StateNotReady)
	if w := r.waiting(t, raceQueue); len(w) > 0 {
		t.Fatalf("round %d: calls %v wait", round, w)
	}
}

func participantOf(d acd.Dialog, agent string) (acd.Party, bool) {
	for _, p := range d.Parties {
		if p.Agent == agent {
			return p, true
		}
	}
	return acd.Party{}, false
}
