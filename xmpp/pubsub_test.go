package xmpp

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

func subscribeOp(node, jid string) string {
	return "<subscribe node='" + node + "' jid='" + jid + "'/>"
}

func unsubscribeOp(node, jid string) string {
	return "<unsubscribe node='" + node + "' jid='" + jid + "'/>"
}

// sub is one <subscription> as a client reads it.
type sub struct{ node, jid, subid, state string }

func subOf(el *etree.Element) sub {
	return sub{el.SelectAttrValue("node", ""), el.SelectAttrValue("jid", ""),
		el.SelectAttrValue("subid", ""), el.SelectAttrValue("subscription", "")}
}

// list is the user's subscriptions as the list request reports them.
func (c *client) list(node string) []sub {
	c.tb.Helper()
	op := "<subscriptions/>"
	if node != "" {
		op = "<subscriptions node='" + node + "'/>"
	}
	p := result(c.tb, c.pubsubIQ("get", NSPubSub, op))
	l := p.SelectElement("subscriptions")
	if p.Tag != "pubsub" || l == nil || l.SelectAttrValue("node", "") != node {
		c.tb.Fatalf("subscriptions result without its list")
	}
	var out []sub
	for _, el := range l.SelectElements("subscription") {
		out = append(out, subOf(el))
	}
	return out
}

// A subscription for the full JID reaches that session only.
func TestSubscribeFullJID(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	one := e.open("2001", "one")
	one.available()
	two := e.open("2001", "two")
	two.available()
	s := subOf(one.subscribe(team10, "2001@localhost/one"))
	if s.node != team10 || s.jid != "2001@localhost/one" || s.state != "subscribed" || !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(s.subid) {
		t.Fatalf("subscription %+v", s)
	}

	r1 := e.signIn("1001", "3001")
	if n := one.notes(r1)[0]; n.node != team10 || n.field("loginId") != "1001" {
		t.Fatalf("team notification %s on %s", n.text, n.node)
	}
	r2 := e.signIn("2001", "3020") // on 2001's own node, for both sessions
	one.notes(r2)
	two.notes(r2) // and not r1 before it
	one.quiet()
	two.quiet()
}

// A subscription for the bare JID reaches every available session of the
// user, including ones that become available later.
func TestSubscribeBareJID(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	one := e.open("2001", "one")
	one.available()
	two := e.open("2001", "two")
	two.available()
	one.subscribe(team10, "2001@localhost")
	r1 := e.signIn("1001", "3001")
	one.notes(r1)
	two.notes(r1)

	three := e.open("2001", "three")
	three.available()
	r2 := e.ready("1001")
	for _, c := range []*client{one, two, three} {
		c.notes(r2)
		c.quiet()
	}
}

// Subscribing before initial presence counts once the session is available.
func TestSubscribeBeforePresence(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	c.subscribe(team10, c.sess.JID())
	c.available()
	c.notes(e.signIn("1001", "3001"))
}

func TestSubscribeErrors(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	sup := e.open("2001", "desk")
	for _, jid := range []string{"1001@localhost", "1001@localhost/desk", "2001@example.com", "2001@localhost/other", "2001", ""} {
		stanzaErr(t, sup.pubsubIQ("set", NSPubSub, subscribeOp(team10, jid)), "modify", "bad-request", "invalid-jid")
	}
	stanzaErr(t, sup.pubsubIQ("set", NSPubSub, "<subscribe jid='2001@localhost'/>"), "modify", "bad-request", "nodeid-required")
	stanzaErr(t, sup.pubsubIQ("set", NSPubSub, subscribeOp("", "2001@localhost")), "modify", "bad-request", "nodeid-required")
	for _, node := range []string{"/finesse/api/Team/99/Users", userNode("9999"), "/finesse/api/Queue/999", "/finesse/api/Team/10", "nonsense"} {
		stanzaErr(t, sup.pubsubIQ("set", NSPubSub, subscribeOp(node, "2001@localhost")), "cancel", "item-not-found", "")
	}

	agent := e.open("1001", "desk")
	for _, node := range []string{team10, team20, userNode("1002"), userNode("1006"), "/finesse/api/Queue/200", userNode("2001")} {
		stanzaErr(t, agent.pubsubIQ("set", NSPubSub, subscribeOp(node, "1001@localhost")), "auth", "forbidden", "")
	}
	// What an agent may subscribe to: its queues, its own nodes.
	agent.subscribe("/finesse/api/Queue/100", "1001@localhost")
	agent.subscribe(userNode("1001")+"/Queues", "1001@localhost/desk")
	agent.subscribe(userNode("1001"), "1001@localhost") // automatic anyway

	// The local part is compared without regard to case.
	admin := e.open("admin", "desk")
	if s := subOf(admin.subscribe(team20, "ADMIN@localhost/desk")); s.jid != "admin@localhost/desk" {
		t.Errorf("subscribed %q, want the canonical JID", s.jid)
	}
}

