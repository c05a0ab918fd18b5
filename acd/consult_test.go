package acd_test

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// actTo has agent take an action that calls toAddress (CONSULT_CALL,
// TRANSFER_SST).
func (f *fixture) actTo(agent, dialogID, action, to string) {
	f.tb.Helper()
	err := f.eng.DialogAction(context.Background(), f.user(agent), acd.DialogRequest{
		DialogID: dialogID, Action: action, TargetMediaAddress: f.agent(agent).Extension, ToAddress: to, RequestID: "c",
	})
	if err != nil {
		f.tb.Fatalf("%s %s to %s: %v", agent, action, to, err)
	}
}

func partyState(d model.Dialog, address string) string {
	for _, p := range d.Participants {
		if p.MediaAddress == address {
			return p.State
		}
	}
	return "absent"
}

func hasAction(d model.Dialog, address, action string) bool {
	for _, p := range d.Participants {
		if p.MediaAddress == address {
			for _, a := range p.Actions {
				if a == action {
					return true
				}
			}
		}
	}
	return false
}

// consulting: 1001 has the customer (queue 100) and consults 1002, who was
// NOT_READY (reason 1) and answers. It returns the original and consult
// dialogs' ids.
func consulting(t *testing.T, f *fixture) (string, string) {
	t.Helper()
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	f.mustChange("1002", "1002", model.StateNotReady, "", "1")
	c := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "order"})
	f.act("1001", c.DialogID, "ANSWER")
	f.actTo("1001", c.DialogID, "CONSULT_CALL", "3002")
	orig := f.dialogView("1001", c.DialogID)
	if partyState(orig, "3001") != "HELD" || !hasAction(orig, "3001", "TRANSFER") || !hasAction(orig, "3001", "CONFERENCE") {
		t.Fatalf("original during the consult: %s", describeDialog(orig))
	}
	cons := f.dialogOf("1002")
	if cons.MediaProperties.CallType != "CONSULT" || partyState(cons, "3002") != "ALERTING" ||
		cons.AssociatedDialogURI != model.DialogURI(c.DialogID) || len(cons.MediaProperties.CallVariables) != 1 {
		t.Fatalf("consult as 1002 sees it: %s", describeDialog(cons))
	}
	f.act("1002", cons.ID, "ANSWER")
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")
	return c.DialogID, cons.ID
}

func TestConsultThenTransfer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	orig, cons := consulting(t, f)
	f.act("1001", orig, "TRANSFER")
	f.wantState("1001", model.StateReady, "") // team 10: no wrap-up unless asked
	if n := len(f.userDialogs("1001")); n != 0 {
		t.Fatalf("the transferring agent keeps %d dialogs", n)
	}
	d := f.dialogOf("1002")
	if d.ID != orig || d.SecondaryID != cons || partyState(d, "5551234") != "ACTIVE" || partyState(d, "3002") != "ACTIVE" ||
		partyState(d, "3001") != "absent" || d.ToAddress != "3002" {
		t.Fatalf("after the transfer 1002 has %s", describeDialog(d))
	}
	call := f.call("1")
	if call.Agent != "1002" || call.State != acd.CallConnected {
		t.Fatalf("customer call %+v", call)
	}
	f.act("1002", orig, "DROP")
	f.wantState("1002", model.StateNotReady, "1") // back to where it was before the consult
	f.wantCall("1", acd.CallEnded, "1002")
}

func TestConsultThenConferenceThenLeave(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	orig, _ := consulting(t, f)
	f.act("1001", orig, "CONFERENCE")
	d := f.dialogView("1001", orig)
	if d.MediaProperties.CallType != "CONFERENCE" || partyState(d, "3001") != "ACTIVE" || partyState(d, "3002") != "ACTIVE" ||
		partyState(d, "5551234") != "ACTIVE" {
		t.Fatalf("conference: %s", describeDialog(d))
	}
	if got := f.dialogOf("1002"); got.ID != orig {
		t.Fatalf("1002 is on dialog %s, want the conference %s", got.ID, orig)
	}
	f.wantState("1001", model.StateTalking, "")
	f.act("1001", orig, "DROP")
	f.wantState("1001", model.StateReady, "")
	d = f.dialogOf("1002")
	if d.State != "ACTIVE" || partyState(d, "3001") != "DROPPED" || partyState(d, "5551234") != "ACTIVE" {
		t.Fatalf("after 1001 left: %s", describeDialog(d))
	}
	f.act("1002", orig, "DROP")
	f.wantCall("1", acd.CallEnded, "1001")
}

func TestConsultThenRetrieve(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	orig, cons := consulting(t, f)
	f.act("1001", cons, "DROP")
	f.wantState("1001", model.StateHold, "")
	f.wantState("1002", model.StateNotReady, "1")
	d := f.dialogView("1001", orig)
	if partyState(d, "3001") != "HELD" || hasAction(d, "3001", "TRANSFER") {
		t.Fatalf("original after the consult ended: %s", describeDialog(d))
	}
	f.act("1001", orig, "RETRIEVE")
	f.wantState("1001", model.StateTalking, "")
}

// TRANSFER before the consulted party answers is refused asynchronously.
func TestTransferBeforeAnswer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")
	f.actTo("1001", c.DialogID, "CONSULT_CALL", "3002")
	before := f.last()
	f.act("1001", c.DialogID, "TRANSFER")
	if u := parseUpdate(t, f.eventsAfter(before)[0]); len(u.Errors) != 1 || u.Errors[0].Type != "Generic Error" {
		t.Fatalf("TRANSFER while the consult rings: %+v", u)
	}
}

// A consult to an outside number, transferred: the customer talks to the
// outside number and the agent is free.
func TestConsultOutsideThenTransfer(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")
	f.actTo("1001", c.DialogID, "CONSULT_CALL", "5550100")
	f.clock.Advance(time.Second)
	f.act("1001", c.DialogID, "TRANSFER")
	f.wantState("1001", model.StateReady, "")
	call := f.call(c.ID)
	if call.State != acd.CallConnected {
		t.Fatalf("customer call after the transfer: %+v", call)
	}
	f.hangUp(c.ID)
	f.wantCall(c.ID, acd.CallEnded, "") // no agent had it after the transfer
}

// Single-step transfer: the destination rings in the agent's place and the
// agent leaves at once; a busy destination is refused and nothing changes.
func TestSingleStepTransfer(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")

	before := f.last()
	f.actTo("1001", c.DialogID, "TRANSFER_SST", "5550199")
	if u := parseUpdate(t, f.eventsAfter(before)[0]); len(u.Errors) != 1 || u.Errors[0].Type != "Invalid Destination" {
		t.Fatalf("transfer to a busy number: %+v", u)
	}
	f.wantState("1001", model.StateTalking, "")

	f.actTo("1001", c.DialogID, "TRANSFER_SST", "3002")
	f.wantState("1001", model.StateReady, "")
	d := f.dialogOf("1002")
	if d.ID != c.DialogID || partyState(d, "3002") != "ALERTING" || partyState(d, "3001") != "absent" {
		t.Fatalf("1002 after the transfer: %s", describeDialog(d))
	}
	f.act("1002", c.DialogID, "ANSWER")
	f.wantState("1002", model.StateTalking, "")
	if call := f.call(c.ID); call.Agent != "1002" {
		t.Fatalf("customer call with %s", call.Agent)
	}
}
