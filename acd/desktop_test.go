package acd_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// grace is the default Settings.DesktopGrace of the demo directory.
const grace = 60 * time.Second

// desk is the one desktop session of user that a node reports, under
// the resource "desk".
func desk(user string) acd.DesktopSession {
	return acd.DesktopSession{User: user, JID: user + "@localhost/desk", Alone: true}
}

// connect reports a new desktop of user, as the notification service
// would: its JID is user@localhost/desk-N, N counting the user's desktops
// open before it, and it is alone when it is the first. It returns where
// its replay starts, or -1 when nothing is owed.
func (f *fixture) connect(user string) int64 {
	f.tb.Helper()
	open := f.desktops[user]
	return f.connectAs(acd.DesktopSession{User: user, JID: fmt.Sprintf("%s@localhost/desk-%d", user, open), Alone: open == 0})
}

func (f *fixture) connectAs(d acd.DesktopSession) int64 {
	f.tb.Helper()
	from, replay, err := f.eng.DesktopConnected(context.Background(), d)
	if err != nil {
		f.tb.Fatalf("DesktopConnected(%s): %v", d.JID, err)
	}
	if f.desktops == nil {
		f.desktops = map[string]int{}
	}
	f.desktops[d.User]++
	if !replay {
		return -1
	}
	return int64(from)
}

// disconnect reports the newest desktop of user gone, given every event
// up to cursor; with none open, it reports a desktop the node no longer
// counts, as a repeated report would.
func (f *fixture) disconnect(user string, cursor acd.EventID) {
	f.tb.Helper()
	open := max(f.desktops[user]-1, 0)
	f.desktops[user] = open
	d := acd.DesktopSession{User: user, JID: fmt.Sprintf("%s@localhost/desk-%d", user, open), Alone: open == 0}
	if err := f.eng.DesktopDisconnected(context.Background(), d, cursor); err != nil {
		f.tb.Fatalf("DesktopDisconnected(%s): %v", d.JID, err)
	}
}

func (f *fixture) agent(id string) acd.Agent {
	f.tb.Helper()
	a, err := f.store.Agent(context.Background(), id)
	if err != nil {
		f.tb.Fatalf("store.Agent(%s): %v", id, err)
	}
	return a
}

// readyOnDesktop is agent 1001 signed in on 3001, READY, with one desktop.
func readyOnDesktop(t *testing.T, cfg directory.Config) *fixture {
	t.Helper()
	f := newFixture(t, cfg)
	f.signIn("1001", "3001")
	f.mustChange("1001", "1001", model.StateReady, "", "")
	f.connect("1001")
	return f
}

// wantUntouched checks that nothing has happened to 1001 since event
// before: still READY on 3001 and not one event.
func (f *fixture) wantUntouched(before acd.EventID) {
	f.tb.Helper()
	if evs := f.eventsAfter(before); len(evs) != 0 {
		f.tb.Fatalf("%d events, want none: %+v", len(evs), parseUpdate(f.tb, evs[0]))
	}
	if u := f.get("1001"); u.State != model.StateReady || u.Extension != "3001" {
		f.tb.Fatalf("1001 is %s on %q, want READY on 3001", u.State, u.Extension)
	}
}

// forcedOut checks that the one event after before is the forced change of
// 1001, with no requestId since nobody asked for it, and returns the user.
func (f *fixture) forcedOut(before acd.EventID) model.User {
	f.tb.Helper()
	evs := f.eventsAfter(before)
	if len(evs) == 0 {
		f.tb.Fatal("no event: the agent was not forced out")
	}
	u := parseUpdate(f.tb, evs[0])
	if u.RequestID != "" {
		f.tb.Errorf("forced change has requestId %q, want none", u.RequestID)
	}
	if !sameNodes(evs[0].Nodes, "/finesse/api/User/1001", "/finesse/api/Team/10/Users") {
		f.tb.Errorf("forced change went to %v", evs[0].Nodes)
	}
	return parseUserData(f.tb, u)
}

func TestDesktopSessionsAreCounted(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	f.connect("1001")
	f.disconnect("1001", f.last())
	if a := f.agent("1001"); a.DesktopCount() != 1 || !a.AwayDeadline.IsZero() {
		t.Fatalf("one of two desktops left: Desktops %d, AwayDeadline %v", a.DesktopCount(), a.AwayDeadline)
	}
	before := f.last()
	f.clock.Advance(2 * time.Minute)
	f.wantUntouched(before)
}

func TestLastDesktopGoneForcesNotReady(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	before := f.last()
	gone := f.clock.Now()
	f.disconnect("1001", before)

	f.clock.Advance(grace - time.Second)
	f.wantUntouched(before)

	f.clock.Advance(time.Second)
	if evs := f.eventsAfter(before); len(evs) != 1 {
		t.Fatalf("%d events, want one User event", len(evs))
	}
	u := f.forcedOut(before)
	if u.State != model.StateNotReady || u.ReasonCodeID != "50002" || u.Extension != "3001" {
		t.Fatalf("1001 is %s (%s) on %q, want NOT_READY (50002) on 3001", u.State, u.ReasonCodeID, u.Extension)
	}
	if !u.StateChangeTime.Equal(gone.Add(grace)) {
		t.Errorf("stateChangeTime %v, want the deadline %v", u.StateChangeTime, gone.Add(grace))
	}
	if a := f.agent("1001"); !a.AwayDeadline.IsZero() || a.Cursor != 0 {
		t.Errorf("deadline %v and cursor %d left behind", a.AwayDeadline, a.Cursor)
	}
}

