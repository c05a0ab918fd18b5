package acd_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// The call-side scenario tests compare the exact sequence of events a
// step commits. Each event is rendered as one line (see describe) and the
// expected lines are built with userEv, dialogPutEv, dialogsEv and errEv,
// so that a failure prints both sequences side by side.

const apiPrefix = "/finesse/api/"

func short(uri string) string { return strings.TrimPrefix(uri, apiPrefix) }

// describe renders one event: kind, source, requestId and nodes, then
// what it carries (a user's state, reason and pending state; a dialog's
// state, call type, addresses and parties with their actions; or the
// asynchronous error).
func describe(tb testing.TB, e acd.Event) string {
	tb.Helper()
	u := parseUpdate(tb, e)
	nodes := make([]string, len(e.Nodes))
	for i, n := range e.Nodes {
		nodes[i] = short(n)
	}
	head := fmt.Sprintf("%s %s rid=%s on %s:", u.Event, short(u.Source), u.RequestID, strings.Join(nodes, ","))
	switch {
	case len(u.Errors) > 0:
		var errs []string
		for _, e := range u.Errors {
			errs = append(errs, e.Type+"/"+e.Message)
		}
		return head + " error " + strings.Join(errs, ",")
	case u.Data == nil:
		return head + " (no data)"
	case u.Data.Tag == "user":
		user := parseUserData(tb, u)
		return fmt.Sprintf("%s %s reason=%s pending=%s", head, user.State, user.ReasonCodeID, user.PendingState)
	case u.Data.Tag == "dialog":
		return head + " " + describeDialog(parseDialogEl(tb, u))
	case u.Data.Tag == "dialogs":
		var ds []string
		for _, d := range dialogsOf(tb, u) {
			ds = append(ds, describeDialog(d))
		}
		return head + " " + strings.Join(ds, " | ")
	}
	return head + " <" + u.Data.Tag + ">"
}

func describeDialog(d model.Dialog) string {
	var parts []string
	for _, p := range d.Participants {
		parts = append(parts, party(p.MediaAddress, p.State, p.Actions...))
	}
	return dlg(d.ID, d.State, d.MediaProperties.CallType, d.FromAddress, d.ToAddress, parts...)
}

// dlg is a dialog as describe renders it.
func dlg(id, state, callType, from, to string, parties ...string) string {
	return fmt.Sprintf("dialog %s %s %s %s>%s {%s}", id, state, callType, from, to, strings.Join(parties, ", "))
}

// party is a participant as describe renders it.
func party(addr, state string, actions ...string) string {
	if len(actions) == 0 && len(addr) > 4 {
		actions = callerActions(state)
	}
	return fmt.Sprintf("%s:%s[%s]", addr, state, strings.Join(actions, " "))
}

// callerActions are the actions an outside number's party carries, as
// captured for the caller: those of the call while it rings (INITIATED) or
// talks (ACTIVE). Extensions are four digits in the demo directory; longer
// addresses are outside numbers.
func callerActions(state string) []string {
	switch state {
	case "INITIATED":
		return actsDialing
	case "ACTIVE":
		return actsActive
	}
	return nil
}

// teamOf is the demo team of agent id: 1001-1005 are on 10, 1006-1010 on 20.
func teamOf(id string) string {
	if id >= "1006" && id <= "1010" {
		return "20"
	}
	return "10"
}

// userEv is the User Update for agent id, published on its node and its
// team's Users node.
func userEv(id string, state model.AgentState, reason string, pending model.AgentState, rid string) string {
	return fmt.Sprintf("PUT User/%s rid=%s on User/%s,Team/%s/Users: %s reason=%s pending=%s",
		id, rid, id, teamOf(id), state, reason, pending)
}

// dialogPutEv is a Dialog Update published on the Dialogs nodes of agents.
func dialogPutEv(dialogID, rid, dialog string, agents ...string) string {
	nodes := make([]string, len(agents))
	for i, a := range agents {
		nodes[i] = "User/" + a + "/Dialogs"
	}
	return fmt.Sprintf("PUT Dialog/%s rid=%s on %s: %s", dialogID, rid, strings.Join(nodes, ","), dialog)
}

