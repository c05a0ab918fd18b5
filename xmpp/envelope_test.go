package xmpp

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The envelope, byte for byte, as the captures of Finesse 12.5 show it
// (clients.md §13-16): a message from the pubsub service to the full JID
// with an 8-character id and no type, and the Update as one escaped text
// node of the notification.
func TestEnvelope(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	req := e.signIn("1001", "3001")
	s := c.next()

	epoch := regexp.QuoteMeta(e.eng.Log().Epoch())
	envelope := regexp.MustCompile(`^<message xmlns='jabber:client' from='pubsub\.localhost' to='1001@localhost/desk' id='[a-z0-9]{8}'>` +
		`<event xmlns='http://jabber\.org/protocol/pubsub#event'><items node='/finesse/api/User/1001'>` +
		`<item id='` + epoch + `[1-9][0-9]*'><notification xmlns='urn:xmpp:push:0'>([^<]+)</notification>` +
		`</item></items></event></message>$`)
	if !envelope.MatchString(s.raw) {
		t.Fatalf("envelope:\n%s", s.raw)
	}

	m := s.el
	var attrs []string
	for _, a := range m.Attr {
		attrs = append(attrs, a.Key)
	}
	if !slices.Equal(attrs, []string{"xmlns", "from", "to", "id"}) {
		t.Errorf("message attributes %v, want xmlns, from, to, id (and no type)", attrs)
	}
	n := m.FindElement("event/items/item/notification")
	if len(n.Child) != 1 {
		t.Fatalf("notification has %d tokens, want one text node", len(n.Child))
	}
	text, ok := n.Child[0].(*etree.CharData)
	if !ok || text.IsCData() {
		t.Fatalf("notification content %T, want plain character data", n.Child[0])
	}

	u := parseXML(t, text.Data)
	var order []string
	for _, ch := range u.ChildElements() {
		order = append(order, ch.Tag)
	}
	if u.Tag != "Update" || !slices.Equal(order, []string{"data", "event", "requestId", "source"}) {
		t.Fatalf("Update %s with children %v", u.Tag, order)
	}
	if got := u.SelectElement("event").Text(); got != "PUT" {
		t.Errorf("event %q, want PUT", got)
	}
	if got := u.SelectElement("requestId").Text(); got != req {
		t.Errorf("requestId %q, want %q", got, req)
	}
	if got := u.SelectElement("source").Text(); got != userNode("1001") {
		t.Errorf("source %q", got)
	}
	data := u.SelectElement("data").ChildElements()
	if len(data) != 1 || data[0].Tag != "user" || data[0].SelectElement("loginId").Text() != "1001" ||
		data[0].SelectElement("state").Text() != "NOT_READY" {
		t.Errorf("data: %s", text.Data)
	}
	if !strings.Contains(text.Data, "\n") {
		t.Errorf("the Update is not pretty-printed as Finesse sends it")
	}
}

// Error Updates travel in the same envelope on the user's node only.
func TestErrorUpdateEnvelope(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	req := e.ready("1001") // not signed in: refused asynchronously
	n := c.note()
	var order []string
	for _, ch := range n.update.ChildElements() {
		order = append(order, ch.Tag)
	}
	if !slices.Equal(order, []string{"data", "requestId", "source", "event"}) || n.requestID() != req ||
		n.update.SelectElement("event").Text() != "put" || n.update.FindElement("data/apiErrors/apiError") == nil {
		t.Fatalf("error Update: %s", n.text)
	}
	c.quiet()
}

