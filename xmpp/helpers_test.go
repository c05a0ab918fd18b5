package xmpp

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/model"
)

// t0 is where every test's fake clock starts.
var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// patience bounds each wait for a stanza so that a missing one fails the
// test instead of hanging it. It is not a timing assertion: on a healthy
// run every wait ends as soon as the dispatcher gets to it.
const patience = 10 * time.Second

// Nodes the tests use.
const (
	team10 = "/finesse/api/Team/10/Users"
	team20 = "/finesse/api/Team/20/Users"
)

func userNode(id string) string { return "/finesse/api/User/" + id }

// demoConfig is a fresh copy of the demo directory: agents 1001-1005 on
// team 10, 1006-1010 on team 20, supervisor 2001 of both, and admin.
func demoConfig(tb testing.TB) directory.Config { return fixture.Demo(tb) }

// env is an engine on a fake clock and a notification service over it.
type env struct {
	tb    testing.TB
	ctx   context.Context
	eng   *acd.Engine
	clock *acd.FakeClock
	svc   *Service
	reg   *prometheus.Registry
	run   *fixture.Background // nil until start
	reqs  int                 // request ids handed out
	ids   int                 // iq ids handed out
}

// newEnv builds an env over cfg and starts the service's Run; Cleanup
// stops it.
func newEnv(tb testing.TB, cfg directory.Config, opts Options) *env {
	tb.Helper()
	e := newIdleEnv(tb, cfg, opts)
	e.start()
	return e
}

// newIdleEnv builds an env whose service is not running yet.
func newIdleEnv(tb testing.TB, cfg directory.Config, opts Options) *env {
	tb.Helper()
	clock := acd.NewFakeClock(t0)
	eng := fixture.Engine(tb, cfg, clock)
	reg := prometheus.NewRegistry()
	opts.Registerer = reg
	return &env{tb: tb, ctx: context.Background(), eng: eng, clock: clock, svc: NewService(eng, opts), reg: reg}
}

// start runs the service until stop, or until the test ends.
func (e *env) start() { e.run = fixture.Go(e.tb, e.svc.Run) }

// stop cancels Run and waits for it to return (once), returning its error.
func (e *env) stop() error {
	if e.run == nil {
		return nil
	}
	return e.run.Stop()
}

func (e *env) user(id string) *acd.User {
	e.tb.Helper()
	u, ok := e.eng.Directory().User(id)
	if !ok {
		e.tb.Fatalf("no user %q", id)
	}
	return u
}

// change makes actor request state for agent and returns the request id
// the resulting Update carries.
func (e *env) change(actor, agent string, state model.AgentState, ext, reason string) string {
	e.tb.Helper()
	e.reqs++
	id := fmt.Sprintf("req-%d", e.reqs)
	err := e.eng.ChangeState(e.ctx, e.user(actor), acd.StateRequest{
		AgentID: agent, State: state, Extension: ext, ReasonCodeID: reason, RequestID: id,
	})
	if err != nil {
		e.tb.Fatalf("%s sets %s %s: %v", actor, agent, state, err)
	}
	return id
}

func (e *env) signIn(agent, ext string) string {
	return e.change(agent, agent, model.StateLogin, ext, "")
}

func (e *env) ready(agent string) string { return e.change(agent, agent, model.StateReady, "", "") }

func (e *env) notReady(agent, reason string) string {
	return e.change(agent, agent, model.StateNotReady, "", reason)
}

func (e *env) signOut(agent, reason string) string {
	return e.change(agent, agent, model.StateLogout, "", reason)
}

// agent is id's current state as the engine reports it.
func (e *env) agent(id string) model.User {
	e.tb.Helper()
	u, err := e.eng.User(e.ctx, e.user(id), id)
	if err != nil {
		e.tb.Fatalf("User %s: %v", id, err)
	}
	return u
}