// dialogsEv is a POST or DELETE on agent's Dialogs collection.
func dialogsEv(kind, agent, rid, dialog string) string {
	return fmt.Sprintf("%s User/%s/Dialogs rid=%s on User/%s/Dialogs: %s", kind, agent, rid, agent, dialog)
}

// errEv is an asynchronous error Update with source on node.
// invalidAction is the errorMessage refusing action on extension ext, as
// real UCCE captures show it.
func invalidAction(action, ext string) string {
	return "INVALID_ACTION " + action + " on extension " + ext
}

func errEv(source, node, rid, typ, msg string) string {
	return fmt.Sprintf("PUT %s rid=%s on %s: error %s/%s", source, rid, node, typ, msg)
}

// wantEvents checks that exactly want was committed after event after and
// returns the newest event's id, for the next step.
func (f *fixture) wantEvents(after acd.EventID, want ...string) acd.EventID {
	f.tb.Helper()
	var got []string
	for _, e := range f.eventsAfter(after) {
		got = append(got, describe(f.tb, e))
	}
	if !slices.Equal(got, want) {
		var b strings.Builder
		for i := range max(len(got), len(want)) {
			g, w := "-", "-"
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			mark := "  "
			if g != w {
				mark = "!!"
			}
			fmt.Fprintf(&b, "%s %d got:  %s\n   %d want: %s\n", mark, i, g, i, w)
		}
		f.tb.Fatalf("events after %d differ:\n%s", after, b.String())
	}
	return f.last()
}

func parseDialogEl(tb testing.TB, u model.Update) model.Dialog {
	tb.Helper()
	d, err := model.ParseDialog(u.Data)
	if err != nil {
		tb.Fatalf("Update %s: %v", u.Source, err)
	}
	return d
}

func dialogsOf(tb testing.TB, u model.Update) []model.Dialog {
	tb.Helper()
	var out []model.Dialog
	for _, el := range u.Data.SelectElements("Dialog") {
		d, err := model.ParseDialog(el)
		if err != nil {
			tb.Fatalf("Update %s: %v", u.Source, err)
		}
		out = append(out, d)
	}
	return out
}

// ready signs agent id in on ext and makes it READY.
func (f *fixture) ready(id, ext string) {
	f.tb.Helper()
	f.signIn(id, ext)
	f.mustChange(id, id, model.StateReady, "", "")
}

// inject brings a call into queue from ani, failing the test on error.
func (f *fixture) inject(queue, ani string, vars ...model.CallVariable) acd.Call {
	f.tb.Helper()
	c, err := f.eng.InjectCall(context.Background(), acd.CallRequest{Queue: queue, ANI: ani, DNIS: "8000", Variables: vars})
	if err != nil {
		f.tb.Fatalf("InjectCall(%s, %s): %v", queue, ani, err)
	}
	return c
}

// call is call id as the store has it.
func (f *fixture) call(id string) acd.Call {
	f.tb.Helper()
	c, found, err := f.store.Call(context.Background(), id)
	if err != nil || !found {
		f.tb.Fatalf("store.Call(%s): %v found=%v", id, err, found)
	}
	return c
}

// act has agent take action on dialog from its own extension and returns
// the requestId it used. A synchronous refusal fails the test.
func (f *fixture) act(agent, dialogID, action string) string {
	f.tb.Helper()
	rid := fmt.Sprintf("dlg-%d", f.reqs.Add(1))
	ext := f.agent(agent).Extension
	err := f.eng.DialogAction(context.Background(), f.user(agent), acd.DialogRequest{
		DialogID: dialogID, Action: action, TargetMediaAddress: ext, RequestID: rid,
	})
	if err != nil {
		f.tb.Fatalf("%s %s dialog %s: %v", agent, action, dialogID, err)
	}
	return rid
}

// hangUp ends call id from the customer's side.
func (f *fixture) hangUp(id string) acd.Call {
	f.tb.Helper()
	c, err := f.eng.HangUpCall(context.Background(), id)
	if err != nil {
		f.tb.Fatalf("HangUpCall(%s): %v", id, err)
	}
	return c
}

