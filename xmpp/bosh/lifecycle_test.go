package bosh

import (
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/xmpp"
)

// bound returns the xmpp.Session behind a BOSH session.
func (e *env) bound(sid string) *xmpp.Session {
	e.t.Helper()
	s := e.session(sid)
	if s == nil {
		e.t.Fatalf("no session %s", sid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.xs
}

func waitDone(t testing.TB, xs *xmpp.Session, what string) {
	t.Helper()
	select {
	case <-xs.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: the xmpp session is still open", what)
	}
}

func TestWaitExpiry(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = 200 * time.Millisecond })
	c := e.client("/http-bind")
	if b := c.create(""); b.SelectAttrValue("wait", "") != "1" {
		t.Errorf("wait = %q", b.SelectAttrValue("wait", ""))
	}
	// Nothing to send: the request is answered empty after wait.
	if b := c.send("", ""); len(b.ChildElements()) != 0 || len(b.Attr) != 1 {
		t.Fatalf("poll: %s", render(b))
	}
}

// A client that vanishes does not keep its session: after inactivity it
// ends, its sid is unknown, and the user can sign in again.
func TestInactivity(t *testing.T) {
	e := newEnv(t, func(h *Handler) {
		h.MaxWait = 200 * time.Millisecond
		h.Inactivity = 300 * time.Millisecond
	})
	c := e.client("/http-bind")
	c.login("1001", "desk")
	xs := e.bound(c.sid)
	waitDone(t, xs, "inactivity")
	if xs.CloseError() != nil {
		t.Errorf("closed with %v", xs.CloseError())
	}
	if b := c.send("", ""); b.SelectAttrValue("type", "") != "terminate" || b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("after inactivity: %s", render(b))
	}
	e.client("/http-bind").login("1001", "desk")
}

func TestClientTerminate(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.login("1001", "desk")
	xs := e.bound(c.sid)
	b := c.send(" type='terminate'", "<presence type='unavailable'/>")
	if b.SelectAttrValue("type", "") != "terminate" || b.SelectAttr("condition") != nil {
		t.Fatalf("terminate: %s", render(b))
	}
	waitDone(t, xs, "terminate")
	if b := c.send("", ""); b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("after terminate: %s", render(b))
	}
}

// A held request is answered when its session is terminated.
func TestTerminateAnswersHeld(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = time.Minute })
	c := e.client("/http-bind")
	c.login("1001", "desk")
	held := c.async(c.nextRID(), "", "")
	b := c.send(" type='terminate'", "")
	if b.SelectAttrValue("type", "") != "terminate" {
		t.Fatalf("terminate: %s", render(b))
	}
	if res := receive(t, held); res.body.SelectAttrValue("type", "") != "terminate" {
		t.Fatalf("held request: %q", res.raw)
	}
}

// Stopping the service ends sessions with presence unavailable from
// finesse and system-shutdown.
func TestServiceShutdown(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = time.Minute })
	c := e.client("/http-bind")
	c.login("1001", "desk")
	held := c.async(c.nextRID(), "", "")
	e.stopService()

	res := receive(t, held)
	got := res.body.ChildElements()
	end := res.body
	for i := 0; end.SelectAttrValue("type", "") != "terminate" && i < 20; i++ {
		// The presence may come just before the end, in its own response.
		end = c.send("", "")
		got = append(got, end.ChildElements()...)
	}
	if end.SelectAttrValue("condition", "") != "system-shutdown" || !hasPresence("finesse@localhost", "unavailable")(got) {
		t.Fatalf("shutdown: %s then %s", res.raw, render(end))
	}
}

func TestHandlerClose(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = time.Minute })
	c := e.client("/http-bind")
	c.login("1001", "desk")
	idle := e.client("/http-bind")
	idle.create("")
	held := c.async(c.nextRID(), "", "")
	// Held or not yet arrived, the request is answered with the end.
	e.h.Close()
	if res := receive(t, held); res.body.SelectAttrValue("condition", "") != "system-shutdown" {
		t.Fatalf("held request: %q", res.raw)
	}
	if b := idle.send("", ""); b.SelectAttrValue("condition", "") != "system-shutdown" {
		t.Fatalf("idle session: %s", render(b))
	}
	if res := e.client("/http-bind").post("<body rid='1' to='localhost' xmlns='" + NSHTTPBind + "'/>"); res.body.SelectAttrValue("condition", "") != "system-shutdown" {
		t.Fatalf("new session: %q", res.raw)
	}
}

// A second login with the same full JID replaces the first, which ends
// with the conflict stream error.
func TestConflict(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = 200 * time.Millisecond })
	old := e.client("/http-bind")
	old.login("1001", "desk")
	e.client("/http-bind").login("1001", "desk")
	var b *etree.Element
	for i := 0; i < 20; i++ {
		if b = old.send("", ""); b.SelectAttrValue("type", "") == "terminate" {
			break
		}
	}
	if b.SelectAttrValue("condition", "") != "remote-stream-error" || b.FindElement("error/conflict") == nil {
		t.Fatalf("replaced session: %s", render(b))
	}
}
