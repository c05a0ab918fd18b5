package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

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

func withDialPlan(t *testing.T) acd.Config {
	cfg := demoConfig(t)
	cfg.DialPlan = []acd.DialRule{
		{Pattern: "5550100", Behaviour: acd.DialAnswer, AnswerAfter: time.Second},
		{Pattern: "5550199", Behaviour: acd.DialBusy},
		{Pattern: "5550188", Behaviour: acd.DialRing},
		{Pattern: "999*", Behaviour: acd.DialInvalid},
	}
	return cfg
}

// An outside number that answers picks up after its delay: the caller's
// party goes from INITIATED to ACTIVE and the agent from NOT_READY 50006
// (it called from READY) to TALKING; afterwards it returns to NOT_READY
// 50006, with no wrap-up (team 10's outgoing mode is OPTIONAL).
func TestMakeCallOutsideAnswers(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	if err := f.makeCall("1001", "5550100"); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1001")
	if d.MediaProperties.CallType != "OUT" || d.State != "ALERTING" || d.Participants[0].State != "INITIATED" || d.ToAddress != "5550100" {
		t.Fatalf("placed: %+v", d)
	}
	f.wantState("1001", model.StateNotReady, "50006")
	f.clock.Advance(999 * time.Millisecond)
	f.wantState("1001", model.StateNotReady, "50006")
	f.clock.Advance(time.Millisecond)
	if d = f.dialogOf("1001"); d.State != "ACTIVE" || d.Participants[0].State != "ACTIVE" || d.Participants[1].State != "ACTIVE" {
		t.Fatalf("answered: %+v", d)
	}
	f.wantState("1001", model.StateTalking, "")
	f.act("1001", d.ID, "DROP")
	f.wantState("1001", model.StateNotReady, "50006")
}

// Busy and invalid numbers fail at once, with the cause on the caller's
// party; the agent drops the failed dialog and is back where it was.
func TestMakeCallFails(t *testing.T) {
	for number, cause := range map[string]string{"5550199": "BUSY", "9991234": "BAD_DESTINATION", "55a": "BAD_DESTINATION"} {
		f := newFixture(t, withDialPlan(t))
		f.signIn("1001", "3001")
		f.mustChange("1001", "1001", model.StateNotReady, "", "2")
		if err := f.makeCall("1001", number); err != nil {
			t.Fatal(err)
		}
		d := f.dialogOf("1001")
		if d.State != "FAILED" || d.Participants[0].State != "FAILED" || d.Participants[0].StateCause != cause {
			t.Fatalf("%s: %+v", number, d)
		}
		f.act("1001", d.ID, "DROP")
		f.wantState("1001", model.StateNotReady, "2")
		if n := len(f.userDialogs("1001")); n != 0 {
			t.Fatalf("%s: %d dialogs left", number, n)
		}
	}
}

// A number that rings forever keeps ringing: nothing happens until the
// agent drops.
func TestMakeCallRingsOn(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.signIn("1001", "3001")
	if err := f.makeCall("1001", "5550188"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Hour)
	if d := f.dialogOf("1001"); d.State != "ALERTING" {
		t.Fatalf("after an hour: %+v", d)
	}
}

// A call between agents rings the other agent's desktop without changing
// its state (and without routing a queue call to it meanwhile); answering
// makes both TALKING; afterwards each returns to its own state.
func TestMakeCallBetweenAgents(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.mustChange("1001", "1001", model.StateNotReady, "", "3")
	f.ready("1002", "3002")
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1002")
	if d.MediaProperties.CallType != "AGENT_INSIDE" {
		t.Fatalf("callee sees %+v", d)
	}
	f.wantState("1002", model.StateReady, "")
	if c := f.inject("100", "5551234"); c.State != acd.CallQueued {
		t.Fatalf("a queue call went to an agent whose phone is ringing: %+v", c)
	}
	f.act("1002", d.ID, "ANSWER")
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")
	f.act("1002", d.ID, "DROP")
	f.wantState("1001", model.StateNotReady, "3")
	// 1002 returns to READY and is offered the call that waited meanwhile.
	f.wantState("1002", model.StateReserved, "")
}

// Calling an agent already on a call is busy.
func TestMakeCallToBusyAgent(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.ready("1002", "3002")
	c := f.inject("100", "5551234")
	f.act("1002", c.DialogID, "ANSWER")
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	if d := f.dialogOf("1001"); d.State != "FAILED" || d.Participants[0].StateCause != "BUSY" {
		t.Fatalf("call to a busy agent: %+v", d)
	}
}

func TestMakeCallRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	mc := func(actor string, req acd.MakeCallRequest) error {
		return f.eng.MakeCall(context.Background(), f.user(actor), req)
	}
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
	// Signed out, or already on a call: accepted, then refused on the
	// agent's Dialogs node.
	before := f.last()
	if err := f.makeCall("1002", "3001"); err != nil {
		t.Fatal(err)
	}
	if u := parseUpdate(t, f.eventsAfter(before)[0]); len(u.Errors) != 1 || u.Errors[0].Type != "Invalid State" {
		t.Fatalf("signed-out caller: %+v", u)
	}
}

func TestDialPlanValidation(t *testing.T) {
	for _, rule := range []acd.DialRule{
		{Pattern: "1*2", Behaviour: acd.DialAnswer},
		{Pattern: "", Behaviour: acd.DialBusy},
		{Pattern: "5*", Behaviour: "explode"},
		{Pattern: "5*", Behaviour: acd.DialAnswer, AnswerAfter: -time.Second},
	} {
		cfg := demoConfig(t)
		cfg.DialPlan = []acd.DialRule{rule}
		if _, err := acd.NewDirectory(cfg); err == nil {
			t.Errorf("rule %+v accepted", rule)
		}
	}
}