// waiting is queue's waiting list as the store has it.
func (f *fixture) waiting(queue string) []string {
	f.tb.Helper()
	var out []string
	errRead := errors.New("read only")
	err := f.store.Update(context.Background(), func(tx acd.Tx) error {
		w, err := tx.Waiting(queue)
		if err != nil {
			return err
		}
		out = w
		return errRead
	})
	if !errors.Is(err, errRead) {
		f.tb.Fatalf("read waiting list of %s: %v", queue, err)
	}
	return out
}

func (f *fixture) wantCall(id string, state acd.CallState, agent string) acd.Call {
	f.tb.Helper()
	c := f.call(id)
	if c.State != state || c.Agent != agent {
		f.tb.Fatalf("call %s: %s with agent %q, want %s with %q", id, c.State, c.Agent, state, agent)
	}
	return c
}

func (f *fixture) wantState(id string, state model.AgentState, reason string) {
	f.tb.Helper()
	u := f.get(id)
	if u.State != state || u.ReasonCodeID != reason || u.PendingState != "" {
		f.tb.Fatalf("%s: %s reason %q pending %q, want %s reason %q", id, u.State, u.ReasonCodeID, u.PendingState, state, reason)
	}
}

func (f *fixture) dialogView(actor, id string) model.Dialog {
	f.tb.Helper()
	d, err := f.eng.Dialog(context.Background(), f.user(actor), id)
	if err != nil {
		f.tb.Fatalf("Dialog(%s) as %s: %v", id, actor, err)
	}
	return d
}

func (f *fixture) userDialogs(id string) []model.Dialog {
	f.tb.Helper()
	ds, err := f.eng.UserDialogs(context.Background(), f.user(id), id)
	if err != nil {
		f.tb.Fatalf("UserDialogs(%s): %v", id, err)
	}
	return ds
}

