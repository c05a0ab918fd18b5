package acd_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Bad passwords weeks apart are not "in a row": each failure starts a new
// run once the previous one is older than the lockout duration.
func TestLockoutFailuresExpire(t *testing.T) {
	l := directory.NewMemoryLockouts(3, time.Minute)
	at := t0
	for range 5 {
		l.Attempt("u", false, at)
		at = at.Add(2 * time.Minute)
	}
	if !l.Attempt("u", true, at) {
		t.Fatal("spread-out failures locked the account")
	}
	l.Attempt("u", false, at)
	l.Attempt("u", false, at.Add(30*time.Second))
	l.Attempt("u", false, at.Add(59*time.Second))
	if l.Attempt("u", true, at.Add(60*time.Second)) {
		t.Fatal("three failures within the window did not lock")
	}
}

func TestUserStringHidesSecret(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	if s := fmt.Sprintf("%v %+v", f.user("1001"), f.user("1001")); s != "user 1001 user 1001" {
		t.Fatalf("printed %q", s)
	}
}

func TestMemoryLogReadNonPositiveLimit(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	for _, limit := range []int{0, -5} {
		evs, err := f.eng.Log().Read(context.Background(), 0, limit)
		if err != nil || len(evs) != 1 {
			t.Fatalf("limit %d: %d events, %v", limit, len(evs), err)
		}
	}
}

// On UCCX a pending READY during a call and a second pending NOT_READY are
// refused with CF_INVALID_AGENT_WORKMODE (265), unlike UCCE.
func TestUCCXPendingRules(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings.DeploymentType = "UCCX"
	f := newFixture(t, cfg)
	f.signIn("1001", "3001")
	f.putOnState("1001", model.StateTalking)
	assertRefused := func(state model.AgentState, reason string) {
		t.Helper()
		if _, err := f.change("1001", "1001", state, "", reason); err != nil {
			t.Fatal(err)
		}
		u := f.lastUpdate()
		if len(u.Errors) != 1 || u.Errors[0].Data != "265" || u.Errors[0].Message != "CF_INVALID_AGENT_WORKMODE" {
			t.Fatalf("%s: %+v", state, u.Errors)
		}
	}
	assertRefused(model.StateReady, "")
	if got := f.mustChange("1001", "1001", model.StateNotReady, "", "1"); got.PendingState != model.StateNotReady {
		t.Fatalf("first pending NOT_READY: %+v", got)
	}
	assertRefused(model.StateNotReady, "2")
	if got := f.get("1001"); got.PendingState != model.StateNotReady || got.State != model.StateTalking {
		t.Fatalf("after refusals: state %s pending %s", got.State, got.PendingState)
	}
}

// A repeated sign-in during a call may not move the agent to another
// phone: the call is on the first one.
func TestNoExtensionMoveDuringCall(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.putOnState("1001", model.StateTalking)
	if _, err := f.change("1001", "1001", model.StateLogin, "3002", ""); err != nil {
		t.Fatal(err)
	}
	if u := f.lastUpdate(); len(u.Errors) != 1 || u.Errors[0].Type != "Invalid State" {
		t.Fatalf("move during call: %+v", u)
	}
	if got := f.get("1001"); got.Extension != "3001" {
		t.Fatalf("extension %s, want 3001", got.Extension)
	}
	if got := f.mustChange("1001", "1001", model.StateLogin, "3001", ""); got.State != model.StateTalking {
		t.Fatalf("same-extension sign-in during a call changed state to %s", got.State)
	}
}