// At most acd.MaxSubscriptions explicit subscriptions a user.
func TestTooManySubscriptions(t *testing.T) {
	cfg := demoConfig(t)
	for i := range acd.MaxSubscriptions + 1 {
		cfg.Users = append(cfg.Users, directory.UserConfig{
			ID: fmt.Sprintf("x%03d", i), Password: "pw", Roles: []model.Role{model.RoleAgent}, Team: "10",
		})
	}
	e := newEnv(t, cfg, Options{})
	c := e.open("admin", "desk")
	for i := range acd.MaxSubscriptions {
		c.subscribe(userNode(fmt.Sprintf("x%03d", i)), c.bare())
	}
	c.subscribe(userNode("x000"), c.bare()) // again: no new subscription
	s := c.pubsubIQ("set", NSPubSub, subscribeOp(userNode(fmt.Sprintf("x%03d", acd.MaxSubscriptions)), c.bare()))
	stanzaErr(t, s, "wait", "policy-violation", "too-many-subscriptions")
}

// The list holds the automatic nodes for the bare JID, then the explicit
// subscriptions, each with a subid that does not change.
func TestSubscriptionsList(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	bare, full := c.bare(), c.sess.JID()
	auto := []sub{
		{node: userNode("2001"), jid: bare}, {node: userNode("2001") + "/Dialogs", jid: bare},
		{node: "/finesse/api/SystemInfo", jid: bare},
	}
	strip := func(l []sub) []sub {
		out := slices.Clone(l)
		for i := range out {
			if out[i].state != "subscribed" || out[i].subid == "" {
				t.Errorf("subscription %+v", out[i])
			}
			out[i].subid, out[i].state = "", ""
		}
		return out
	}
	if got := strip(c.list("")); !slices.Equal(got, auto) {
		t.Fatalf("initial list %+v, want %+v", got, auto)
	}

	s10 := subOf(c.subscribe(team10, full))
	s20 := subOf(c.subscribe(team20, bare))
	s10b := subOf(c.subscribe(team10, bare))
	if s10.subid == s20.subid || s10.subid == s10b.subid {
		t.Errorf("subids not distinct: %s %s %s", s10.subid, s20.subid, s10b.subid)
	}
	first := c.list("")
	want := append(slices.Clone(auto), sub{node: team10, jid: full}, sub{node: team20, jid: bare}, sub{node: team10, jid: bare})
	if got := strip(first); !slices.Equal(got, want) {
		t.Fatalf("list %+v, want %+v", got, want)
	}
	if first[3] != s10 || first[4] != s20 || first[5] != s10b {
		t.Errorf("listed %+v, subscribed %+v %+v %+v", first[3:], s10, s20, s10b)
	}

	// The same from another session, and filtered by node.
	other := e.open("2001", "other")
	if again := other.list(""); !slices.Equal(again, first) {
		t.Errorf("second list %+v, first %+v", again, first)
	}
	if got := other.list(team10); !slices.Equal(got, []sub{s10, s10b}) {
		t.Errorf("list of %s: %+v", team10, got)
	}
	if got := other.list(userNode("2001")); !slices.Equal(got, first[:1]) {
		t.Errorf("list of %s: %+v", userNode("2001"), got)
	}
	if got := other.list("/finesse/api/Queue/100"); len(got) != 0 {
		t.Errorf("list of a node without subscriptions: %+v", got)
	}
}

func TestUnsubscribe(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	c.available()
	c.subscribe(team10, c.sess.JID())
	c.notes(e.signIn("1001", "3001"))

	if p := result(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(team10, c.sess.JID()))); p != nil {
		t.Errorf("unsubscribe answered with a payload")
	}
	e.ready("1001")
	c.notes(e.signIn("2001", "3020")) // and not the team's event before it
	c.quiet()

	stanzaErr(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(team10, c.sess.JID())), "cancel", "unexpected-request", "not-subscribed")
	stanzaErr(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(team20, c.bare())), "cancel", "unexpected-request", "not-subscribed")
	stanzaErr(t, c.pubsubIQ("set", NSPubSub, "<unsubscribe jid='2001@localhost'/>"), "modify", "bad-request", "nodeid-required")
	stanzaErr(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(team10, "1001@localhost")), "modify", "bad-request", "invalid-jid")

	// Automatic nodes cannot be left, but saying so succeeds, and they
	// keep being delivered.
	for _, node := range []string{userNode("2001"), "/finesse/api/SystemInfo"} {
		result(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(node, c.bare())))
	}
	c.notes(e.ready("2001"))
	if got := c.list(""); len(got) != 3 {
		t.Errorf("list after unsubscribing: %+v", got)
	}
}

