package acd_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// demoQueues is the demo directory's queues and their agents.
var demoQueues = map[string][]string{
	"100": {"1001", "1002", "1003", "1004", "1005"},
	"200": {"1006", "1007", "1008", "1009", "1010"},
	"300": {"1001", "1006"},
}

// callWorld drives the call side at random and checks, after every step,
// invariants over everything the store holds and every event committed.
type callWorld struct {
	t     *testing.T
	f     *fixture
	rng   *rand.Rand
	ctx   context.Context
	ids   []string          // the ten agents
	ext   map[string]string // their extensions
	calls []string          // every call injected, in order
	// ringAll holds the queues on ring-all, whose calls ring every READY
	// agent of the queue at once; the others' ring one agent.
	ringAll map[string]bool
	mix     stepMix

	// What the events have told so far: each agent's state and the one
	// before it, its dialogs (POST minus DELETE), and every dialog seen.
	cursor  acd.EventID
	state   map[string]model.AgentState
	before  map[string]model.AgentState
	dialogs map[string][]string
	seen    map[string]bool
	multi   map[string]bool // the dialogs offered to several agents at once
	// ended holds the calls and dialogs seen ended: the engine removes
	// those after a retention period, and only those may disappear.
	ended map[string]bool

	counts map[string]int // what happened, to check the mix was rich
	step   int
	did    string // the current step, for failure messages
}

// stepMix is the odds of each kind of random step: cumulative, out of
// 100, those of injecting a call, asking a state, answering, acting on a
// connected call and hanging up (the rest advance the clock); and out of
// 10 state requests, those asking READY (of the rest, one in ten asks
// wrap-up and the others NOT_READY).
type stepMix struct{ inject, state, answer, connected, hangUp, ready int }

var defaultMix = stepMix{inject: 11, state: 36, answer: 53, connected: 68, hangUp: 76, ready: 5}

// ringAllMix injects fewer calls and asks READY more often, so that
// queue 100 is often empty with several of its agents READY: what makes a
// call ring more than one agent.
var ringAllMix = stepMix{inject: 7, state: 40, answer: 60, connected: 72, hangUp: 82, ready: 8}

// everyMix is what every random run must have seen at least once.
var everyMix = []string{
	"inject", "offer", "answer", "hold", "retrieve", "drop", "abandon QUEUED", "abandon ALERTING",
	"abandon CONNECTED", "rona", "wrap-up", "wrap-up timeout", "pending", "async error", "queued",
}

// TestCallProperties takes a few thousand random steps from a fixed seed
// (calls injected into 100, 200 and 300; agents asking READY, NOT_READY
// and wrap-up; answers, holds, retrieves and drops; callers hanging up;
// the clock moving 1-20 s, so offers ring out and wrap-ups end) and checks
// every invariant of check after each.
func TestCallProperties(t *testing.T) {
	runCallProperties(t, newCallWorld(t, demoConfig(t), 20240501), 4000, 800, everyMix)
}

// TestCallPropertiesRingAll is TestCallProperties with queue 100 on
// ring-all: its calls ring every READY agent of 1001-1005 at once, a
// random one of them answers, and the invariants are the same.
func TestCallPropertiesRingAll(t *testing.T) {
	w := newCallWorld(t, withStrategy(t, directory.RingAll), 20240502)
	w.mix = ringAllMix
	runCallProperties(t, w, 3000, 600, slices.Concat(everyMix, []string{
		"ring-all offer", "ring-all answer", "ring-all rona", "ring-all abandon", "ring-all pending released",
		"refused at once",
	}))
}

func runCallProperties(t *testing.T, w *callWorld, steps, short int, mix []string) {
	if testing.Short() {
		steps = short
	}
	w.check()
	for w.step = range steps {
		w.did = w.randomStep()
		w.check()
	}
	t.Logf("after %d steps: %v", steps, w.counts)
	for _, what := range mix {
		if w.counts[what] == 0 {
			t.Errorf("%d steps never saw %q: the mix needs tuning", steps, what)
		}
	}
}

