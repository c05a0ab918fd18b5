package bosh

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

func TestLogin(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")

	// Session creation, with ack='1': the response carries no ack, which
	// tells the client that acknowledgements are not reported.
	b := c.create("ack='1'")
	want := map[string]string{
		"wait": "2", "hold": "1", "requests": "2", "inactivity": "30", "polling": "2",
		"ver": "1.6", "from": "localhost", "secure": "false", "xmpp:version": "1.0",
	}
	for k, v := range want {
		if got := b.SelectAttrValue(k, ""); got != v {
			t.Errorf("creation %s = %q, want %q", k, got, v)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(c.sid) {
		t.Errorf("sid %q is not 128 bits of hex", c.sid)
	}
	if b.SelectAttrValue("authid", "") == "" || b.SelectAttr("ack") != nil {
		t.Errorf("creation: authid %q, ack %v", b.SelectAttrValue("authid", ""), b.SelectAttr("ack"))
	}
	if m := b.FindElement("features/mechanisms/mechanism"); m == nil || m.Text() != "PLAIN" ||
		b.FindElement("features").NamespaceURI() != nsStream || b.FindElement("features/mechanisms").NamespaceURI() != nsSASL {
		t.Fatalf("creation features: %s", render(b))
	}

	// jabberwerx offers DIGEST-MD5 first, then falls back to PLAIN.
	b = c.send(" ack='4'", "<auth xmlns='"+nsSASL+"' mechanism='DIGEST-MD5'/>")
	if b.FindElement("failure/invalid-mechanism") == nil {
		t.Fatalf("DIGEST-MD5: %s", render(b))
	}
	// The loginName with a domain works as the authcid.
	if b = c.send("", plain("agent1@localhost", "finesse")); b.SelectElement("success") == nil || b.SelectElement("success").NamespaceURI() != nsSASL {
		t.Fatalf("PLAIN: %s", render(b))
	}
	b = c.send(" xmpp:restart='true' xmlns:xmpp='"+NSXBOSH+"'", "")
	if b.FindElement("features/bind") == nil || b.FindElement("features/session/optional") == nil {
		t.Fatalf("restart: %s", render(b))
	}
	b = c.send("", "<iq type='set' id='b1'><bind xmlns='"+nsBind+"'><resource>finesse-desktop</resource></bind></iq>")
	iq := b.SelectElement("iq")
	if iq == nil || iq.SelectAttrValue("type", "") != "result" || iq.SelectAttrValue("id", "") != "b1" || iq.NamespaceURI() != xmpp.NSClient {
		t.Fatalf("bind: %s", render(b))
	}
	if jid := iq.FindElement("bind/jid"); jid == nil || jid.Text() != "1001@localhost/finesse-desktop" {
		t.Fatalf("bind: %s", render(b))
	}

	got := c.collect(c.send("", "<iq type='set' id='s1'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>"+
		"<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"), func(els []*etree.Element) bool {
		return hasIQ("s1", "result")(els) && hasIQ("r1", "result")(els)
	})
	for _, el := range got {
		if el.NamespaceURI() != xmpp.NSClient {
			t.Errorf("stanza not in jabber:client: %s", render(el))
		}
	}

	got = c.collect(c.send("", "<presence/>"), hasPresence("finesse@localhost", ""))
	p := find(got, func(el *etree.Element) bool { return el.Tag == "presence" })
	if p.NamespaceURI() != xmpp.NSClient || p.SelectAttrValue("to", "") != "1001@localhost/finesse-desktop" {
		t.Errorf("presence: %s", render(p))
	}
}

func TestBadCredentials(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.create("")
	if b := c.send("", plain("1001", "wrong")); b.FindElement("failure/not-authorized") == nil {
		t.Fatalf("wrong password: %s", render(b))
	}
	if b := c.send("", plain("1001", "finesse")); b.SelectElement("success") == nil {
		t.Fatalf("retry: %s", render(b))
	}

	// A stanza before authentication ends the session.
	c = e.client("/http-bind")
	c.create("")
	b := c.send("", "<presence/>")
	if b.SelectAttrValue("type", "") != "terminate" || b.FindElement("error/not-authorized") == nil {
		t.Fatalf("presence before auth: %s", render(b))
	}

	// The fifth failure ends the session, after the failure itself.
	c = e.client("/http-bind")
	c.create("")
	for i := 1; i <= maxAuthAttempts; i++ {
		b := c.send("", plain("1002", "wrong"))
		if b.FindElement("failure/not-authorized") == nil {
			t.Fatalf("attempt %d: %s", i, render(b))
		}
		terminated := b.SelectAttrValue("type", "") == "terminate"
		if terminated != (i == maxAuthAttempts) {
			t.Fatalf("attempt %d: %s", i, render(b))
		}
		if terminated && (b.SelectAttrValue("condition", "") != "remote-stream-error" || b.FindElement("error/not-authorized") == nil) {
			t.Fatalf("last attempt: %s", render(b))
		}
	}
	if b := c.send("", plain("1002", "finesse")); b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("after termination: %s", render(b))
	}
}

func TestEvents(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	jid := c.login("1001", "desk")

	e.changeState("1001", model.StateLogin, "3001", "", "r1")
	e.changeState("1001", model.StateReady, "", "", "r2")
	var texts []string
	got := c.collect(c.send("", ""), func(els []*etree.Element) bool {
		texts = notifications(els, "/finesse/api/User/1001")
		return len(texts) >= 2
	})
	if !strings.Contains(texts[0], "<requestId>r1</requestId>") || !strings.Contains(texts[0], "<state>NOT_READY</state>") {
		t.Errorf("first notification: %s", texts[0])
	}
	if !strings.Contains(texts[1], "<requestId>r2</requestId>") || !strings.Contains(texts[1], "<state>READY</state>") {
		t.Errorf("second notification: %s", texts[1])
	}
	m := find(got, func(el *etree.Element) bool { return el.Tag == "message" })
	if m.SelectAttrValue("from", "") != "pubsub.localhost" || m.SelectAttrValue("to", "") != jid || m.NamespaceURI() != xmpp.NSClient {
		t.Errorf("message: %s", render(m))
	}
}

func TestSupervisorTeamSubscription(t *testing.T) {
	e := newEnv(t, nil)
	sup := e.client("/http-bind/")
	supJID := sup.login("2001", "sup")
	agent := e.client("/http-bind")
	agentJID := agent.login("1001", "desk")

	sub := func(c *client, id, node, jid string) *etree.Element {
		got := c.collect(c.send("", "<iq type='set' to='pubsub.localhost' id='"+id+"'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"+
			"<subscribe node='"+node+"' jid='"+jid+"'/></pubsub></iq>"), func(els []*etree.Element) bool {
			return find(els, func(el *etree.Element) bool { return el.SelectAttrValue("id", "") == id }) != nil
		})
		return find(got, func(el *etree.Element) bool { return el.SelectAttrValue("id", "") == id })
	}
	if r := sub(sup, "sub1", "/finesse/api/Team/10/Users", supJID); r.SelectAttrValue("type", "") != "result" {
		t.Fatalf("supervisor subscribe: %s", render(r))
	}
	if r := sub(agent, "sub2", "/finesse/api/Team/20/Users", agentJID); r.SelectAttrValue("type", "") != "error" || r.FindElement("error/forbidden") == nil {
		t.Fatalf("agent subscribe: %s", render(r))
	}

	e.changeState("1001", model.StateLogin, "3001", "", "r1")
	sup.collect(sup.send("", ""), func(els []*etree.Element) bool {
		return countContaining(notifications(els, "/finesse/api/Team/10/Users"), "<requestId>r1</requestId>") == 1
	})
}

func TestNegotiationDetails(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.create("")
	// PLAIN without an initial response: an empty challenge, then the
	// credentials in <response/>.
	if b := c.send("", "<auth xmlns='"+nsSASL+"' mechanism='PLAIN'/>"); b.SelectElement("challenge") == nil {
		t.Fatalf("empty auth: %s", render(b))
	}
	if b := c.send("", "<response xmlns='"+nsSASL+"'>"+base64.StdEncoding.EncodeToString([]byte("\x00agent1\x00finesse"))+"</response>"); b.SelectElement("success") == nil {
		t.Fatalf("response: %s", render(b))
	}
	c.send(" xmpp:restart='true' xmlns:xmpp='"+NSXBOSH+"'", "")
	// A resource the core refuses is a stanza error; the client may bind
	// again.
	b := c.send("", "<iq type='set' id='b1'><bind xmlns='"+nsBind+"'><resource>"+strings.Repeat("r", 1024)+"</resource></bind></iq>")
	if iq := b.SelectElement("iq"); iq == nil || iq.SelectAttrValue("type", "") != "error" || iq.FindElement("error/bad-request") == nil {
		t.Fatalf("long resource: %s", render(b))
	}
	// Without a resource, the server picks one.
	b = c.send("", "<iq type='set' id='b2'><bind xmlns='"+nsBind+"'/></iq>")
	if jid := b.FindElement("iq/bind/jid"); jid == nil || !strings.HasPrefix(jid.Text(), "1001@localhost/") || len(jid.Text()) <= len("1001@localhost/") {
		t.Fatalf("bind without resource: %s", render(b))
	}

	// A stanza after authentication but before binding ends the session.
	c = e.client("/http-bind")
	c.create("")
	c.send("", plain("1001", "finesse"))
	c.send(" xmpp:restart='true' xmlns:xmpp='"+NSXBOSH+"'", "")
	b = c.send("", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>")
	if b.SelectAttrValue("condition", "") != "remote-stream-error" || b.FindElement("error/not-authorized") == nil {
		t.Fatalf("iq before bind: %s", render(b))
	}
}