// Unsubscribing the bare JID leaves a full-JID subscription to the same
// node in place.
func TestUnsubscribeBareKeepsFull(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	c.available()
	c.subscribe(team10, c.bare())
	c.subscribe(team10, c.sess.JID())
	r := e.signIn("1001", "3001")
	c.notes(r)
	c.quiet() // one message for the node, not one per subscription
	result(t, c.pubsubIQ("set", NSPubSub, unsubscribeOp(team10, c.bare())))
	c.notes(e.ready("1001"))
}

// Clients cannot publish or manage nodes.
func TestPubSubRefusals(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	node := userNode("2001")
	for _, op := range []struct{ typ, ns, op string }{
		{"set", NSPubSub, "<publish node='" + node + "'><item><x xmlns='y'/></item></publish>"},
		{"set", NSPubSub, "<create node='/mine'/>"},
		{"set", NSPubSub, "<retract node='" + node + "'><item id='1'/></retract>"},
		{"set", NSPubSub, "<purge node='" + node + "'/>"},
		{"get", NSPubSub, "<affiliations/>"},
		{"get", NSPubSub, "<options node='" + node + "' jid='2001@localhost'/>"},
		{"get", NSPubSub, subscribeOp(team10, "2001@localhost")},   // subscribe is a set
		{"set", NSPubSub, "<subscriptions/>"},                      // the list is a get
		{"get", NSPubSub, unsubscribeOp(team10, "2001@localhost")}, // unsubscribe is a set
		{"set", NSPubSubOwner, "<delete node='" + node + "'/>"},
		{"get", NSPubSubOwner, "<configure node='" + node + "'/>"},
		{"get", NSPubSubOwner, "<subscriptions node='" + node + "'/>"},
	} {
		stanzaErr(t, c.pubsubIQ(op.typ, op.ns, op.op), "auth", "forbidden", "")
	}
	for _, typ := range []string{"get", "set"} {
		app := stanzaErr(t, c.pubsubIQ(typ, NSPubSub, "<items node='"+node+"'/>"), "cancel", "feature-not-implemented", "unsupported")
		if app.SelectAttrValue("feature", "") != "retrieve-items" {
			t.Errorf("items: unsupported feature %q", app.SelectAttrValue("feature", ""))
		}
	}
	stanzaErr(t, c.pubsubIQ("set", NSPubSub, ""), "modify", "bad-request", "")
}

// Explicit subscriptions belong to the user, not the session.
func TestSubscriptionOutlivesSession(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	old := e.open("2001", "one")
	old.subscribe(team10, old.bare())
	old.sess.Close()
	oldFull := e.open("2001", "two")
	oldFull.subscribe(team20, oldFull.sess.JID())
	oldFull.sess.Close()

	c := e.open("2001", "two")
	c.available()
	c.notes(e.signIn("1001", "3001"), e.signIn("1006", "3006"))
	other := e.open("2001", "three")
	other.available()
	r1, r2 := e.ready("1006"), e.ready("1001")
	c.notes(r1, r2)
	other.notes(r2) // team 20's only to .../two
	other.quiet()
}

// A user who signs out loses its explicit subscriptions.
func TestSignOutDropsSubscriptions(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("2001", "desk")
	c.available()
	c.notes(e.signIn("2001", "3020"))
	c.subscribe(team10, c.bare())
	c.notes(e.signIn("1001", "3001"))

	n := c.notes(e.signOut("2001", "4"))[0]
	if n.node != userNode("2001") || n.field("state") != "LOGOUT" {
		t.Fatalf("sign-out notification %s", n.text)
	}
	e.ready("1001")
	c.notes(e.signIn("2001", "3020")) // and not the team's event before it
	c.quiet()
	if got := c.list(""); len(got) != 3 {
		t.Errorf("subscriptions after signing out: %+v", got)
	}
}

// A supervisor that signs out another agent does not lose its own
// subscriptions; the agent does.
func TestForcedSignOutDropsOnlyTheAgents(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	sup := e.open("2001", "desk")
	sup.available()
	sup.subscribe(team10, sup.bare())
	agent := e.open("1001", "desk")
	agent.subscribe("/finesse/api/Queue/100", agent.bare())
	sup.notes(e.signIn("1001", "3001"))
	r := e.change("2001", "1001", model.StateLogout, "", "")
	sup.notes(r)
	if got := agent.list(""); len(got) != 3 {
		t.Errorf("agent's subscriptions after a forced sign-out: %+v", got)
	}
	if got := sup.list(""); len(got) != 4 {
		t.Errorf("supervisor's subscriptions: %+v", got)
	}
}
