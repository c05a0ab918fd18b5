package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// TestOneEventPerAcceptedRequest runs one agent through a session mixing
// successes, asynchronous refusals and synchronous refusals: each accepted
// request must add exactly one event, the newest, carrying its requestId,
// and each synchronous refusal none.
func TestOneEventPerAcceptedRequest(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1002", "3002")
	steps := []struct {
		actor       string
		state       model.AgentState
		ext, reason string
		accepted    bool
	}{
		{"1001", model.StateReady, "", "", true}, // signed out: an error Update
		{"1001", model.StateLogin, "", "", false},
		{"1001", model.StateLogin, "3002", "", true}, // busy
		{"1001", model.StateLogin, "4999", "", true}, // unknown device
		{"1001", model.StateLogin, "3001", "", true},
		{"1001", model.StateLogin, "3001", "", true},
		{"1001", model.StateNotReady, "", "", false},
		{"1001", model.StateNotReady, "", "1", true},
		{"1001", model.StateNotReady, "", "1", true},
		{"1001", model.StateReady, "", "", true},
		{"1001", model.StateReady, "", "", true},
		{"1001", model.StateReady, "", "1", false},
		{"1001", model.StateLogout, "", "4", true}, // READY on UCCE: an error Update
		{"1001", model.StateWork, "", "", true},
		{"1001", model.StateTalking, "", "", false},
		{"1001", "", "", "", false},
		{"1002", model.StateNotReady, "", "1", false},
		{"admin", model.StateNotReady, "", "1", false},
		{"2001", model.StateWork, "", "", false},
		{"2001", model.StateNotReady, "", "1", false},
		{"2001", model.StateNotReady, "", "", true},
		{"2001", model.StateNotReady, "", "", true}, // already NOT_READY: an error Update
		{"2001", model.StateReady, "", "", true},
		{"2001", model.StateLogout, "", "", true},
		{"1001", model.StateReady, "", "", true},
	}
	for i, s := range steps {
		before := f.last()
		rid, err := f.change(s.actor, "1001", s.state, s.ext, s.reason)
		last := f.last()
		if !s.accepted {
			if err == nil {
				t.Errorf("step %d (%s %s): accepted, want a synchronous refusal", i, s.actor, s.state)
			}
			if last != before {
				t.Errorf("step %d (%s %s): refused but the log grew from %d to %d", i, s.actor, s.state, before, last)
			}
			continue
		}
		if err != nil {
			t.Errorf("step %d (%s %s): %v", i, s.actor, s.state, err)
			continue
		}
		if last != before+1 {
			t.Errorf("step %d (%s %s): the log grew from %d to %d, want one event", i, s.actor, s.state, before, last)
			continue
		}
		ev := f.lastEvent()
		if up := parseUpdate(t, ev); up.RequestID != rid || ev.Nodes[0] != "/finesse/api/User/1001" {
			t.Errorf("step %d (%s %s): newest event is %q on %v, want %q on the user's node",
				i, s.actor, s.state, up.RequestID, ev.Nodes, rid)
		}
	}
}

func TestChangeStateCancelledCommitsNothing(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	before := f.last()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := f.eng.ChangeState(ctx, f.user("1001"), acd.StateRequest{AgentID: "1001", State: model.StateReady, RequestID: "x"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ChangeState with a cancelled context: %v, want context.Canceled", err)
	}
	if f.last() != before || f.get("1001").State != model.StateNotReady {
		t.Error("a cancelled request changed something")
	}
}

func TestStateChangeTime(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	var want time.Time
	// step advances the clock, makes the request and checks the time both
	// in its Update and in a later GET; moved says whether it must be the
	// new clock reading or the one before.
	step := func(what string, moved bool, actor string, state model.AgentState, ext, reason string) {
		t.Helper()
		f.clock.Advance(time.Minute)
		if moved {
			want = f.clock.Now()
		}
		before := f.last()
		if _, err := f.change(actor, "1001", state, ext, reason); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if f.last() != before+1 {
			t.Fatalf("%s: %d events, want 1", what, f.last()-before)
		}
		ev := f.lastEvent()
		if !ev.Time.Equal(f.clock.Now()) {
			t.Errorf("%s: event time %v, want the clock's %v", what, ev.Time, f.clock.Now())
		}
		if up := parseUpdate(t, ev); len(up.Errors) == 0 {
			if got := parseUserData(t, up).StateChangeTime; !got.Equal(want) {
				t.Errorf("%s: Update stateChangeTime %v, want %v", what, got, want)
			}
		}
		if got := f.get("1001").StateChangeTime; !got.Equal(want) {
			t.Errorf("%s: GET stateChangeTime %v, want %v", what, got, want)
		}
	}
	step("sign in", true, "1001", model.StateLogin, "3001", "")
	step("READY", true, "1001", model.StateReady, "", "")
	step("READY again", false, "1001", model.StateReady, "", "")
	step("NOT_READY", true, "1001", model.StateNotReady, "", "1")
	step("NOT_READY, same reason", false, "1001", model.StateNotReady, "", "1")
	step("NOT_READY, new reason", true, "1001", model.StateNotReady, "", "2")
	step("sign in again", false, "1001", model.StateLogin, "3001", "")
	step("move extension", false, "1001", model.StateLogin, "3004", "")
	step("refused WORK", false, "1001", model.StateWork, "", "")
	step("supervisor READY", true, "2001", model.StateReady, "", "")
	step("supervisor READY again", false, "2001", model.StateReady, "", "")
	step("supervisor NOT_READY", true, "2001", model.StateNotReady, "", "")
	step("LOGOUT", true, "1001", model.StateLogout, "", "4")
	step("refused READY", false, "1001", model.StateReady, "", "")
	step("sign in", true, "1001", model.StateLogin, "3001", "")
	f.putOnState("1001", model.StateTalking)
	step("pending READY", false, "1001", model.StateReady, "", "")
	step("pending LOGOUT", false, "2001", model.StateLogout, "", "")
}

// TestSignInMovesExtension checks that moving to a new extension frees
// the old one for another agent and takes the new one from everyone.
func TestSignInMovesExtension(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.mustChange("1001", "1001", model.StateLogin, "3005", "")
	f.signIn("1002", "3001")
	if _, err := f.change("1003", "1003", model.StateLogin, "3005", ""); err != nil {
		t.Fatal(err)
	}
	if up := f.lastUpdate(); len(up.Errors) != 1 || up.Errors[0].Type != "Device Busy" {
		t.Errorf("signing in on the moved-to extension: %+v, want Device Busy", up.Errors)
	}
	// Signing out frees the extension too.
	f.mustChange("1001", "1001", model.StateLogout, "", "4")
	f.signIn("1003", "3005")
	if got := f.get("1001"); got.Extension != "" {
		t.Errorf("signed-out agent keeps extension %q", got.Extension)
	}
}
