package acd_test

import (
	"context"
	"slices"
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
	return dlg(id, "DROPPED", "ACD_IN", ani, "8000", party(ani, "DROPPED"), party(ext, "DROPPED"))
}

// wrappingDialog is an ended call whose agent is wrapping it up: it stays
// on the desktop, where a wrap-up reason can still be applied.
func wrappingDialog(id, ani, ext string) string {
	return dlg(id, "DROPPED", "ACD_IN", ani, "8000", party(ani, "DROPPED"), party(ext, "WRAP_UP", "UPDATE_CALL_DATA"))
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
		dialogPutEv(call.DialogID, rid, wrappingDialog(call.DialogID, "5551234", "3006"), "1006"),
		userEv("1006", model.StateWorkReady, "", "", rid),
	)
	if u := f.get("1006"); u.WrapUpTimer != 60 || u.Settings.WrapUpOnIncoming != model.WrapUpRequired {
		t.Fatalf("user view: timer %d mode %s", u.WrapUpTimer, u.Settings.WrapUpOnIncoming)
	}

	f.clock.Advance(59 * time.Second)
	mark = f.wantEvents(mark)
	f.clock.Advance(time.Second)
	mark = f.wantEvents(mark,
		dialogsEv("DELETE", "1006", "", dropped),
		userEv("1006", model.StateReady, "", "", ""),
	)
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
		dialogsEv("DELETE", "1006", "", droppedDialog(call.DialogID, "5551234", "3006")),
		userEv("1006", model.StateReady, "", "", ""),
		userEv("1006", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1006", "", dlg(c.DialogID, "ALERTING", "ACD_IN", "5550002", "8000",
			party("5550002", "INITIATED"), party("3006", "ALERTING", "ANSWER"))),
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
			mark = f.wantEvents(mark,
				dialogsEv("DELETE", "1006", rid, droppedDialog(call.DialogID, "5551234", "3006")),
				userEv("1006", c.state, c.reason, "", rid),
			)
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
		dialogPutEv(call.DialogID, rid, wrappingDialog(call.DialogID, "5551234", "3006"), "1006"),
		userEv("1006", model.StateWork, "", model.StateNotReady, rid),
	)
	f.clock.Advance(60 * time.Second)
	f.wantEvents(mark,
		dialogsEv("DELETE", "1006", "", dropped),
		userEv("1006", model.StateNotReady, "2", "", ""),
	)
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
		dialogPutEv(call.DialogID, rid, wrappingDialog(call.DialogID, "5550002", "3001"), "1001"),
		userEv("1001", model.StateWork, "", "", rid),
	)
	f.clock.Advance(59 * time.Second)
	mark = f.wantEvents(mark)
	f.clock.Advance(time.Second)
	mark = f.wantEvents(mark,
		dialogsEv("DELETE", "1001", "", dropped),
		userEv("1001", model.StateNotReady, "-1", "", ""),
	)

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
		dialogPutEv(call.DialogID, rid, wrappingDialog(call.DialogID, "5550003", "3001"), "1001"),
		userEv("1001", model.StateWorkReady, "", "", rid),
	)
	f.clock.Advance(60 * time.Second)
	f.wantEvents(mark,
		dialogsEv("DELETE", "1001", "", dropped),
		userEv("1001", model.StateReady, "", "", ""),
	)
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

// withDataRequired is the demo directory with Support (team 20, agents
// 1006-1010) in REQUIRED_WITH_WRAP_UP_DATA.
func withDataRequired(t *testing.T) *fixture {
	cfg := demoConfig(t)
	for i := range cfg.Teams {
		if cfg.Teams[i].ID == "20" {
			cfg.Teams[i].WrapUpOnIncoming = model.WrapUpRequiredWithData
		}
	}
	return newFixture(t, cfg)
}

func (f *fixture) applyWrapUp(agent, dialogID, reason, rid string) error {
	f.tb.Helper()
	return f.eng.DialogAction(context.Background(), f.user(agent), acd.DialogRequest{
		DialogID: dialogID, Action: "UPDATE_CALL_DATA", RequestID: rid,
		MediaProperties: &acd.CallData{WrapUpReason: &reason},
	})
}

