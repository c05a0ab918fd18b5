package xmpp

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Events committed after the service is made but before Run has started
// tailing the log reach sessions that were already available: transports
// may open sessions, and REST may commit changes, before Run's goroutine
// gets going.
func TestRunDeliversEventsCommittedBeforeItStarts(t *testing.T) {
	e := newIdleEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	r1 := e.signIn("1001", "3001")
	e.start()
	r2 := e.ready("1001")
	c.notes(r1, r2)
}

func TestOpen(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "")
	if !regexp.MustCompile(`^1001@localhost/[a-z0-9]{12}$`).MatchString(c.sess.JID()) {
		t.Errorf("JID with a random resource: %q", c.sess.JID())
	}
	if c.sess.User().ID != "1001" || c.sess.Transport() != "test" {
		t.Errorf("User %v, Transport %q", c.sess.User(), c.sess.Transport())
	}
	for _, bad := range []string{"a\x00b", "tab\there", strings.Repeat("r", 1024), "\xff"} {
		if _, err := e.svc.Open(e.user("1001"), bad, "test", "192.0.2.1:5000"); err == nil {
			t.Errorf("Open with resource %q succeeded", bad)
		}
	}
	if e.svc.Domain() != "localhost" {
		t.Errorf("Domain %q", e.svc.Domain())
	}
}

func TestAuthenticate(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	for _, name := range []string{"1001", "agent1", "AGENT1", "Agent1"} {
		u, err := e.svc.Authenticate(context.Background(), name, "finesse")
		if err != nil || u.ID != "1001" {
			t.Errorf("Authenticate(%q): %v, %v", name, u, err)
		}
	}
	for _, c := range [][2]string{{"1001", "wrong"}, {"nobody", "finesse"}, {"", ""}} {
		if _, err := e.svc.Authenticate(context.Background(), c[0], c[1]); !errors.Is(err, acd.ErrBadCredentials) {
			t.Errorf("Authenticate(%q, %q): %v, want ErrBadCredentials", c[0], c[1], err)
		}
	}
}

func TestStreamErrorElement(t *testing.T) {
	se := &StreamError{Condition: "conflict", Text: "replaced <by> & more"}
	el := parseXML(t, string(se.Bytes()))
	if el.Tag != "error" || el.Space != "stream" || el.NamespaceURI() != "http://etherx.jabber.org/streams" {
		t.Fatalf("stream error element: %s", se.Bytes())
	}
	kids := el.ChildElements()
	if len(kids) != 2 || kids[0].Tag != "conflict" || kids[0].NamespaceURI() != NSStreams ||
		kids[1].Tag != "text" || kids[1].NamespaceURI() != NSStreams || kids[1].Text() != se.Text {
		t.Fatalf("stream error children: %s", se.Bytes())
	}
	if !strings.Contains(se.Error(), "conflict") {
		t.Errorf("Error() = %q", se.Error())
	}
	bare := parseXML(t, string((&StreamError{Condition: "system-shutdown"}).Bytes()))
	if len(bare.ChildElements()) != 1 {
		t.Errorf("a stream error without text has a text element: %s", (&StreamError{Condition: "system-shutdown"}).Bytes())
	}
}

// A second session with the same full JID closes the first with conflict,
// after what was already queued for it; the new one works.
func TestConflict(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	old := e.open("1001", "desk")
	old.available()
	id := old.newID()
	old.mustSend("<iq xmlns='jabber:client' type='get' id='" + id + "'><ping xmlns='urn:xmpp:ping'/></iq>")

	c := e.open("1001", "desk")
	if se := old.sess.CloseError(); se == nil || se.Condition != "conflict" {
		t.Fatalf("old session's CloseError %v, want conflict", se)
	}
	select {
	case <-old.sess.Done():
	default:
		t.Fatal("the old session's Done is not closed")
	}
	if s := old.next(); s.el.SelectAttrValue("id", "") != id {
		t.Fatalf("old session: got %s, want the answer to ping %s", s.raw, id)
	}
	old.closed("conflict")

	c.available()
	r := e.signIn("1001", "3001")
	c.notes(r)
	c.quiet()
	if got := e.metric("finesse_sessions", "transport", "test"); got != 1 {
		t.Errorf("sessions gauge %v, want 1", got)
	}
}

