package acd_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// A ring-all call rings all five agents of queue 100 and two to five of
// them ANSWER it at the same moment, each in a goroutine of its own. In
// some rounds, at that same moment too, the caller hangs up, the ring
// time runs out, a rung agent that does not answer asks NOT_READY, or a
// second call comes into the queue. Exactly one answer wins unless the
// hang-up or the ring-no-answer comes first, in which case none does: the
// winner is TALKING on the call, every other answer is refused (at once,
// or by an apiErrors event), and every other agent rung is back READY
// (or rung again by the second call), NOT_READY 32767 after a ring-out,
// or NOT_READY as it asked. Every invariant of check holds after every
// round.
func TestCallPropertiesRingAllConcurrentAnswers(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 20
	}
	w := newCallWorld(t, withStrategy(t, directory.RingAll), 11)
	f, members := w.f, demoQueues["100"]
	users := map[string]*acd.User{}
	for _, id := range members {
		users[id] = f.user(id)
	}
	w.check()
	for w.step = range rounds {
		for _, id := range members {
			if f.agent(id).State != model.StateReady {
				f.mustChange(id, id, model.StateReady, "", "")
			}
		}
		c := f.inject("100", fmt.Sprintf("555%04d", w.step))
		w.calls = append(w.calls, c.ID)
		w.did = "inject " + c.ID
		if c.State != acd.CallAlerting || c.Agent != "" || !sameSet(w.ringing(c), members) {
			w.fail("call %+v rings %v, want all of %v", c, w.ringing(c), members)
		}
		w.check()

		perm := w.rng.Perm(len(members))
		n := 2 + w.rng.IntN(len(members)-1)
		var answerers []string
		for _, i := range perm[:n] {
			answerers = append(answerers, members[i])
		}
		asker := "" // a rung agent that asks NOT_READY instead
		if n < len(members) && w.rng.IntN(3) == 0 {
			asker = members[perm[n]]
		}
		hangUp, ringOut, second := w.rng.IntN(4) == 0, w.rng.IntN(4) == 0, w.rng.IntN(3) == 0
		w.did = fmt.Sprintf("round %d: %v answer call %s at once; NOT_READY by %q, hang-up %v, ring-out %v, second call %v",
			w.step, answerers, c.ID, asker, hangUp, ringOut, second)

		rids := map[string]string{} // requestId: agent
		errs := make([]error, len(answerers))
		var secondCall acd.Call
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, id := range answerers {
			rid := fmt.Sprintf("race-%d-%s", w.step, id)
			rids[rid] = id
			wg.Go(func() {
				<-start
				errs[i] = f.eng.DialogAction(w.ctx, users[id], acd.DialogRequest{
					DialogID: c.DialogID, Action: "ANSWER", TargetMediaAddress: w.ext[id], RequestID: rid,
				})
			})
		}
		if asker != "" {
			wg.Go(func() {
				<-start
				req := acd.StateRequest{AgentID: asker, State: model.StateNotReady, ReasonCodeID: "1", RequestID: "ask"}
				if err := f.eng.ChangeState(w.ctx, users[asker], req); err != nil {
					t.Errorf("%s asks NOT_READY: %v", asker, err)
				}
			})
		}
		if hangUp {
			wg.Go(func() {
				<-start
				if _, err := f.eng.HangUpCall(w.ctx, c.ID); err != nil {
					t.Errorf("hang up %s: %v", c.ID, err)
				}
			})
		}
		if ringOut {
			wg.Go(func() {
				<-start
				f.clock.Advance(15 * time.Second) // the ring time, to the nanosecond
			})
		}
		if second {
			wg.Go(func() {
				<-start
				var err error
				secondCall, err = f.eng.InjectCall(w.ctx, acd.CallRequest{Queue: "100", ANI: fmt.Sprintf("556%04d", w.step)})
				if err != nil {
					t.Errorf("second call: %v", err)
				}
			})
		}
		mark := f.last()
		close(start)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		if second {
			w.calls = append(w.calls, secondCall.ID)
		}

		// Which answers were refused asynchronously, and which took.
		refused, took := map[string]bool{}, map[string]bool{}
		for _, e := range f.eventsAfter(mark) {
			u := parseUpdate(t, e)
			id, ours := rids[u.RequestID]
			switch {
			case !ours:
			case len(u.Errors) > 0:
				refused[id] = true
			case u.Data != nil && u.Data.Tag == "dialog":
				took[id] = true
			}
		}
		var winners []string
		for i, id := range answerers {
			switch {
			case errs[i] != nil && !errors.Is(errs[i], acd.ErrNotYourUser):
				w.fail("%s ANSWER: %v", id, errs[i])
			case errs[i] != nil:
				w.counts["refused at once"]++
			case refused[id]:
				w.counts["refused async"]++
			default:
				winners = append(winners, id)
			}
			if (errs[i] == nil && !refused[id]) != took[id] {
				w.fail("%s ANSWER: error %v, refused %v, dialog update %v", id, errs[i], refused[id], took[id])
			}
		}

		// A ring-out takes its call back from every agent it rang: the
		// first call's, or the second call's if that rang agents the
		// first had released.
		rangOut := func(a acd.Agent) bool {
			return ringOut && a.State == model.StateNotReady && a.ReasonCodeID == "32767"
		}
		call := f.call(c.ID)
		rona := false // the first call rang out
		switch {
		case len(winners) > 1:
			w.fail("call %+v answered by %v", call, winners)
		case len(winners) == 1 && call.State == acd.CallConnected && call.Agent == winners[0]:
			w.counts["answer won"]++
			if a := f.agent(winners[0]); a.State != model.StateTalking || !slices.Equal(a.Dialogs, []string{c.DialogID}) {
				w.fail("winner %s: %+v", winners[0], a)
			}
		case len(winners) == 1 && call.State == acd.CallEnded && call.Agent == winners[0] && hangUp:
			// Answered, then the caller hung up: no wrap-up on team 10
			// unless asked for, so READY, maybe rung by the second call.
			w.counts["answer won, then hang-up"]++
			if a := f.agent(winners[0]); a.State != model.StateReady && !w.rungBy(a, secondCall) && !(second && rangOut(a)) {
				w.fail("winner %s after the hang-up: %+v", winners[0], a)
			}
		case len(winners) == 1:
			w.fail("call %+v answered by %s", call, winners[0])
		case call.State == acd.CallEnded && hangUp:
			w.counts["hang-up won"]++
			// Perhaps after a ring-out: then the caller hung up while
			// queued again.
			rona = rangOut(f.agent(answerers[0])) && !second
		case call.State == acd.CallQueued && ringOut:
			w.counts["ring-out won"]++
			rona = true
		default:
			w.fail("call %+v answered by nobody", call)
		}
		for _, id := range members {
			a := f.agent(id)
			switch {
			case slices.Contains(winners, id):
			case (rona || second) && rangOut(a):
				w.counts["rang out"]++
			case id == asker && a.State == model.StateNotReady && a.ReasonCodeID == "1":
				// Asked while rung (pending until released), or after.
				w.counts["asked NOT_READY"]++
			case rona:
				w.fail("%s rang out: %+v", id, a)
			case slices.Contains(a.Dialogs, c.DialogID):
				w.fail("%s released but still has the dialog: %+v", id, a)
			case id == asker && w.rungBy(a, secondCall) && a.PendingState == model.StateNotReady:
				w.counts["asked NOT_READY, rung again"]++
			case id == asker:
				w.fail("%s asked NOT_READY: %+v", id, a)
			case a.State == model.StateReady:
			case w.rungBy(a, secondCall):
				w.counts["rung again by the second call"]++
			default:
				w.fail("%s rung and released: %+v", id, a)
			}
		}
		w.check()

		// Clear up for the next round: every call still live ends.
		for _, id := range []string{c.ID, secondCall.ID} {
			if id == "" {
				continue
			}
			switch call := f.call(id); call.State {
			case acd.CallConnected:
				w.act(call.Agent, call, "DROP")
			case acd.CallAlerting, acd.CallQueued:
				f.hangUp(call.ID)
			}
		}
		w.did = "every call ends"
		w.check()
	}
	w.allEnded()
	t.Logf("after %d rounds: %v", rounds, w.counts)
	// Which racer wins is up to the scheduler; only this is certain: the
	// rounds with neither a hang-up nor a ring-out have an answer win and
	// the others refused.
	if w.counts["answer won"] == 0 || w.counts["refused at once"]+w.counts["refused async"] == 0 {
		t.Errorf("%d rounds never saw an answer win and another refused: %v", rounds, w.counts)
	}
	if w.counts["ring-all offer to 5"] == 0 {
		t.Errorf("no call rang all five agents: %v", w.counts)
	}
}

// rungBy reports whether a is RESERVED with call c ringing on its desktop.
func (w *callWorld) rungBy(a acd.Agent, c acd.Call) bool {
	if c.ID == "" || a.State != model.StateReserved {
		return false
	}
	now := w.f.call(c.ID)
	return now.State == acd.CallAlerting && slices.Equal(a.Dialogs, []string{now.DialogID})
}
