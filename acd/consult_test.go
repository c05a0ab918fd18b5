package acd_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// actTo has agent take an action that calls toAddress (CONSULT_CALL,
// TRANSFER_SST) and returns the requestId it used.
func (f *fixture) actTo(agent, dialogID, action, to string) string {
	f.tb.Helper()
	rid := fmt.Sprintf("dlg-%d", f.reqs.Add(1))
	err := f.eng.DialogAction(context.Background(), f.user(agent), acd.DialogRequest{
		DialogID: dialogID, Action: action, TargetMediaAddress: f.agent(agent).Extension, ToAddress: to, RequestID: rid,
	})
	if err != nil {
		f.tb.Fatalf("%s %s to %s: %v", agent, action, to, err)
	}
	return rid
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

// consult is a customer call (queue 100, from 5551234) that 1001 has
// answered on 3001 and consulted 3002 about, 1002 answering the consult.
type consult struct {
	call       string      // the customer's call
	orig, cons string      // the original and the consult dialogs
	mark       acd.EventID // the last event so far
}

// origDialog is the original dialog while 1001 is on it alone with the
// customer, its party in state with acts.
func (s consult) origDialog(state string, acts ...string) string {
	return dlg(s.orig, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", state, acts...))
}

func (s consult) consDropped() string {
	return dlg(s.cons, "DROPPED", "CONSULT", "3001", "3002", party("3001", "DROPPED"), party("3002", "DROPPED"))
}

// consulting sets up a consult with 1001 READY on 3001 and 1002 NOT_READY
// (reason 1) on 3002, checking the events of every step: the offer, the
// answer, the consult and its answer.
func consulting(t *testing.T, f *fixture) consult {
	t.Helper()
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	f.mustChange("1002", "1002", model.StateNotReady, "", "1")
	mark := f.last()

	c := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "order"})
	s := consult{call: c.ID, orig: c.DialogID}
	mark = f.wantEvents(mark,
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", dlg(s.orig, "ALERTING", "ACD_IN", "5551234", "8000",
			party("5551234", "INITIATED"), party("3001", "ALERTING", actsRinging...))),
	)

	rid := f.act("1001", s.orig, "ANSWER")
	mark = f.wantEvents(mark,
		dialogPutEv(s.orig, rid, s.origDialog("ACTIVE", actsActive...), "1001"),
		userEv("1001", model.StateTalking, "", "", rid),
	)

	// The consult: the original call held, a CONSULT dialog ringing at
	// 3002 on both desktops; nobody's state changes. TRANSFER and
	// CONFERENCE are not offered yet: Finesse offers them only when the
	// agent also has an active call (spec §5, §7), and the engine refuses
	// both until the consult is answered (TestTransferBeforeAnswer).
	before := mark
	rid = f.actTo("1001", s.orig, "CONSULT_CALL", "3002")
	cons := f.dialogOf("1002")
	s.cons = cons.ID
	consRinging := dlg(s.cons, "ALERTING", "CONSULT", "3001", "3002",
		party("3001", "INITIATED", actsDialing...), party("3002", "ALERTING", actsRinging...))
	mark = f.stepEvents(t, "consult rings", mark,
		dialogPutEv(s.orig, rid, s.origDialog("HELD", actsHeld...), "1001"),
		offHookEv("1001", rid, s.cons, "CONSULT", "3001"),
		dialogPutEv(s.cons, rid, consRinging, "1001"),
		dialogsEv("POST", "1002", "", consRinging),
	)
	for i, agent := range []string{"1001", "1002"} {
		d := f.eventDialog(before, 2+i)
		if d.AssociatedDialogURI != model.DialogURI(s.orig) || d.MediaProperties.QueueNumber != "100" ||
			!equalVars(d.MediaProperties.CallVariables, []model.CallVariable{{Name: "callVariable1", Value: "order"}}) {
			t.Fatalf("consult posted to %s: associated %q, queue %q, variables %+v", agent,
				d.AssociatedDialogURI, d.MediaProperties.QueueNumber, d.MediaProperties.CallVariables)
		}
	}
	if orig := f.dialogView("1001", s.orig); partyState(orig, "3001") != "HELD" {
		t.Fatalf("original during the consult: %s", describeDialog(orig))
	}
	if cons.MediaProperties.CallType != "CONSULT" || partyState(cons, "3002") != "ALERTING" ||
		cons.AssociatedDialogURI != model.DialogURI(s.orig) || len(setVars(cons.MediaProperties.CallVariables)) != 1 {
		t.Fatalf("consult as 1002 sees it: %s", describeDialog(cons))
	}
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateNotReady, "1")

	// 1002 answers: both TALKING on the consult, and 1001 may now
	// transfer or conference, which a PUT of the original dialog tells its
	// desktop (an actions change is a Dialog PUT, spec §9.5). (1001's User
	// Update changes nothing: it was TALKING already.) 1001's User Update
	// is unsolicited, so it carries no requestId: only the requesting
	// agent's own events carry it (spec §1).
	rid = f.act("1002", s.cons, "ANSWER")
	consActive := dlg(s.cons, "ACTIVE", "CONSULT", "3001", "3002",
		party("3001", "ACTIVE", actsActive...), party("3002", "ACTIVE", actsActive...))
	s.mark = f.stepEvents(t, "consult answered", mark,
		userEv("1001", model.StateTalking, "", "", ""),
		dialogPutEv(s.cons, rid, consActive, "1001", "1002"),
		userEv("1002", model.StateTalking, "", "", rid),
		dialogPutEv(s.orig, rid, s.origDialog("HELD", actsConsulted...), "1001"),
	)
	if orig := f.dialogView("1001", s.orig); partyState(orig, "3001") != "HELD" ||
		!hasAction(orig, "3001", "TRANSFER") || !hasAction(orig, "3001", "CONFERENCE") {
		t.Fatalf("original once the consult is answered: %s", describeDialog(orig))
	}
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")
	return s
}