// metric is the value of a counter or gauge, or a histogram's sample
// count, with the given label pairs; 0 when there is no such series.
func (e *env) metric(name string, labels ...string) float64 {
	e.tb.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.tb.Fatalf("Gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, l := range m.GetLabel() {
					found = found || (l.GetName() == labels[i] && l.GetValue() == labels[i+1])
				}
				if !found {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// dispatched waits until the hub is between two runs of events: a session
// that was to be given an event some other session already has, has it
// queued by then.
func (e *env) dispatched() {
	e.svc.hub.mu.Lock()
	//lint:ignore SA2001 an empty critical section is the point: a barrier.
	e.svc.hub.mu.Unlock()
}

// client is a test's view of one session, in the role of a transport: it
// hands stanzas to Handle and takes what Next returns, telling Written.
type client struct {
	e     *env
	tb    testing.TB
	sess  *Session
	queue []stanza
	write bool // call Written after each batch, as a transport does
}

// stanza is one outbound stanza as a client receives it.
type stanza struct {
	raw string
	el  *etree.Element
}

func (e *env) open(user, resource string) *client {
	e.tb.Helper()
	sess, err := e.svc.Open(e.user(user), resource, "test", "192.0.2.1:5000")
	if err != nil {
		e.tb.Fatalf("Open %s/%s: %v", user, resource, err)
	}
	return &client{e: e, tb: e.tb, sess: sess, write: true}
}

// batch waits for the session's next batch.
func (c *client) batch() *Batch {
	c.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	b, err := c.sess.Next(ctx)
	if err != nil {
		c.tb.Fatalf("%s: Next: %v", c.sess.JID(), err)
	}
	return b
}

// take queues b's stanzas for next.
func (c *client) take(b *Batch) {
	c.tb.Helper()
	b.Each(func(head, body []byte) {
		raw := string(head) + string(body)
		c.queue = append(c.queue, stanza{raw: raw, el: parseXML(c.tb, raw)})
	})
}

// next is the next stanza the session sends.
func (c *client) next() stanza {
	c.tb.Helper()
	for len(c.queue) == 0 {
		b := c.batch()
		c.take(b)
		if c.write {
			c.sess.Written(b)
		}
	}
	s := c.queue[0]
	c.queue = c.queue[1:]
	return s
}

// closed checks that nothing more is queued and the session is closed
// with condition ("" for none).
func (c *client) closed(condition string) {
	c.tb.Helper()
	if len(c.queue) > 0 {
		c.tb.Fatalf("%s: %d more stanzas, first %s", c.sess.JID(), len(c.queue), c.queue[0].raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	b, err := c.sess.Next(ctx)
	if err != ErrSessionClosed {
		if b != nil {
			c.take(b)
			c.tb.Fatalf("%s: got %s, want the session closed", c.sess.JID(), c.queue[0].raw)
		}
		c.tb.Fatalf("%s: Next: %v, want ErrSessionClosed", c.sess.JID(), err)
	}
	got := ""
	if se := c.sess.CloseError(); se != nil {
		got = se.Condition
	}
	if got != condition {
		c.tb.Fatalf("%s: closed with %q, want %q", c.sess.JID(), got, condition)
	}
}

func parseXML(tb testing.TB, s string) *etree.Element {
	tb.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(s); err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	if doc.Root() == nil {
		tb.Fatalf("parse %q: no element", s)
	}
	return doc.Root()
}

// send hands one stanza to Handle.
func (c *client) send(x string) *StreamError {
	c.tb.Helper()
	return c.sess.Handle(c.e.ctx, parseXML(c.tb, x))
}

// mustSend hands one stanza to Handle, which must not end the stream.
func (c *client) mustSend(x string) {
	c.tb.Helper()
	if err := c.send(x); err != nil {
		c.tb.Fatalf("%s: Handle(%s): %v", c.sess.JID(), x, err)
	}
}

func (c *client) newID() string {
	c.e.ids++
	return fmt.Sprintf("q%d", c.e.ids)
}

// quiet checks that nothing is queued for the client ahead of the answer
// to a ping sent now.
func (c *client) quiet() {
	c.tb.Helper()
	id := c.newID()
	c.mustSend("<iq xmlns='jabber:client' type='get' id='" + id + "'><ping xmlns='urn:xmpp:ping'/></iq>")
	s := c.next()
	if s.el.Tag != "iq" || s.el.SelectAttrValue("id", "") != id || s.el.SelectAttrValue("type", "") != "result" {
		c.tb.Fatalf("%s: got %s, want the answer to ping %s first", c.sess.JID(), s.raw, id)
	}
}

// request sends one stanza and returns the one reply, checking that no
// second reply follows it.
func (c *client) request(x string) stanza {
	c.tb.Helper()
	c.mustSend(x)
	s := c.next()
	c.quiet()
	return s
}

// iq sends an iq of typ to to ("" for none) with payload and returns its
// one reply, which must carry the iq's id and come from whom it was sent to.
func (c *client) iq(typ, to, payload string) stanza {
	c.tb.Helper()
	id := c.newID()
	toAttr := ""
	if to != "" {
		toAttr = " to='" + to + "'"
	}
	s := c.request("<iq xmlns='jabber:client' type='" + typ + "' id='" + id + "'" + toAttr + ">" + payload + "</iq>")
	from := to
	if from == "" {
		from = c.e.svc.Domain()
	}
	r := s.el
	if r.Tag != "iq" || r.SelectAttrValue("id", "") != id || r.SelectAttrValue("from", "") != from ||
		r.SelectAttrValue("to", "") != c.sess.JID() {
		c.tb.Fatalf("reply to iq %s (to %q): %s", id, to, s.raw)
	}
	return s
}

// result checks that s is an iq result and returns its payload (nil for
// none).
func result(tb testing.TB, s stanza) *etree.Element {
	tb.Helper()
	if s.el.SelectAttrValue("type", "") != "result" {
		tb.Fatalf("got %s, want a result", s.raw)
	}
	children := s.el.ChildElements()
	if len(children) > 1 {
		tb.Fatalf("result with %d payloads: %s", len(children), s.raw)
	}
	if len(children) == 0 {
		return nil
	}
	return children[0]
}

// stanzaErr checks that s is an error stanza of kind with the defined
// condition cond and, when app is not "", the pubsub#errors condition app;
// it returns the app condition's element.
func stanzaErr(tb testing.TB, s stanza, kind, cond, app string) *etree.Element {
	tb.Helper()
	if s.el.SelectAttrValue("type", "") != "error" {
		tb.Fatalf("got %s, want an error", s.raw)
	}
	e := s.el.SelectElement("error")
	if e == nil || e.SelectAttrValue("type", "") != kind {
		tb.Fatalf("got %s, want an error of type %s", s.raw, kind)
	}
	conds := e.ChildElements()
	want := 1
	if app != "" {
		want = 2
	}
	if len(conds) != want || conds[0].Tag != cond || conds[0].NamespaceURI() != NSStanzas {
		tb.Fatalf("got %s, want condition %s (and %q)", s.raw, cond, app)
	}
	if app == "" {
		return nil
	}
	if conds[1].Tag != app || conds[1].NamespaceURI() != NSPubSubErrors {
		tb.Fatalf("got %s, want pubsub#errors condition %s", s.raw, app)
	}
	return conds[1]
}

// available sends initial presence and expects presence from finesse.
func (c *client) available() {
	c.tb.Helper()
	c.mustSend("<presence xmlns='jabber:client'/>")
	c.finesse("")
}

// finesse expects presence from the finesse user of type typ.
func (c *client) finesse(typ string) {
	c.tb.Helper()
	if typ != "" {
		typ = " type='" + typ + "'"
	}
	want := "<presence xmlns='jabber:client' from='finesse@" + c.e.svc.Domain() + "' to='" + xmlAttr(c.sess.JID()) + "'" + typ + "/>"
	if s := c.next(); s.raw != want {
		c.tb.Fatalf("%s: got %s, want %s", c.sess.JID(), s.raw, want)
	}
}

// pubsubIQ sends an iq to the pubsub service with a <pubsub> payload.
func (c *client) pubsubIQ(typ, ns, op string) stanza {
	c.tb.Helper()
	return c.iq(typ, "pubsub."+c.e.svc.Domain(), "<pubsub xmlns='"+ns+"'>"+op+"</pubsub>")
}

// subscribe subscribes jid to node and returns the <subscription> the
// result carries.
func (c *client) subscribe(node, jid string) *etree.Element {
	c.tb.Helper()
	s := c.pubsubIQ("set", NSPubSub, "<subscribe node='"+node+"' jid='"+jid+"'/>")
	p := result(c.tb, s)
	sub := p.SelectElement("subscription")
	if p.Tag != "pubsub" || p.NamespaceURI() != NSPubSub || sub == nil || len(p.ChildElements()) != 1 {
		c.tb.Fatalf("subscribe result: %s", s.raw)
	}
	return sub
}

func (c *client) bare() string { return c.sess.user.ID + "@" + c.e.svc.Domain() }

// note is one pubsub notification as a client reads it.
type note struct {
	raw    string
	msgID  string
	node   string
	item   string
	text   string // the notification's text: the escaped Update
	update *etree.Element
}

func (n note) requestID() string { return n.update.SelectElement("requestId").Text() }

// field is the text of a child of the Update's <user>, or "" without one.
func (n note) field(name string) string {
	el := n.update.FindElement("data/user/" + name)
	if el == nil {
		return ""
	}
	return el.Text()
}

// note is the next stanza, which must be a notification.
func (c *client) note() note {
	c.tb.Helper()
	s := c.next()
	return parseNote(c.tb, s)
}

func parseNote(tb testing.TB, s stanza) note {
	tb.Helper()
	m := s.el
	items := m.FindElement("event/items")
	item := m.FindElement("event/items/item")
	n := m.FindElement("event/items/item/notification")
	if m.Tag != "message" || n == nil {
		tb.Fatalf("got %s, want a notification", s.raw)
	}
	text := n.Text()
	return note{
		raw: s.raw, msgID: m.SelectAttrValue("id", ""), node: items.SelectAttrValue("node", ""),
		item: item.SelectAttrValue("id", ""), text: text, update: parseXML(tb, text),
	}
}

// notes expects notifications carrying the given request ids, in order.
func (c *client) notes(reqIDs ...string) []note {
	c.tb.Helper()
	out := make([]note, 0, len(reqIDs))
	for _, id := range reqIDs {
		n := c.note()
		if got := n.requestID(); got != id {
			c.tb.Fatalf("%s: got the notification of %q on %s, want %q", c.sess.JID(), got, n.node, id)
		}
		out = append(out, n)
	}
	return out
}

// await reads notifications until the one of reqID (on any node), then
// waits for the hub to finish the run of events it was in.
func (c *client) await(reqID string) note {
	c.tb.Helper()
	for {
		if n := c.note(); n.requestID() == reqID {
			c.e.dispatched()
			return n
		}
	}
}

// observer is an admin session subscribed to both teams' Users nodes, so
// it is given every agent's state changes: a witness that an event has
// been dispatched.
func (e *env) observer() *client {
	e.tb.Helper()
	c := e.open("admin", "observer")
	c.available()
	c.subscribe(team10, c.sess.JID())
	c.subscribe(team20, c.sess.JID())
	return c
}
