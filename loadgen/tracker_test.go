package loadgen

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A run of two agents on two teams, watched by each agent's own session
// and by a supervisor session of one team. Every notification owed is
// received but one, which the result must name as lost: which change,
// which session, which node. A duplicate and a stranger's requestId are
// counted apart and never as receipts.
func TestTrackerReportsADroppedNotification(t *testing.T) {
	cfg := Config{
		Sessions: []SessionSpec{
			{User: "1001", Transport: "tcp"},
			{User: "1006", Transport: "bosh"},
			{User: "2001", Transport: "websocket", Subscribe: []string{TeamNode("10")}},
		},
		Agents:   []AgentSpec{{ID: "1001", Team: "10"}, {ID: "1006", Team: "20"}},
		Rate:     1,
		Duration: time.Second,
	}
	r := newRun(cfg)
	r.start = time.Now()
	// Changes 0-3 alternate 1001 and 1006: 1001's owe sessions 0 and 2,
	// 1006's owe session 1; six notifications in all.
	for seq := range 4 {
		r.track.sent(seq, seq%2, time.Now())
		r.track.accepted(seq, time.Millisecond)
		r.accepted.Add(1)
	}
	r.end = time.Now()
	for _, rc := range []struct {
		session int
		id      string
	}{
		{0, "load-0"}, {2, "load-0"}, {1, "load-1"}, {0, "load-2"}, {1, "load-3"},
		// load-2 never reaches the supervisor's session 2.
		{1, "load-3"},   // a duplicate
		{0, "other-7"},  // not this run's
		{0, "load-999"}, // never sent
	} {
		r.track.receipt(rc.session, rc.id)
	}
	res := r.result(nil, nil)
	if res.Expected != 6 || res.Received != 5 || res.Duplicates != 1 || res.Unknown != 2 {
		t.Fatalf("expected %d, received %d, duplicates %d, unknown %d; want 6, 5, 1, 2",
			res.Expected, res.Received, res.Duplicates, res.Unknown)
	}
	want := Loss{RequestID: "load-2", Agent: "1001", Session: 2, Node: "/finesse/api/Team/10/Users"}
	if len(res.Lost) != 1 || res.Lost[0] != want {
		t.Fatalf("lost %+v, want [%+v]", res.Lost, want)
	}
	var b bytes.Buffer
	res.WriteTable(&b)
	for _, s := range []string{"5 of 6 expected, 1 lost", "/finesse/api/Team/10/Users: 1", "2001/load2 (websocket): 1", "requestId load-2 of 1001"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the table does not say %q:\n%s", s, b.String())
		}
	}
}

// A change the server refused owes nothing, and its requestId is a
// stranger's if a notification carries it.
func TestTrackerRefusedChangeOwesNothing(t *testing.T) {
	cfg := Config{Sessions: []SessionSpec{{User: "1001", Transport: "tcp"}}, Agents: []AgentSpec{{ID: "1001"}}, Rate: 1, Duration: time.Second}
	r := newRun(cfg)
	r.track.sent(0, 0, time.Now())
	r.track.refused(0)
	r.track.receipt(0, "load-0")
	res := r.result(nil, nil)
	if res.Expected != 0 || res.Received != 0 || res.Unknown != 1 || len(res.Lost) != 0 {
		t.Fatalf("%+v", res)
	}
}

// TestCallsOutstanding: a run drains until every accepted call action
// reached each session of its agent, counting receipts that beat the
// REST response and not the supervisors' copies.
func TestCallsOutstanding(t *testing.T) {
	ct := newCallTracker([]SessionSpec{{User: "1001"}, {User: "2001"}, {User: "1001"}})
	ct.sent("call-0-0", "1001", time.Now())
	ct.receipt(1, "tcp", "call-0-0", time.Now()) // the supervisor's copy
	ct.receipt(0, "tcp", "call-0-0", time.Now()) // before the 202
	ct.accepted("call-0-0")
	if got := ct.outstanding(); got != 1 {
		t.Fatalf("outstanding after one of two sessions: %d, want 1", got)
	}
	ct.receipt(2, "tcp", "call-0-0", time.Now())
	ct.receipt(2, "tcp", "call-0-0", time.Now()) // a second notification of the action
	if got := ct.outstanding(); got != 0 {
		t.Fatalf("outstanding after both sessions: %d, want 0", got)
	}
}
