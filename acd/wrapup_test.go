package acd_test

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// answered is agent (READY on ext) with an answered call from ani in
// queue; it returns the call and the event id after the answer.
func (f *fixture) answered(agent, ext, queue, ani string) (acd.Call, acd.EventID) {
	f.tb.Helper()
	f.ready(agent, ext)
	call := f.inject(queue, ani)
	if call.Agent != agent {
		f.tb.Fatalf("call offered to %q, want %s", call.Agent, agent)
	}
	f.act(agent, call.DialogID, "ANSWER")
	return call, f.last()
}

func droppedDialog(id, ani, ext string) string {
	return dlg(id, "DROPPED", "ACD_IN", ani, ext, party(ani, "DROPPED"), party(ext, "DROPPED"))
}

// Scenario 3: on a REQUIRED team the agent goes to WORK_READY when the
// call ends and to READY when the wrap-up timer runs out, not a second
// earlier.
func TestWrapUpRequiredTimesOut(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	call, mark := f.answered("1006", "3006", "200", "5551234")
	rid := f.act("1006", call.DialogID, "DROP")
	dropped := droppedDialog(call.DialogID, "5551234", "3006")
	mark = f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1006"),
		dialogsEv("DELETE", "1006", rid, dropped),
		userEv("1006", model.StateWorkReady, "", "", rid),
	)
	if u := f.get("1006"); u.WrapUpTimer != 60 || u.Settings.WrapUpOnIncoming != model.WrapUpRequired {
		t.Fatalf("user view: timer %d mode %s", u.WrapUpTimer, u.Settings.WrapUpOnIncoming)
	}

	f.clock.Advance(59 * time.Second)
	mark = f.wantEvents(mark)
	f.clock.Advance(time.Second)
	mark = f.wantEvents(mark, userEv("1006", model.StateReady, "", "", ""))
	if a := f.agent("1006"); !a.WrapUpDeadline.IsZero() {
		t.Fatalf("deadline %v kept after wrap-up", a.WrapUpDeadline)
	}
	f.clock.Advance(time.Hour)
	f.wantEvents(mark)
}

// A call that came in during wrap-up waits, and is offered the moment the
// wrap-up timer makes the agent READY.
func TestWrapUpEndRoutesWaitingCall(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	call, _ := f.answered("1006", "3006", "200", "5551234")
	second := f.inject("200", "5550002")
	if second.State != acd.CallQueued {
		t.Fatalf("second call %s while the agent talks", second.State)
	}
	f.act("1006", call.DialogID, "DROP")
	f.wantState("1006", model.StateWorkReady, "")
	f.wantCall(second.ID, acd.CallQueued, "")
	mark := f.last()

	f.clock.Advance(60 * time.Second)
	c := f.wantCall(second.ID, acd.CallAlerting, "1006")
	f.wantEvents(mark,
		userEv("1006", model.StateReady, "", "", ""),
		userEv("1006", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1006", "", dlg(c.DialogID, "ALERTING", "ACD_IN", "5550002", "3006",
			party("5550002", "ACTIVE"), party("3006", "ALERTING", "ANSWER"))),
	)
	// The new offer rings for its own 15 seconds.
	if want := f.clock.Now().Add(15 * time.Second); !c.RingDeadline.Equal(want) {
		t.Fatalf("ring deadline %v, want %v", c.RingDeadline, want)
	}
}

// The agent may end wrap-up early, to READY or NOT_READY; the timer then
// does nothing.
func TestWrapUpEndedEarly(t *testing.T) {
	for _, c := range []struct {
		state  model.AgentState
		reason string
	}{{model.StateReady, ""}, {model.StateNotReady, "1"}} {
		t.Run(string(c.state), func(t *testing.T) {
			f := newFixture(t, demoConfig(t))
			call, _ := f.answered("1006", "3006", "200", "5551234")
			f.act("1006", call.DialogID, "DROP")
			f.clock.Advance(10 * time.Second)
			mark := f.last()
			rid, err := f.change("1006", "1006", c.state, "", c.reason)
			if err != nil {
				t.Fatal(err)
			}
			mark = f.wantEvents(mark, userEv("1006", c.state, c.reason, "", rid))
			f.clock.Advance(2 * time.Minute)
			f.wantEvents(mark)
			f.wantState("1006", c.state, c.reason)
		})
	}
}

// A NOT_READY chosen during a call on a REQUIRED team makes the wrap-up
// WORK, which times out to NOT_READY with the chosen reason.
func TestWrapUpRequiredWithPendingNotReady(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	call, mark := f.answered("1006", "3006", "200", "5551234")
	rid, err := f.change("1006", "1006", model.StateNotReady, "", "2")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1006", model.StateTalking, "", model.StateNotReady, rid))
	rid = f.act("1006", call.DialogID, "DROP")
	dropped := droppedDialog(call.DialogID, "5551234", "3006")
	mark = f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1006"),
		dialogsEv("DELETE", "1006", rid, dropped),
		userEv("1006", model.StateWork, "", model.StateNotReady, rid),
	)
	f.clock.Advance(60 * time.Second)
	f.wantEvents(mark, userEv("1006", model.StateNotReady, "2", "", ""))
}