// Consult then transfer: the consult drops off both desktops, 1002 takes
// 1001's place on the original call (secondaryId the consult), and 1001
// leaves it, READY again. 1002's Dialogs DELETE and POST are unsolicited:
// no requestId (spec §1).
func TestConsultThenTransfer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	s := consulting(t, f)

	before := s.mark
	rid := f.act("1001", s.orig, "TRANSFER")
	// The transferring agent's party stays, dropped, and the call is a
	// TRANSFER from now on, as real captures show.
	transferred := dlg(s.orig, "ACTIVE", "TRANSFER", "5551234", "8000",
		party("5551234", "ACTIVE"), party("3001", "DROPPED"), party("3002", "ACTIVE", actsActive...))
	mark := f.stepEvents(t, "transfer", s.mark,
		dialogPutEv(s.cons, rid, s.consDropped(), "1001", "1002"),
		dialogsEv("DELETE", "1001", rid, s.consDropped()),
		dialogsEv("DELETE", "1002", "", s.consDropped()),
		dialogsEv("POST", "1002", "", transferred),
		dialogPutEv(s.orig, rid, transferred, "1002", "1001"),
		dialogsEv("DELETE", "1001", rid, transferred),
		userEv("1001", model.StateReady, "", "", rid), // team 10: no wrap-up unless asked
	)
	for _, i := range []int{3, 4} { // the POST to 1002 and the PUT
		if d := f.eventDialog(before, i); d.SecondaryID != s.cons {
			t.Errorf("event %d: secondaryId %q, want the consult %s", i, d.SecondaryID, s.cons)
		}
	}
	f.wantState("1001", model.StateReady, "")
	f.wantState("1002", model.StateTalking, "")
	if n := len(f.userDialogs("1001")); n != 0 {
		t.Fatalf("the transferring agent keeps %d dialogs", n)
	}
	d := f.dialogOf("1002")
	if d.ID != s.orig || d.SecondaryID != s.cons || partyState(d, "5551234") != "ACTIVE" || partyState(d, "3002") != "ACTIVE" ||
		partyState(d, "3001") != "DROPPED" || d.ToAddress != "8000" || d.MediaProperties.CallType != "TRANSFER" {
		t.Fatalf("after the transfer 1002 has %s", describeDialog(d))
	}
	f.wantCall(s.call, acd.CallConnected, "1002")

	rid = f.act("1002", s.orig, "DROP")
	ended := dlg(s.orig, "DROPPED", "TRANSFER", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"), party("3002", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(s.orig, rid, ended, "1002"),
		dialogsEv("DELETE", "1002", rid, ended),
		userEv("1002", model.StateNotReady, "1", "", rid), // back to where it was before the consult
	)
	f.wantState("1002", model.StateNotReady, "1")
	f.wantCall(s.call, acd.CallEnded, "1002")
}

