package acd_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Calls of a queue are offered oldest first; a RESERVED or talking agent
// is offered nothing more, and the next call is offered as soon as the
// agent is READY again after the call.
func TestRoutingFIFOAndOneCallPerAgent(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	a := f.inject("100", "5550001")
	f.clock.Advance(time.Second)
	b := f.inject("100", "5550002")
	f.clock.Advance(time.Second)
	c := f.inject("100", "5550003")
	if a.Agent != "1001" || b.State != acd.CallQueued || c.State != acd.CallQueued {
		t.Fatalf("a %s/%s b %s c %s", a.State, a.Agent, b.State, c.State)
	}
	if got := f.waiting("100"); !slices.Equal(got, []string{b.ID, c.ID}) {
		t.Fatalf("waiting %v", got)
	}

	rid := f.act("1001", a.DialogID, "ANSWER")
	f.wantCall(b.ID, acd.CallQueued, "")
	mark := f.last()

	rid = f.act("1001", a.DialogID, "DROP")
	cb := f.wantCall(b.ID, acd.CallAlerting, "1001")
	dropped := droppedDialog(a.DialogID, "5550001", "3001")
	mark = f.wantEvents(mark,
		dialogPutEv(a.DialogID, rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringingDialog(cb.DialogID, "5550002", "3001")),
	)
	f.wantCall(c.ID, acd.CallQueued, "")

	// The customer hanging up also frees the agent for the next call.
	f.hangUp(b.ID)
	cc := f.wantCall(c.ID, acd.CallAlerting, "1001")
	f.wantEvents(mark,
		dialogPutEv(cb.DialogID, "", droppedDialog(cb.DialogID, "5550002", "3001"), "1001"),
		dialogsEv("DELETE", "1001", "", droppedDialog(cb.DialogID, "5550002", "3001")),
		userEv("1001", model.StateReady, "", "", ""),
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringingDialog(cc.DialogID, "5550003", "3001")),
	)
	if got := f.waiting("100"); len(got) != 0 {
		t.Fatalf("waiting %v", got)
	}
}

// The pending READY asked for during a call also gets the next call.
func TestRoutingAfterPendingReady(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	a := f.inject("100", "5550001")
	b := f.inject("100", "5550002")
	f.act("1001", a.DialogID, "ANSWER")
	f.mustChange("1001", "1001", model.StateNotReady, "", "1")
	f.mustChange("1001", "1001", model.StateReady, "", "")
	f.act("1001", a.DialogID, "DROP")
	f.wantCall(b.ID, acd.CallAlerting, "1001")
}

// The agent READY the longest wins, whatever its id or place in the
// queue's list; going NOT_READY and back puts an agent at the end, a
// repeated READY does not.
func TestRoutingLongestAvailable(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1003", "3003")
	f.clock.Advance(time.Second)
	f.ready("1001", "3001")
	f.clock.Advance(time.Second)
	f.ready("1002", "3002")
	f.clock.Advance(time.Second)
	f.ready("1004", "3004")
	f.clock.Advance(time.Second)
	f.mustChange("1003", "1003", model.StateNotReady, "", "1") // 1003 loses its place
	f.mustChange("1003", "1003", model.StateReady, "", "")
	f.clock.Advance(time.Second)
	f.mustChange("1001", "1001", model.StateReady, "", "") // READY again: keeps it
	f.signIn("1005", "3005")                               // NOT_READY: never offered

	var got []string
	for i := range 4 {
		c := f.inject("100", fmt.Sprintf("555000%d", i))
		got = append(got, c.Agent)
	}
	if want := []string{"1001", "1002", "1004", "1003"}; !slices.Equal(got, want) {
		t.Fatalf("offered to %v, want %v", got, want)
	}
	c := f.inject("100", "5550009")
	if c.State != acd.CallQueued {
		t.Fatalf("fifth call %s to %s with every READY agent reserved", c.State, c.Agent)
	}
	f.wantState("1005", model.StateNotReady, "-1")
}

// Agents neither READY nor signed in are never offered a call.
func TestRoutingOnlyReadyAgents(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.signIn("1001", "3001")                                   // NOT_READY
	f.ready("1002", "3002")                                    // READY, then
	f.mustChange("1002", "1002", model.StateNotReady, "", "2") // NOT_READY
	mark := f.last()
	c := f.inject("100", "5551234")
	if c.State != acd.CallQueued {
		t.Fatalf("call %s to %s", c.State, c.Agent)
	}
	f.clock.Advance(time.Minute)
	f.wantEvents(mark)
	f.wantCall(c.ID, acd.CallQueued, "")
}

func TestRoutingPreroute(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	mark := f.last()
	c, err := f.eng.InjectCall(context.Background(), acd.CallRequest{Queue: "100", ANI: "5551234", DNIS: "8000", Preroute: true})
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark,
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", dlg(c.DialogID, "ALERTING", "PREROUTE_ACD_IN", "5551234", "8000",
			party("5551234", "INITIATED"), party("3001", "ALERTING", "ANSWER"))),
	)
	if d := f.dialogView("1001", c.DialogID); d.MediaProperties.CallType != "PREROUTE_ACD_IN" {
		t.Fatalf("callType %s", d.MediaProperties.CallType)
	}
}

