package acd_test

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// ringAll is the demo directory with queue 100 (Sales, 1001-1005) on
// ring-all, and 1001, 1002 and 1003 READY in that order.
func ringAll(t *testing.T) *fixture {
	f := newFixture(t, withStrategy(t, directory.RingAll))
	for _, id := range []string{"1001", "1002", "1003"} {
		f.ready(id, "300"+id[3:])
		f.clock.Advance(time.Second)
	}
	return f
}

// Ring-all: the call rings every READY agent of the queue at once, one
// dialog on every desktop; the first to answer takes it, and the others'
// phones stop ringing and they go back to READY, free for the next call.
func TestRingAll(t *testing.T) {
	f := ringAll(t)
	mark := f.last()
	c := f.inject("100", "5551234")
	if c.State != acd.CallAlerting || c.Agent != "" {
		t.Fatalf("call %+v, want ALERTING with no agent yet", c)
	}
	all := dlg(c.DialogID, "ALERTING", "ACD_IN", "5551234", "8000", party("5551234", "INITIATED"),
		party("3001", "ALERTING", "ANSWER"), party("3002", "ALERTING", "ANSWER"), party("3003", "ALERTING", "ANSWER"))
	mark = f.wantEvents(mark,
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", all),
		userEv("1002", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1002", "", all),
		userEv("1003", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1003", "", all),
	)

	rid := f.act("1002", c.DialogID, "ANSWER")
	left := func(ext string) string {
		return dlg(c.DialogID, "ALERTING", "ACD_IN", "5551234", "8000", party("5551234", "INITIATED"), party(ext, "DROPPED"))
	}
	answered := dlg(c.DialogID, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3002", "ACTIVE", actsActive...))
	f.wantEvents(mark,
		dialogsEv("DELETE", "1001", "", left("3001")),
		userEv("1001", model.StateReady, "", "", ""),
		dialogsEv("DELETE", "1003", "", left("3003")),
		userEv("1003", model.StateReady, "", "", ""),
		dialogPutEv(c.DialogID, rid, answered, "1002"),
		userEv("1002", model.StateTalking, "", "", rid),
	)
	f.wantCall(c.ID, acd.CallConnected, "1002")
	f.wantState("1001", model.StateReady, "")
	f.wantState("1003", model.StateReady, "")

	// The released agents take the next call, which rings both.
	next := f.inject("100", "5551235")
	if next.State != acd.CallAlerting || len(f.userDialogs("1001")) != 1 || len(f.userDialogs("1003")) != 1 {
		t.Fatalf("next call %+v not offered to both released agents", next)
	}
}

// A ring-all offer nobody answers is taken back from every agent it rang
// (NOT_READY 32767) and goes back to the head of the queue.
func TestRingAllNoAnswer(t *testing.T) {
	f := ringAll(t)
	c := f.inject("100", "5551234")
	f.clock.Advance(15 * time.Second)
	for _, id := range []string{"1001", "1002", "1003"} {
		f.wantState(id, model.StateNotReady, "32767")
		if ds := f.userDialogs(id); len(ds) != 0 {
			t.Fatalf("%s still shows %d dialogs", id, len(ds))
		}
	}
	f.wantCall(c.ID, acd.CallQueued, "")
}

// A caller who hangs up while a ring-all offer rings sends every agent it
// rang back to READY.
func TestRingAllAbandon(t *testing.T) {
	f := ringAll(t)
	c := f.inject("100", "5551234")
	f.hangUp(c.ID)
	for _, id := range []string{"1001", "1002", "1003"} {
		f.wantState(id, model.StateReady, "")
		if ds := f.userDialogs(id); len(ds) != 0 {
			t.Fatalf("%s still shows %d dialogs", id, len(ds))
		}
	}
	f.wantCall(c.ID, acd.CallEnded, "")
}
