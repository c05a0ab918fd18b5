package acd_test

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Queue notifications go out at most every interval, and only for queues
// whose statistics changed.
func TestQueueStatsNotifications(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.eng.StartQueueStats()
	t.Cleanup(f.eng.Close)

	before := f.last()
	f.clock.Advance(10 * time.Second)
	first := queueEvents(t, f, before)
	if len(first) != 3 {
		t.Fatalf("first round published %d queues, want all 3", len(first))
	}

	before = f.last()
	f.clock.Advance(10 * time.Second)
	if got := queueEvents(t, f, before); len(got) != 0 {
		t.Fatalf("nothing changed, yet %d queue notifications went out", len(got))
	}

	f.signIn("1006", "3006") // on queues 200 and 300
	if _, err := f.eng.InjectCall(context.Background(), acd.CallRequest{Queue: "200", ANI: "5551234"}); err != nil {
		t.Fatal(err)
	}
	before = f.last()
	f.clock.Advance(9 * time.Second)
	if got := queueEvents(t, f, before); len(got) != 0 {
		t.Fatalf("%d queue notifications before the interval ended", len(got))
	}
	f.clock.Advance(time.Second)
	got := queueEvents(t, f, before)
	if len(got) != 2 || got["200"].Statistics.CallsInQueue != 1 || got["200"].Statistics.AgentsNotReady != 1 ||
		got["300"].Statistics.AgentsLoggedOn != 1 {
		t.Fatalf("after a sign-in and a queued call: %+v", got)
	}
	if got["200"].Statistics.StartTimeOfLongestCallInQueue.IsZero() {
		t.Fatal("no start time for the waiting call")
	}
}

// queueEvents parses the Queue notifications committed after id, by queue.
func queueEvents(t *testing.T, f *fixture, id acd.EventID) map[string]model.Queue {
	t.Helper()
	out := map[string]model.Queue{}
	for _, ev := range f.eventsAfter(id) {
		u := parseUpdate(t, ev)
		if u.Data == nil || u.Data.Tag != "Queue" {
			continue
		}
		q, err := model.ParseQueue(u.Data)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Nodes) != 1 || ev.Nodes[0] != model.QueueURI(q.ID) || u.Source != model.QueueURI(q.ID) {
			t.Fatalf("queue event nodes %v source %s", ev.Nodes, u.Source)
		}
		out[q.ID] = q
	}
	return out
}

// WaitingCalls counts each queue's waiting calls, a queue with none as 0.
func TestWaitingCalls(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.inject("100", "5551111")
	f.inject("100", "5552222")
	f.inject("200", "5553333")
	got, err := f.eng.WaitingCalls(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got["100"] != 2 || got["200"] != 1 || got["300"] != 0 || len(got) != 3 {
		t.Fatalf("WaitingCalls = %v", got)
	}
}