// Scenario 1: a call offered to the READY agent, answered and dropped,
// with every event the desktop sees and the call's own life.
func TestCallAnswerAndDrop(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	enqueued := f.clock.Now()
	mark := f.last()

	call := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "x"})
	if call.State != acd.CallAlerting || call.Agent != "1001" || call.DialogID == "" || call.Queue != "100" {
		t.Fatalf("InjectCall returned %+v, want ALERTING on 1001", call)
	}
	if want := enqueued.Add(15 * time.Second); !call.RingDeadline.Equal(want) {
		t.Errorf("ring deadline %v, want %v", call.RingDeadline, want)
	}
	id := call.DialogID
	ringing := dlg(id, "ALERTING", "ACD_IN", "5551234", "8000",
		party("5551234", "INITIATED"), party("3001", "ALERTING", "ANSWER"))
	evs := f.eventsAfter(mark)
	mark = f.wantEvents(mark,
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringing),
	)

	// The offer in full: what describe leaves out.
	post := parseUpdate(t, evs[1])
	if post.Source != "/finesse/api/User/1001/Dialogs" {
		t.Errorf("POST source %s", post.Source)
	}
	ds := dialogsOf(t, post)
	if len(ds) != 1 {
		t.Fatalf("POST carries %d dialogs", len(ds))
	}
	d := ds[0]
	mp := d.MediaProperties
	if d.MediaType != "Voice" || mp.MediaID != "1" || mp.QueueNumber != "100" || mp.QueueName != "Sales" ||
		mp.DNIS != "8000" || mp.DialedNumber != "8000" {
		t.Errorf("offered dialog: %+v", d)
	}
	if !equalVars(mp.CallVariables, []model.CallVariable{{Name: "callVariable1", Value: "x"}}) {
		t.Errorf("call variables %+v", mp.CallVariables)
	}
	if c, a := d.Participants[0], d.Participants[1]; c.MediaAddressType != "" || a.MediaAddressType != "AGENT_DEVICE" ||
		!c.StartTime.Equal(enqueued) || !a.StartTime.Equal(enqueued) || !a.StateChangeTime.Equal(enqueued) {
		t.Errorf("participants: %+v", d.Participants)
	}
	if got := f.dialogView("1001", id); describeDialog(got) != ringing {
		t.Errorf("GET Dialog: %s", describeDialog(got))
	}
	if got := f.userDialogs("1001"); len(got) != 1 || got[0].ID != id {
		t.Errorf("GET User/1001/Dialogs: %+v", got)
	}

	f.clock.Advance(5 * time.Second)
	answered := f.clock.Now()
	rid := f.act("1001", id, "ANSWER")
	talking := dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000",
		party("5551234", "ACTIVE"), party("3001", "ACTIVE", "TRANSFER_SST", "CONSULT_CALL", "HOLD", "UPDATE_CALL_DATA", "SEND_DTMF", "DROP"))
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, talking, "1001"),
		userEv("1001", model.StateTalking, "", "", rid),
	)
	if c := f.wantCall(call.ID, acd.CallConnected, "1001"); !c.RingDeadline.IsZero() {
		t.Errorf("a connected call keeps its ring deadline %v", c.RingDeadline)
	}
	if got := f.dialogView("1001", id); !got.Participants[1].StateChangeTime.Equal(answered) ||
		!got.Participants[1].StartTime.Equal(enqueued) {
		t.Errorf("answered party times: %+v", got.Participants[1])
	}

	// The ring-no-answer time passing does not touch an answered call.
	f.clock.Advance(30 * time.Second)
	mark = f.wantEvents(mark)

	rid = f.act("1001", id, "DROP")
	dropped := dlg(id, "DROPPED", "ACD_IN", "5551234", "8000",
		party("5551234", "DROPPED"), party("3001", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(id, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateReady, "", "", rid),
	)
	if c := f.wantCall(call.ID, acd.CallEnded, "1001"); !c.Ended.Equal(f.clock.Now()) {
		t.Errorf("ended at %v, want %v", c.Ended, f.clock.Now())
	}
	if got := f.userDialogs("1001"); len(got) != 0 {
		t.Errorf("dialogs after the call: %+v", got)
	}
	if a := f.agent("1001"); len(a.Dialogs) != 0 || !a.WrapUpDeadline.IsZero() {
		t.Errorf("agent after the call: %+v", a)
	}
	// The dropped dialog can still be read by the agent who was on it.
	if got := f.dialogView("1001", id); got.State != "DROPPED" {
		t.Errorf("GET dropped dialog: %s", describeDialog(got))
	}
}

// A call injected while its agent is not READY is QUEUED; it goes
// ALERTING when the agent becomes READY, with the same events.
func TestCallQueuedUntilAgentReady(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	mark := f.last()
	call := f.inject("100", "5551234")
	if call.State != acd.CallQueued || call.Agent != "" || call.DialogID != "" {
		t.Fatalf("InjectCall returned %+v, want QUEUED", call)
	}
	mark = f.wantEvents(mark)
	if got := f.waiting("100"); !slices.Equal(got, []string{call.ID}) {
		t.Fatalf("waiting %v", got)
	}

	rid, err := f.change("1001", "1001", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	c := f.wantCall(call.ID, acd.CallAlerting, "1001")
	f.wantEvents(mark,
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", dlg(c.DialogID, "ALERTING", "ACD_IN", "5551234", "8000",
			party("5551234", "INITIATED"), party("3001", "ALERTING", "ANSWER"))),
	)
	if got := f.waiting("100"); len(got) != 0 {
		t.Fatalf("waiting %v after the offer", got)
	}
}

