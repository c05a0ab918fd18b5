package acd_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// signInMobile signs agent in on ext as a mobile agent reached on dial.
func (f *fixture) signInMobile(agent, ext, mode, dial, rid string) error {
	return f.eng.ChangeState(context.Background(), f.user(agent), acd.StateRequest{
		AgentID: agent, State: model.StateLogin, Extension: ext, RequestID: rid,
		Mobile: &model.MobileAgent{Mode: mode, DialNumber: dial},
	})
}

// A mobile agent signs in CALL_BY_CALL: the User shows its mode and dial
// number until it signs out.
func TestMobileAgentSignIn(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	if err := f.signInMobile("1005", "3005", model.MobileCallByCall, "5550123", "m"); err != nil {
		t.Fatal(err)
	}
	u := f.get("1005")
	if u.State != model.StateNotReady || u.MobileAgent == nil || *u.MobileAgent != (model.MobileAgent{Mode: model.MobileCallByCall, DialNumber: "5550123"}) {
		t.Fatalf("mobile agent after sign-in: %s %+v", u.State, u.MobileAgent)
	}
	f.mustChange("1005", "1005", model.StateLogout, "", "4")
	if u := f.get("1005"); u.MobileAgent != nil {
		t.Fatalf("signed out, still mobile: %+v", u.MobileAgent)
	}
}

// What a mobile sign-in is refused for: at once what the request shows,
// by an error event what the phone system says (a user not configured as
// a mobile agent; a nailed connection that cannot be made).
func TestMobileAgentRefusals(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	for name, c := range map[string]struct {
		mode, dial string
		kind       error
	}{
		"unknown mode":  {"SOMETIMES", "5550123", acd.ErrInvalidInput},
		"no dialNumber": {model.MobileCallByCall, "", acd.ErrParameterMissing},
		"not a number":  {model.MobileNailed, "55x", acd.ErrInvalidInput},
	} {
		if err := f.signInMobile("1005", "3005", c.mode, c.dial, "r"); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}
	mark := f.last()
	if err := f.signInMobile("1001", "3001", model.MobileCallByCall, "5550123", "r"); err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, errEv("User/1001", "User/1001", "r", "Mode Not Allowed", "CF_MOBILE_AGENT_MODE_NOT_ALLOWED"))
	if err := f.signInMobile("1005", "3005", model.MobileNailed, "5550199", "r"); err != nil { // busy
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("User/1005", "User/1005", "r", "Call Operation Failure", "the nailed connection to 5550199 failed"))
	f.wantState("1005", model.StateLogout, "")
}

// A CALL_BY_CALL agent whose phone is busy when a call comes goes
// NOT_READY 50041 and the call waits for another agent; one whose number
// fails is signed out 50040.
func TestMobileAgentUnreachable(t *testing.T) {
	for _, c := range []struct {
		dial, state, reason string
	}{
		{"5550199", string(model.StateNotReady), "50041"},
		{"9991234", string(model.StateLogout), "50040"},
	} {
		t.Run(c.dial, func(t *testing.T) {
			f := newFixture(t, withDialPlan(t))
			if err := f.signInMobile("1005", "3005", model.MobileCallByCall, c.dial, "m"); err != nil {
				t.Fatal(err)
			}
			f.mustChange("1005", "1005", model.StateReady, "", "")
			call := f.inject("100", "5551234")
			f.wantCall(call.ID, acd.CallQueued, "")
			f.wantState("1005", model.AgentState(c.state), c.reason)
		})
	}
}

// A CALL_BY_CALL agent's phone is called per customer call and answers
// as the dial plan says: the call is offered (RESERVED, ALERTING) and
// connected when the phone picks up, with no ANSWER from the desktop; a
// phone that only rings lets the call ring out.
func TestMobileAgentCallByCallPhone(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	if err := f.signInMobile("1005", "3005", model.MobileCallByCall, "5550100", "m"); err != nil { // answers after 1s
		t.Fatal(err)
	}
	f.mustChange("1005", "1005", model.StateReady, "", "")
	call := f.inject("100", "5551234")
	f.wantCall(call.ID, acd.CallAlerting, "1005")
	f.wantState("1005", model.StateReserved, "")
	f.clock.Advance(time.Second)
	f.wantCall(call.ID, acd.CallConnected, "1005")
	f.wantState("1005", model.StateTalking, "")
	if d := f.dialogOf("1005"); d.State != "ACTIVE" {
		t.Fatalf("the call once the phone answered: %s", d.State)
	}
	f.hangUp(call.ID)

	g := newFixture(t, withDialPlan(t))
	if err := g.signInMobile("1005", "3005", model.MobileCallByCall, "5550188", "m"); err != nil { // rings, never answers
		t.Fatal(err)
	}
	g.mustChange("1005", "1005", model.StateReady, "", "")
	rung := g.inject("100", "5551234")
	g.clock.Advance(g.eng.Directory().Settings.RingNoAnswer)
	g.wantCall(rung.ID, acd.CallQueued, "")
	g.wantState("1005", model.StateNotReady, "32767")
}

