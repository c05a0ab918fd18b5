package xmpp

import (
	"slices"
	"testing"

	"github.com/beevik/etree"
)

func features(q *etree.Element) []string {
	var out []string
	for _, f := range q.SelectElements("feature") {
		out = append(out, f.SelectAttrValue("var", ""))
	}
	return out
}

func identity(tb testing.TB, q *etree.Element, category, typ string) {
	tb.Helper()
	ids := q.SelectElements("identity")
	if len(ids) != 1 || ids[0].SelectAttrValue("category", "") != category || ids[0].SelectAttrValue("type", "") != typ {
		tb.Fatalf("identities of %s: want one %s/%s", q.GetPath(), category, typ)
	}
}

// XEP-0199 pings are answered wherever they are sent on the server.
func TestPing(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, to := range []string{"", "localhost", "pubsub.localhost", "1001@localhost", "1001@localhost/desk"} {
		if p := result(t, c.iq("get", to, "<ping xmlns='urn:xmpp:ping'/>")); p != nil {
			t.Errorf("ping to %q answered with a payload", to)
		}
	}
}

func TestSessionIQ(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	if p := result(t, c.iq("set", "", "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>")); p != nil {
		t.Error("session answered with a payload")
	}
}

func TestRoster(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	q := result(t, c.iq("get", "", "<query xmlns='jabber:iq:roster'/>"))
	if q == nil || q.Tag != "query" || q.NamespaceURI() != NSRoster || len(q.ChildElements()) != 0 {
		t.Fatalf("roster: %v", q)
	}
	stanzaErr(t, c.iq("set", "", "<query xmlns='jabber:iq:roster'><item jid='x@localhost'/></query>"), "cancel", "not-allowed", "")
}

func TestVCard(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, to := range []string{"", "1001@localhost"} {
		v := result(t, c.iq("get", to, "<vCard xmlns='vcard-temp'/>"))
		if v == nil || v.Tag != "vCard" || v.NamespaceURI() != NSVCard || len(v.Child) != 0 {
			t.Fatalf("vCard to %q: %v", to, v)
		}
	}
	stanzaErr(t, c.iq("set", "", "<vCard xmlns='vcard-temp'><FN>x</FN></vCard>"), "cancel", "not-allowed", "")
}

func TestDiscoInfoServer(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	q := result(t, c.iq("get", "localhost", "<query xmlns='http://jabber.org/protocol/disco#info'/>"))
	identity(t, q, "server", "im")
	want := []string{NSDiscoInfo, NSDiscoItems, NSPing, NSSession, NSRoster, NSVCard}
	if got := features(q); !slices.Equal(got, want) {
		t.Errorf("server features %v, want %v", got, want)
	}
}

func TestDiscoInfoPubSub(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	q := result(t, c.iq("get", "pubsub.localhost", "<query xmlns='http://jabber.org/protocol/disco#info'/>"))
	identity(t, q, "pubsub", "service")
	got := features(q)
	for _, f := range []string{NSDiscoInfo, NSPubSub, NSPubSub + "#subscribe", NSPubSub + "#retrieve-subscriptions"} {
		if !slices.Contains(got, f) {
			t.Errorf("pubsub features %v lack %s", got, f)
		}
	}
	if slices.Contains(got, NSPubSub+"#publish") || slices.Contains(got, NSPubSub+"#retrieve-items") {
		t.Errorf("pubsub features %v claim what clients cannot do", got)
	}
}

// A node is a leaf (Smack's getNode insists); an unknown one is not found.
func TestDiscoInfoNode(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, node := range []string{userNode("1001"), userNode("1001") + "/Dialogs", team10, "/finesse/api/SystemInfo"} {
		q := result(t, c.iq("get", "pubsub.localhost", "<query xmlns='http://jabber.org/protocol/disco#info' node='"+node+"'/>"))
		identity(t, q, "pubsub", "leaf")
		if q.SelectAttrValue("node", "") != node {
			t.Errorf("disco#info of %s answered for node %q", node, q.SelectAttrValue("node", ""))
		}
	}
	for _, node := range []string{userNode("9999"), "/finesse/api/Team/99/Users", userNode("1001") + "/Nope", "/nothing"} {
		stanzaErr(t, c.iq("get", "pubsub.localhost", "<query xmlns='http://jabber.org/protocol/disco#info' node='"+node+"'/>"),
			"cancel", "item-not-found", "")
	}
}

func TestDiscoItems(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	q := result(t, c.iq("get", "localhost", "<query xmlns='http://jabber.org/protocol/disco#items'/>"))
	items := q.SelectElements("item")
	if q.NamespaceURI() != NSDiscoItems || len(items) != 1 || items[0].SelectAttrValue("jid", "") != "pubsub.localhost" {
		t.Fatalf("server items: %d", len(items))
	}
	q = result(t, c.iq("get", "pubsub.localhost", "<query xmlns='http://jabber.org/protocol/disco#items'/>"))
	var nodes []string
	for _, it := range q.SelectElements("item") {
		if it.SelectAttrValue("jid", "") != "pubsub.localhost" {
			t.Errorf("pubsub item with jid %q", it.SelectAttrValue("jid", ""))
		}
		nodes = append(nodes, it.SelectAttrValue("node", ""))
	}
	want := []string{userNode("1001"), userNode("1001") + "/Dialogs", "/finesse/api/SystemInfo"}
	if !slices.Equal(nodes, want) {
		t.Errorf("pubsub items %v, want %v", nodes, want)
	}
}

