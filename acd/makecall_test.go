package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// makeCall has agent place a call to to, with requestId "mc".
func (f *fixture) makeCall(agent, to string) error {
	f.tb.Helper()
	return f.eng.MakeCall(context.Background(), f.user(agent), acd.MakeCallRequest{AgentID: agent, To: to, RequestID: "mc"})
}

// dialogOf is the one live dialog of agent.
func (f *fixture) dialogOf(agent string) model.Dialog {
	f.tb.Helper()
	ds := f.userDialogs(agent)
	if len(ds) != 1 {
		f.tb.Fatalf("%s has %d dialogs, want 1", agent, len(ds))
	}
	return ds[0]
}

func withDialPlan(t *testing.T) directory.Config {
	cfg := demoConfig(t)
	cfg.DialPlan = []directory.DialRule{
		{Pattern: "5550100", Behaviour: directory.DialAnswer, AnswerAfter: time.Second},
		{Pattern: "5550199", Behaviour: directory.DialBusy},
		{Pattern: "5550188", Behaviour: directory.DialRing},
		{Pattern: "999*", Behaviour: directory.DialInvalid},
	}
	return cfg
}

// wantNoCauseOnceDropped checks that the caller's participant of the
// dropped dialog the first event after after carries has lost its
// stateCause: it is empty unless the participant is FAILED (spec §3.3).
func (f *fixture) wantNoCauseOnceDropped(after acd.EventID) {
	f.tb.Helper()
	if p := f.eventDialog(after, 0).Participants[0]; p.State != "DROPPED" || p.StateCause != "" {
		f.tb.Fatalf("caller's participant once dropped: %s cause %q", p.State, p.StateCause)
	}
}

