package websocket_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// TestUpgradeNeedsXMPPProtocol: an upgrade without the xmpp subprotocol is
// refused (RFC 7395 §3.2); with it both /ws and /ws/ upgrade and answer
// with the subprotocol.
func TestUpgradeNeedsXMPPProtocol(t *testing.T) {
	h := start(t, options{})
	for _, protocols := range [][]string{nil, {"chat"}, {"XMPP-over-something"}} {
		ws, err := dialWS(h.url, protocols...)
		if err == nil {
			ws.Close()
			t.Errorf("upgrade with protocols %q accepted", protocols)
		}
	}
	// The refusal is an HTTP error, not an upgrade.
	req, err := http.NewRequest("GET", "http"+strings.TrimPrefix(h.url, "ws"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Origin", "http://localhost")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("upgrade without a subprotocol: HTTP %d, want 403", resp.StatusCode)
	}

	for _, url := range []string{h.url, h.url + "/"} {
		ws, err := dialWS(url, "chat", "xmpp")
		if err != nil {
			t.Fatalf("%s: %v", url, err)
		}
		if got := ws.Config().Protocol; len(got) != 1 || got[0] != "xmpp" {
			t.Errorf("%s: subprotocol %q, want xmpp", url, got)
		}
		r := &raw{t: t, ws: ws}
		if jid := r.signIn("agent1", "ws"); jid != "1001@localhost/ws" {
			t.Errorf("%s: bound %s", url, jid)
		}
		r.available()
		ws.Close()
	}
	h.assertServing()
}

// TestNegotiation: <open/> is answered with <open/> and features without
// STARTTLS; SASL retries and PLAIN work; bind keeps the resource; every
// message is one element.
func TestNegotiation(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.url)
	f := r.open()
	if strings.Contains(f, "starttls") || !strings.Contains(f, "<mechanism>PLAIN</mechanism>") || strings.Count(f, "<mechanism>") != 1 {
		t.Errorf("features before authentication: %q", f)
	}
	if got := r.auth("DIGEST-MD5", ""); got != "failure:invalid-mechanism" {
		t.Errorf("DIGEST-MD5: %s", got)
	}
	if got := r.auth("PLAIN", plain("", "agent1", "wrong")); got != "failure:not-authorized" {
		t.Errorf("wrong password: %s", got)
	}
	if got := r.auth("PLAIN", ""); got != "challenge" {
		t.Fatalf("PLAIN without initial response: %s", got)
	}
	r.send("<response xmlns='" + nsSASL + "'>" + plain("", "AGENT1", "finesse") + "</response>")
	if msg, name := r.recv(); name != (xml.Name{Space: nsSASL, Local: "success"}) {
		t.Fatalf("want success, got %q", msg)
	}
	f = r.open()
	if !strings.Contains(f, nsBind) || strings.Contains(f, "mechanism") {
		t.Errorf("features after authentication: %q", f)
	}
	r.send("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='" + nsBind + "'><resource>browser</resource></bind></iq>")
	msg, _ := r.recv()
	if !strings.Contains(msg, "<jid>1001@localhost/browser</jid>") {
		t.Fatalf("bind: %q", msg)
	}
	r.available()
	r.ping("p1")
	r.send("<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>")
	if msg, _ := r.recv(); !strings.Contains(msg, "jabber:iq:roster") || attrs(t, msg)["type"] != "result" {
		t.Errorf("roster: %q", msg)
	}
	h.assertServing()
}

