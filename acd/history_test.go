package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

func (f *fixture) history(actor, id string) model.History {
	f.tb.Helper()
	h, err := f.eng.UserHistory(context.Background(), f.user(actor), id)
	if err != nil {
		f.tb.Fatalf("UserHistory(%s): %v", id, err)
	}
	return h
}

// My History holds every state since sign-in with its duration, and every
// call with its disposition; signing in again starts it anew.
func TestHistory(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.clock.Advance(5 * time.Second)
	c := f.inject("100", "5551234")
	f.clock.Advance(2 * time.Second)
	f.act("1001", c.DialogID, "ANSWER")
	f.clock.Advance(30 * time.Second)
	f.act("1001", c.DialogID, "DROP")
	f.mustChange("1001", "1001", model.StateNotReady, "", "2")

	h := f.history("1001", "1001")
	var states []string
	for _, s := range h.States {
		states = append(states, string(s.State)+"/"+s.ReasonCodeID)
	}
	want := []string{"NOT_READY/-1", "READY/", "RESERVED/", "TALKING/", "READY/", "NOT_READY/2"}
	if len(states) != len(want) {
		t.Fatalf("states %v, want %v", states, want)
	}
	for i := range want {
		if states[i] != want[i] {
			t.Fatalf("states %v, want %v", states, want)
		}
	}
	if h.States[1].Duration != 5*time.Second || h.States[3].Duration != 30*time.Second || h.States[5].ReasonLabel != "Lunch" {
		t.Fatalf("durations or labels: %+v", h.States)
	}
	if len(h.Calls) != 1 || h.Calls[0].Disposition != "Handled" || h.Calls[0].Number != "5551234" ||
		h.Calls[0].Queue != "100" || h.Calls[0].Type != "ACD_IN" || h.Calls[0].Duration != 32*time.Second {
		t.Fatalf("calls %+v", h.Calls)
	}

	f.mustChange("1001", "1001", model.StateLogout, "", "4")
	f.signIn("1001", "3001")
	if h := f.history("1001", "1001"); len(h.States) != 1 || len(h.Calls) != 0 {
		t.Fatalf("history after signing in again: %+v", h)
	}
}

func TestHistoryOfUnansweredCall(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	f.inject("100", "5551234")
	f.clock.Advance(15 * time.Second)
	if h := f.history("1001", "1001"); len(h.Calls) != 1 || h.Calls[0].Disposition != "Not answered" {
		t.Fatalf("calls %+v", h.Calls)
	}
}

func TestHistoryAuthorization(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")
	f.history("2001", "1001")
	f.history("admin", "1001")
	if _, err := f.eng.UserHistory(context.Background(), f.user("1002"), "1001"); !errors.Is(err, acd.ErrNotYourUser) {
		t.Fatalf("another agent reading 1001's history: %v", err)
	}
}