// A session that does not read is closed with policy-violation once its
// queue is full; the service keeps delivering to everyone else.
func TestSlowConsumer(t *testing.T) {
	const limit = 8
	e := newEnv(t, demoConfig(t), Options{QueueLimit: limit})
	fast := e.open("1001", "desk")
	fast.available()
	slow := e.open("2001", "slow")
	slow.available()
	slow.subscribe(team10, slow.sess.JID())

	fast.notes(e.signIn("1001", "3001"))
	for i := range 3 * limit {
		if i%2 == 0 {
			fast.notes(e.ready("1001"))
		} else {
			fast.notes(e.notReady("1001", "1"))
		}
	}
	select {
	case <-slow.sess.Done():
	case <-time.After(patience):
		t.Fatal("the slow session was not closed")
	}
	slow.closed("policy-violation")
	fast.notes(e.ready("1001"))
	fast.quiet()

	if got := e.metric("finesse_xmpp_slow_sessions_closed_total"); got != 1 {
		t.Errorf("slow sessions closed %v, want 1", got)
	}
	if got := e.metric("finesse_xmpp_notifications_dropped_total"); got != limit+1 {
		t.Errorf("dropped %v, want %d (the full queue and the one that overflowed it)", got, limit+1)
	}
	if got := e.metric("finesse_sessions", "transport", "test"); got != 1 {
		t.Errorf("sessions gauge %v, want 1", got)
	}
}

// Desktop grace: when an agent's last desktop goes away and stays away for
// the grace period, the agent is forced NOT_READY with reason 50002.
func TestForcedOutAfterGrace(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	sup := e.open("2001", "sup")
	sup.available()
	sup.subscribe(team10, sup.bare())
	c := e.open("1001", "desk")
	c.available()
	sup.notes(e.signIn("1001", "3001"), e.ready("1001"))

	c.sess.Close()
	e.clock.Advance(59 * time.Second)
	if a := e.agent("1001"); a.State != model.StateReady {
		t.Fatalf("after 59 s without a desktop: %s, want READY", a.State)
	}
	e.clock.Advance(time.Second)
	if a := e.agent("1001"); a.State != model.StateNotReady || a.ReasonCodeID != "50002" {
		t.Fatalf("after 60 s without a desktop: %s %s, want NOT_READY 50002", a.State, a.ReasonCodeID)
	}
	n := sup.notes("")[0]
	if n.node != team10 || n.field("loginId") != "1001" || n.field("state") != "NOT_READY" || n.field("reasonCodeId") != "50002" {
		t.Fatalf("supervisor got %s", n.text)
	}
	sup.quiet()
}

// Any one available session keeps the agent in.
func TestSecondSessionKeepsAgentIn(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	a := e.open("1001", "a")
	a.available()
	b := e.open("1001", "b")
	b.available()
	a.notes(e.signIn("1001", "3001"), e.ready("1001"))

	a.sess.Close()
	e.clock.Advance(time.Hour)
	if got := e.agent("1001"); got.State != model.StateReady {
		t.Fatalf("with a session left: %s %s, want READY", got.State, got.ReasonCodeID)
	}
	b.sess.Close()
	e.clock.Advance(59 * time.Second)
	if got := e.agent("1001"); got.State != model.StateReady {
		t.Fatalf("59 s after the last session: %s, want READY", got.State)
	}
	e.clock.Advance(time.Second)
	if got := e.agent("1001"); got.State != model.StateNotReady || got.ReasonCodeID != "50002" {
		t.Fatalf("60 s after the last session: %s %s, want NOT_READY 50002", got.State, got.ReasonCodeID)
	}
}

// Presence unavailable counts as the desktop going away too.
func TestUnavailableStartsGrace(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	c.notes(e.signIn("1001", "3001"), e.ready("1001"))
	c.mustSend("<presence xmlns='jabber:client' type='unavailable'/>")
	e.clock.Advance(60 * time.Second)
	if got := e.agent("1001"); got.State != model.StateNotReady || got.ReasonCodeID != "50002" {
		t.Fatalf("60 s after presence unavailable: %s %s, want NOT_READY 50002", got.State, got.ReasonCodeID)
	}
}

// A stanza that a transport hands over after the service closed the
// session (here by conflict) must not count as a desktop: one that never
// goes away would keep the agent in forever.
func TestPresenceOnClosedSessionIsNoDesktop(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	old := e.open("1001", "desk")
	old.available()
	old.notes(e.signIn("1001", "3001"), e.ready("1001"))

	c := e.open("1001", "desk") // closes old with conflict
	old.mustSend("<presence xmlns='jabber:client'/>")
	c.available()
	c.sess.Close()
	e.clock.Advance(60 * time.Second)
	if got := e.agent("1001"); got.State != model.StateNotReady || got.ReasonCodeID != "50002" {
		t.Fatalf("60 s after the last session closed: %s %s, want NOT_READY 50002", got.State, got.ReasonCodeID)
	}
}

// Shutdown tells every session that finesse is going away, then closes it
// with system-shutdown; no session opens afterwards.
func TestShutdown(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	a := e.open("1001", "desk")
	a.available()
	n := e.open("2001", "idle") // never available
	if err := e.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, c := range []*client{a, n} {
		c.finesse("unavailable")
		c.closed("system-shutdown")
	}
	if _, err := e.svc.Open(e.user("1001"), "late", "test", "192.0.2.1:5000"); err == nil {
		t.Fatal("Open after shutdown succeeded")
	}
	if got := e.metric("finesse_sessions", "transport", "test"); got != 0 {
		t.Errorf("sessions gauge %v after shutdown, want 0", got)
	}
}

