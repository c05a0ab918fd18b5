package acd_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

func ringingDialog(id, ani, ext string) string {
	return dlg(id, "ALERTING", "ACD_IN", ani, "8000", party(ani, "INITIATED"), party(ext, "ALERTING", "ANSWER"))
}

// ronaDialog is an offer taken back: the agent's party dropped, the
// caller still on the line and the dialog in the caller's state.
func ronaDialog(id, ani, ext string) string {
	return dlg(id, "ALERTING", "ACD_IN", ani, "8000", party(ani, "INITIATED"), party(ext, "DROPPED"))
}

// Scenario 5: an offer nobody answers is taken back after 15 s; the agent
// goes NOT_READY 32767 and the call is offered to the next agent.
func TestRingNoAnswer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.clock.Advance(time.Second)
	f.ready("1002", "3002")
	mark := f.last()

	call := f.inject("100", "5551234")
	first := call.DialogID
	mark = f.wantEvents(mark,
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringingDialog(first, "5551234", "3001")),
	)
	f.clock.Advance(14 * time.Second)
	mark = f.wantEvents(mark)

	f.clock.Advance(time.Second)
	c := f.wantCall(call.ID, acd.CallAlerting, "1002")
	second := c.DialogID
	if second == first {
		t.Fatalf("the call kept dialog %s", first)
	}
	mark = f.wantEvents(mark,
		dialogPutEv(first, "", ronaDialog(first, "5551234", "3001"), "1001"),
		dialogsEv("DELETE", "1001", "", ronaDialog(first, "5551234", "3001")),
		userEv("1001", model.StateNotReady, "32767", "", ""),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", ringingDialog(second, "5551234", "3002")),
	)
	if rc := f.get("1001").ReasonCode; rc == nil || rc.Code != 32767 || !rc.SystemCode || rc.Label != "Call Not Answered" {
		t.Errorf("RONA reason code %+v", rc)
	}
	if want := f.clock.Now().Add(15 * time.Second); !c.RingDeadline.Equal(want) {
		t.Errorf("second ring deadline %v, want %v", c.RingDeadline, want)
	}
	if !c.Enqueued.Equal(t0.Add(time.Second)) {
		t.Errorf("enqueued %v: the call's place in time changed", c.Enqueued)
	}
	if got := f.userDialogs("1001"); len(got) != 0 {
		t.Errorf("1001 still has dialogs %+v", got)
	}

	// Too late: the taken-back offer cannot be answered.
	rid := f.act("1001", first, "ANSWER")
	mark = f.wantEvents(mark, errEv("Dialog/"+first, "User/1001/Dialogs", rid, "Generic Error", invalidAction("ANSWER", "3001")))

	// 1002 does not answer either; with nobody READY the call waits.
	f.clock.Advance(15 * time.Second)
	mark = f.wantEvents(mark,
		dialogPutEv(second, "", ronaDialog(second, "5551234", "3002"), "1002"),
		dialogsEv("DELETE", "1002", "", ronaDialog(second, "5551234", "3002")),
		userEv("1002", model.StateNotReady, "32767", "", ""),
	)
	f.wantCall(call.ID, acd.CallQueued, "")
	if got := f.waiting("100"); !slices.Equal(got, []string{call.ID}) {
		t.Fatalf("waiting %v", got)
	}

	// 1001 comes back and answers this time.
	rid, err := f.change("1001", "1001", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	c = f.wantCall(call.ID, acd.CallAlerting, "1001")
	mark = f.wantEvents(mark,
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringingDialog(c.DialogID, "5551234", "3001")),
	)
	f.clock.Advance(10 * time.Second)
	f.act("1001", c.DialogID, "ANSWER")
	mark = f.last()
	f.clock.Advance(time.Minute)
	f.wantEvents(mark)
	f.wantCall(call.ID, acd.CallConnected, "1001")
}