// newCallWorld is the directory cfg (the demo one, its queues' strategies
// aside) with its ten agents signed in on 3001-3010, NOT_READY.
func newCallWorld(t *testing.T, cfg directory.Config, seed uint64) *callWorld {
	f := newFixture(t, cfg)
	w := &callWorld{
		t: t, f: f, rng: rand.New(rand.NewPCG(seed, 1)), ctx: context.Background(),
		ext: map[string]string{}, ringAll: map[string]bool{},
		state: map[string]model.AgentState{}, before: map[string]model.AgentState{},
		dialogs: map[string][]string{}, seen: map[string]bool{}, multi: map[string]bool{},
		ended: map[string]bool{}, counts: map[string]int{}, mix: defaultMix,
	}
	for _, q := range cfg.Queues {
		if q.Strategy == directory.RingAll {
			w.ringAll[q.ID] = true
		}
	}
	for i := range 10 {
		id := fmt.Sprintf("%d", 1001+i)
		w.ids = append(w.ids, id)
		w.ext[id] = fmt.Sprintf("%d", 3001+i)
		f.signIn(id, w.ext[id])
	}
	return w
}

// Calls injected while agents change state, all at once: every
// transaction sees the others' commits, so the same invariants hold once
// everything is done, and the log tells the same story as the store.
func TestCallPropertiesConcurrent(t *testing.T) {
	w := newCallWorld(t, demoConfig(t), 7)
	f := w.f
	const injectors, callsEach, toggles = 6, 30, 21 // ending READY
	ids := make(chan string, injectors*callsEach)
	var wg sync.WaitGroup
	for i := range injectors {
		queue := []string{"100", "200", "300"}[i%3]
		wg.Go(func() {
			for n := range callsEach {
				c, err := f.eng.InjectCall(w.ctx, acd.CallRequest{Queue: queue, ANI: fmt.Sprintf("55%d%03d", i, n)})
				if err != nil {
					t.Error(err)
					return
				}
				ids <- c.ID
			}
		})
	}
	for _, id := range w.ids {
		u := f.user(id)
		wg.Go(func() {
			for n := range toggles {
				req := acd.StateRequest{AgentID: id, State: model.StateReady, RequestID: "c"}
				if n%2 == 1 {
					req.State, req.ReasonCodeID = model.StateNotReady, "1"
				}
				if err := f.eng.ChangeState(w.ctx, u, req); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	for id := range ids {
		w.calls = append(w.calls, id)
	}
	w.did = "concurrent injections and state changes"
	w.check()

	// Then, one at a time, every offered call is answered (by one of the
	// agents it rings) and dropped until no call is left.
	for w.step = 1; ; w.step++ {
		calls, err := f.store.Calls(w.ctx)
		if err != nil {
			t.Fatal(err)
		}
		var live []acd.Call
		for _, c := range calls {
			if c.State == acd.CallAlerting {
				live = append(live, c)
			}
		}
		switch {
		case len(live) > 0:
			for _, c := range live {
				answerer := w.ringing(c)[0]
				w.act(answerer, c, "ANSWER")
				w.act(answerer, c, "DROP")
			}
			w.did = "answer and drop every offered call"
		case slices.ContainsFunc(w.ids, func(id string) bool { return f.agent(id).State == model.StateWorkReady }):
			// Only once nothing rings, so that no offer rings out.
			f.clock.Advance(time.Minute)
			w.did = "wrap-ups end"
		default:
			w.did = "done"
		}
		w.check()
		if w.did == "done" {
			break
		}
	}
	w.allEnded()
}

// allEnded checks that every call injected has ended.
func (w *callWorld) allEnded() {
	w.t.Helper()
	for _, id := range w.calls {
		c, found, err := w.f.store.Call(context.Background(), id)
		if err != nil || (found && c.State != acd.CallEnded) || (!found && !w.ended["call:"+id]) {
			w.t.Fatalf("call %s left: %+v found=%v err=%v", id, c, found, err)
		}
	}
}

// ringing lists the agents an ALERTING call rings, in party order.
func (w *callWorld) ringing(c acd.Call) []string {
	w.t.Helper()
	d, found, err := w.f.store.Dialog(w.ctx, c.DialogID)
	if err != nil || !found {
		w.fail("dialog %s of call %s: found=%v err=%v", c.DialogID, c.ID, found, err)
	}
	var out []string
	for _, p := range d.Parties {
		if p.Agent != "" && p.State == acd.PartyAlerting {
			out = append(out, p.Agent)
		}
	}
	if len(out) == 0 {
		w.fail("call %+v rings nobody: %+v", c, d)
	}
	return out
}

// agentsNow reads every agent.
func (w *callWorld) agentsNow() map[string]acd.Agent {
	w.t.Helper()
	list, err := w.f.store.Agents(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]acd.Agent{}
	for _, a := range list {
		out[a.ID] = a
	}
	return out
}

// randomStep takes one random step and says what it did; for the steps
// that take a call away from the agents it rang (an answer, a hang-up, a
// ring-no-answer) it also checks where those agents went.
func (w *callWorld) randomStep() string {
	f, ctx := w.f, w.ctx
	calls, err := f.store.Calls(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	byState := map[acd.CallState][]acd.Call{}
	for _, c := range calls {
		byState[c.State] = append(byState[c.State], c)
	}
	pick := func(cs []acd.Call) (acd.Call, bool) {
		if len(cs) == 0 {
			return acd.Call{}, false
		}
		return cs[w.rng.IntN(len(cs))], true
	}

	switch op := w.rng.IntN(100); {
	case op < w.mix.inject:
		queue := []string{"100", "100", "200", "200", "300"}[w.rng.IntN(5)]
		var ready []string
		for id, a := range w.agentsNow() {
			if slices.Contains(demoQueues[queue], id) && a.State == model.StateReady {
				ready = append(ready, id)
			}
		}
		c, err := f.eng.InjectCall(ctx, acd.CallRequest{
			Queue: queue, ANI: fmt.Sprintf("555%04d", len(w.calls)), DNIS: "8000",
			Variables: []model.CallVariable{{Name: "callVariable1", Value: fmt.Sprint(len(w.calls))}},
			Preroute:  w.rng.IntN(4) == 0,
		})
		if err != nil {
			w.t.Fatalf("step %d: inject: %v", w.step, err)
		}
		w.calls = append(w.calls, c.ID)
		w.counts["inject"]++
		if c.State == acd.CallQueued {
			w.counts["queued"]++
		}
		// No call waits while an agent of its queue is READY, so the new
		// call is offered at once if one is: to all of them on ring-all,
		// to one of them otherwise.
		w.did = fmt.Sprintf("inject call %s into %s: %s to %q", c.ID, queue, c.State, c.Agent)
		switch {
		case len(ready) == 0 && c.State != acd.CallQueued:
			w.fail("call %+v not queued with no agent of %s READY", c, queue)
		case len(ready) == 0:
		case c.State != acd.CallAlerting:
			w.fail("call %+v not offered though %v READY", c, ready)
		case w.ringAll[queue] && !sameSet(w.ringing(c), ready):
			w.fail("ring-all call %+v rings %v, not every READY agent %v", c, w.ringing(c), ready)
		case !w.ringAll[queue] && (len(w.ringing(c)) != 1 || !slices.Contains(ready, w.ringing(c)[0])):
			w.fail("call %+v rings %v, not one of the READY agents %v", c, w.ringing(c), ready)
		}
		return w.did

	case op < w.mix.state:
		id := w.ids[w.rng.IntN(len(w.ids))]
		state, reason := model.StateReady, ""
		switch r := w.rng.IntN(10); {
		case r < w.mix.ready:
		case r < 9:
			state, reason = model.StateNotReady, fmt.Sprint(1+w.rng.IntN(3))
		case r == 9:
			state = []model.AgentState{model.StateWork, model.StateWorkReady}[w.rng.IntN(2)]
		}
		was := f.agent(id).State
		if _, err := f.change(id, id, state, "", reason); err != nil {
			w.t.Fatalf("step %d: %s to %s: %v", w.step, id, state, err)
		}
		if was.OnCall() {
			w.counts["pending"]++
		}
		return fmt.Sprintf("%s (%s) asks %s %s", id, was, state, reason)

	case op < w.mix.answer:
		c, ok := pick(byState[acd.CallAlerting])
		if !ok {
			return "no call to answer"
		}
		rung := w.ringing(c)
		answerer := rung[0]
		if len(rung) > 1 {
			answerer = rung[w.rng.IntN(len(rung))]
		}
		w.did = fmt.Sprintf("%s of %v answers call %s", answerer, rung, c.ID)
		was := w.agentsNow()
		w.act(answerer, c, "ANSWER")
		w.counts["answer"]++
		now := w.f.call(c.ID)
		if now.State != acd.CallConnected || now.Agent != answerer || f.agent(answerer).State != model.StateTalking {
			w.fail("answered call %+v, answerer %+v", now, f.agent(answerer))
		}
		if len(rung) > 1 {
			w.counts["ring-all answer"]++
			w.released(c, rung, answerer, was, false)
		}
		return w.did

	case op < w.mix.connected:
		c, ok := pick(byState[acd.CallConnected])
		if !ok {
			return "no call to drop, hold or retrieve"
		}
		action := "DROP"
		switch r := w.rng.IntN(6); {
		case r < 2 && f.agent(c.Agent).State == model.StateTalking:
			action = "HOLD"
		case r < 2:
			action = "RETRIEVE"
		case r == 2 && w.ringAll[c.Queue] && w.rng.IntN(2) == 0:
			// Another agent of the queue, maybe one the call rang before
			// it was answered: never on the call, refused at once.
			members := slices.DeleteFunc(slices.Clone(demoQueues[c.Queue]), func(id string) bool { return id == c.Agent })
			other := members[w.rng.IntN(len(members))]
			w.did = fmt.Sprintf("%s ANSWER call %s of %s", other, c.ID, c.Agent)
			err := f.eng.DialogAction(ctx, f.user(other), acd.DialogRequest{
				DialogID: c.DialogID, Action: "ANSWER", TargetMediaAddress: w.ext[other], RequestID: "p",
			})
			if !errors.Is(err, acd.ErrNotYourUser) {
				w.fail("ANSWER by an agent not on the call: %v", err)
			}
			w.counts["refused at once"]++
			return w.did
		case r == 2: // never offered to a connected party: refused
			action = "ANSWER"
		}
		w.act(c.Agent, c, action)
		w.counts[strings.ToLower(action)]++
		return fmt.Sprintf("%s %s call %s", c.Agent, action, c.ID)

	case op < w.mix.hangUp:
		// Mostly live calls; sometimes any, ended ones included.
		live := slices.Concat(byState[acd.CallQueued], byState[acd.CallAlerting], byState[acd.CallConnected])
		c, ok := pick(live)
		if !ok || w.rng.IntN(5) == 0 {
			if len(w.calls) == 0 {
				return "no call to hang up"
			}
			stored, found, err := f.store.Call(context.Background(), w.calls[w.rng.IntN(len(w.calls))])
			if err != nil || !found {
				return "the call picked to hang up was removed after it ended"
			}
			c = stored
		}
		id := c.ID
		c = f.call(id)
		var rung []string
		if c.State == acd.CallAlerting {
			rung = w.ringing(c)
		}
		was := w.agentsNow()
		w.did = fmt.Sprintf("caller of %s (%s, ringing %v) hangs up", id, c.State, rung)
		f.hangUp(id)
		if c.State != acd.CallEnded {
			w.counts["abandon "+string(c.State)]++
		}
		if now := f.call(id); now.State != acd.CallEnded {
			w.fail("call %+v after the caller hung up", now)
		}
		if len(rung) > 1 {
			w.counts["ring-all abandon"]++
		}
		if len(rung) > 0 {
			w.released(c, rung, "", was, false)
		}
		return w.did
	}
	d := time.Duration(1+w.rng.IntN(20)) * time.Second
	// The calls whose ring time runs out now are taken back from every
	// agent they rang.
	due := map[string][]string{}
	for _, c := range byState[acd.CallAlerting] {
		if !c.RingDeadline.After(f.clock.Now().Add(d)) {
			due[c.ID] = w.ringing(c)
		}
	}
	was := w.agentsNow()
	w.did = fmt.Sprintf("advance %v", d)
	f.clock.Advance(d)
	for _, c := range byState[acd.CallAlerting] {
		if rung, ok := due[c.ID]; ok {
			if len(rung) > 1 {
				w.counts["ring-all rona"]++
			}
			w.released(c, rung, "", was, true)
		}
	}
	return w.did
}

// released checks the agents a call rang once the call left them: the
// answerer aside, each no longer has the dialog and is NOT_READY 32767
// after a ring-no-answer, else back READY (or offered the next call,
// which the events check it was READY for), or in the state it asked for
// while the call rang.
func (w *callWorld) released(c acd.Call, rung []string, answerer string, was map[string]acd.Agent, rona bool) {
	w.t.Helper()
	now := w.agentsNow()
	call := w.f.call(c.ID)
	switch {
	case rona && (call.State != acd.CallQueued && call.State != acd.CallAlerting || call.DialogID == c.DialogID):
		w.fail("call %+v rang out, now %+v", c, call)
	case rona:
		for _, id := range rung {
			if a := now[id]; a.State != model.StateNotReady || a.ReasonCodeID != "32767" {
				w.fail("%s rang out and is %s %s", id, a.State, a.ReasonCodeID)
			}
		}
		return
	}
	for _, id := range rung {
		a, before := now[id], was[id]
		if id == answerer {
			continue
		}
		if slices.Contains(a.Dialogs, c.DialogID) {
			w.fail("%s still has dialog %s of call %s", id, c.DialogID, c.ID)
		}
		switch before.PendingState {
		case model.StateNotReady:
			if a.State != model.StateNotReady || a.ReasonCodeID != before.PendingReasonCodeID {
				w.fail("%s asked %s %s while call %s rang, is %s %s", id, before.PendingState,
					before.PendingReasonCodeID, c.ID, a.State, a.ReasonCodeID)
			}
			w.countPending(rung)
		default:
			// READY asked, or wrap-up, which an unanswered call has none of.
			if a.State != model.StateReady && a.State != model.StateReserved {
				w.fail("%s (pending %q) released by call %s is %s", id, before.PendingState, c.ID, a.State)
			}
			if before.PendingState != "" {
				w.countPending(rung)
			}
		}
	}
}

func (w *callWorld) countPending(rung []string) {
	w.counts["pending released"]++
	if len(rung) > 1 {
		w.counts["ring-all pending released"]++
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// act has agent take action on call c's dialog; a synchronous refusal
// fails the test.
func (w *callWorld) act(agent string, c acd.Call, action string) {
	w.t.Helper()
	err := w.f.eng.DialogAction(w.ctx, w.f.user(agent), acd.DialogRequest{
		DialogID: c.DialogID, Action: action, TargetMediaAddress: w.ext[agent], RequestID: "p",
	})
	if err != nil {
		w.t.Fatalf("step %d: %s %s call %s: %v", w.step, agent, action, c.ID, err)
	}
}

func (w *callWorld) fail(format string, args ...any) {
	w.t.Helper()
	w.t.Fatalf("step %d (%s): %s", w.step, w.did, fmt.Sprintf(format, args...))
}

// partyStateOf is the state of an agent's party on its live dialog, by
// the agent's state.
var partyStateOf = map[model.AgentState]string{
	model.StateReserved: acd.PartyAlerting,
	model.StateTalking:  acd.PartyActive,
	model.StateHold:     acd.PartyHeld,
}

// check verifies every invariant after a step.
func (w *callWorld) check() {
	w.t.Helper()
	w.checkEvents()
	f, ctx := w.f, w.ctx

	agents := w.agentsNow()
	callList, err := f.store.Calls(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	calls := map[string]acd.Call{}
	for _, c := range callList {
		calls[c.ID] = c
	}
	dialogs := map[string]acd.Dialog{}
	dialogList, err := f.store.Dialogs(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, d := range dialogList {
		if !w.seen[d.ID] {
			w.fail("dialog %s stored but never announced", d.ID)
		}
		dialogs[d.ID] = d
	}
	for id := range w.seen {
		d, found := dialogs[id]
		if !found && !w.ended["dialog:"+id] {
			w.fail("dialog %s announced but not stored", id)
		}
		if found && !d.Ended.IsZero() {
			w.ended["dialog:"+id] = true
		}
	}

	// No call lost, and each one consistent with its dialog and agents.
	waiting := map[string][]string{}
	for q := range demoQueues {
		waiting[q] = f.waiting(q)
	}
	for _, id := range w.calls {
		c, ok := calls[id]
		if !ok && w.ended["call:"+id] {
			continue // ended long enough ago to be removed
		}
		if !ok {
			w.fail("call %s lost", id)
		}
		if c.State == acd.CallEnded {
			w.ended["call:"+id] = true
		}
		n := 0
		for _, wid := range waiting[c.Queue] {
			if wid == id {
				n++
			}
		}
		switch c.State {
		case acd.CallQueued:
			if n != 1 || c.Agent != "" || c.DialogID != "" {
				w.fail("queued call %+v is %d times in its queue's list", c, n)
			}
		case acd.CallAlerting, acd.CallConnected:
			d, ok := dialogs[c.DialogID]
			if !ok || d.CallID != id {
				w.fail("%s call %+v: dialog %+v", c.State, c, d)
			}
			w.checkLiveCall(c, d, agents)
			if (c.State == acd.CallAlerting) != !c.RingDeadline.IsZero() {
				w.fail("%s call %s with ring deadline %v", c.State, id, c.RingDeadline)
			}
			if n != 0 {
				w.fail("%s call %s still waiting in its queue", c.State, id)
			}
		case acd.CallEnded:
			if n != 0 || c.Ended.IsZero() {
				w.fail("ended call %+v is %d times in its queue's list", c, n)
			}
		default:
			w.fail("call %s in state %q", id, c.State)
		}
	}

	// Waiting lists hold only their queue's QUEUED calls, oldest first.
	for q, list := range waiting {
		for i, id := range list {
			c := calls[id]
			if c.State != acd.CallQueued || c.Queue != q {
				w.fail("queue %s waiting list %v holds %+v", q, list, c)
			}
			if i > 0 && c.Enqueued.Before(calls[list[i-1]].Enqueued) {
				w.fail("queue %s waiting list %v is not oldest first", q, list)
			}
		}
	}

	// Dialogs: a live one is listed by exactly the agents with a party on
	// it (neither DROPPED nor WRAP_UP); an ended one by nobody, its agent
	// parties DROPPED, or WRAP_UP for the agents wrapping it up.
	for id, d := range dialogs {
		live := d.State != acd.DialogDropped
		c := calls[d.CallID]
		if live != (c.DialogID == id && (c.State == acd.CallAlerting || c.State == acd.CallConnected)) {
			w.fail("dialog %s %s for call %+v", id, d.State, c)
		}
		if live != d.Ended.IsZero() {
			w.fail("dialog %s %s ended at %v", id, d.State, d.Ended)
		}
		on := map[string]bool{}
		for _, p := range d.Parties {
			switch {
			case p.Agent == "":
			case p.State == acd.PartyDropped:
			case p.State == acd.PartyWrapUp:
				if a := agents[p.Agent]; live || !a.State.WrappingUp() || a.WrapUpDialog != id {
					w.fail("dialog %s (%s) has %s WRAP_UP; the agent is %s wrapping up %q", id, d.State, p.Agent, a.State, a.WrapUpDialog)
				}
			case !live:
				w.fail("ended dialog %s has %s %s", id, p.Agent, p.State)
			default:
				if on[p.Agent] {
					w.fail("dialog %s has %s twice: %+v", id, p.Agent, d.Parties)
				}
				on[p.Agent] = true
			}
		}
		for _, a := range agents {
			if slices.Contains(a.Dialogs, id) != on[a.ID] {
				w.fail("agent %s lists dialogs %v; dialog %s is %s with parties %+v", a.ID, a.Dialogs, id, d.State, d.Parties)
			}
		}
	}

	// Agents: at most one live dialog, and only in a state of being on
	// it, with its party in the matching state; wrap-up only with its
	// deadline and its dialog; what the events told matches.
	for _, id := range w.ids {
		a := agents[id]
		if len(a.Dialogs) > 1 {
			w.fail("agent %s has dialogs %v", id, a.Dialogs)
		}
		if a.State.OnCall() != (len(a.Dialogs) == 1) {
			w.fail("agent %s is %s with dialogs %v", id, a.State, a.Dialogs)
		}
		if len(a.Dialogs) == 1 {
			d, ok := dialogs[a.Dialogs[0]]
			p := partyOf(d, id)
			if !ok || p == nil || p.State != partyStateOf[a.State] || p.Address != a.Extension {
				w.fail("agent %s is %s on %s with party %+v of dialog %+v", id, a.State, a.Extension, p, d)
			}
		}
		wrapUp := a.State.WrappingUp()
		if wrapUp == a.WrapUpDeadline.IsZero() || (wrapUp && a.WrapUpDeadline.Before(f.clock.Now())) {
			w.fail("agent %s is %s with wrap-up deadline %v", id, a.State, a.WrapUpDeadline)
		}
		// Every wrap-up here follows a routed call the agent answered,
		// whose party stays on it WRAP_UP.
		if wrapUp != (a.WrapUpDialog != "") {
			w.fail("agent %s is %s with wrap-up dialog %q", id, a.State, a.WrapUpDialog)
		}
		if a.WrapUpDialog != "" {
			d, ok := dialogs[a.WrapUpDialog]
			if p := partyOf(d, id); !ok || p == nil || p.State != acd.PartyWrapUp {
				w.fail("agent %s wraps up dialog %+v", id, d)
			}
		}
		if w.state[id] != a.State {
			w.fail("agent %s is %s, its events say %s", id, a.State, w.state[id])
		}
		shown := a.Dialogs
		if a.WrapUpDialog != "" {
			shown = append(slices.Clone(shown), a.WrapUpDialog)
		}
		if !slices.Equal(w.dialogs[id], shown) {
			w.fail("agent %s shows dialogs %v, its events say %v", id, shown, w.dialogs[id])
		}
	}

	// No waiting call while an agent of its queue is READY; and the
	// queues' statistics are a count of their agents' states.
	for q, members := range demoQueues {
		var want model.QueueStatistics
		for _, id := range waiting[q] {
			want.CallsInQueue++
			if e := calls[id].Enqueued; want.StartTimeOfLongestCallInQueue.IsZero() || e.Before(want.StartTimeOfLongestCallInQueue) {
				want.StartTimeOfLongestCallInQueue = e
			}
		}
		for _, id := range members {
			a := agents[id]
			if a.State == model.StateReady && len(waiting[q]) > 0 {
				w.fail("agent %s READY while queue %s has calls %v waiting", id, q, waiting[q])
			}
			want.AgentsLoggedOn++
			switch a.State {
			case model.StateReady:
				want.AgentsReady++
			case model.StateNotReady:
				want.AgentsNotReady++
			case model.StateWork:
				want.AgentsWrapUpNotReady++
			case model.StateWorkReady:
				want.AgentsWrapUpReady++
			case model.StateReserved:
				want.AgentsBusyOther++
			case model.StateTalking, model.StateHold:
				// On a call of this queue: talking inbound (every routed
				// call is); on another queue's: busy on other work.
				if dialogs[a.Dialogs[0]].Queue == q {
					want.AgentsTalkingInbound++
				} else {
					want.AgentsBusyOther++
				}
			default:
				w.fail("agent %s in state %s", id, a.State)
			}
		}
		got, err := f.eng.Queue(ctx, q)
		if err != nil {
			w.t.Fatal(err)
		}
		if got.Statistics != want {
			w.fail("queue %s statistics %+v, recount %+v", q, got.Statistics, want)
		}
	}
}

// checkLiveCall checks a ringing or connected call against its dialog:
// the caller's party INITIATED while it rings, ACTIVE once connected; while it rings, one or more agent parties
// ALERTING (one unless the queue is on ring-all), each agent of the queue
// and RESERVED on that dialog alone, and the call's agent the one rung if
// only one is, else none; once connected, one agent party, the call's
// agent's, ACTIVE or HELD as the agent is TALKING or on HOLD.
func (w *callWorld) checkLiveCall(c acd.Call, d acd.Dialog, agents map[string]acd.Agent) {
	w.t.Helper()
	var callers, parties []acd.Party
	for _, p := range d.Parties {
		if p.Agent == "" {
			callers = append(callers, p)
		} else {
			parties = append(parties, p)
		}
	}
	wantDialog, wantAgents, wantCaller := acd.DialogAlerting, []model.AgentState{model.StateReserved}, acd.PartyInitiated
	if c.State == acd.CallConnected {
		wantDialog, wantAgents, wantCaller = acd.DialogActive, []model.AgentState{model.StateTalking, model.StateHold}, acd.PartyActive
	}
	if len(callers) != 1 || callers[0].Address != c.ANI || callers[0].State != wantCaller {
		w.fail("%s call %+v: caller parties %+v", c.State, c, callers)
	}
	bad := d.State != wantDialog || len(parties) == 0 ||
		(len(parties) > 1 && (c.State == acd.CallConnected || !w.ringAll[c.Queue]))
	for _, p := range parties {
		a := agents[p.Agent]
		bad = bad || !slices.Contains(wantAgents, a.State) || p.State != partyStateOf[a.State] ||
			!slices.Equal(a.Dialogs, []string{c.DialogID}) || !slices.Contains(demoQueues[c.Queue], p.Agent)
	}
	if !bad {
		wantAgent := ""
		if len(parties) == 1 {
			wantAgent = parties[0].Agent
		}
		bad = c.Agent != wantAgent
	}
	if bad {
		var on []acd.Agent
		for _, p := range parties {
			on = append(on, agents[p.Agent])
		}
		w.fail("%s call %+v: dialog %+v, agents %+v", c.State, c, d, on)
	}
}

// checkEvents reads the events of the last step: a call is offered (a
// User RESERVED, then the Dialogs POST) only to an agent that was READY,
// with its party ALERTING, and to several agents only on ring-all.
func (w *callWorld) checkEvents() {
	w.t.Helper()
	for _, e := range w.f.eventsAfter(w.cursor) {
		w.cursor = e.ID
		u := parseUpdate(w.t, e)
		if len(u.Errors) > 0 {
			w.counts["async error"]++
			continue
		}
		switch {
		case u.Data != nil && u.Data.Tag == "user":
			user := parseUserData(w.t, u)
			id := user.ID
			if user.State == model.StateReserved && w.state[id] != model.StateReady && w.state[id] != model.StateReserved {
				w.fail("event %d: %s RESERVED from %s", e.ID, id, w.state[id])
			}
			if user.State != w.state[id] {
				switch {
				case user.State == model.StateWork || user.State == model.StateWorkReady:
					w.counts["wrap-up"]++
				case u.RequestID == "" && (w.state[id] == model.StateWork || w.state[id] == model.StateWorkReady):
					w.counts["wrap-up timeout"]++
				case user.ReasonCodeID == "32767":
					w.counts["rona"]++
				}
				w.before[id], w.state[id] = w.state[id], user.State
			}
		case u.Data != nil && u.Data.Tag == "dialogs":
			id := strings.TrimSuffix(strings.TrimPrefix(u.Source, "/finesse/api/User/"), "/Dialogs")
			for _, d := range dialogsOf(w.t, u) {
				switch u.Event {
				case model.EventPost:
					if w.state[id] != model.StateReserved || w.before[id] != model.StateReady {
						w.fail("event %d: dialog %s offered to %s, %s after %s", e.ID, d.ID, id, w.state[id], w.before[id])
					}
					if d.State != "ALERTING" || len(w.dialogs[id]) != 0 {
						w.fail("event %d: dialog %s (%s) offered to %s with dialogs %v", e.ID, d.ID, d.State, id, w.dialogs[id])
					}
					rung, mine := 0, false
					for _, p := range d.Participants {
						if p.MediaAddressType == "AGENT_DEVICE" {
							rung++
							mine = mine || (p.MediaAddress == w.ext[id] && p.State == "ALERTING")
						}
					}
					if !mine || (rung > 1 && !w.ringAll[d.MediaProperties.QueueNumber]) {
						w.fail("event %d: dialog %s of queue %s offered to %s: %+v", e.ID, d.ID, d.MediaProperties.QueueNumber, id, d.Participants)
					}
					if rung > 1 && !w.multi[d.ID] {
						w.multi[d.ID] = true
						w.counts["ring-all offer"]++
						w.counts[fmt.Sprintf("ring-all offer to %d", rung)]++
					}
					w.dialogs[id] = append(w.dialogs[id], d.ID)
					w.seen[d.ID] = true
					w.counts["offer"]++
				case model.EventDelete:
					if !slices.Contains(w.dialogs[id], d.ID) {
						w.fail("event %d: dialog %s removed from %s, which has %v", e.ID, d.ID, id, w.dialogs[id])
					}
					w.dialogs[id] = slices.DeleteFunc(w.dialogs[id], func(x string) bool { return x == d.ID })
				}
			}
		}
	}
}

// partyOf is agent's party on d.
func partyOf(d acd.Dialog, agent string) *acd.Party {
	for i := range d.Parties {
		if d.Parties[i].Agent == agent {
			return &d.Parties[i]
		}
	}
	return nil
}