// REQUIRED_WITH_WRAP_UP_DATA: the ended call stays on the desktop in
// WRAP_UP; the agent cannot leave wrap-up until it applies a reason, which
// every desktop on the call sees and My History keeps; then it may.
func TestWrapUpRequiredWithData(t *testing.T) {
	f := withDataRequired(t)
	call, _ := f.answered("1006", "3006", "200", "5551234")
	f.act("1006", call.DialogID, "DROP")
	f.wantState("1006", model.StateWorkReady, "")
	if ds := f.userDialogs("1006"); len(ds) != 1 || ds[0].ID != call.DialogID || partyState(ds[0], "3006") != "WRAP_UP" {
		t.Fatalf("dialogs during wrap-up: %+v", ds)
	}

	mark := f.last()
	rid, err := f.change("1006", "1006", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, errEv("User/1006", "User/1006", rid, "Invalid State", "CF_WRAP_UP_DATA_REQUIRED"))
	f.wantState("1006", model.StateWorkReady, "")

	if err := f.applyWrapUp("1006", call.DialogID, "Sale", "w1"); err != nil {
		t.Fatal(err)
	}
	before := mark
	mark = f.wantEvents(mark, dialogPutEv(call.DialogID, "w1", wrappingDialog(call.DialogID, "5551234", "3006"), "1006"))
	if d := f.eventDialog(before, 0); d.MediaProperties.WrapUpReason != "Sale" {
		t.Fatalf("wrap-up reason on the event: %q", d.MediaProperties.WrapUpReason)
	}

	rid, err = f.change("1006", "1006", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark,
		dialogsEv("DELETE", "1006", rid, droppedDialog(call.DialogID, "5551234", "3006")),
		userEv("1006", model.StateReady, "", "", rid),
	)
	if ds := f.userDialogs("1006"); len(ds) != 0 {
		t.Fatalf("dialogs after wrap-up: %+v", ds)
	}
	if h := f.history("1006", "1006"); len(h.Calls) != 1 || h.Calls[0].WrapUpReason != "Sale" {
		t.Fatalf("history calls %+v", h.Calls)
	}
}

// Without a reason the wrap-up timer still ends wrap-up, as the guides
// say; a supervisor may still force the agent out of it.
func TestWrapUpRequiredWithDataTimesOut(t *testing.T) {
	f := withDataRequired(t)
	call, _ := f.answered("1006", "3006", "200", "5551234")
	f.act("1006", call.DialogID, "DROP")
	mark := f.last()
	f.clock.Advance(time.Minute)
	mark = f.wantEvents(mark,
		dialogsEv("DELETE", "1006", "", droppedDialog(call.DialogID, "5551234", "3006")),
		userEv("1006", model.StateReady, "", "", ""),
	)

	call = f.inject("200", "5551235")
	f.act("1006", call.DialogID, "ANSWER")
	f.act("1006", call.DialogID, "DROP")
	mark = f.last()
	rid, err := f.change("2001", "1006", model.StateNotReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark,
		dialogsEv("DELETE", "1006", rid, droppedDialog(call.DialogID, "5551235", "3006")),
		userEv("1006", model.StateNotReady, "999", "", rid),
	)
}