// TestLargeNotificationIsOneMessage: a notification larger than 4 KiB
// arrives as one WebSocket message that parses on its own (RFC 7395
// §3.3.3; Strophe.js parses each message separately).
func TestLargeNotificationIsOneMessage(t *testing.T) {
	long := strings.Repeat("A", 5000)
	h := start(t, options{config: func(c *directory.Config) {
		for i := range c.Users {
			if c.Users[i].ID == "1001" {
				c.Users[i].FirstName = long
			}
		}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	// A mellium desktop too, which reassembles nothing.
	desk, err := xmpptest.DialWebSocket(ctx, h.url, "localhost", "1001", "finesse")
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	if err := desk.Available(ctx); err != nil {
		t.Fatal(err)
	}
	// A reply to a later stanza: the presence has been handled in full.
	if _, err := desk.IQ(ctx, "<iq type='get' id='joined' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"); err != nil {
		t.Fatal(err)
	}

	r := dialRaw(t, h.url)
	r.signIn("agent1", "big")
	r.available()
	r.ping("joined")
	err = h.eng.ChangeState(ctx, h.user("1001"), acd.StateRequest{AgentID: "1001", State: model.StateLogin, Extension: "3001", RequestID: "big-1"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		msg, name := r.recv() // checks the message is one whole element
		if name.Local != "message" {
			t.Logf("skipping %q", msg)
			continue
		}
		if !strings.Contains(msg, "/finesse/api/User/1001") || !strings.Contains(msg, long) {
			t.Logf("skipping a notification of %d bytes", len(msg))
			continue
		}
		if len(msg) <= 4096 {
			t.Fatalf("the notification is only %d bytes", len(msg))
		}
		t.Logf("one message of %d bytes", len(msg))
		break
	}
	for {
		n, err := desk.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Update.RequestID == "big-1" {
			if !strings.Contains(n.Text, long) {
				t.Errorf("the mellium desktop got a notification without the long name")
			}
			break
		}
	}
	r.ping("after")
	h.assertServing()
}

// TestClientClose: the client's <close/> is answered with <close/> and the
// connection closed (RFC 7395 §3.6).
func TestClientClose(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.url)
	r.signIn("agent1", "close")
	r.available()
	r.send("<close xmlns='" + nsFraming + "'/>")
	r.closes()
	h.assertServing()
}

// TestStreamErrors: a bad message after bind ends the stream with the
// stream error, then <close/>.
func TestStreamErrors(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct{ name, send, want string }{
		{"not well-formed", "<iq xmlns='jabber:client' type='get' id='x'><ping xmlns='urn:xmpp:ping'></iq>", "not-well-formed"},
		{"too large", "<message xmlns='jabber:client' to='localhost'><body>" + strings.Repeat("a", 70<<10) + "</body></message>", "policy-violation"},
		{"unknown element", "<foo xmlns='jabber:client'/>", "unsupported-stanza-type"},
		{"other namespace", "<message xmlns='urn:example:other' to='localhost'/>", "invalid-namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, h.url)
			r.signIn("agent1", "bad")
			r.available()
			r.send(tc.send)
			r.streamError(tc.want)
			h.assertServing()
		})
	}
}

// TestNegotiationErrors: failures before bind get the same stream errors
// as on TCP, each followed by <close/>.
func TestNegotiationErrors(t *testing.T) {
	h := start(t, options{negotiation: 300 * time.Millisecond})
	t.Run("not well-formed", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		r.send("<auth xmlns='" + nsSASL + "' mechanism='PLAIN'><oops></auth>")
		r.streamError("not-well-formed")
	})
	t.Run("too many failures", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		for range 5 {
			if got := r.auth("X-UNKNOWN", ""); got != "failure:invalid-mechanism" {
				t.Fatal(got)
			}
		}
		r.streamError("policy-violation")
	})
	t.Run("stanza before authentication", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		r.send("<iq xmlns='jabber:client' type='get' id='x'><ping xmlns='urn:xmpp:ping'/></iq>")
		r.streamError("not-authorized")
	})
	t.Run("timeout", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		r.streamError("connection-timeout")
	})
	t.Run("timeout before open", func(t *testing.T) {
		// The server opens the stream to say why it ends (RFC 7395 §3.6).
		r := dialRaw(t, h.url)
		if msg, name := r.recv(); name != (xml.Name{Space: nsFraming, Local: "open"}) {
			t.Fatalf("want <open/>, got %q", msg)
		}
		r.streamError("connection-timeout")
	})
	t.Run("not open", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.send("<stream:stream xmlns='jabber:client' xmlns:stream='" + nsStream + "' to='localhost' version='1.0'>")
		if msg, name := r.recv(); name != (xml.Name{Space: nsFraming, Local: "open"}) {
			t.Fatalf("want <open/>, got %q", msg)
		}
		r.streamError("invalid-namespace")
	})
	t.Run("foreign domain", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.send("<open xmlns='" + nsFraming + "' to='example.net' version='1.0'/>")
		msg, name := r.recv()
		if name != (xml.Name{Space: nsFraming, Local: "open"}) || attrs(t, msg)["from"] != "localhost" {
			t.Fatalf("want <open/> from localhost, got %q", msg)
		}
		r.streamError("host-unknown")
	})
	t.Run("comment", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		r.send("<!-- a comment -->")
		r.streamError("restricted-xml")
	})
	t.Run("resource too long", func(t *testing.T) {
		r := dialRaw(t, h.url)
		r.open()
		if got := r.auth("PLAIN", plain("", "agent1", "finesse")); got != "success" {
			t.Fatal(got)
		}
		r.open()
		r.send("<iq xmlns='jabber:client' type='set' id='long'><bind xmlns='" + nsBind + "'><resource>" + strings.Repeat("r", 2000) + "</resource></bind></iq>")
		msg, _ := r.recv()
		if a := attrs(t, msg); a["type"] != "error" || a["id"] != "long" || !strings.Contains(msg, "<bad-request") {
			t.Fatalf("want a bad-request iq error, got %q", msg)
		}
	})
	h.assertServing()
}