// Scenario: an outside number that answers picks up after its delay (one
// second on the fake clock): the caller's party goes from INITIATED to
// ACTIVE and the agent from NOT_READY 50006 (it called from READY) to
// TALKING; afterwards it is READY again, where it called from, with no
// wrap-up (team 10's outgoing mode is OPTIONAL).
func TestMakeCallOutsideAnswers(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	mark := f.last()
	if err := f.makeCall("1001", "5550100"); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1001")
	id := d.ID
	mark = f.wantEvents(mark,
		offHookEv("1001", "mc", id, "OUT", "3001"),
		userEv("1001", model.StateNotReady, "50006", "", "mc"),
		dialogPutEv(id, "mc", dlg(id, "ALERTING", "OUT", "3001", "5550100",
			party("3001", "INITIATED", actsDialing...), party("5550100", "ALERTING")), "1001"),
	)
	if d.MediaProperties.CallType != "OUT" || d.State != "ALERTING" || d.Participants[0].State != "INITIATED" || d.ToAddress != "5550100" {
		t.Fatalf("placed: %+v", d)
	}
	f.wantState("1001", model.StateNotReady, "50006")

	f.clock.Advance(999 * time.Millisecond)
	mark = f.wantEvents(mark)
	f.wantState("1001", model.StateNotReady, "50006")
	f.clock.Advance(time.Millisecond)
	mark = f.wantEvents(mark,
		userEv("1001", model.StateTalking, "", "", ""),
		dialogPutEv(id, "", dlg(id, "ACTIVE", "OUT", "3001", "5550100",
			party("3001", "ACTIVE", actsActive...), party("5550100", "ACTIVE")), "1001"),
	)
	if d = f.dialogOf("1001"); d.State != "ACTIVE" || d.Participants[0].State != "ACTIVE" || d.Participants[1].State != "ACTIVE" {
		t.Fatalf("answered: %+v", d)
	}
	f.wantState("1001", model.StateTalking, "")

	rid := f.act("1001", id, "DROP")
	ended := dlg(id, "DROPPED", "OUT", "3001", "5550100", party("3001", "DROPPED"), party("5550100", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1001"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantState("1001", model.StateReady, "")
	if a := f.agent("1001"); !a.WrapUpDeadline.IsZero() || len(a.Dialogs) != 0 {
		t.Fatalf("agent after the call: %+v", a)
	}
}

// On UCCX an agent placing a call from READY goes NOT_READY with the
// off-hook reason (AGT_OFFHOOK 32762; UCCX has no 50006), and is READY
// again once the call ends.
func TestMakeCallFromReadyOnUCCX(t *testing.T) {
	cfg := withDialPlan(t)
	cfg.Settings.DeploymentType = "UCCX"
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	if err := f.makeCall("1001", "5550100"); err != nil {
		t.Fatal(err)
	}
	f.wantState("1001", model.StateNotReady, "32762")
	f.clock.Advance(time.Second)
	f.wantState("1001", model.StateTalking, "")
	f.act("1001", f.dialogOf("1001").ID, "DROP")
	f.wantState("1001", model.StateReady, "")
}

// Scenario: a call to a busy outside number fails at once (FAILED, cause
// BUSY on the caller's party, only DROP offered) and never answers; the
// agent, who called from READY, is NOT_READY 50006 until it drops the
// failed dialog, and then READY again.
func TestMakeCallBusyNumber(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	mark := f.last()
	if err := f.makeCall("1001", "5550199"); err != nil {
		t.Fatal(err)
	}
	id := f.dialogOf("1001").ID
	before := mark
	mark = f.wantEvents(mark,
		offHookEv("1001", "mc", id, "OUT", "3001"),
		userEv("1001", model.StateNotReady, "50006", "", "mc"),
		dialogPutEv(id, "mc", dlg(id, "FAILED", "OUT", "3001", "5550199",
			party("3001", "FAILED", actsFailed...), party("5550199", "DROPPED")), "1001"),
	)
	if p := f.eventDialog(before, 2).Participants; p[0].StateCause != "BUSY" || p[1].StateCause != "" {
		t.Fatalf("posted participants: %+v", p)
	}
	f.clock.Advance(time.Minute)
	mark = f.wantEvents(mark)

	rid := f.act("1001", id, "DROP")
	ended := dlg(id, "DROPPED", "OUT", "3001", "5550199", party("3001", "DROPPED"), party("5550199", "DROPPED"))
	f.wantNoCauseOnceDropped(mark)
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1001"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantState("1001", model.StateReady, "")
	if n := len(f.userDialogs("1001")); n != 0 {
		t.Fatalf("%d dialogs left", n)
	}
}

// Busy and invalid numbers fail at once, with the cause on the caller's
// party; the agent drops the failed dialog and is back where it was.
func TestMakeCallFails(t *testing.T) {
	for _, tc := range []struct{ number, cause string }{
		{"5550199", "BUSY"}, {"9991234", "BAD_DESTINATION"}, {"55a", "BAD_DESTINATION"},
	} {
		t.Run(tc.number, func(t *testing.T) {
			f := newFixture(t, withDialPlan(t))
			f.signIn("1001", "3001")
			f.mustChange("1001", "1001", model.StateNotReady, "", "2")
			mark := f.last()
			if err := f.makeCall("1001", tc.number); err != nil {
				t.Fatal(err)
			}
			d := f.dialogOf("1001")
			if d.State != "FAILED" || d.Participants[0].State != "FAILED" || d.Participants[0].StateCause != tc.cause {
				t.Fatalf("%s: %+v", tc.number, d)
			}
			mark = f.wantEvents(mark,
				offHookEv("1001", "mc", d.ID, "OUT", "3001"),
				userEv("1001", model.StateNotReady, "2", "", "mc"), // changes nothing
				dialogPutEv(d.ID, "mc", dlg(d.ID, "FAILED", "OUT", "3001", tc.number,
					party("3001", "FAILED", actsFailed...), party(tc.number, "DROPPED")), "1001"),
			)
			rid := f.act("1001", d.ID, "DROP")
			ended := dlg(d.ID, "DROPPED", "OUT", "3001", tc.number, party("3001", "DROPPED"), party(tc.number, "DROPPED"))
			f.wantNoCauseOnceDropped(mark)
			f.wantEvents(mark,
				dialogPutEv(d.ID, rid, ended, "1001"),
				dialogsEv("DELETE", "1001", rid, ended),
				userEv("1001", model.StateNotReady, "2", "", rid),
			)
			f.wantState("1001", model.StateNotReady, "2")
			if n := len(f.userDialogs("1001")); n != 0 {
				t.Fatalf("%s: %d dialogs left", tc.number, n)
			}
		})
	}
}

// A number that rings forever keeps ringing: nothing happens until the
// agent drops.
func TestMakeCallRingsOn(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.signIn("1001", "3001")
	mark := f.last()
	if err := f.makeCall("1001", "5550188"); err != nil {
		t.Fatal(err)
	}
	id := f.dialogOf("1001").ID
	ringing := dlg(id, "ALERTING", "OUT", "3001", "5550188", party("3001", "INITIATED", actsDialing...), party("5550188", "ALERTING"))
	mark = f.wantEvents(mark,
		offHookEv("1001", "mc", id, "OUT", "3001"),
		userEv("1001", model.StateNotReady, "-1", "", "mc"), // changes nothing
		dialogPutEv(id, "mc", ringing, "1001"),
	)
	f.clock.Advance(time.Hour)
	mark = f.wantEvents(mark)
	if d := f.dialogOf("1001"); describeDialog(d) != ringing {
		t.Fatalf("after an hour: %s", describeDialog(d))
	}

	rid := f.act("1001", id, "DROP")
	ended := dlg(id, "DROPPED", "OUT", "3001", "5550188", party("3001", "DROPPED"), party("5550188", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1001"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateNotReady, "-1", "", rid),
	)
}

// offHookEv is the POST of a call agent places from ext, before the phone
// system knows where it goes: INITIATING, only the agent's party, no
// toAddress (as real Finesse posts it on BEGIN_CALL_EVENT).
func offHookEv(agent, rid, id, callType, ext string) string {
	return dialogsEv("POST", agent, rid, dlg(id, "INITIATING", callType, ext, "", party(ext, "INITIATING", actsDialing...)))
}

// agentCall is a call 3001 → 3002 as describe renders it, with 3001 and
// 3002 in the party states given (ALERTING, ACTIVE: their actions follow).
func agentCall(id, state, caller, callee string) string {
	acts := func(s string) []string {
		switch s {
		case "INITIATED":
			return actsDialing
		case "ALERTING":
			return actsRinging
		case "ACTIVE":
			return actsActive
		}
		return nil
	}
	return dlg(id, state, "AGENT_INSIDE", "3001", "3002", party("3001", caller, acts(caller)...), party("3002", callee, acts(callee)...))
}

// A call between agents rings the other agent's desktop without changing
// its state (and without routing a queue call to it meanwhile); answering
// makes both TALKING; afterwards each returns to its own state, and the
// callee, READY again, is offered the call that waited.
func TestMakeCallBetweenAgents(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.mustChange("1001", "1001", model.StateNotReady, "", "3")
	f.ready("1002", "3002")
	mark := f.last()
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1002")
	id := d.ID
	ringing := agentCall(id, "ALERTING", "INITIATED", "ALERTING")
	mark = f.wantEvents(mark,
		offHookEv("1001", "mc", id, "AGENT_INSIDE", "3001"),
		userEv("1001", model.StateNotReady, "3", "", "mc"), // changes nothing
		dialogPutEv(id, "mc", ringing, "1001"),
		dialogsEv("POST", "1002", "", ringing),
	)
	if d.MediaProperties.CallType != "AGENT_INSIDE" {
		t.Fatalf("callee sees %+v", d)
	}
	f.wantState("1002", model.StateReady, "")
	c := f.inject("100", "5551234")
	if c.State != acd.CallQueued {
		t.Fatalf("a queue call went to an agent whose phone is ringing: %+v", c)
	}
	mark = f.wantEvents(mark)

	rid := f.act("1002", id, "ANSWER")
	connected := agentCall(id, "ACTIVE", "ACTIVE", "ACTIVE")
	mark = f.stepEvents(t, "answered", mark,
		userEv("1001", model.StateTalking, "", "", ""), // unsolicited for the caller: no requestId (spec §1)
		dialogPutEv(id, rid, connected, "1001", "1002"),
		userEv("1002", model.StateTalking, "", "", rid),
	)
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")

	rid = f.act("1002", id, "DROP")
	ended := agentCall(id, "DROPPED", "DROPPED", "DROPPED")
	offered := f.call(c.ID).DialogID
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1001", "1002"),
		dialogsEv("DELETE", "1001", "", ended),
		userEv("1001", model.StateNotReady, "3", "", ""),
		dialogsEv("DELETE", "1002", rid, ended),
		userEv("1002", model.StateReady, "", "", rid),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", dlg(offered, "ALERTING", "ACD_IN", "5551234", "8000",
			party("5551234", "INITIATED"), party("3002", "ALERTING", actsRinging...))),
	)
	f.wantState("1001", model.StateNotReady, "3")
	// 1002 returns to READY and is offered the call that waited meanwhile.
	f.wantState("1002", model.StateReserved, "")
	f.wantCall(c.ID, acd.CallAlerting, "1002")
}