func TestDesktopBackWithinGrace(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	cursor := f.last()
	if cursor == 0 {
		t.Fatal("setup: no events to have a cursor at")
	}
	f.disconnect("1001", cursor)
	f.clock.Advance(grace / 2)
	if from := f.connect("1001"); from != int64(cursor) {
		t.Fatalf("DesktopConnected = %d, want the cursor %d to replay from", from, cursor)
	}
	before := f.last()
	f.clock.Advance(grace)
	f.wantUntouched(before)
}

// A desktop that returns after its deadline must not replay as though
// nothing was missed: the session it would resume is over. The engine is
// closed so that no timer sweeps before the desktop returns, as when the
// node that armed the timer has died.
func TestDesktopBackAfterDeadline(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	f.disconnect("1001", f.last())
	f.eng.Close()
	f.clock.Advance(grace + time.Second)
	if from := f.connect("1001"); from != -1 {
		t.Fatalf("DesktopConnected after the deadline = %d, want 0", from)
	}
}

func TestDesktopGoneDuringCall(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	f.putOnState("1001", model.StateTalking)
	before := f.last()
	f.disconnect("1001", before)
	f.clock.Advance(grace)

	u := f.forcedOut(before)
	if u.State != model.StateTalking || u.PendingState != model.StateNotReady {
		t.Fatalf("1001 is %s pending %q, want TALKING pending NOT_READY", u.State, u.PendingState)
	}
	if a := f.agent("1001"); a.PendingReasonCodeID != "50002" {
		t.Fatalf("pending reason %q, want 50002", a.PendingReasonCodeID)
	}
}

func TestDesktopGoneSignsOut(t *testing.T) {
	load := demoConfig(t)
	load.Settings.LogoutOnAgentDisconnect = true
	uccx := demoConfig(t)
	uccx.Settings.DeploymentType = "UCCX"
	for name, cfg := range map[string]directory.Config{"UCCE with LOAD": load, "UCCX": uccx} {
		t.Run(name, func(t *testing.T) {
			f := readyOnDesktop(t, cfg)
			if err := f.subscribe("1001", queuesNode, "1001@localhost"); err != nil {
				t.Fatal(err)
			}
			before := f.last()
			f.disconnect("1001", before)
			f.clock.Advance(grace)

			u := f.forcedOut(before)
			if u.State != model.StateLogout || u.ReasonCodeID != "255" || u.Extension != "" {
				t.Fatalf("1001 is %s (%s) on %q, want LOGOUT (255) with no extension", u.State, u.ReasonCodeID, u.Extension)
			}
			// A forced sign-out is a sign-out: it ends the subscriptions
			// with it, as a requested one does.
			evs := f.eventsAfter(before)
			if len(evs) != 2 {
				t.Fatalf("%d events, want the user event and a control event", len(evs))
			}
			wantControlEvent(t, evs[1], "1001")
			if subs := f.subscriptions("1001"); len(subs) != 0 {
				t.Errorf("subscriptions %v survived the forced sign-out", subs)
			}
			// The device must be free for whoever sits down there next.
			f.signIn("1002", "3001")
		})
	}
}

func TestDesktopGoneWhileSignedOut(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.connect("1001")
	before := f.last()
	f.disconnect("1001", before)
	f.clock.Advance(2 * grace)
	if evs := f.eventsAfter(before); len(evs) != 0 {
		t.Fatalf("a signed-out agent's lost desktop committed %d events", len(evs))
	}
	if a := f.agent("1001"); !a.AwayDeadline.IsZero() {
		t.Errorf("the spent deadline %v is kept", a.AwayDeadline)
	}
}