// TestIdleTimeout: a silent bound stream is closed with
// <connection-timeout/>.
func TestIdleTimeout(t *testing.T) {
	h := start(t, options{idle: 300 * time.Millisecond})
	r := dialRaw(t, h.url)
	r.signIn("agent1", "idle")
	r.available()
	r.streamError("connection-timeout")
	h.assertServing()
}

// TestShutdown: cancelling the handler's context ends negotiations in
// progress with <system-shutdown/>, and the service ends bound sessions the
// same way after presence unavailable from finesse.
func TestShutdown(t *testing.T) {
	h := start(t, options{})
	bound := dialRaw(t, h.url)
	bound.signIn("agent1", "s")
	bound.available()
	negotiating := dialRaw(t, h.url)
	negotiating.open()
	h.stop()
	before := bound.streamError("system-shutdown")
	if len(before) != 1 || attrs(t, before[0])["from"] != "finesse@localhost" || attrs(t, before[0])["type"] != "unavailable" {
		t.Errorf("want presence unavailable from finesse before system-shutdown, got %q", before)
	}
	negotiating.streamError("system-shutdown")
}

// A client that leaves jabber:client off its stanzas, as gosrc.io/xmpp
// does over WebSocket, binds, becomes available, pings and receives its
// events: an element without a namespace is taken as jabber:client, before
// and after authentication. A foreign namespace is still refused.
func TestStanzasWithoutNamespace(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.url)
	r.open()
	if got := r.auth("PLAIN", plain("", "1001", "finesse")); got != "success" {
		t.Fatalf("PLAIN: %s", got)
	}
	r.open()
	r.send(`<iq type="set" id="1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>`)
	msg, name := r.recv()
	if a := attrs(t, msg); name != (xml.Name{Space: "jabber:client", Local: "iq"}) || a["type"] != "result" || a["id"] != "1" || !strings.Contains(msg, "1001@localhost/") {
		t.Fatalf("bind without xmlns: %q", msg)
	}
	r.send(`<presence/>`)
	if msg, name := r.recv(); name.Local != "presence" || attrs(t, msg)["from"] != "finesse@localhost" {
		t.Fatalf("want presence from finesse, got %q", msg)
	}
	r.send(`<iq type="get" id="p1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>`)
	if msg, _ := r.recv(); attrs(t, msg)["type"] != "result" || attrs(t, msg)["id"] != "p1" {
		t.Fatalf("want the answer to the ping, got %q", msg)
	}
	err := h.eng.ChangeState(context.Background(), h.user("1001"), acd.StateRequest{AgentID: "1001", State: model.StateLogin, Extension: "3001", RequestID: "ns-1"})
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := r.recv(); !strings.Contains(msg, "/finesse/api/User/1001") || !strings.Contains(msg, "NOT_READY") {
		t.Fatalf("want the User notification, got %q", msg)
	}
	r.send(`<iq xmlns="urn:example:other" type="get" id="p2"><ping xmlns="urn:xmpp:ping"/></iq>`)
	r.streamError("invalid-namespace")
}