// Run returns the log's error when it is not its context's.
func TestRunReturnsNilWhenCancelled(t *testing.T) {
	e := newIdleEnv(t, demoConfig(t), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.svc.Run(ctx); err != nil {
		t.Fatalf("Run with a cancelled context: %v", err)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	open := func(user, res, transport string) *client {
		sess, err := e.svc.Open(e.user(user), res, transport, "192.0.2.1:5000")
		if err != nil {
			t.Fatal(err)
		}
		return &client{e: e, tb: t, sess: sess, write: true}
	}
	a := open("1001", "a", "tcp")
	b := open("1002", "b", "tcp")
	w := open("1003", "w", "websocket")
	gauge := func(transport string, want float64) {
		t.Helper()
		if got := e.metric("finesse_sessions", "transport", transport); got != want {
			t.Errorf("sessions{transport=%s} = %v, want %v", transport, got, want)
		}
	}
	gauge("tcp", 2)
	gauge("websocket", 1)
	b.sess.Close()
	b.sess.Close() // twice changes nothing
	gauge("tcp", 1)
	w.sess.Fail(&StreamError{Condition: "policy-violation"})
	gauge("websocket", 0)

	a.available() // one stanza in, one out
	if got := e.metric("finesse_xmpp_stanzas_in_total", "transport", "tcp"); got != 1 {
		t.Errorf("stanzas in %v, want 1", got)
	}
	if got := e.metric("finesse_xmpp_stanzas_out_total", "transport", "tcp"); got != 1 {
		t.Errorf("stanzas out %v, want 1", got)
	}
	if got := e.metric("finesse_xmpp_notifications_delivered_total"); got != 0 {
		t.Errorf("delivered %v before any notification, want 0", got)
	}

	e.signIn("1001", "3001")
	batch := a.batch()
	if batch.Len() != 1 {
		t.Fatalf("batch of %d, want the one notification", batch.Len())
	}
	if got := e.metric("finesse_xmpp_notifications_delivered_total"); got != 0 {
		t.Errorf("delivered %v before Written, want 0", got)
	}
	a.sess.Written(batch)
	if got := e.metric("finesse_xmpp_notifications_delivered_total"); got != 1 {
		t.Errorf("delivered %v after Written, want 1", got)
	}
	if got := e.metric("finesse_xmpp_fanout_latency_seconds"); got != 1 {
		t.Errorf("latency observations %v, want 1", got)
	}
	if got := e.metric("finesse_xmpp_stanzas_out_total", "transport", "tcp"); got != 2 {
		t.Errorf("stanzas out %v, want 2", got)
	}
	a.quiet() // a ping's answer is not a notification
	if got := e.metric("finesse_xmpp_notifications_delivered_total"); got != 1 {
		t.Errorf("delivered %v after a ping, want 1", got)
	}
	a.sess.Close()
	gauge("tcp", 0)
}

// Sessions of different users with the same resource are different JIDs.
func TestSameResourceOtherUser(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	a := e.open("1001", "desk")
	b := e.open("1002", "desk")
	if a.sess.CloseError() != nil {
		t.Fatalf("1001/desk closed by 1002/desk: %v", a.sess.CloseError())
	}
	a.quiet()
	b.quiet()
}

// Fail closes after what is queued, with the transport's stream error.
func TestFail(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	id := c.newID()
	c.mustSend("<iq xmlns='jabber:client' type='get' id='" + id + "'><ping xmlns='urn:xmpp:ping'/></iq>")
	c.sess.Fail(&StreamError{Condition: "connection-timeout"})
	c.sess.Fail(&StreamError{Condition: "other"}) // the first error stays
	if s := c.next(); s.el.SelectAttrValue("id", "") != id {
		t.Fatalf("got %s, want the ping's answer", s.raw)
	}
	c.closed("connection-timeout")
}

// Close from the transport's side drops what is queued and has no error.
func TestCloseDropsQueue(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.mustSend("<presence xmlns='jabber:client'/>")
	c.sess.Close()
	c.closed("")
}

func TestNextHonoursContext(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b, err := c.sess.Next(ctx); b != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with a cancelled context: %v, %v", b, err)
	}
}

// Buffers is the batch's bytes for one writev: what Each gives, in order,
// without empty bodies.
func TestBatchBuffers(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	e.signIn("1001", "3001")
	obs := e.observer() // so that the notification has surely been queued
	obs.await(e.ready("1001"))
	c.mustSend("<iq xmlns='jabber:client' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>")
	b := c.batch()
	var each, bufs []byte
	b.Each(func(head, body []byte) { each = append(append(each, head...), body...) })
	vec := b.Buffers()
	for _, p := range vec {
		if len(p) == 0 {
			t.Error("an empty buffer")
		}
		bufs = append(bufs, p...)
	}
	if b.Len() != 3 || len(vec) != 5 || string(each) != string(bufs) {
		t.Fatalf("batch of %d, %d buffers:\n%s\n%s", b.Len(), len(vec), each, bufs)
	}
}