// What desktop IM stacks ask and the server does not serve gets
// service-unavailable: one reply, never silence.
func TestUnknownIQ(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, q := range []struct{ typ, to, payload string }{
		{"get", "", "<query xmlns='jabber:iq:version'/>"},
		{"get", "", "<time xmlns='urn:xmpp:time'/>"},
		{"set", "", "<query xmlns='jabber:iq:private'><x xmlns='y'/></query>"},
		{"set", "", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='http://jabber.org/protocol/tune'><item/></publish></pubsub>"},
		{"get", "pubsub.localhost", "<vCard xmlns='vcard-temp'/>"},
		{"get", "proxy.localhost", "<query xmlns='http://jabber.org/protocol/bytestreams'/>"},
		{"get", "", "<ping/>"}, // in jabber:client, not urn:xmpp:ping
	} {
		stanzaErr(t, c.iq(q.typ, q.to, q.payload), "cancel", "service-unavailable", "")
	}
}

// An iq to another user's JID is not delivered anywhere.
func TestIQToAnotherUser(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	e.open("1002", "desk")
	c := e.open("1001", "desk")
	for _, to := range []string{"1002@localhost", "1002@localhost/desk", "finesse@localhost", "1001@example.com"} {
		stanzaErr(t, c.iq("get", to, "<ping xmlns='urn:xmpp:ping'/>"), "cancel", "service-unavailable", "")
	}
}

func TestBadRequest(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, x := range []string{
		"<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>",           // no id
		"<iq xmlns='jabber:client' type='get' id='b1'/>",                                    // no payload
		"<iq xmlns='jabber:client' type='set' id='b2'>text only</iq>",                       // no payload either
		"<iq xmlns='jabber:client' id='b3'><ping xmlns='urn:xmpp:ping'/></iq>",              // no type
		"<iq xmlns='jabber:client' type='fetch' id='b4'><ping xmlns='urn:xmpp:ping'/></iq>", // bad type
	} {
		in := parseXML(t, x)
		s := c.request(x)
		stanzaErr(t, s, "modify", "bad-request", "")
		if got, want := s.el.SelectAttrValue("id", ""), in.SelectAttrValue("id", ""); got != want {
			t.Errorf("%s answered with id %q", x, got)
		}
		if s.el.SelectAttr("id") != nil && in.SelectAttr("id") == nil {
			t.Errorf("%s answered with an id", x)
		}
	}
}

// Results and errors from the client are answers, not requests.
func TestIQResultIgnored(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.mustSend("<iq xmlns='jabber:client' type='result' id='r1' to='localhost'/>")
	c.mustSend("<iq xmlns='jabber:client' type='error' id='r2'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
	c.quiet()
}

// Messages are not served: an error, once; errors are not answered.
func TestMessage(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	s := c.request("<message xmlns='jabber:client' type='chat' to='finesse@localhost' id='m1'><body>hi</body></message>")
	stanzaErr(t, s, "cancel", "service-unavailable", "")
	if s.el.Tag != "message" || s.el.SelectAttrValue("id", "") != "m1" ||
		s.el.SelectAttrValue("from", "") != "finesse@localhost" || s.el.SelectAttrValue("to", "") != "1001@localhost/desk" {
		t.Fatalf("message error: %s", s.raw)
	}
	s = c.request("<message xmlns='jabber:client'><body>no type, no to</body></message>")
	stanzaErr(t, s, "cancel", "service-unavailable", "")
	if s.el.SelectAttrValue("from", "") != "localhost" || s.el.SelectAttr("id") != nil {
		t.Fatalf("message error: %s", s.raw)
	}
	c.mustSend("<message xmlns='jabber:client' type='error' id='m2'><error type='cancel'/></message>")
	c.quiet()
}

// Elements that are not stanzas, or not in jabber:client, end the stream
// without a reply.
func TestNotAStanza(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	for _, x := range []struct{ xml, cond string }{
		{"<foo xmlns='jabber:client'/>", "unsupported-stanza-type"},
		{"<foo/>", "unsupported-stanza-type"},
		{"<starttls xmlns='jabber:client'/>", "unsupported-stanza-type"},
		{"<iq xmlns='jabber:server' type='get' id='x'><ping xmlns='urn:xmpp:ping'/></iq>", "invalid-namespace"},
		{"<message xmlns='urn:example'/>", "invalid-namespace"},
		{"<presence xmlns='jabber:component:accept'/>", "invalid-namespace"},
	} {
		se := c.send(x.xml)
		if se == nil || se.Condition != x.cond {
			t.Errorf("Handle(%s) = %v, want %s", x.xml, se, x.cond)
		}
		c.quiet()
	}
}