// Scenario: 1001, READY, calls 3002, where 1002 is NOT_READY (reason 2);
// 1002 answers and 1001 drops: each goes back to its own state (1001 to
// READY, where it called from), with no wrap-up.
func TestMakeCallBetweenAgentsCallerDrops(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	f.mustChange("1002", "1002", model.StateNotReady, "", "2")
	mark := f.last()
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	id := f.dialogOf("1001").ID
	ringing := agentCall(id, "ALERTING", "INITIATED", "ALERTING")
	mark = f.wantEvents(mark,
		offHookEv("1001", "mc", id, "AGENT_INSIDE", "3001"),
		userEv("1001", model.StateNotReady, "50006", "", "mc"),
		dialogPutEv(id, "mc", ringing, "1001"),
		dialogsEv("POST", "1002", "", ringing),
	)
	f.wantState("1001", model.StateNotReady, "50006")
	f.wantState("1002", model.StateNotReady, "2")

	rid := f.act("1002", id, "ANSWER")
	connected := agentCall(id, "ACTIVE", "ACTIVE", "ACTIVE")
	mark = f.stepEvents(t, "answered", mark,
		userEv("1001", model.StateTalking, "", "", ""), // unsolicited for the caller: no requestId (spec §1)
		dialogPutEv(id, rid, connected, "1001", "1002"),
		userEv("1002", model.StateTalking, "", "", rid),
	)

	rid = f.act("1001", id, "DROP")
	ended := agentCall(id, "DROPPED", "DROPPED", "DROPPED")
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1001", "1002"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateReady, "", "", rid),
		dialogsEv("DELETE", "1002", "", ended),
		userEv("1002", model.StateNotReady, "2", "", ""),
	)
	f.wantState("1001", model.StateReady, "")
	f.wantState("1002", model.StateNotReady, "2")
	for _, id := range []string{"1001", "1002"} {
		if a := f.agent(id); !a.WrapUpDeadline.IsZero() || len(a.Dialogs) != 0 {
			t.Fatalf("%s after the call: %+v", id, a)
		}
	}
}

