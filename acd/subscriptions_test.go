package acd_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

const queuesNode = "/finesse/api/User/1001/Queues"

func (f *fixture) subscribe(actor, node, jid string) error {
	f.tb.Helper()
	return f.eng.Subscribe(context.Background(), f.user(actor), node, jid)
}

func (f *fixture) subscriptions(user string) []acd.Subscription {
	f.tb.Helper()
	subs, err := f.eng.Subscriptions(context.Background(), user)
	if err != nil {
		f.tb.Fatalf("Subscriptions(%s): %v", user, err)
	}
	return subs
}

// wantControlEvent checks that ev only tells notification services to
// reload user's subscriptions: nothing in it may reach a client.
func wantControlEvent(tb testing.TB, ev acd.Event, user string) {
	tb.Helper()
	if ev.SubscriptionsOf != user || len(ev.Nodes) != 0 || len(ev.Payload) != 0 {
		tb.Fatalf("event %d = {SubscriptionsOf %q, Nodes %v, Payload %q}, want a control event for %s",
			ev.ID, ev.SubscriptionsOf, ev.Nodes, ev.Payload, user)
	}
}

func TestSubscribeStoresAndAnnounces(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	before := f.last()
	if err := f.subscribe("1001", queuesNode, "1001@localhost"); err != nil {
		t.Fatal(err)
	}
	want := []acd.Subscription{{Node: queuesNode, JID: "1001@localhost"}}
	if got := f.subscriptions("1001"); !slices.Equal(got, want) {
		t.Fatalf("subscriptions %v, want %v", got, want)
	}
	evs := f.eventsAfter(before)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	wantControlEvent(t, evs[0], "1001")
}

// Repeating a subscribe, or subscribing to what the user gets anyway, must
// not wake every notification service to reload nothing.
func TestSubscribeThatChangesNothingCommitsNothing(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	if err := f.subscribe("1001", queuesNode, "1001@localhost"); err != nil {
		t.Fatal(err)
	}
	before := f.last()
	if err := f.subscribe("1001", queuesNode, "1001@localhost"); err != nil {
		t.Fatalf("second subscribe: %v", err)
	}
	for _, node := range directory.AutoNodes(f.user("1001")) {
		if err := f.subscribe("1001", node, "1001@localhost"); err != nil {
			t.Fatalf("subscribe to auto node %s: %v", node, err)
		}
	}
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("%d events, want none", len(evs))
	}
	if got := f.subscriptions("1001"); len(got) != 1 {
		t.Fatalf("subscriptions %v, want only the first", got)
	}
}

func TestSubscriptionLimit(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	for i := range acd.MaxSubscriptions {
		if err := f.subscribe("1001", queuesNode, fmt.Sprintf("1001@localhost/r%d", i)); err != nil {
			t.Fatalf("subscription %d: %v", i+1, err)
		}
	}
	before := f.last()
	err := f.subscribe("1001", queuesNode, "1001@localhost/one-too-many")
	wantRefusal(t, err, acd.ErrTooManySubscriptions, queuesNode)
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("a refused subscribe committed %d events", len(evs))
	}
	// One already held is no new subscription, so it is not refused.
	if err := f.subscribe("1001", queuesNode, "1001@localhost/r0"); err != nil {
		t.Fatalf("repeating a held subscription at the limit: %v", err)
	}
	if got := len(f.subscriptions("1001")); got != acd.MaxSubscriptions {
		t.Fatalf("%d subscriptions, want %d", got, acd.MaxSubscriptions)
	}
}

func TestUnsubscribe(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	if err := f.subscribe("1001", queuesNode, "1001@localhost/a"); err != nil {
		t.Fatal(err)
	}
	if err := f.subscribe("1001", queuesNode, "1001@localhost/b"); err != nil {
		t.Fatal(err)
	}
	before := f.last()
	if err := f.eng.Unsubscribe(context.Background(), f.user("1001"), queuesNode, "1001@localhost/a"); err != nil {
		t.Fatal(err)
	}
	want := []acd.Subscription{{Node: queuesNode, JID: "1001@localhost/b"}}
	if got := f.subscriptions("1001"); !slices.Equal(got, want) {
		t.Fatalf("subscriptions %v, want %v", got, want)
	}
	evs := f.eventsAfter(before)
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	wantControlEvent(t, evs[0], "1001")

	before = f.last()
	err := f.eng.Unsubscribe(context.Background(), f.user("1001"), queuesNode, "1001@localhost/a")
	wantRefusal(t, err, acd.ErrNotSubscribed, queuesNode)
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("a refused unsubscribe committed %d events", len(evs))
	}
}

func TestSubscribeRefused(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	before := f.last()
	err := f.subscribe("1001", "/finesse/api/User/1002", "1001@localhost")
	wantRefusal(t, err, acd.ErrNotAuthorized, "/finesse/api/User/1002")
	err = f.subscribe("1001", "/finesse/api/User/9999", "1001@localhost")
	wantRefusal(t, err, acd.ErrNotFound, "/finesse/api/User/9999")
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("refused subscribes committed %d events", len(evs))
	}
	if got := f.subscriptions("1001"); len(got) != 0 {
		t.Fatalf("subscriptions %v, want none", got)
	}
}

// Subscriptions belong to a signed-in session of work: signing out ends
// them in the same transaction, so no notification service can deliver an
// event to the old subscriptions after the user event that signed out.
func TestSignOutDropsSubscriptions(t *testing.T) {
	for _, actor := range []string{"1001", "2001"} {
		t.Run("by "+actor, func(t *testing.T) {
			f := newFixture(t, demoConfig(t))
			f.signIn("1001", "3001")
			for _, node := range []string{queuesNode, "/finesse/api/Queue/100"} {
				if err := f.subscribe("1001", node, "1001@localhost"); err != nil {
					t.Fatal(err)
				}
			}
			before := f.last()
			reason := "4"
			if actor != "1001" {
				reason = "" // a supervisor gives none; Finesse uses its own
			}
			rid, err := f.change(actor, "1001", model.StateLogout, "", reason)
			if err != nil {
				t.Fatal(err)
			}
			evs := f.eventsAfter(before)
			if len(evs) != 2 {
				t.Fatalf("%d events, want the user event and a control event", len(evs))
			}
			u := parseUpdate(t, evs[0])
			if u.RequestID != rid || parseUserData(t, u).State != model.StateLogout {
				t.Fatalf("first event is %+v, want the sign-out with requestId %s", u, rid)
			}
			wantControlEvent(t, evs[1], "1001")
			if got := f.subscriptions("1001"); len(got) != 0 {
				t.Fatalf("subscriptions %v survived the sign-out", got)
			}
		})
	}
}

// Only a sign-out ends subscriptions: a refused LOGOUT of an agent who is
// already signed out must leave them be.
func TestRefusedSignOutKeepsSubscriptions(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	if err := f.subscribe("1001", queuesNode, "1001@localhost"); err != nil {
		t.Fatal(err)
	}
	before := f.last()
	if _, err := f.change("1001", "1001", model.StateLogout, "", "4"); !errors.Is(err, acd.ErrInvalidState) {
		t.Fatalf("LOGOUT while signed out: %v, want Invalid State", err)
	}
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("a refused LOGOUT committed %d events", len(evs))
	}
	if got := f.subscriptions("1001"); len(got) != 1 {
		t.Fatalf("subscriptions %v, want the one made", got)
	}
}
