package acd_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
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
	ids   []string // the ten agents
	calls []string // every call injected, in order

	// What the events have told so far: each agent's state and the one
	// before it, its dialogs (POST minus DELETE), and every dialog seen.
	cursor  acd.EventID
	state   map[string]model.AgentState
	before  map[string]model.AgentState
	dialogs map[string][]string
	seen    map[string]bool
	// ended holds the calls and dialogs seen ended: the engine removes
	// those after a retention period, and only those may disappear.
	ended map[string]bool

	counts map[string]int // what happened, to check the mix was rich
	step   int
	did    string // the current step, for failure messages
}

// TestCallProperties takes a few thousand random steps from a fixed seed
// (calls injected into 100, 200 and 300; agents asking READY, NOT_READY
// and wrap-up; answers, holds, retrieves and drops; callers hanging up;
// the clock moving 1-20 s, so offers ring out and wrap-ups end) and checks
// every invariant of check after each.
func TestCallProperties(t *testing.T) {
	steps := 4000
	if testing.Short() {
		steps = 800
	}
	w := newCallWorld(t, 20240501)
	w.check()
	for w.step = range steps {
		w.did = w.randomStep()
		w.check()
	}
	t.Logf("after %d steps: %v", steps, w.counts)
	for _, what := range []string{
		"inject", "offer", "answer", "hold", "retrieve", "drop", "abandon QUEUED", "abandon ALERTING",
		"abandon CONNECTED", "rona", "wrap-up", "wrap-up timeout", "pending", "async error", "queued",
	} {
		if w.counts[what] == 0 {
			t.Errorf("%d steps never saw %q: the mix needs tuning", steps, what)
		}
	}
}

// newCallWorld is the demo directory with its ten agents signed in on
// 3001-3010, NOT_READY.
func newCallWorld(t *testing.T, seed uint64) *callWorld {
	f := newFixture(t, demoConfig(t))
	w := &callWorld{
		t: t, f: f, rng: rand.New(rand.NewPCG(seed, 1)), ctx: context.Background(),
		state: map[string]model.AgentState{}, before: map[string]model.AgentState{},
		dialogs: map[string][]string{}, seen: map[string]bool{}, ended: map[string]bool{}, counts: map[string]int{},
	}
	for i := range 10 {
		id := fmt.Sprintf("%d", 1001+i)
		w.ids = append(w.ids, id)
		f.signIn(id, fmt.Sprintf("%d", 3001+i))
	}
	return w
}

// Calls injected while agents change state, all at once: every
// transaction sees the others' commits, so the same invariants hold once
// everything is done, and the log tells the same story as the store.
func TestCallPropertiesConcurrent(t *testing.T) {
	w := newCallWorld(t, 7)
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

	// Then, one at a time, every offered call is answered and dropped
	// until no call is left.
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
				w.act(c, "ANSWER")
				w.act(c, "DROP")
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
	for _, id := range w.calls {
		c, found, err := f.store.Call(context.Background(), id)
		if err != nil || (found && c.State != acd.CallEnded) || (!found && !w.ended["call:"+id]) {
			t.Fatalf("call %s left: %+v found=%v err=%v", id, c, found, err)
		}
	}
}

// randomStep takes one random step and says what it did.
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
	case op < 11:
		queue := []string{"100", "100", "200", "200", "300"}[w.rng.IntN(5)]
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
		return fmt.Sprintf("inject call %s into %s: %s to %q", c.ID, queue, c.State, c.Agent)

	case op < 36:
		id := w.ids[w.rng.IntN(len(w.ids))]
		state, reason := model.StateReady, ""
		switch r := w.rng.IntN(10); {
		case r < 5:
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

	case op < 53:
		c, ok := pick(byState[acd.CallAlerting])
		if !ok {
			return "no call to answer"
		}
		w.act(c, "ANSWER")
		w.counts["answer"]++
		return fmt.Sprintf("%s answers call %s", c.Agent, c.ID)

	case op < 68:
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
		case r == 2: // never offered to a connected party: refused
			action = "ANSWER"
		}
		w.act(c, action)
		w.counts[strings.ToLower(action)]++
		return fmt.Sprintf("%s %s call %s", c.Agent, action, c.ID)

	case op < 76:
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
		was := f.call(id).State
		f.hangUp(id)
		if was != acd.CallEnded {
			w.counts["abandon "+string(was)]++
		}
		return fmt.Sprintf("caller of %s (%s) hangs up", id, was)
	}
	d := time.Duration(1+w.rng.IntN(20)) * time.Second
	f.clock.Advance(d)
	return fmt.Sprintf("advance %v", d)
}