// An agent who leaves a conference into wrap-up keeps the call on its
// desktop, party WRAP_UP, and sees the rest of it (Finesse 9.1 sends every
// participant the dialog's changes); the end of the call leaves its party
// WRAP_UP until its own wrap-up ends.
func TestWrapUpAfterLeavingConference(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	s := consulting(t, f)
	f.act("1001", s.orig, "CONFERENCE")
	f.mustChange("1001", "1001", model.StateWork, "", "")
	mark := f.last()

	rid := f.act("1001", s.orig, "DROP")
	wrapping := dlg(s.orig, "ACTIVE", "CONFERENCE", "5551234", "8000", party("5551234", "ACTIVE"),
		party("3001", "WRAP_UP", "UPDATE_CALL_DATA"), party("3002", "ACTIVE", actsActive...))
	mark = f.wantEvents(mark,
		dialogPutEv(s.orig, rid, wrapping, "1001", "1002"),
		userEv("1001", model.StateWork, "", "", rid),
	)

	rid = f.act("1002", s.orig, "DROP")
	ended := dlg(s.orig, "DROPPED", "CONFERENCE", "5551234", "8000", party("5551234", "DROPPED"),
		party("3001", "WRAP_UP", "UPDATE_CALL_DATA"), party("3002", "DROPPED"))
	mark = f.wantEvents(mark,
		dialogPutEv(s.orig, rid, ended, "1001", "1002"),
		dialogsEv("DELETE", "1002", rid, ended),
		userEv("1002", model.StateNotReady, "1", "", rid),
	)
	f.clock.Advance(time.Minute)
	gone := dlg(s.orig, "DROPPED", "CONFERENCE", "5551234", "8000", party("5551234", "DROPPED"),
		party("3001", "DROPPED"), party("3002", "DROPPED"))
	f.wantEvents(mark,
		dialogsEv("DELETE", "1001", "", gone),
		userEv("1001", model.StateNotReady, "-1", "", ""),
	)
}

// Team 20 wraps up incoming calls (REQUIRED). An agent that transfers its
// call keeps it on the desktop with its party WRAP_UP while the customer
// talks on with the agent it consulted, applies a wrap-up reason, and the
// DELETE that ends its wrap-up lists it DROPPED; the agent that took the
// call sees callType TRANSFER (issue #15, from real captures).
func TestWrapUpAfterTransfer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1007", "3007")
	call, _ := f.answered("1006", "3006", "200", "5551234")
	f.actTo("1006", call.DialogID, "CONSULT_CALL", "3007")
	f.act("1007", f.dialogOf("1007").ID, "ANSWER")
	f.act("1006", call.DialogID, "TRANSFER")

	f.wantState("1006", model.StateWorkReady, "")
	mine := f.dialogOf("1006")
	if mine.ID != call.DialogID || partyState(mine, "3006") != "WRAP_UP" || partyState(mine, "5551234") != "ACTIVE" || partyState(mine, "3007") != "ACTIVE" {
		t.Fatalf("the transferring agent's desktop after the transfer: %s", describeDialog(mine))
	}
	theirs := f.dialogOf("1007")
	if theirs.ID != call.DialogID || theirs.MediaProperties.CallType != "TRANSFER" {
		t.Fatalf("the receiving agent's dialog: %s", describeDialog(theirs))
	}
	if err := f.applyWrapUp("1006", call.DialogID, "Resolved", "w-1"); err != nil {
		t.Fatalf("wrap-up reason after the transfer: %v", err)
	}
	if d := f.lastUpdate(); len(d.Errors) > 0 || d.RequestID != "w-1" {
		t.Fatalf("wrap-up reason after the transfer refused: %+v", d)
	}
	if d := f.dialogOf("1006"); d.MediaProperties.WrapUpReason != "Resolved" {
		t.Fatalf("wrap-up reason %q", d.MediaProperties.WrapUpReason)
	}

	mark := f.last()
	f.mustChange("1006", "1006", model.StateReady, "", "")
	var deleted bool
	for i, ev := range f.eventsAfter(mark) {
		u := parseUpdate(t, ev)
		if u.Event != model.EventDelete || !slices.Contains(ev.Nodes, "/finesse/api/User/1006/Dialogs") {
			continue
		}
		d := f.eventDialog(mark, i)
		deleted = d.ID == call.DialogID && partyState(d, "3006") == "DROPPED"
	}
	if !deleted {
		t.Fatal("no DELETE of the transferred dialog listing 1006 DROPPED when its wrap-up ended")
	}
	if n := len(f.userDialogs("1006")); n != 0 {
		t.Fatalf("1006 keeps %d dialogs after its wrap-up", n)
	}
	f.wantState("1007", model.StateTalking, "")
}