// Scenario 4: on an OPTIONAL team wrap-up follows only when the agent
// asks for it during the call.
func TestWrapUpOptional(t *testing.T) {
	f := newFixture(t, demoConfig(t))

	// A pending NOT_READY: no wrap-up, straight to NOT_READY with the reason.
	call, mark := f.answered("1001", "3001", "100", "5550001")
	rid, err := f.change("1001", "1001", model.StateNotReady, "", "2")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1001", model.StateTalking, "", model.StateNotReady, rid))
	rid = f.act("1001", call.DialogID, "DROP")
	dropped := droppedDialog(call.DialogID, "5550001", "3001")
	mark = f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateNotReady, "2", "", rid),
	)
	if a := f.agent("1001"); !a.WrapUpDeadline.IsZero() {
		t.Fatalf("wrap-up deadline %v without wrap-up", a.WrapUpDeadline)
	}
	f.clock.Advance(2 * time.Minute)
	f.wantEvents(mark)

	// WORK asked during the call: WORK, then NOT_READY when the timer runs out.
	f.mustChange("1001", "1001", model.StateReady, "", "")
	call = f.inject("100", "5550002")
	f.act("1001", call.DialogID, "ANSWER")
	mark = f.last()
	rid, err = f.change("1001", "1001", model.StateWork, "", "")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1001", model.StateTalking, "", model.StateWork, rid))
	rid = f.act("1001", call.DialogID, "DROP")
	dropped = droppedDialog(call.DialogID, "5550002", "3001")
	mark = f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateWork, "", "", rid),
	)
	f.clock.Advance(59 * time.Second)
	mark = f.wantEvents(mark)
	f.clock.Advance(time.Second)
	mark = f.wantEvents(mark, userEv("1001", model.StateNotReady, "-1", "", ""))

	// WORK_READY asked during the call: WORK_READY, then READY.
	f.mustChange("1001", "1001", model.StateReady, "", "")
	call = f.inject("100", "5550003")
	f.act("1001", call.DialogID, "ANSWER")
	mark = f.last()
	rid, err = f.change("1001", "1001", model.StateWorkReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1001", model.StateTalking, "", model.StateWorkReady, rid))
	rid = f.act("1001", call.DialogID, "DROP")
	dropped = droppedDialog(call.DialogID, "5550003", "3001")
	mark = f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateWorkReady, "", "", rid),
	)
	f.clock.Advance(60 * time.Second)
	f.wantEvents(mark, userEv("1001", model.StateReady, "", "", ""))
}

// A later request during the call replaces the earlier pending one.
func TestWrapUpPendingStateReplaced(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	call, mark := f.answered("1001", "3001", "100", "5550001")
	r1, _ := f.change("1001", "1001", model.StateWork, "", "")
	r2, _ := f.change("1001", "1001", model.StateNotReady, "", "1")
	r3, _ := f.change("1001", "1001", model.StateNotReady, "", "3")
	mark = f.wantEvents(mark,
		userEv("1001", model.StateTalking, "", model.StateWork, r1),
		userEv("1001", model.StateTalking, "", model.StateNotReady, r2),
		userEv("1001", model.StateTalking, "", model.StateNotReady, r3),
	)
	f.act("1001", call.DialogID, "DROP")
	f.wantState("1001", model.StateNotReady, "3")
}

// With NOT_ALLOWED an agent may not ask for wrap-up during a call
// (async Invalid State) and never gets it.
func TestWrapUpNotAllowed(t *testing.T) {
	cfg := demoConfig(t)
	for i := range cfg.Teams {
		if cfg.Teams[i].ID == "10" {
			cfg.Teams[i].WrapUpOnIncoming = model.WrapUpNotAllowed
		}
	}
	f := newFixture(t, cfg)
	call, mark := f.answered("1001", "3001", "100", "5550001")
	for _, state := range []model.AgentState{model.StateWork, model.StateWorkReady} {
		rid, err := f.change("1001", "1001", state, "", "")
		if err != nil {
			t.Fatal(err)
		}
		mark = f.wantEvents(mark, errEv("User/1001", "User/1001", rid, "Invalid State", "CF_INVALID_OBJECT_STATE"))
	}
	f.wantState("1001", model.StateTalking, "")
	rid := f.act("1001", call.DialogID, "DROP")
	dropped := droppedDialog(call.DialogID, "5550001", "3001")
	f.wantEvents(mark,
		dialogPutEv(call.DialogID, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateReady, "", "", rid),
	)
}

// WORK cannot be asked for outside a call.
func TestWrapUpNotRequestableWhenIdle(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	mark := f.last()
	rid, err := f.change("1001", "1001", model.StateWork, "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("User/1001", "User/1001", rid, "Invalid State", "CF_INVALID_OBJECT_STATE"))
	f.wantState("1001", model.StateReady, "")
}