// Calling an agent already on a call is busy: the call fails at once and
// the busy agent's desktop hears nothing of it.
func TestMakeCallToBusyAgent(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.ready("1002", "3002")
	c := f.inject("100", "5551234")
	f.act("1002", c.DialogID, "ANSWER")
	mark := f.last()
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1001")
	if d.State != "FAILED" || d.Participants[0].StateCause != "BUSY" {
		t.Fatalf("call to a busy agent: %+v", d)
	}
	f.wantEvents(mark,
		offHookEv("1001", "mc", d.ID, "AGENT_INSIDE", "3001"),
		userEv("1001", model.StateNotReady, "-1", "", "mc"), // changes nothing
		dialogPutEv(d.ID, "mc", dlg(d.ID, "FAILED", "AGENT_INSIDE", "3001", "3002",
			party("3001", "FAILED", actsFailed...), party("3002", "DROPPED")), "1001"),
	)
	f.wantState("1002", model.StateTalking, "")
}

func TestMakeCallRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	mc := func(actor string, req acd.MakeCallRequest) error {
		return f.eng.MakeCall(context.Background(), f.user(actor), req)
	}
	before := f.last()
	for name, tc := range map[string]struct {
		actor string
		req   acd.MakeCallRequest
		kind  error
	}{
		"no destination":    {"1001", acd.MakeCallRequest{AgentID: "1001"}, acd.ErrParameterMissing},
		"to itself":         {"1001", acd.MakeCallRequest{AgentID: "1001", To: "3001"}, acd.ErrInvalidDestination},
		"from another":      {"1001", acd.MakeCallRequest{AgentID: "1001", From: "3005", To: "3002"}, acd.ErrInvalidInput},
		"for another agent": {"1002", acd.MakeCallRequest{AgentID: "1001", To: "3002"}, acd.ErrNotYourUser},
		"administrator":     {"admin", acd.MakeCallRequest{AgentID: "admin", To: "3002"}, acd.ErrNotYourUser},
		"bad variable":      {"1001", acd.MakeCallRequest{AgentID: "1001", To: "3002", Variables: []model.CallVariable{{Name: "x"}}}, acd.ErrInvalidInput},
	} {
		if err := mc(tc.actor, tc.req); !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", name, err, tc.kind)
		}
	}
	before = f.wantEvents(before)
	// Signed out, or already on a call: accepted, then refused on the
	// agent's Dialogs node.
	if err := f.makeCall("1002", "3001"); err != nil {
		t.Fatal(err)
	}
	if u := parseUpdate(t, f.eventsAfter(before)[0]); len(u.Errors) != 1 || u.Errors[0].Type != "Invalid State" {
		t.Fatalf("signed-out caller: %+v", u)
	}
	// There is no dialog yet: the source is the bare Dialog URI.
	before = f.wantEvents(before, errEv("Dialog/", "User/1002/Dialogs", "mc", "Invalid State", "CF_INVALID_OBJECT_STATE"))
	if err := f.makeCall("1001", "5551234"); err != nil {
		t.Fatal(err)
	}
	before = f.last()
	if err := f.makeCall("1001", "5559876"); err != nil {
		t.Fatal(err)
	}
	f.wantEvents(before, errEv("Dialog/", "User/1001/Dialogs", "mc", "Invalid State", "CF_INVALID_OBJECT_STATE"))
}