func (w *callWorld) act(c acd.Call, action string) {
	err := w.f.eng.DialogAction(w.ctx, w.f.user(c.Agent), acd.DialogRequest{
		DialogID: c.DialogID, Action: action, TargetMediaAddress: w.f.agent(c.Agent).Extension, RequestID: "p",
	})
	if err != nil {
		w.t.Fatalf("step %d: %s %s call %s: %v", w.step, c.Agent, action, c.ID, err)
	}
}

func (w *callWorld) fail(format string, args ...any) {
	w.t.Helper()
	w.t.Fatalf("step %d (%s): %s", w.step, w.did, fmt.Sprintf(format, args...))
}

// check verifies every invariant after a step.
func (w *callWorld) check() {
	w.t.Helper()
	w.checkEvents()
	f, ctx := w.f, w.ctx

	agentList, err := f.store.Agents(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	agents := map[string]acd.Agent{}
	for _, a := range agentList {
		agents[a.ID] = a
	}
	callList, err := f.store.Calls(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	calls := map[string]acd.Call{}
	for _, c := range callList {
		calls[c.ID] = c
	}
	dialogs := map[string]acd.Dialog{}
	for id := range w.seen {
		d, found, err := f.store.Dialog(ctx, id)
		if err != nil || (!found && !w.ended["dialog:"+id]) {
			w.fail("dialog %s announced but not stored: %v", id, err)
		}
		if !found {
			continue
		}
		if !d.Ended.IsZero() {
			w.ended["dialog:"+id] = true
		}
		dialogs[id] = d
	}

	// No call lost, and each one consistent with its dialog and agent.
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
			a := agents[c.Agent]
			p := partyOf(d, a.Extension)
			wantDialog, wantParty, wantAgent := "ALERTING", "ALERTING", []model.AgentState{model.StateReserved}
			if c.State == acd.CallConnected {
				wantDialog, wantParty, wantAgent = "ACTIVE", "ACTIVE", []model.AgentState{model.StateTalking, model.StateHold}
				if a.State == model.StateHold {
					wantParty = "HELD"
				}
			}
			if !ok || d.CallID != id || d.State != wantDialog || p == nil || p.State != wantParty ||
				!slices.Contains(wantAgent, a.State) || !slices.Equal(a.Dialogs, []string{c.DialogID}) {
				w.fail("%s call %+v: dialog %+v, agent %+v", c.State, c, d, a)
			}
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

	// Dialogs: a live one belongs to its call's agent; a dropped one to
	// nobody.
	for id, d := range dialogs {
		live := d.State != "DROPPED"
		c := calls[d.CallID]
		if live != (c.DialogID == id && (c.State == acd.CallAlerting || c.State == acd.CallConnected)) {
			w.fail("dialog %s %s for call %+v", id, d.State, c)
		}
		for _, a := range agents {
			if slices.Contains(a.Dialogs, id) != (live && a.ID == c.Agent) {
				w.fail("agent %s lists dialogs %v; dialog %s is %s", a.ID, a.Dialogs, id, d.State)
			}
		}
	}

	// Agents: at most one live dialog, and only in a state of being on
	// it; wrap-up only with its deadline; what the events told matches.
	for _, id := range w.ids {
		a := agents[id]
		if len(a.Dialogs) > 1 {
			w.fail("agent %s has dialogs %v", id, a.Dialogs)
		}
		if a.State.OnCall() != (len(a.Dialogs) == 1) {
			w.fail("agent %s is %s with dialogs %v", id, a.State, a.Dialogs)
		}
		if len(a.Dialogs) == 1 && calls[dialogs[a.Dialogs[0]].CallID].Agent != id {
			w.fail("agent %s has dialog %s of another's call", id, a.Dialogs[0])
		}
		wrapUp := a.State == model.StateWork || a.State == model.StateWorkReady
		if wrapUp == a.WrapUpDeadline.IsZero() || (wrapUp && a.WrapUpDeadline.Before(f.clock.Now())) {
			w.fail("agent %s is %s with wrap-up deadline %v", id, a.State, a.WrapUpDeadline)
		}
		if w.state[id] != a.State {
			w.fail("agent %s is %s, its events say %s", id, a.State, w.state[id])
		}
		shown := a.Dialogs
		if wrapUp && a.WrapUpDialog != "" {
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

// checkEvents reads the events of the last step: a call is offered (a
// User RESERVED, then the Dialogs POST) only to an agent that was READY.
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

func partyOf(d acd.Dialog, ext string) *acd.Party {
	for i := range d.Parties {
		if d.Parties[i].Address == ext && d.Parties[i].Agent != "" {
			return &d.Parties[i]
		}
	}
	return nil
}