// A call taken back goes to the head of its queue, before calls that came
// in while it rang.
func TestRingNoAnswerBackToHead(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.signIn("1002", "3002")
	a := f.inject("100", "5550001")
	f.clock.Advance(5 * time.Second)
	b := f.inject("100", "5550002")
	if a.Agent != "1001" || b.State != acd.CallQueued {
		t.Fatalf("a %+v, b %+v", a, b)
	}
	f.clock.Advance(10 * time.Second)
	f.wantState("1001", model.StateNotReady, "32767")
	if got := f.waiting("100"); !slices.Equal(got, []string{a.ID, b.ID}) {
		t.Fatalf("waiting %v, want %v", got, []string{a.ID, b.ID})
	}

	mark := f.last()
	rid, err := f.change("1002", "1002", model.StateReady, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ca := f.wantCall(a.ID, acd.CallAlerting, "1002")
	f.wantEvents(mark,
		userEv("1002", model.StateReady, "", "", rid),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", ringingDialog(ca.DialogID, "5550001", "3002")),
	)
	f.wantCall(b.ID, acd.CallQueued, "")
	if _, err := f.change("1001", "1001", model.StateReady, "", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(b.ID, acd.CallAlerting, "1001")
}

// Calls that ring out together go back in the order they came in, so
// FIFO holds however many offers time out at once.
func TestRingNoAnswerTogetherKeepsOrder(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	var agents = []string{"1001", "1002", "1003", "1004", "1005"}
	for _, id := range agents {
		f.ready(id, "300"+id[3:])
	}
	// Ten calls, ids 1..10, so that both numeric and string orders matter.
	var calls []string
	for i := range 10 {
		c := f.inject("100", fmt.Sprintf("555%04d", i))
		calls = append(calls, c.ID)
	}
	f.clock.Advance(15 * time.Second)
	// Each ring-out is routed at once, but every agent it could go to has
	// just rung out too, so every call waits.
	for _, id := range agents {
		f.wantState(id, model.StateNotReady, "32767")
	}
	if got := f.waiting("100"); !slices.Equal(got, calls) {
		t.Fatalf("waiting %v, want %v", got, calls)
	}
	if _, err := f.change("1003", "1003", model.StateReady, "", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(calls[0], acd.CallAlerting, "1003")
}

// An agent asked for a state while its phone rang; ring-no-answer still
// puts it NOT_READY 32767, and the request is gone.
func TestRingNoAnswerOverridesPendingState(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.inject("100", "5551234")
	f.mustChange("1001", "1001", model.StateNotReady, "", "2")
	f.clock.Advance(15 * time.Second)
	f.wantState("1001", model.StateNotReady, "32767")
}

// The sweep honours deadlines stored with the call even when the timer
// that would fire it is gone (another node's, or a restarted engine).
func TestRingNoAnswerBySweepAlone(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	f.eng.Close() // stops the ring-no-answer timer
	f.clock.Advance(time.Minute)
	f.wantCall(call.ID, acd.CallAlerting, "1001")
	f.eng.Sweep(context.Background())
	f.wantCall(call.ID, acd.CallQueued, "")
	f.wantState("1001", model.StateNotReady, "32767")
}

// The same, with 1002 becoming READY at the very moment 1001's offer
// rings out (its wrap-up ends then): one sweep takes the call back to the
// head of the queue, then offers it, not the newer call, to 1002.
func TestRingNoAnswerBackToHeadAtOnce(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	x, _ := f.answered("1002", "3002", "100", "5550000")
	f.mustChange("1002", "1002", model.StateWorkReady, "", "")
	f.act("1002", x.DialogID, "DROP")
	f.wantState("1002", model.StateWorkReady, "") // until t0+60s

	f.clock.Advance(45 * time.Second)
	f.ready("1001", "3001")
	a := f.inject("100", "5550001") // rings out at t0+60s
	b := f.inject("100", "5550002")
	if a.Agent != "1001" || b.State != acd.CallQueued {
		t.Fatalf("a %+v, b %+v", a, b)
	}
	mark := f.last()
	f.clock.Advance(15 * time.Second)
	ca := f.wantCall(a.ID, acd.CallAlerting, "1002")
	f.wantEvents(mark,
		dialogPutEv(a.DialogID, "", ronaDialog(a.DialogID, "5550001", "3001"), "1001"),
		dialogsEv("DELETE", "1001", "", ronaDialog(a.DialogID, "5550001", "3001")),
		userEv("1001", model.StateNotReady, "32767", "", ""),
		dialogsEv("DELETE", "1002", "", droppedDialog(x.DialogID, "5550000", "3002")),
		userEv("1002", model.StateReady, "", "", ""),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", ringingDialog(ca.DialogID, "5550001", "3002")),
	)
	f.wantCall(b.ID, acd.CallQueued, "")
	if got := f.waiting("100"); !slices.Equal(got, []string{b.ID}) {
		t.Fatalf("waiting %v", got)
	}
}

// On UCCX the agent who did not answer gets 32763 (AGT_RNA).
func TestRingNoAnswerUCCX(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings.DeploymentType = "UCCX"
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	call := f.inject("100", "5551234")
	f.clock.Advance(15 * time.Second)
	f.wantState("1001", model.StateNotReady, "32763")
	f.wantCall(call.ID, acd.CallQueued, "")
}
