package acd_test

import (
	"context"
	"testing"
	"time"
)

// Ended calls and dialogs stay readable for ten minutes, then the
// periodic sweep removes them, so the store does not grow for ever.
func TestEndedCallsAreRemoved(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.eng.StartSweeper()
	t.Cleanup(f.eng.Close)
	f.ready("1001", "3001")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")
	f.act("1001", c.DialogID, "DROP")

	ctx := context.Background()
	f.clock.Advance(9 * time.Minute)
	if _, found, _ := f.store.Call(ctx, c.ID); !found {
		t.Fatal("the call was removed before its retention ended")
	}
	f.clock.Advance(2 * time.Minute)
	if _, found, _ := f.store.Call(ctx, c.ID); found {
		t.Fatal("the call is still stored eleven minutes after it ended")
	}
	if _, found, _ := f.store.Dialog(ctx, c.DialogID); found {
		t.Fatal("the dialog is still stored eleven minutes after it ended")
	}
	// A live call is never removed.
	f.inject("100", "5559999")
	f.clock.Advance(time.Hour)
	if calls, _ := f.store.Calls(ctx); len(calls) != 1 {
		t.Fatalf("%d calls stored, want the one still ringing or queued", len(calls))
	}
}
