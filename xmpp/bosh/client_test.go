package bosh

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

// env is a real engine and notification service behind a BOSH Handler
// mounted at both spellings of /http-bind.
type env struct {
	t   testing.TB
	eng *acd.Engine
	run *fixture.Background // the service's Run
	h   *Handler
	srv *httptest.Server
}

func newEnv(t testing.TB, configure func(*Handler)) *env {
	t.Helper()
	eng := fixture.Engine(t, fixture.Demo(t), nil)
	svc := xmpp.NewService(eng, xmpp.Options{})
	run := fixture.Go(t, svc.Run)
	h := &Handler{Service: svc, MaxWait: 2 * time.Second, Inactivity: 30 * time.Second}
	if configure != nil {
		configure(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/http-bind", h)
	mux.Handle("/http-bind/", h)
	srv := httptest.NewServer(mux)
	e := &env{t: t, eng: eng, run: run, h: h, srv: srv}
	t.Cleanup(func() {
		e.stopService()
		h.Close()
		srv.Close()
	})
	return e
}

// stopService cancels the service's Run and waits for it to return.
func (e *env) stopService() {
	e.t.Helper()
	if err := e.run.Stop(); err != nil {
		e.t.Fatalf("stopping the service: %v", err)
	}
}

func (e *env) user(id string) *acd.User {
	u, ok := e.eng.Directory().User(id)
	if !ok {
		e.t.Fatalf("no user %s", id)
	}
	return u
}

// changeState applies a state request as the agent itself.
func (e *env) changeState(agent string, state model.AgentState, ext, reason, requestID string) {
	e.t.Helper()
	req := acd.StateRequest{AgentID: agent, State: state, Extension: ext, ReasonCodeID: reason, RequestID: requestID}
	if err := e.eng.ChangeState(context.Background(), e.user(agent), req); err != nil {
		e.t.Fatalf("change state of %s to %s: %v", agent, state, err)
	}
}

// session returns the Handler's state of a sid (nil when unknown).
func (e *env) session(sid string) *session {
	s, _ := e.h.lookup(sid)
	return s
}

// client is a BOSH client as the XEP describes one: POSTed bodies, a rid
// counter and the sid.
type client struct {
	t    testing.TB
	url  string
	http *http.Client
	sid  string
	rid  int64
}

func (e *env) client(path string) *client {
	return &client{
		t: e.t, url: e.srv.URL + path, rid: 4000 + time.Now().UnixNano()%1000,
		http: &http.Client{Timeout: 30 * time.Second},
	}
}

type result struct {
	status int
	raw    string
	body   *etree.Element
	header http.Header
	err    error
}

// post sends raw bytes and parses a 200 response.
func (c *client) post(data string) result {
	resp, err := c.http.Post(c.url, "text/xml; charset=utf-8", strings.NewReader(data))
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	res := result{status: resp.StatusCode, raw: string(raw), header: resp.Header, err: err}
	if err != nil || resp.StatusCode != http.StatusOK {
		return res
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(raw); err != nil {
		res.err = fmt.Errorf("response %q: %v", raw, err)
		return res
	}
	res.body = doc.Root()
	if res.body == nil || res.body.Tag != "body" || res.body.NamespaceURI() != NSHTTPBind {
		res.err = fmt.Errorf("response is not a BOSH body: %q", raw)
	}
	return res
}

// wrap renders a request body of the session.
func (c *client) wrap(rid int64, attrs, payload string) string {
	return fmt.Sprintf("<body rid='%d' sid='%s' xmlns='%s'%s>%s</body>", rid, c.sid, NSHTTPBind, attrs, payload)
}

func (c *client) nextRID() int64 {
	c.rid++
	return c.rid
}

// send posts the next request and returns its response body.
func (c *client) send(attrs, payload string) *etree.Element {
	c.t.Helper()
	res := c.post(c.wrap(c.nextRID(), attrs, payload))
	if res.err != nil || res.status != http.StatusOK {
		c.t.Fatalf("request: status %d, %q, %v", res.status, res.raw, res.err)
	}
	return res.body
}

// async posts a request with rid from another goroutine.
func (c *client) async(rid int64, attrs, payload string) <-chan result {
	ch := make(chan result, 1)
	data := c.wrap(rid, attrs, payload)
	go func() { ch <- c.post(data) }()
	return ch
}

const createAttrs = "wait='60' hold='1' to='localhost' xml:lang='en' ver='1.6' xmpp:version='1.0' xmlns:xmpp='" + NSXBOSH + "'"

// create starts the session.
func (c *client) create(extra string) *etree.Element {
	c.t.Helper()
	res := c.post(fmt.Sprintf("<body rid='%d' %s %s xmlns='%s'/>", c.nextRID(), createAttrs, extra, NSHTTPBind))
	if res.err != nil || res.status != http.StatusOK {
		c.t.Fatalf("create: status %d, %q, %v", res.status, res.raw, res.err)
	}
	c.sid = res.body.SelectAttrValue("sid", "")
	if c.sid == "" {
		c.t.Fatalf("create: no sid in %q", res.raw)
	}
	return res.body
}

func plain(user, password string) string {
	return "<auth xmlns='" + nsSASL + "' mechanism='PLAIN'>" +
		base64.StdEncoding.EncodeToString([]byte("\x00"+user+"\x00"+password)) + "</auth>"
}

// login signs user in and binds resource up to the finesse presence, and
// returns the bound JID.
func (c *client) login(user, resource string) string {
	c.t.Helper()
	c.create("")
	if b := c.send("", plain(user, "finesse")); child(b, "success") == nil {
		c.t.Fatalf("auth of %s: %s", user, render(b))
	}
	if b := c.send(" xmpp:restart='true' xmlns:xmpp='"+NSXBOSH+"' to='localhost'", ""); b.FindElement("features/bind") == nil {
		c.t.Fatalf("restart: %s", render(b))
	}
	b := c.send("", "<iq type='set' id='bind1'><bind xmlns='"+nsBind+"'><resource>"+resource+"</resource></bind></iq>")
	jid := b.FindElement("iq/bind/jid")
	if jid == nil {
		c.t.Fatalf("bind: %s", render(b))
	}
	c.collect(c.send("", "<iq type='set' id='sess1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"), hasIQ("sess1", "result"))
	c.collect(c.send("", "<presence/>"), hasPresence("finesse@localhost", ""))
	return jid.Text()
}

// collect gathers the stanzas of first and of empty polls after it until
// done accepts them (or the test times out).
func (c *client) collect(first *etree.Element, done func([]*etree.Element) bool) []*etree.Element {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	got := first.ChildElements()
	for !done(got) {
		if time.Now().After(deadline) {
			c.t.Fatalf("gave up waiting; got %d stanzas: %s", len(got), renderAll(got))
		}
		b := c.send("", "")
		if b.SelectAttrValue("type", "") == "terminate" {
			c.t.Fatalf("session terminated: %s", render(b))
		}
		got = append(got, b.ChildElements()...)
	}
	return got
}

func hasIQ(id, typ string) func([]*etree.Element) bool {
	return func(els []*etree.Element) bool {
		return find(els, func(el *etree.Element) bool {
			return el.Tag == "iq" && el.SelectAttrValue("id", "") == id && el.SelectAttrValue("type", "") == typ
		}) != nil
	}
}

func hasPresence(from, typ string) func([]*etree.Element) bool {
	return func(els []*etree.Element) bool {
		return find(els, func(el *etree.Element) bool {
			return el.Tag == "presence" && el.SelectAttrValue("from", "") == from && el.SelectAttrValue("type", "") == typ
		}) != nil
	}
}

func find(els []*etree.Element, f func(*etree.Element) bool) *etree.Element {
	for _, el := range els {
		if f(el) {
			return el
		}
	}
	return nil
}

// notifications returns the escaped Update texts of pubsub notifications
// on node, in order.
func notifications(els []*etree.Element, node string) []string {
	var out []string
	for _, el := range els {
		if el.Tag != "message" {
			continue
		}
		items := el.FindElement("event/items")
		if items == nil || items.SelectAttrValue("node", "") != node {
			continue
		}
		if n := items.FindElement("item/notification"); n != nil {
			out = append(out, n.Text())
		}
	}
	return out
}

func countContaining(texts []string, sub string) int {
	n := 0
	for _, s := range texts {
		if strings.Contains(s, sub) {
			n++
		}
	}
	return n
}

func child(el *etree.Element, tag string) *etree.Element { return el.SelectElement(tag) }

func render(el *etree.Element) string {
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	s, _ := doc.WriteToString()
	return s
}

func renderAll(els []*etree.Element) string {
	var b strings.Builder
	for _, el := range els {
		b.WriteString(render(el))
	}
	return b.String()
}

// receive waits for an async result.
func receive(t testing.TB, ch <-chan result) result {
	t.Helper()
	select {
	case res := <-ch:
		if res.err != nil {
			t.Fatalf("request: %v", res.err)
		}
		return res
	case <-time.After(30 * time.Second):
		t.Fatal("no response")
	}
	return result{}
}