// Scenario 2: hold and retrieve, and a hold of a held call refused
// asynchronously without a change.
func TestCallHoldAndRetrieve(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	id := call.DialogID
	f.act("1001", id, "ANSWER")
	mark := f.last()

	held := dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000",
		party("5551234", "ACTIVE"), party("3001", "HELD", "UPDATE_CALL_DATA", "DROP", "RETRIEVE"))
	active := dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000",
		party("5551234", "ACTIVE"), party("3001", "ACTIVE", "TRANSFER_SST", "CONSULT_CALL", "HOLD", "UPDATE_CALL_DATA", "SEND_DTMF", "DROP"))

	rid := f.act("1001", id, "HOLD")
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, held, "1001"),
		userEv("1001", model.StateHold, "", "", rid),
	)

	for _, action := range []string{"HOLD", "ANSWER"} {
		rid = f.act("1001", id, action)
		mark = f.wantEvents(mark,
			errEv("Dialog/"+id, "User/1001/Dialogs", rid, "Generic Error", invalidAction(action, "3001")))
	}
	f.wantState("1001", model.StateHold, "")
	if got := f.dialogView("1001", id); describeDialog(got) != held {
		t.Fatalf("after refused actions: %s", describeDialog(got))
	}
	f.wantCall(call.ID, acd.CallConnected, "1001")

	rid = f.act("1001", id, "RETRIEVE")
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, active, "1001"),
		userEv("1001", model.StateTalking, "", "", rid),
	)
	for _, action := range []string{"RETRIEVE", "ANSWER"} {
		rid = f.act("1001", id, action)
		mark = f.wantEvents(mark,
			errEv("Dialog/"+id, "User/1001/Dialogs", rid, "Generic Error", invalidAction(action, "3001")))
	}

	// A held call may be dropped.
	f.act("1001", id, "HOLD")
	mark = f.last()
	rid = f.act("1001", id, "DROP")
	dropped := dlg(id, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"))
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateReady, "", "", rid),
	)

	// Nothing may be done with a dropped dialog.
	for _, action := range []string{"DROP", "RETRIEVE", "ANSWER"} {
		rid = f.act("1001", id, action)
		mark = f.wantEvents(mark,
			errEv("Dialog/"+id, "User/1001/Dialogs", rid, "Generic Error", invalidAction(action, "3001")))
	}
	f.wantState("1001", model.StateReady, "")
}

// Dropping a ringing call is not offered (only ANSWER is): refused with
// Generic Error, the call keeps ringing.
func TestCallDropWhileRingingRefused(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	mark := f.last()
	rid := f.act("1001", call.DialogID, "DROP")
	f.wantEvents(mark, errEv("Dialog/"+call.DialogID, "User/1001/Dialogs", rid, "Generic Error", invalidAction("DROP", "3001")))
	f.wantCall(call.ID, acd.CallAlerting, "1001")
	f.wantState("1001", model.StateReserved, "")
}

// An action aimed at another extension than the agent's own is refused
// asynchronously, as one the party may not take.
func TestCallActionOnWrongExtension(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	mark := f.last()
	err := f.eng.DialogAction(context.Background(), f.user("1001"), acd.DialogRequest{
		DialogID: call.DialogID, Action: "ANSWER", TargetMediaAddress: "3002", RequestID: "r1",
	})
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("Dialog/"+call.DialogID, "User/1001/Dialogs", "r1", "Generic Error", invalidAction("ANSWER", "3002")))
	f.wantCall(call.ID, acd.CallAlerting, "1001")
}

// Scenario 6a: a caller who hangs up while queued leaves no trace on any
// desktop, and the call is not offered to the next agent to be READY.
func TestAbandonWhileQueued(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	mark := f.last()
	call := f.inject("100", "5551234")
	other := f.inject("100", "5559999")
	ended := f.hangUp(call.ID)
	if ended.State != acd.CallEnded || !ended.Ended.Equal(f.clock.Now()) || ended.Agent != "" {
		t.Fatalf("HangUpCall returned %+v", ended)
	}
	mark = f.wantEvents(mark)
	if got := f.waiting("100"); !slices.Equal(got, []string{other.ID}) {
		t.Fatalf("waiting %v, want only %s", got, other.ID)
	}
	f.hangUp(other.ID)
	if got := f.waiting("100"); len(got) != 0 {
		t.Fatalf("waiting %v", got)
	}

	rid, err := f.change("1001", "1001", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1001", model.StateReady, "", "", rid))

	// Hanging up an ended call again changes nothing.
	if again := f.hangUp(call.ID); again.State != acd.CallEnded || !again.Ended.Equal(ended.Ended) {
		t.Fatalf("second HangUpCall: %+v", again)
	}
	f.wantEvents(mark)
	if _, err := f.eng.HangUpCall(context.Background(), "nope"); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("HangUpCall of an unknown call: %v", err)
	}
}