// SweepAway is how a surviving node enforces deadlines another node armed
// timers for, so it must act on the stored deadline alone; a sweep that
// sees a deadline still to come sets the survivor's own alarm for it.
func TestSweepAwayHonoursStoredDeadline(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	before := f.last()
	f.disconnect("1001", before)
	f.eng.Close() // the node that had the desktop dies
	survivor, err := acd.NewEngine(acd.Options{
		Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer survivor.Close()

	f.clock.Advance(grace - time.Second)
	survivor.SweepAway(context.Background())
	f.wantUntouched(before)

	f.clock.Advance(time.Second)
	if u := f.forcedOut(before); u.State != model.StateNotReady || u.ReasonCodeID != "50002" {
		t.Fatalf("1001 is %s (%s), want NOT_READY (50002)", u.State, u.ReasonCodeID)
	}
	// A second sweep, as another node might run, must not force it again.
	after := f.last()
	survivor.SweepAway(context.Background())
	if evs := f.eventsAfter(after); len(evs) != 0 {
		t.Fatalf("a second sweep committed %d events", len(evs))
	}
}

func TestExtraDesktopDisconnectIsHarmless(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	f.disconnect("1001", f.last())
	f.disconnect("1001", f.last())
	if a := f.agent("1001"); a.DesktopCount() != 0 {
		t.Fatalf("Desktops = %d after an extra disconnect, want 0", a.DesktopCount())
	}
	f.connect("1001")
	if a := f.agent("1001"); a.DesktopCount() != 1 {
		t.Fatalf("Desktops = %d after reconnecting, want 1", a.DesktopCount())
	}
	before := f.last()
	f.clock.Advance(2 * grace)
	f.wantUntouched(before)

	// With the one desktop gone again, the grace period runs as usual.
	f.disconnect("1001", f.last())
	f.clock.Advance(grace)
	if u := f.forcedOut(before); u.State != model.StateNotReady {
		t.Fatalf("1001 is %s, want NOT_READY", u.State)
	}
}

// A repeated disconnect while the agent is already away must not restart
// the grace period, or a client that reports its loss twice would keep an
// absent agent READY, taking calls, for longer than the grace allows.
func TestExtraDesktopDisconnectKeepsDeadline(t *testing.T) {
	f := readyOnDesktop(t, demoConfig(t))
	before := f.last()
	f.disconnect("1001", before)
	f.clock.Advance(grace / 2)
	f.disconnect("1001", before)
	f.clock.Advance(grace / 2)
	if u := f.forcedOut(before); u.State != model.StateNotReady {
		t.Fatalf("1001 is %s, want NOT_READY", u.State)
	}
}

// A desktop that left before any event existed was given event 0, and is
// still owed everything after it when it comes back in time.
func TestReplayFromTheStartOfTheLog(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.connect("1001")
	f.disconnect("1001", 0)
	f.signIn("1002", "3002")
	if from := f.connect("1001"); from != 0 {
		t.Fatalf("replay from %d, want from event 0", from)
	}
}

// A session's departure reported after another session took its JID on
// the same node (the client came back at once) leaves the newer session's
// record alone.
func TestLateDepartureKeepsTheSuccessor(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	first := acd.DesktopSession{User: "1001", JID: "1001@localhost/desk", Session: "s1", Alone: true}
	second := first
	second.Session = "s2"
	f.connectAs(first)
	f.connectAs(second)
	if err := f.eng.DesktopDisconnected(context.Background(), first, 3); err != nil {
		t.Fatal(err)
	}
	ds, err := f.store.Desktops(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Away() || ds[0].Session != "s2" {
		t.Fatalf("after the first session's late departure: %+v, want s2 available", ds)
	}
}

// Desktops lost at different times are each forced out at their own
// deadline, and a wave of losses waits on one timer, not one each.
func TestDesktopDeadlinesShareOneAlarm(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	for _, id := range []string{"1001", "1002"} {
		f.signIn(id, "300"+id[3:])
		f.mustChange(id, id, model.StateReady, "", "")
		f.connect(id)
	}
	timers := f.eng.PendingTimers()
	f.disconnect("1001", f.last())
	f.clock.Advance(10 * time.Second)
	f.disconnect("1002", f.last())
	if n := f.eng.PendingTimers(); n > timers+1 {
		t.Errorf("%d timers pending after two desktops were lost, %d before: want one more at most", n, timers)
	}

	f.clock.Advance(grace - 10*time.Second)
	if a, b := f.agent("1001"), f.agent("1002"); a.State != model.StateNotReady || b.State != model.StateReady {
		t.Fatalf("at 1001's deadline: 1001 %s, 1002 %s; want NOT_READY and READY", a.State, b.State)
	}
	f.clock.Advance(10 * time.Second)
	if b := f.agent("1002"); b.State != model.StateNotReady || b.ReasonCodeID != "50002" {
		t.Fatalf("at 1002's deadline: 1002 %s (%s), want NOT_READY (50002)", b.State, b.ReasonCodeID)
	}
}

// Desktops lost together (a wave of deadlines a millisecond apart) are
// forced out by a few sweeps, each deadline at most half a second late.
func TestDesktopDeadlineWave(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ids := []string{"1001", "1002", "1003", "1004", "1005"}
	for i, id := range ids {
		f.signIn(id, fmt.Sprintf("30%02d", i+1))
		f.mustChange(id, id, model.StateReady, "", "")
		f.connect(id)
	}
	for _, id := range ids {
		f.disconnect(id, f.last())
		f.clock.Advance(time.Millisecond)
	}
	f.clock.Advance(grace - 5*time.Millisecond)
	if a := f.agent("1001"); a.State != model.StateNotReady {
		t.Fatalf("1001 at its deadline: %s, want NOT_READY", a.State)
	}
	f.clock.Advance(500 * time.Millisecond)
	for _, id := range ids {
		if a := f.agent(id); a.State != model.StateNotReady || a.ReasonCodeID != "50002" {
			t.Errorf("%s half a second after the wave's deadlines: %s (%s), want NOT_READY (50002)", id, a.State, a.ReasonCodeID)
		}
	}
}