func TestDialPlanValidation(t *testing.T) {
	for _, rule := range []directory.DialRule{
		{Pattern: "1*2", Behaviour: directory.DialAnswer},
		{Pattern: "", Behaviour: directory.DialBusy},
		{Pattern: "5*", Behaviour: "explode"},
		{Pattern: "5*", Behaviour: directory.DialAnswer, AnswerAfter: -time.Second},
	} {
		cfg := demoConfig(t)
		cfg.DialPlan = []directory.DialRule{rule}
		if _, err := directory.NewDirectory(cfg); err == nil {
			t.Errorf("rule %+v accepted", rule)
		}
	}
}

// While its own call is still ringing (the agent NOT_READY 50006), a state
// request waits as the pending state; it applies when the call ends.
func TestStateRequestWhilePlacingACall(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	if err := f.makeCall("1001", "5550100"); err != nil {
		t.Fatal(err)
	}
	if got := f.mustChange("1001", "1001", model.StateReady, "", ""); got.State != model.StateNotReady || got.PendingState != model.StateReady {
		t.Fatalf("READY while placing a call: state %s pending %s", got.State, got.PendingState)
	}
	f.clock.Advance(time.Second)
	if got := f.get("1001"); got.State != model.StateTalking || got.PendingState != model.StateReady {
		t.Fatalf("call answered: state %s pending %s", got.State, got.PendingState)
	}
	f.act("1001", f.dialogOf("1001").ID, "DROP")
	f.wantState("1001", model.StateReady, "")
}