// Consult then conference: the consult drops and 1002 joins the original
// call (CONFERENCE); 1001 leaves it (READY, the others stay on), then 1002
// drops, which ends it.
func TestConsultThenConferenceThenLeave(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	s := consulting(t, f)

	rid := f.act("1001", s.orig, "CONFERENCE")
	conf := dlg(s.orig, "ACTIVE", "CONFERENCE", "5551234", "8000", party("5551234", "ACTIVE"),
		party("3001", "ACTIVE", actsActive...), party("3002", "ACTIVE", actsActive...))
	mark := f.stepEvents(t, "conference", s.mark,
		dialogPutEv(s.cons, rid, s.consDropped(), "1001", "1002"),
		dialogsEv("DELETE", "1001", rid, s.consDropped()),
		dialogsEv("DELETE", "1002", "", s.consDropped()), // unsolicited for 1002: no requestId
		dialogsEv("POST", "1002", "", conf),
		dialogPutEv(s.orig, rid, conf, "1001", "1002"),
		userEv("1001", model.StateTalking, "", "", rid), // changes nothing: 1001 was TALKING
	)
	d := f.dialogView("1001", s.orig)
	if d.MediaProperties.CallType != "CONFERENCE" || partyState(d, "3001") != "ACTIVE" || partyState(d, "3002") != "ACTIVE" ||
		partyState(d, "5551234") != "ACTIVE" || d.SecondaryID != s.cons {
		t.Fatalf("conference: %s, secondaryId %q", describeDialog(d), d.SecondaryID)
	}
	if got := f.dialogOf("1002"); got.ID != s.orig {
		t.Fatalf("1002 is on dialog %s, want the conference %s", got.ID, s.orig)
	}
	if n := len(f.userDialogs("1001")); n != 1 {
		t.Fatalf("1001 has %d dialogs, want the conference only", n)
	}
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")

	rid = f.act("1001", s.orig, "DROP")
	left := dlg(s.orig, "ACTIVE", "CONFERENCE", "5551234", "8000", party("5551234", "ACTIVE"),
		party("3001", "DROPPED"), party("3002", "ACTIVE", actsActive...))
	mark = f.wantEvents(mark,
		dialogPutEv(s.orig, rid, left, "1002", "1001"),
		dialogsEv("DELETE", "1001", rid, left),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantState("1001", model.StateReady, "")
	f.wantState("1002", model.StateTalking, "")
	d = f.dialogOf("1002")
	if d.State != "ACTIVE" || partyState(d, "3001") != "DROPPED" || partyState(d, "5551234") != "ACTIVE" {
		t.Fatalf("after 1001 left: %s", describeDialog(d))
	}
	f.wantCall(s.call, acd.CallConnected, "1002") // the agent left on it

	rid = f.act("1002", s.orig, "DROP")
	ended := dlg(s.orig, "DROPPED", "CONFERENCE", "5551234", "8000", party("5551234", "DROPPED"),
		party("3001", "DROPPED"), party("3002", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(s.orig, rid, ended, "1002"),
		dialogsEv("DELETE", "1002", rid, ended),
		userEv("1002", model.StateNotReady, "1", "", rid),
	)
	f.wantState("1002", model.StateNotReady, "1")
	if call := f.call(s.call); call.State != acd.CallEnded {
		t.Fatalf("customer call after the conference: %+v", call)
	}
}

// Consult then retrieve: 1001 drops the consult (1002 back to NOT_READY 1,
// 1001 HOLD with TRANSFER and CONFERENCE no longer offered), retrieves
// the customer and drops.
func TestConsultThenRetrieve(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	s := consulting(t, f)

	rid := f.act("1001", s.cons, "DROP")
	mark := f.wantEvents(s.mark,
		dialogPutEv(s.cons, rid, s.consDropped(), "1001", "1002"),
		dialogsEv("DELETE", "1001", rid, s.consDropped()),
		dialogsEv("DELETE", "1002", "", s.consDropped()),
		userEv("1002", model.StateNotReady, "1", "", ""),
		userEv("1001", model.StateHold, "", "", rid),
		dialogPutEv(s.orig, rid, s.origDialog("HELD", actsHeld...), "1001"),
	)
	f.wantState("1001", model.StateHold, "")
	f.wantState("1002", model.StateNotReady, "1")
	d := f.dialogView("1001", s.orig)
	if partyState(d, "3001") != "HELD" || hasAction(d, "3001", "TRANSFER") {
		t.Fatalf("original after the consult ended: %s", describeDialog(d))
	}
	if n := len(f.userDialogs("1002")); n != 0 {
		t.Fatalf("1002 keeps %d dialogs", n)
	}

	rid = f.act("1001", s.orig, "RETRIEVE")
	mark = f.wantEvents(mark,
		dialogPutEv(s.orig, rid, s.origDialog("ACTIVE", actsActive...), "1001"),
		userEv("1001", model.StateTalking, "", "", rid),
	)
	f.wantState("1001", model.StateTalking, "")

	rid = f.act("1001", s.orig, "DROP")
	ended := dlg(s.orig, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(s.orig, rid, ended, "1001"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantCall(s.call, acd.CallEnded, "1001")
}

// TRANSFER and CONFERENCE before the consulted party answers are refused
// asynchronously, and the consult rings on.
func TestTransferBeforeAnswer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")
	f.actTo("1001", c.DialogID, "CONSULT_CALL", "3002")
	cons := f.dialogOf("1002")
	mark := f.last()
	for _, action := range []string{"TRANSFER", "CONFERENCE"} {
		rid := f.act("1001", c.DialogID, action)
		mark = f.wantEvents(mark,
			errEv("Dialog/"+c.DialogID, "User/1001/Dialogs", rid, "Generic Error", invalidAction(action, "3001")))
	}
	if d := f.dialogOf("1002"); describeDialog(d) != describeDialog(cons) {
		t.Fatalf("the consult after the refusals: %s", describeDialog(d))
	}
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateNotReady, "-1")
}

// A consult to an outside number, transferred: the customer talks to the
// outside number and the agent is free.
func TestConsultOutsideThenTransfer(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.inject("100", "5551234")
	id := c.DialogID
	f.act("1001", id, "ANSWER")
	orig := func(state string, acts ...string) string {
		return dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", state, acts...))
	}
	mark := f.last()

	rid := f.actTo("1001", id, "CONSULT_CALL", "5550100")
	ds := f.userDialogs("1001")
	if len(ds) != 2 || ds[0].ID != id {
		t.Fatalf("1001's dialogs during the consult: %+v", ds)
	}
	cons := ds[1]
	consRinging := dlg(cons.ID, "ALERTING", "CONSULT", "3001", "5550100",
		party("3001", "INITIATED", actsDialing...), party("5550100", "ALERTING"))
	mark = f.stepEvents(t, "consult rings", mark,
		dialogPutEv(id, rid, orig("HELD", actsHeld...), "1001"),
		offHookEv("1001", rid, cons.ID, "CONSULT", "3001"),
		dialogPutEv(cons.ID, rid, consRinging, "1001"),
	)

	// The outside number answers after its second.
	f.clock.Advance(999 * time.Millisecond)
	mark = f.wantEvents(mark)
	f.clock.Advance(time.Millisecond)
	consActive := dlg(cons.ID, "ACTIVE", "CONSULT", "3001", "5550100",
		party("3001", "ACTIVE", actsActive...), party("5550100", "ACTIVE"))
	mark = f.stepEvents(t, "consult answered", mark,
		userEv("1001", model.StateTalking, "", "", ""), // changes nothing: 1001 was TALKING
		dialogPutEv(cons.ID, "", consActive, "1001"),
		dialogPutEv(id, "", orig("HELD", actsConsulted...), "1001"),
	)

	rid = f.act("1001", id, "TRANSFER")
	consDropped := dlg(cons.ID, "DROPPED", "CONSULT", "3001", "5550100", party("3001", "DROPPED"), party("5550100", "DROPPED"))
	transferred := dlg(id, "ACTIVE", "TRANSFER", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", "DROPPED"), party("5550100", "ACTIVE"))
	mark = f.wantEvents(mark,
		dialogPutEv(cons.ID, rid, consDropped, "1001"),
		dialogsEv("DELETE", "1001", rid, consDropped),
		dialogPutEv(id, rid, transferred, "1001"),
		dialogsEv("DELETE", "1001", rid, transferred),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantState("1001", model.StateReady, "")
	call := f.call(c.ID)
	if call.State != acd.CallConnected {
		t.Fatalf("customer call after the transfer: %+v", call)
	}

	// The customer hangs up: no agent is on the call any more, so there is
	// no node to publish the ended dialog on and nothing is committed.
	f.hangUp(c.ID)
	f.stepEvents(t, "customer hangs up", mark)
	f.wantCall(c.ID, acd.CallEnded, "") // no agent had it after the transfer
}

// Single-step transfer: a busy or invalid destination is refused with
// Invalid Destination and nothing changes; a transfer to 3002 rings 1002
// (NOT_READY, which it stays until it answers) in 1001's place, and 1001
// leaves at once.
func TestSingleStepTransfer(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	c := f.inject("100", "5551234")
	id := c.DialogID
	f.act("1001", id, "ANSWER")
	talking := dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", "ACTIVE", actsActive...))
	mark := f.last()

	for _, number := range []string{"5550199", "9991234"} {
		rid := f.actTo("1001", id, "TRANSFER_SST", number)
		mark = f.wantEvents(mark,
			errEv("Dialog/"+id, "User/1001/Dialogs", rid, "Invalid Destination", "CF_INVALID_DESTINATION"))
		f.wantState("1001", model.StateTalking, "")
		if d := f.dialogView("1001", id); describeDialog(d) != talking {
			t.Fatalf("after the refused transfer to %s: %s", number, describeDialog(d))
		}
		f.wantCall(c.ID, acd.CallConnected, "1001")
	}

	rid := f.actTo("1001", id, "TRANSFER_SST", "3002")
	ringing := dlg(id, "ACTIVE", "TRANSFER", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", "DROPPED"), party("3002", "ALERTING", actsRinging...))
	mark = f.stepEvents(t, "transferred", mark,
		dialogsEv("POST", "1002", "", ringing), // the dialog reaches 1002's desktop before any PUT of it there
		dialogPutEv(id, rid, ringing, "1002", "1001"),
		dialogsEv("DELETE", "1001", rid, ringing),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantState("1001", model.StateReady, "")
	f.wantState("1002", model.StateNotReady, "-1")
	if n := len(f.userDialogs("1001")); n != 0 {
		t.Fatalf("1001 keeps %d dialogs", n)
	}
	d := f.dialogOf("1002")
	if d.ID != id || partyState(d, "3002") != "ALERTING" || partyState(d, "3001") != "DROPPED" || d.MediaProperties.CallType != "TRANSFER" {
		t.Fatalf("1002 after the transfer: %s", describeDialog(d))
	}

	rid = f.act("1002", id, "ANSWER")
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, dlg(id, "ACTIVE", "TRANSFER", "5551234", "8000",
			party("5551234", "ACTIVE"), party("3001", "DROPPED"), party("3002", "ACTIVE", actsActive...)), "1002"),
		userEv("1002", model.StateTalking, "", "", rid),
	)
	f.wantState("1002", model.StateTalking, "")
	f.wantCall(c.ID, acd.CallConnected, "1002")

	rid = f.act("1002", id, "DROP")
	ended := dlg(id, "DROPPED", "TRANSFER", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"), party("3002", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(id, rid, ended, "1002"),
		dialogsEv("DELETE", "1002", rid, ended),
		userEv("1002", model.StateNotReady, "-1", "", rid), // back to where it was
	)
	f.wantCall(c.ID, acd.CallEnded, "1002")
}

// A single-step transfer to a queue's dialed number puts the customer's
// call back in that queue: 1001 leaves it (READY, as team 10 wraps up
// only on request) and the call, with its call data, is offered to the
// longest-READY agent of the queue as callType TRANSFER in a new dialog.
func TestSingleStepTransferToQueue(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	c := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "order"})
	id := c.DialogID
	f.act("1001", id, "ANSWER")
	f.clock.Advance(time.Second)
	f.ready("1002", "3002")
	mark := f.last()

	rid := f.actTo("1001", id, "TRANSFER_SST", "8100")
	left := dlg(id, "ACTIVE", "TRANSFER", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", "DROPPED"))
	offered := f.call(c.ID)
	if offered.State != acd.CallAlerting || offered.Agent != "1002" || offered.DialogID == id {
		t.Fatalf("the call after the transfer: %+v", offered)
	}
	next := offered.DialogID
	mark = f.stepEvents(t, "transferred to the queue", mark,
		dialogPutEv(id, rid, left, "1001"),
		dialogsEv("DELETE", "1001", rid, left),
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", dlg(next, "ALERTING", "TRANSFER", "5551234", "8000",
			party("5551234", "INITIATED"), party("3002", "ALERTING", actsRinging...))),
	)
	d := f.dialogOf("1002")
	if d.MediaProperties.QueueNumber != "100" || len(setVars(d.MediaProperties.CallVariables)) != 1 {
		t.Fatalf("1002 is offered %s, queue %q, variables %+v", describeDialog(d), d.MediaProperties.QueueNumber, d.MediaProperties.CallVariables)
	}

	rid = f.act("1002", next, "ANSWER")
	f.wantState("1002", model.StateTalking, "")
	f.wantCall(c.ID, acd.CallConnected, "1002")
}

// Only a customer's call can wait in a queue: a call between agents sent
// to a queue's number is refused as any other destination that cannot
// take it.
func TestSingleStepTransferToQueueNeedsACustomerCall(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.signIn("1002", "3002")
	if err := f.makeCall("1001", "3002"); err != nil {
		t.Fatal(err)
	}
	id := f.dialogOf("1002").ID
	f.act("1002", id, "ANSWER")
	mark := f.last()
	rid := f.actTo("1001", id, "TRANSFER_SST", "8100")
	f.wantEvents(mark, errEv("Dialog/"+id, "User/1001/Dialogs", rid, "Invalid Destination", "CF_INVALID_DESTINATION"))
	f.wantState("1001", model.StateTalking, "")
}

// A state asked for during a call is applied when the call ends, whatever
// happened during it (spec §6.4).
func TestPendingStateKeptThroughTheCall(t *testing.T) {
	t.Run("answer, hold and retrieve", func(t *testing.T) {
		f := newFixture(t, demoConfig(t))
		f.ready("1001", "3001")
		c := f.inject("100", "5551234")
		id := c.DialogID
		mark := f.last()
		rid, err := f.change("1001", "1001", model.StateNotReady, "", "2")
		if err != nil {
			t.Fatal(err)
		}
		mark = f.wantEvents(mark, userEv("1001", model.StateReserved, "", model.StateNotReady, rid))
		call := func(state string, acts ...string) string {
			return dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", state, acts...))
		}

		for _, step := range []struct {
			action, party string
			acts          []string
			state         model.AgentState
		}{
			{"ANSWER", "ACTIVE", actsActive, model.StateTalking},
			{"HOLD", "HELD", actsHeld, model.StateHold},
			{"RETRIEVE", "ACTIVE", actsActive, model.StateTalking},
		} {
			rid := f.act("1001", id, step.action)
			mark = f.stepEvents(t, step.action, mark,
				dialogPutEv(id, rid, call(step.party, step.acts...), "1001"),
				userEv("1001", step.state, "", model.StateNotReady, rid),
			)
		}

		rid = f.act("1001", id, "DROP")
		ended := dlg(id, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"))
		f.stepEvents(t, "DROP", mark,
			dialogPutEv(id, rid, ended, "1001"),
			dialogsEv("DELETE", "1001", rid, ended),
			userEv("1001", model.StateNotReady, "2", "", rid),
		)
	})

	t.Run("consult and transfer", func(t *testing.T) {
		f := newFixture(t, demoConfig(t))
		f.ready("1001", "3001")
		f.signIn("1002", "3002")
		c := f.inject("100", "5551234")
		f.act("1001", c.DialogID, "ANSWER")
		mark := f.last()
		rid, err := f.change("1001", "1001", model.StateNotReady, "", "2")
		if err != nil {
			t.Fatal(err)
		}
		mark = f.wantEvents(mark, userEv("1001", model.StateTalking, "", model.StateNotReady, rid))
		f.actTo("1001", c.DialogID, "CONSULT_CALL", "3002")
		cons := f.dialogOf("1002").ID
		mark = f.last()

		// Only the User Updates matter here: the consult's own events are
		// checked by TestConsultThenTransfer.
		userUpdates := func(after acd.EventID) []string {
			var out []string
			for _, e := range f.described(after) {
				if strings.HasPrefix(e, "PUT User/") {
					out = append(out, e)
				}
			}
			return out
		}
		rid = f.act("1002", cons, "ANSWER")
		want := []string{
			userEv("1001", model.StateTalking, "", model.StateNotReady, ""),
			userEv("1002", model.StateTalking, "", "", rid),
		}
		if got := userUpdates(mark); !slices.Equal(got, want) {
			t.Fatalf("User Updates when the consult is answered:\n%q\nwant\n%q", got, want)
		}
		mark = f.last()

		rid = f.act("1001", c.DialogID, "TRANSFER")
		want = []string{userEv("1001", model.StateNotReady, "2", "", rid)}
		if got := userUpdates(mark); !slices.Equal(got, want) {
			t.Fatalf("User Updates on the transfer:\n%q\nwant\n%q", got, want)
		}
	})
}