// Item ids are the log's epoch and the event's id: unique and growing
// within a node. Message ids differ from message to message.
func TestItemIDs(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	c := e.open("1001", "desk")
	c.available()
	reqs := []string{e.signIn("1001", "3001"), e.ready("1001"), e.notReady("1001", "1"), e.ready("1001")}
	epoch := e.eng.Log().Epoch()
	var last uint64
	msgIDs := map[string]bool{}
	for _, n := range c.notes(reqs...) {
		rest, ok := strings.CutPrefix(n.item, epoch)
		seq, err := strconv.ParseUint(rest, 10, 64)
		if !ok || err != nil || seq <= last {
			t.Errorf("item id %q after sequence %d (epoch %s)", n.item, last, epoch)
		}
		last = seq
		if msgIDs[n.msgID] {
			t.Errorf("message id %q repeated", n.msgID)
		}
		msgIDs[n.msgID] = true
	}
}

// An event on two nodes a session receives is two messages, one per node,
// with the same item id and Update.
func TestOneMessagePerNode(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	sup := e.open("2001", "sup")
	sup.available()
	sup.subscribe(userNode("1001"), sup.sess.JID())
	sup.subscribe(team10, sup.sess.JID())
	agent := e.open("1001", "desk")
	agent.available()

	req := e.signIn("1001", "3001")
	got := sup.notes(req, req)
	if got[0].node != userNode("1001") || got[1].node != team10 {
		t.Errorf("nodes %s, %s; want the user's then the team's", got[0].node, got[1].node)
	}
	if got[0].item != got[1].item || got[0].text != got[1].text || got[0].msgID == got[1].msgID {
		t.Errorf("items %s/%s, message ids %s/%s", got[0].item, got[1].item, got[0].msgID, got[1].msgID)
	}
	sup.quiet()
	if n := agent.notes(req)[0]; n.node != userNode("1001") || n.item != got[0].item {
		t.Errorf("the agent got item %s on %s", n.item, n.node)
	}
	agent.quiet() // and not the team's node
}

// A name with & and < is escaped twice over (once in the Update, once as
// the notification's text) and reads back unchanged.
func TestDoubleEscaping(t *testing.T) {
	const first, last = `Tom & <Jerry>`, `O'Hara "&amp;" ]]>`
	cfg := directory.Config{
		Teams:   []directory.TeamConfig{{ID: "10", Name: "R&D <West>"}},
		Devices: []string{"3001"},
		Users: []directory.UserConfig{{
			ID: "1001", LoginName: "tom", FirstName: first, LastName: last, Password: "pw",
			Roles: []model.Role{model.RoleAgent}, Team: "10",
		}},
	}
	e := newEnv(t, cfg, Options{})
	c := e.open("1001", "desk")
	c.available()
	n := c.notes(e.signIn("1001", "3001"))[0]
	if n.field("firstName") != first || n.field("lastName") != last || n.field("teamName") != "R&D <West>" {
		t.Fatalf("names read back as %q %q %q", n.field("firstName"), n.field("lastName"), n.field("teamName"))
	}
	for _, want := range []string{"Tom &amp;amp; &amp;lt;Jerry", "R&amp;amp;D &amp;lt;West"} {
		if !strings.Contains(n.raw, want) {
			t.Errorf("raw notification lacks %q:\n%s", want, n.raw)
		}
	}
}

// JIDs are escaped in the attributes the service writes by hand.
func TestJIDEscapedInAttributes(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	const resource = `a'b&c<d"e`
	c := e.open("1001", resource)
	c.mustSend("<presence xmlns='jabber:client'/>")
	p := c.next()
	if p.el.Tag != "presence" || p.el.SelectAttrValue("to", "") != "1001@localhost/"+resource {
		t.Fatalf("finesse presence: %s", p.raw)
	}
	e.signIn("1001", "3001")
	m := c.next()
	if m.el.Tag != "message" || m.el.SelectAttrValue("to", "") != "1001@localhost/"+resource {
		t.Fatalf("notification: %s", m.raw)
	}
	r := c.iq("get", "", "<ping xmlns='urn:xmpp:ping'/>")
	if r.el.SelectAttrValue("to", "") != "1001@localhost/"+resource {
		t.Fatalf("iq result: %s", r.raw)
	}
}
