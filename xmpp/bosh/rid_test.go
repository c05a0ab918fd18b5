package bosh

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

func TestRIDBeyondWindow(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.create("")
	c.rid += 10
	if b := c.send("", ""); b.SelectAttrValue("type", "") != "terminate" || b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("rid ahead of the window: %s", render(b))
	}
	if e.session(c.sid) != nil {
		t.Fatal("the session outlived its termination")
	}
	c.rid -= 10
	if b := c.send("", ""); b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("after termination: %s", render(b))
	}
}

func TestForgedSID(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.create("")
	c.sid = strings.Repeat("0", 32)
	res := c.post(c.wrap(c.nextRID(), "", ""))
	if res.err != nil || res.status != http.StatusOK || res.body.SelectAttrValue("type", "") != "terminate" ||
		res.body.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("forged sid: %d %q %v", res.status, res.raw, res.err)
	}
}

func TestRIDRepeatedGetsSameResponse(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = 300 * time.Millisecond })
	c := e.client("/http-bind")
	c.login("1001", "desk")

	req := c.wrap(c.nextRID(), "", "<iq type='get' id='ping1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
	first := c.post(req)
	if first.err != nil || !hasIQ("ping1", "result")(first.body.ChildElements()) {
		t.Fatalf("ping: %q %v", first.raw, first.err)
	}
	again := c.post(req)
	if again.err != nil || again.raw != first.raw {
		t.Fatalf("repeated rid: %q, first %q (%v)", again.raw, first.raw, again.err)
	}
	// The stanza was handled once: no second reply follows.
	if b := c.send("", ""); len(b.ChildElements()) != 0 {
		t.Fatalf("after the repeat: %s", render(b))
	}
}

func TestRIDOutOfOrder(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.login("1001", "desk")

	ping := func(id string) string {
		return "<iq type='get' id='" + id + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
	}
	first, second := c.nextRID(), c.nextRID()
	late := c.async(second, "", ping("b"))
	early := c.async(first, "", ping("a"))
	// Read in rid order, responses hold the replies in order.
	got := append(receive(t, early).body.ChildElements(), receive(t, late).body.ChildElements()...)
	for i := 0; !hasIQ("b", "result")(got) && i < 20; i++ {
		got = append(got, c.send("", "").ChildElements()...)
	}
	index := func(id string) int {
		return slices.IndexFunc(got, func(el *etree.Element) bool { return el.SelectAttrValue("id", "") == id })
	}
	if a, b := index("a"), index("b"); a < 0 || a > b {
		t.Fatalf("replies out of order: %s", renderAll(got))
	}
}

func TestHoldAnswersOldest(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = time.Minute })
	c := e.client("/http-bind")
	c.login("1001", "desk")

	first := c.async(c.nextRID(), "", "")
	second := c.async(c.nextRID(), "", "")
	// With hold=1, the second request makes the server answer the first.
	if res := receive(t, first); len(res.body.ChildElements()) != 0 || res.body.SelectAttr("type") != nil {
		t.Fatalf("first request: %q", res.raw)
	}
	// An event goes to the request still held.
	e.changeState("1001", model.StateLogin, "3001", "", "r1")
	res := receive(t, second)
	if countContaining(notifications(res.body.ChildElements(), "/finesse/api/User/1001"), "<requestId>r1</requestId>") != 1 {
		t.Fatalf("held request: %q", res.raw)
	}
}

// failingWriter is a connection that broke: nothing written reaches the
// client, but what was attempted is recorded.
type failingWriter struct {
	header    http.Header
	attempted []byte
}

func (w *failingWriter) Header() http.Header { return w.header }
func (w *failingWriter) WriteHeader(int)     {}
func (w *failingWriter) Write(p []byte) (int, error) {
	w.attempted = append(w.attempted, p...)
	return 0, errors.New("connection reset by peer")
}

// A batch whose response could not be written is not lost: the retry of
// the request gets it, exactly once.
func TestFailedWriteKeepsStanzas(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxWait = time.Minute })
	c := e.client("/http-bind")
	c.login("1001", "desk")

	rid := c.nextRID()
	broken := &failingWriter{header: http.Header{}}
	served := make(chan struct{})
	go func() {
		defer close(served)
		e.h.ServeHTTP(broken, httptest.NewRequest(http.MethodPost, "/http-bind", strings.NewReader(c.wrap(rid, "", ""))))
	}()
	e.changeState("1001", model.StateLogin, "3001", "", "r1")
	<-served
	if !strings.Contains(string(broken.attempted), "&lt;requestId&gt;r1&lt;/requestId&gt;") {
		t.Fatalf("the broken request was not given the event: %q", broken.attempted)
	}

	// The client retries the rid; the event comes again, with the
	// stanzas of later requests after it and no second copy.
	retry := c.post(c.wrap(rid, "", ""))
	if retry.err != nil || countContaining(notifications(retry.body.ChildElements(), "/finesse/api/User/1001"), "<requestId>r1</requestId>") != 1 {
		t.Fatalf("retry: %q %v", retry.raw, retry.err)
	}
	got := c.collect(c.send("", "<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"), hasIQ("p1", "result"))
	if n := len(notifications(got, "/finesse/api/User/1001")); n != 0 {
		t.Fatalf("the event came %d more times", n)
	}
}