// Scenario 6b: a caller who hangs up while the agent's phone rings: the
// dialog drops and the agent, who never took the call, is READY again
// even on a team whose wrap-up is REQUIRED.
func TestAbandonWhileRinging(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1006", "3006")
	call := f.inject("200", "5551234")
	id := call.DialogID
	mark := f.last()
	f.clock.Advance(5 * time.Second)
	f.hangUp(call.ID)
	dropped := dlg(id, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3006", "DROPPED"))
	mark = f.wantEvents(mark,
		dialogPutEv(id, "", dropped, "1006"),
		dialogsEv("DELETE", "1006", "", dropped),
		userEv("1006", model.StateReady, "", "", ""),
	)
	f.wantCall(call.ID, acd.CallEnded, "1006")
	if a := f.agent("1006"); !a.WrapUpDeadline.IsZero() || len(a.Dialogs) != 0 {
		t.Fatalf("agent after abandon: %+v", a)
	}
	// The ring-no-answer timer of the abandoned offer changes nothing.
	f.clock.Advance(time.Minute)
	f.wantEvents(mark)
}

// A state asked for while the phone rings applies when the caller hangs
// up before the agent answers.
func TestAbandonWhileRingingAppliesPendingState(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	mark := f.last()
	rid, err := f.change("1001", "1001", model.StateNotReady, "", "3")
	if err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, userEv("1001", model.StateReserved, "", model.StateNotReady, rid))
	f.hangUp(call.ID)
	dropped := dlg(call.DialogID, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"))
	f.wantEvents(mark,
		dialogPutEv(call.DialogID, "", dropped, "1001"),
		dialogsEv("DELETE", "1001", "", dropped),
		userEv("1001", model.StateNotReady, "3", "", ""),
	)
}

// Scenario 6c: a caller who hangs up on a connected agent of a REQUIRED
// team sends the agent to wrap-up.
func TestAbandonWhileConnected(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1006", "3006")
	call := f.inject("200", "5551234")
	id := call.DialogID
	f.act("1006", id, "ANSWER")
	f.act("1006", id, "HOLD")
	mark := f.last()
	f.hangUp(call.ID)
	f.wantEvents(mark,
		dialogPutEv(id, "", wrappingDialog(id, "5551234", "3006"), "1006"),
		userEv("1006", model.StateWorkReady, "", "", ""),
	)
	f.wantCall(call.ID, acd.CallEnded, "1006")
	if a := f.agent("1006"); !a.WrapUpDeadline.Equal(f.clock.Now().Add(time.Minute)) {
		t.Fatalf("wrap-up deadline %v", a.WrapUpDeadline)
	}
}

// Requests that can never succeed are refused at once and commit nothing.
func TestDialogActionRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	call := f.inject("100", "5551234")
	if call.Agent != "1001" {
		t.Fatalf("offered to %s", call.Agent)
	}
	id := call.DialogID
	mark := f.last()
	cases := []struct {
		name  string
		actor string
		req   acd.DialogRequest
		kind  error
		field string
	}{
		{"no action", "1001", acd.DialogRequest{DialogID: id, TargetMediaAddress: "3001"}, acd.ErrParameterMissing, "requestedAction"},
		{"unknown action", "1001", acd.DialogRequest{DialogID: id, Action: "PICK_UP", TargetMediaAddress: "3001"}, acd.ErrInvalidInput, "requestedAction"},
		{"lower-case action", "1001", acd.DialogRequest{DialogID: id, Action: "answer", TargetMediaAddress: "3001"}, acd.ErrInvalidInput, "requestedAction"},
		{"consult without destination", "1001", acd.DialogRequest{DialogID: id, Action: "CONSULT_CALL", TargetMediaAddress: "3001"}, acd.ErrParameterMissing, "toAddress"},
		{"consult to itself", "1001", acd.DialogRequest{DialogID: id, Action: "CONSULT_CALL", TargetMediaAddress: "3001", ToAddress: "3001"}, acd.ErrInvalidDestination, "toAddress"},
		{"start recording", "1001", acd.DialogRequest{DialogID: id, Action: "START_RECORDING", TargetMediaAddress: "3001"}, acd.ErrNotImplemented, "requestedAction"},
		{"unknown dialog", "1001", acd.DialogRequest{DialogID: "999", Action: "ANSWER", TargetMediaAddress: "3001"}, acd.ErrNotFound, "999"},
		{"not on the dialog", "1002", acd.DialogRequest{DialogID: id, Action: "ANSWER", TargetMediaAddress: "3002"}, acd.ErrNotYourUser, "1002"},
		{"no target", "1001", acd.DialogRequest{DialogID: id, Action: "ANSWER"}, acd.ErrParameterMissing, "targetMediaAddress"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.RequestID = "r"
			err := f.eng.DialogAction(context.Background(), f.user(c.actor), c.req)
			wantRefusal(t, err, c.kind, c.field)
		})
	}
	f.wantEvents(mark)
	f.wantCall(call.ID, acd.CallAlerting, "1001")
	f.wantState("1001", model.StateReserved, "")

	if _, err := f.eng.Dialog(context.Background(), f.user("1002"), id); !errors.Is(err, acd.ErrNotYourUser) {
		t.Errorf("GET another agent's dialog: %v", err)
	}
	if _, err := f.eng.Dialog(context.Background(), f.user("1001"), "999"); !errors.Is(err, acd.ErrNotFound) {
		t.Errorf("GET an unknown dialog: %v", err)
	}
	// The supervisor of the agent's team and the administrator may read it.
	for _, actor := range []string{"2001", "admin"} {
		if _, err := f.eng.Dialog(context.Background(), f.user(actor), id); err != nil {
			t.Errorf("GET dialog as %s: %v", actor, err)
		}
	}
}

func TestInjectCallRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	mark := f.last()
	cv := func(name string, n int) []model.CallVariable {
		return []model.CallVariable{{Name: name, Value: strings.Repeat("v", n)}}
	}
	cases := []struct {
		name  string
		req   acd.CallRequest
		kind  error
		field string
	}{
		{"unknown queue", acd.CallRequest{Queue: "999", ANI: "1"}, acd.ErrNotFound, "999"},
		{"no queue", acd.CallRequest{ANI: "1"}, acd.ErrNotFound, ""},
		{"bad name", acd.CallRequest{Queue: "100", Variables: cv("color", 1)}, acd.ErrInvalidInput, "color"},
		{"callVariable0", acd.CallRequest{Queue: "100", Variables: cv("callVariable0", 1)}, acd.ErrInvalidInput, "callVariable0"},
		{"callVariable11", acd.CallRequest{Queue: "100", Variables: cv("callVariable11", 1)}, acd.ErrInvalidInput, "callVariable11"},
		{"empty ECC name", acd.CallRequest{Queue: "100", Variables: cv("user.", 1)}, acd.ErrInvalidInput, "user."},
		{"41 bytes", acd.CallRequest{Queue: "100", Variables: cv("callVariable1", 41)}, acd.ErrInvalidInput, "callVariable1"},
		{"41 bytes in 10", acd.CallRequest{Queue: "100", Variables: cv("callVariable10", 41)}, acd.ErrInvalidInput, "callVariable10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.eng.InjectCall(context.Background(), c.req)
			wantRefusal(t, err, c.kind, c.field)
		})
	}
	f.wantEvents(mark)
	calls, err := f.store.Calls(context.Background())
	if err != nil || len(calls) != 0 {
		t.Fatalf("refused calls were stored: %+v %v", calls, err)
	}

	// At the limits: 40 bytes, callVariable10 and ECC variables are taken.
	vars := append(cv("callVariable1", 40), model.CallVariable{Name: "callVariable10", Value: "ten"},
		model.CallVariable{Name: "user.account", Value: strings.Repeat("e", 100)})
	call := f.inject("100", "5551234", vars...)
	d := f.dialogView("1001", call.DialogID)
	if !equalVars(d.MediaProperties.CallVariables, vars) {
		t.Fatalf("call variables %+v, want %+v", d.MediaProperties.CallVariables, vars)
	}
}
