package xmpp

import (
	"testing"
	"time"
)

// Nothing is delivered before initial presence; presence is answered with
// presence from finesse, and then come the events committed since the
// session bound its resource, in order and once, then the new ones.
func TestNothingBeforeInitialPresence(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	before := e.signIn("1001", "3001")
	obs.await(before)
	c := e.open("1001", "desk")
	r1 := e.ready("1001")
	obs.await(r1)
	c.quiet()

	c.available()
	c.notes(r1, e.notReady("1001", "1"))
	c.quiet()
}

// A desktop that binds, sees its agent change state, and only then sends
// its initial presence (a real desktop signs in the moment its library
// reports "connected") receives the change right after the presence from
// finesse.
func TestChangeBetweenBindAndPresence(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	r := e.signIn("1001", "3001")
	obs.await(r)
	time.Sleep(50 * time.Millisecond) // the presence comes later, as it may on a slow client
	c.available()
	c.notes(r)
	c.quiet()
}

// Presence from finesse comes first even when events race the presence.
func TestFinessePresenceFirst(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	r1 := e.signIn("1001", "3001") // may or may not be dispatched before the join
	c.mustSend("<presence xmlns='jabber:client'/>")
	c.finesse("")
	r2 := e.ready("1001")
	if n := c.note(); n.requestID() == r1 {
		c.notes(r2)
	} else if n.requestID() != r2 {
		t.Fatalf("got %s", n.text)
	}
	c.quiet()
}

// A second initial presence is not answered again and changes nothing.
func TestRepeatedPresence(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	c.mustSend("<presence xmlns='jabber:client'><show>chat</show></presence>")
	c.quiet()
	c.notes(e.signIn("1001", "3001")) // once, not twice
	c.quiet()
}

// A negative priority means no notifications (clients.md §8).
func TestNegativePriority(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	c.mustSend("<presence xmlns='jabber:client'><priority>-1</priority></presence>")
	c.quiet() // no presence from finesse
	r1 := e.signIn("1001", "3001")
	obs.await(r1)
	c.quiet()

	c.mustSend("<presence xmlns='jabber:client'><priority>0</priority></presence>")
	c.finesse("")
	c.notes(r1, e.ready("1001"))

	// Dropping to a negative priority makes the session unavailable again.
	c.mustSend("<presence xmlns='jabber:client'><priority>-5</priority></presence>")
	obs.await(e.notReady("1001", "1"))
	c.quiet()
}

// A priority that is not a number counts as 0.
func TestUnreadablePriority(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.mustSend("<presence xmlns='jabber:client'><priority>high</priority></presence>")
	c.finesse("")
}

func TestUnavailableStopsDelivery(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	c.available()
	c.notes(e.signIn("1001", "3001"))
	c.mustSend("<presence xmlns='jabber:client' type='unavailable'/>")
	c.quiet() // presence unavailable is not answered
	obs.await(e.ready("1001"))
	c.quiet()
	// Unavailable again, or while unavailable, is harmless.
	c.mustSend("<presence xmlns='jabber:client' type='unavailable'/>")
	c.quiet()
}

// Directed presence, subscription requests and probes are not for the
// notification service.
func TestDirectedPresenceIgnored(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	obs := e.observer()
	c := e.open("1001", "desk")
	for _, p := range []string{
		"<presence xmlns='jabber:client' to='1002@localhost'/>",
		"<presence xmlns='jabber:client' to='pubsub.localhost'/>",
		"<presence xmlns='jabber:client' to='finesse@localhost'/>",
		"<presence xmlns='jabber:client' type='subscribe' to='finesse@localhost'/>",
		"<presence xmlns='jabber:client' type='probe'/>",
		"<presence xmlns='jabber:client' type='error'/>",
	} {
		c.mustSend(p)
		c.quiet()
	}
	r1 := e.signIn("1001", "3001")
	obs.await(r1)
	c.quiet() // none of them made the session available

	c.available()
	c.notes(r1)
	c.mustSend("<presence xmlns='jabber:client' type='unavailable' to='1002@localhost'/>")
	c.mustSend("<presence xmlns='jabber:client' type='unsubscribe'/>")
	c.notes(e.ready("1001")) // still available
	c.quiet()
}

// Broadcast presence addressed to the domain is initial presence.
func TestPresenceToDomain(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.mustSend("<presence xmlns='jabber:client' to='localhost'/>")
	c.finesse("")
	c.notes(e.signIn("1001", "3001"))
}