// A NAILED_CONNECTION agent's phone is called once at sign-in (a call of
// the simulator's, line-<agent>) and stays connected: each customer call
// is connected at once; the far end hanging up the connection ends the
// agent's call and signs it out with 50042; signing out ends the line.
func TestMobileAgentNailedConnection(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	if err := f.signInMobile("1005", "3005", model.MobileNailed, "5550123", "m"); err != nil {
		t.Fatal(err)
	}
	line := f.wantCall("line-1005", acd.CallConnected, "1005")
	if line.DNIS != "5550123" {
		t.Fatalf("the nailed connection: %+v", line)
	}
	f.mustChange("1005", "1005", model.StateReady, "", "")
	mark := f.last()
	call := f.inject("100", "5551234")
	f.wantCall(call.ID, acd.CallConnected, "1005")
	f.wantState("1005", model.StateTalking, "")
	evs := f.described(mark)
	if len(evs) < 4 || !strings.Contains(strings.Join(evs, "\n"), "ALERTING") {
		t.Fatalf("the offer before the connection: %q", evs)
	}
	f.hangUp("line-1005")
	f.wantCall(call.ID, acd.CallEnded, "1005")
	f.wantState("1005", model.StateLogout, "50042")
	f.wantCall("line-1005", acd.CallEnded, "1005")

	if err := f.signInMobile("1005", "3005", model.MobileNailed, "5550123", "m"); err != nil {
		t.Fatal(err)
	}
	f.wantCall("line-1005", acd.CallConnected, "1005")
	f.mustChange("1005", "1005", model.StateLogout, "", "4")
	f.wantCall("line-1005", acd.CallEnded, "1005")
}

// A nailed agent in a conference loses its line: only its leg drops, the
// customer and the other agent talk on, and the agent is signed out.
func TestNailedLineDropLeavesConference(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	if err := f.signInMobile("1005", "3005", model.MobileNailed, "5550123", "m"); err != nil {
		t.Fatal(err)
	}
	f.mustChange("1005", "1005", model.StateReady, "", "")
	call := f.inject("100", "5551234")
	f.wantCall(call.ID, acd.CallConnected, "1005")
	orig := f.call(call.ID).DialogID
	f.ready("1002", "3002")
	f.mustChange("1002", "1002", model.StateNotReady, "", "1")
	f.actTo("1005", orig, "CONSULT_CALL", "3002")
	f.act("1002", f.dialogOf("1002").ID, "ANSWER")
	f.act("1005", orig, "CONFERENCE")
	f.hangUp("line-1005")
	f.wantState("1005", model.StateLogout, "50042")
	if d := f.dialogView("1002", orig); partyState(d, "3002") != "ACTIVE" || partyState(d, "5551234") != "ACTIVE" {
		t.Fatalf("the conference after 1005's line dropped: %s", describeDialog(d))
	}
	f.wantCall(call.ID, acd.CallConnected, "1002")
}

// In a ring-all offer the phone that picks up first takes the call: a
// nailed connection at once, not a CALL_BY_CALL phone before its time.
func TestRingAllFirstPhoneTakesTheCall(t *testing.T) {
	cfg := withDialPlan(t)
	cfg.Queues[0].Strategy = directory.RingAll
	for i := range cfg.Users {
		if cfg.Users[i].ID == "1004" {
			cfg.Users[i].MobileAgent = true
		}
	}
	f := newFixture(t, cfg)
	if err := f.signInMobile("1005", "3005", model.MobileCallByCall, "5550100", "m"); err != nil { // answers after 1s
		t.Fatal(err)
	}
	f.mustChange("1005", "1005", model.StateReady, "", "")
	f.clock.Advance(time.Second)
	if err := f.signInMobile("1004", "3004", model.MobileNailed, "5550177", "m2"); err != nil {
		t.Fatal(err)
	}
	f.mustChange("1004", "1004", model.StateReady, "", "")
	call := f.inject("100", "5551234")
	f.wantCall(call.ID, acd.CallConnected, "1004")
}
