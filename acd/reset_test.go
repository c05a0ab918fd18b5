package acd_test

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Reset ends whatever the simulator has going — a routed call, a call
// waiting, a call to an outside number, a silent monitor, a wrap-up, a
// team message — and signs every agent out, so a scenario can start over.
func TestReset(t *testing.T) {
	cfg := withDialPlan(t)
	f := newFixture(t, cfg)
	ctx := context.Background()
	c := talkingWith1001(f)
	f.monitor("3001")
	f.inject("100", "5559999") // waits: 1001 is busy
	f.signIn("1002", "3002")
	if err := f.makeCall("1002", "5550188"); err != nil { // rings for ever
		t.Fatal(err)
	}
	f.ready("1006", "3006")
	routed := f.inject("200", "5558888")
	f.act("1006", routed.DialogID, "ANSWER")
	f.act("1006", routed.DialogID, "DROP") // team 20 wraps up
	if _, err := f.eng.PostTeamMessage(ctx, f.user("2001"), acd.TeamMessageRequest{Duration: time.Hour, Content: "x", Teams: []string{"10"}}); err != nil {
		t.Fatal(err)
	}

	if err := f.eng.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"1001", "1002", "1006", "2001"} {
		f.wantState(id, model.StateLogout, "-1")
		if n := len(f.userDialogs(id)); n != 0 {
			t.Errorf("%s keeps %d dialogs", id, n)
		}
	}
	calls, err := f.store.Calls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		if call.State != acd.CallEnded {
			t.Errorf("call %s is %s after the reset", call.ID, call.State)
		}
	}
	f.wantCall(c.ID, acd.CallEnded, "1001")
	if ms, _ := f.eng.TeamMessages(ctx, f.user("admin")); len(ms) != 0 {
		t.Errorf("%d team messages after the reset", len(ms))
	}
	if err := f.eng.Reset(ctx); err != nil { // nothing left: a no-op
		t.Fatal(err)
	}
}
