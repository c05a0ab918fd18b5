package acd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// A request retried on the peer of the node that applied it (its answer
// lost with that node) is refused as a repeat there, since the mark that
// recognises it committed with the change; an asynchronous refusal counts
// as applied too. Under FINESSE_TEST_STORE=redis the nodes share Redis.
func TestRetryOnThePeerIsNotApplied(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	f.ready("1001", "3001")
	agent := f.user("1001")
	for _, c := range []struct {
		name string
		req  acd.StateRequest
	}{
		{"a change", acd.StateRequest{AgentID: "1001", State: model.StateNotReady, ReasonCodeID: "2", RequestID: "r-1"}},
		{"a change refused by the state", acd.StateRequest{AgentID: "1001", State: model.StateWork, RequestID: "r-2"}},
	} {
		key := "PUT /finesse/api/User/1001 " + c.req.RequestID
		before := f.last()
		if err := a.ChangeState(acd.WithRetrySafety(context.Background(), "1001", key), agent, c.req); err != nil {
			t.Fatalf("%s on node a: %v", c.name, err)
		}
		applied := f.last()
		if applied == before {
			t.Fatalf("%s on node a committed no event", c.name)
		}
		err := b.ChangeState(acd.WithRetrySafety(context.Background(), "1001", key), agent, c.req)
		if !errors.Is(err, acd.ErrRepeated) {
			t.Fatalf("%s retried on node b: %v, want ErrRepeated", c.name, err)
		}
		if got := f.last(); got != applied {
			t.Fatalf("%s retried on node b committed %d more events", c.name, got-applied)
		}
	}
	// After the window, the same request is a new one.
	before := f.last()
	ready := acd.StateRequest{AgentID: "1001", State: model.StateReady, RequestID: "r-3"}
	for range 2 {
		if err := b.ChangeState(acd.WithRetrySafety(context.Background(), "1001", "r-3"), agent, ready); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(acd.RetryWindow)
	}
	if n := len(f.eventsAfter(before)); n != 2 {
		t.Fatalf("the same request twice, a window apart: %d events, want 2", n)
	}
}
