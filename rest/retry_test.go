package rest_test

import (
	"net/http"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// A change repeated with the same requestId, as a client whose connection
// dropped before the answer retries it, is applied once; both answers are
// 202.
func TestRepeatedRequestAppliedOnce(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")
	before := e.lastEvent()
	body := stateBody("NOT_READY", "2")
	for range 2 {
		wantStatus(t, e.put("1001", "/finesse/api/User/1001", body, "requestId", "retry-1"), http.StatusAccepted)
	}
	e.wantUserUpdate(e.onlyEventAfter(before), model.StateNotReady)
}

// Only the very request repeats: another requestId, another body or
// another request in between is applied as usual, and so is the same
// request after the retry window.
func TestNotARepeat(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")
	notReady, ready := stateBody("NOT_READY", "2"), stateBody("READY", "")
	steps := []struct{ body, requestID string }{
		{notReady, "a"},
		{ready, "a"},    // another body
		{notReady, "b"}, // another requestId
		{ready, "c"},
		{notReady, "b"}, // "b" again, but "c" came between
	}
	for _, s := range steps {
		before := e.lastEvent()
		wantStatus(t, e.put("1001", "/finesse/api/User/1001", s.body, "requestId", s.requestID), http.StatusAccepted)
		if evs := e.eventsAfter(before); len(evs) != 1 {
			t.Fatalf("%s with requestId %s: %d events, want one", s.body, s.requestID, len(evs))
		}
	}
	e.clock.Advance(acd.RetryWindow)
	before := e.lastEvent()
	wantStatus(t, e.put("1001", "/finesse/api/User/1001", notReady, "requestId", "b"), http.StatusAccepted)
	if evs := e.eventsAfter(before); len(evs) != 1 {
		t.Fatalf("the same request after the retry window: %d events, want one", len(evs))
	}
}

// A change by anyone else in between (here a supervisor's, without a
// requestId) makes the same request a new one, not a retry.
func TestRepeatAfterAnotherChangeIsApplied(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")
	notReady := stateBody("NOT_READY", "2")
	wantStatus(t, e.put("1001", "/finesse/api/User/1001", notReady, "requestId", "1"), http.StatusAccepted)
	wantStatus(t, e.put("2001", "/finesse/api/User/1001", stateBody("READY", "")), http.StatusAccepted)
	before := e.lastEvent()
	wantStatus(t, e.put("1001", "/finesse/api/User/1001", notReady, "requestId", "1"), http.StatusAccepted)
	e.wantUserUpdate(e.onlyEventAfter(before), model.StateNotReady)
}
