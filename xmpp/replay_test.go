package xmpp

import (
	"testing"
	"time"
)

// A user back within the desktop grace period is first given presence from
// finesse, then exactly what it missed, in order, then new events. The
// cursor is the last event Written: what was queued but never written is
// given again (at least once), what was written is not.
func TestReplayAfterReconnect(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	a := e.open("1001", "desk")
	a.available()
	r1 := e.signIn("1001", "3001")
	given := a.notes(r1)[0]

	r2 := e.ready("1001")
	a.write = false // r2 reaches the transport but never the client
	a.notes(r2)
	a.sess.Close()

	r3 := e.notReady("1001", "2")
	r4 := e.ready("1001")
	b := e.open("1001", "desk")
	b.available()
	missed := b.notes(r2, r3, r4)
	r5 := e.notReady("1001", "1")
	b.notes(r5)
	b.quiet()

	if given.field("state") != "NOT_READY" || missed[1].field("state") != "NOT_READY" || missed[1].field("reasonCodeId") != "2" || missed[2].field("state") != "READY" {
		t.Errorf("replayed states: %s, %s", missed[1].text, missed[2].text)
	}
}

// The replayed item id is the one the live notification had.
func TestReplayKeepsItemIDs(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	a := e.open("1001", "desk")
	a.available()
	a.notes(e.signIn("1001", "3001"))
	a.sess.Close()
	live := obs.await(e.ready("1001")) // the same event on team 10's node

	b := e.open("1001", "desk")
	b.available()
	n := b.note()
	if n.node != userNode("1001") || n.item != live.item || n.text != live.text {
		t.Errorf("replayed item %s on %s, want item %s as the live one", n.item, n.node, live.item)
	}
}

// A desktop that was available but had not been given anything yet when
// it went away is owed every event on its nodes from when it joined.
func TestReplayWhenNothingWasWritten(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	obs.await(e.signIn("1002", "3002")) // the log is not empty
	a := e.open("1001", "desk")
	a.available()
	a.sess.Close()

	r1 := e.signIn("1001", "3001")
	obs.await(r1) // dispatched while no session of 1001 was available
	b := e.open("1001", "desk")
	b.available()
	r2 := e.ready("1001")
	b.notes(r1, r2)
	b.quiet()
}

// Replay covers explicit subscriptions too, and only the session's nodes.
func TestReplayExplicitSubscriptions(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	a := e.open("2001", "sup")
	a.available()
	a.subscribe(team10, a.bare())
	r1 := e.signIn("1001", "3001")
	a.notes(r1)
	a.sess.Close()

	e.signIn("1006", "3006") // team 20: not subscribed
	r3 := e.ready("1001")
	obs.await(r3) // so that both are replayed rather than dispatched live
	b := e.open("2001", "other")
	b.available()
	n := b.notes(r3)[0]
	if n.node != team10 {
		t.Errorf("replayed on %s, want %s", n.node, team10)
	}
	r4 := e.signIn("2001", "3020")
	b.notes(r4)
	b.quiet()
}

// After the grace period the user starts afresh: nothing is replayed.
func TestNoReplayAfterGrace(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	a := e.open("1001", "desk")
	a.available()
	a.notes(e.signIn("1001", "3001"), e.ready("1001"))
	a.sess.Close()
	obs.await(e.notReady("1001", "1"))
	e.clock.Advance(60 * time.Second) // forced out: one more event
	if n := obs.await(""); n.field("reasonCodeId") != "50002" {
		t.Fatalf("forced out with %s", n.text)
	}

	b := e.open("1001", "desk")
	b.available()
	r := e.ready("1001")
	b.notes(r)
	b.quiet()
}

// Presence unavailable then available again in the same session is a
// desktop that went away and came back: it is given what it missed.
func TestReplayAfterPresenceBlip(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	c.available()
	c.notes(e.signIn("1001", "3001"))
	c.mustSend("<presence xmlns='jabber:client' type='unavailable'/>")
	r2 := e.ready("1001")
	obs.await(r2)
	c.quiet() // not available: nothing delivered
	c.available()
	c.notes(r2)
	r3 := e.notReady("1001", "1")
	c.notes(r3)
	c.quiet()
}

// Replay is per session: a desktop that goes away and comes back under
// the same resource within the grace period is given exactly what it
// missed, in order and once, even though its user had another desktop up
// the whole time; the other desktop receives each change once.
func TestReplayPerSession(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	stay, away := e.open("1001", "stay"), e.open("1001", "away")
	stay.available()
	away.available()
	r0 := e.signIn("1001", "3001")
	stay.notes(r0)
	away.notes(r0)
	away.sess.Close()

	missed := []string{e.ready("1001"), e.notReady("1001", "2"), e.ready("1001"), e.notReady("1001", "1")}
	stay.notes(missed...)
	back := e.open("1001", "away")
	back.available()
	back.notes(missed...)
	r5 := e.ready("1001")
	back.notes(r5)
	stay.notes(r5)
	back.quiet()
	stay.quiet()
}

// A new resource of a user whose other desktop is up is owed only what
// was committed after it bound, not what the user's earlier desktops
// missed.
func TestNewResourceStartsAtBind(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	stay, away := e.open("1001", "stay"), e.open("1001", "away")
	stay.available()
	away.available()
	stay.notes(e.signIn("1001", "3001"))
	away.sess.Close()
	stay.notes(e.ready("1001"))

	fresh := e.open("1001", "fresh")
	r := e.notReady("1001", "2")
	stay.notes(r)
	fresh.available()
	fresh.notes(r)
	fresh.quiet()
}

// A notification still queued when the session goes unavailable is not
// written after the unavailable presence but replayed when the session is
// available again: the desktop gets it once.
func TestQueuedNotificationOnceAcrossUnavailable(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	c.available()
	r1 := e.signIn("1001", "3001")
	obs.await(r1) // queued for c, which has not read it
	c.mustSend("<presence xmlns='jabber:client' type='unavailable'/>")
	r2 := e.ready("1001")
	obs.await(r2)
	c.available()
	c.notes(r1, r2)
	c.quiet()
}