// 1001 serves queues 100 and 300, 1006 queues 200 and 300: a call of 300
// goes to whichever has been READY longer, and an agent reserved by one
// queue is offered nothing by the other.
func TestRoutingAgentInTwoQueues(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1006", "3006")
	f.clock.Advance(time.Second)
	f.ready("1001", "3001")
	mark := f.last()

	vip := f.inject("300", "5550001")
	if vip.Agent != "1006" {
		t.Fatalf("VIP call to %q, want 1006 (READY longer)", vip.Agent)
	}
	d := f.dialogView("1006", vip.DialogID)
	if d.MediaProperties.QueueNumber != "300" || d.MediaProperties.QueueName != "VIP" {
		t.Fatalf("queue %s %s", d.MediaProperties.QueueNumber, d.MediaProperties.QueueName)
	}
	support := f.inject("200", "5550002")
	if support.State != acd.CallQueued {
		t.Fatalf("queue 200 call %s to %s while 1006 is reserved", support.State, support.Agent)
	}
	sales := f.inject("100", "5550003")
	if sales.Agent != "1001" {
		t.Fatalf("queue 100 call to %q", sales.Agent)
	}
	vip2 := f.inject("300", "5550004")
	if vip2.State != acd.CallQueued {
		t.Fatalf("second VIP call %s to %s", vip2.State, vip2.Agent)
	}
	f.wantEvents(mark,
		userEv("1006", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1006", "", ringingDialog(vip.DialogID, "5550001", "3006")),
		userEv("1001", model.StateReserved, "", "", ""),
		dialogsEv("POST", "1001", "", ringingDialog(sales.DialogID, "5550003", "3001")),
	)

	// 1001 is free again: the VIP call, its only waiting call, is offered.
	f.act("1001", sales.DialogID, "ANSWER")
	f.act("1001", sales.DialogID, "DROP")
	f.wantCall(vip2.ID, acd.CallAlerting, "1001")
	f.wantCall(support.ID, acd.CallQueued, "")
}

// Queue statistics follow the agents through a call.
func TestRoutingQueueStatistics(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1006", "3006")
	stats := func(id string) model.QueueStatistics {
		t.Helper()
		q, err := f.eng.Queue(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return q.Statistics
	}
	if s := stats("200"); s.AgentsReady != 1 || s.AgentsLoggedOn != 1 {
		t.Fatalf("READY: %+v", s)
	}
	c := f.inject("200", "5551234")
	if s := stats("200"); s.AgentsReady != 0 || s.AgentsBusyOther != 1 {
		t.Fatalf("RESERVED: %+v", s)
	}
	f.act("1006", c.DialogID, "ANSWER")
	f.act("1006", c.DialogID, "DROP")
	if s := stats("300"); s.AgentsWrapUpReady != 1 || s.AgentsLoggedOn != 1 {
		t.Fatalf("WORK_READY: %+v", s)
	}
}

// BenchmarkRouteCall offers calls in a queue of 2,000 READY agents: the
// time of InjectCall, which reserves the longest available agent in the
// same call, is reported as calls/s. Each call is then answered and
// dropped, on a team without wrap-up, so the agent is READY again.
func BenchmarkRouteCall(b *testing.B) {
	const agents = 2000
	cfg := bigConfig(agents)
	cfg.Teams[0].WrapUpOnIncoming = model.WrapUpNotAllowed
	q := directory.QueueConfig{ID: "1", Name: "Load"}
	for i := range agents {
		q.Agents = append(q.Agents, agentID(i))
	}
	cfg.Queues = []directory.QueueConfig{q}
	f := newFixture(b, cfg)
	defer f.eng.Close()
	for i := range agents {
		f.ready(agentID(i), deviceOf(i))
	}
	ctx := context.Background()
	req := acd.CallRequest{Queue: "1", ANI: "5551234", DNIS: "8000"}
	var routing time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		c, err := f.eng.InjectCall(ctx, req)
		routing += time.Since(start)
		if err != nil || c.State != acd.CallAlerting {
			b.Fatalf("call %+v: %v", c, err)
		}
		u := f.user(c.Agent)
		i, _ := strconv.Atoi(c.Agent)
		ext := deviceOf(i - 100000) // agent i is on deviceOf(i)
		for _, action := range []string{"ANSWER", "DROP"} {
			err := f.eng.DialogAction(ctx, u, acd.DialogRequest{DialogID: c.DialogID, Action: action, TargetMediaAddress: ext})
			if err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	if routing > 0 {
		b.ReportMetric(float64(n)/routing.Seconds(), "calls/s")
		b.ReportMetric(float64(routing.Nanoseconds())/float64(n), "ns/route")
	}
}
