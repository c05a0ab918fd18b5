package c2s_test

import (
	"context"
	"encoding/xml"
	"net"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// TestFeaturesAndSTARTTLS checks what a cleartext stream offers (STARTTLS
// without <required/>, SASL PLAIN only), then upgrades with STARTTLS and
// signs in over TLS.
func TestFeaturesAndSTARTTLS(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	f := r.open()
	if f.StartTLS == nil {
		t.Fatalf("STARTTLS not offered on cleartext: %s", f.raw)
	}
	if f.StartTLS.Required != nil {
		t.Errorf("STARTTLS offered as required: %s", f.raw)
	}
	if got := f.mechanisms(); !slices.Equal(got, []string{"PLAIN"}) {
		t.Errorf("mechanisms %q, want PLAIN only", got)
	}
	if f.Bind != nil {
		t.Errorf("bind offered before authentication: %s", f.raw)
	}

	r.startTLS()

	f = r.open()
	if f.StartTLS != nil {
		t.Errorf("STARTTLS offered again over TLS: %s", f.raw)
	}
	if got := f.mechanisms(); !slices.Equal(got, []string{"PLAIN"}) {
		t.Errorf("mechanisms over TLS %q, want PLAIN only", got)
	}
	f = r.login("agent1", "finesse")
	if f.Bind == nil || f.Mechanisms != nil || f.StartTLS != nil {
		t.Errorf("features after authentication: %s", f.raw)
	}
	if jid := r.bind(ptr("tls")); jid != "1001@localhost/tls" {
		t.Errorf("bound %s, want 1001@localhost/tls", jid)
	}
	r.available()
	r.ping("p1")
	h.assertServing()
}

// TestNoTLSConfigured: without a certificate STARTTLS is not offered and
// PLAIN still is.
func TestNoTLSConfigured(t *testing.T) {
	h := start(t, options{noTLS: true})
	r := dialRaw(t, h.addr)
	f := r.open()
	if f.StartTLS != nil || !slices.Equal(f.mechanisms(), []string{"PLAIN"}) {
		t.Fatalf("features without TLS: %s", f.raw)
	}
	r.login("agent1", "finesse")
	r.bind(ptr("desk"))
	r.available()
}

// TestSASL covers the failures RFC 6120 §6.5 names and the retries of
// §6.4.5: each failure leaves the stream open and a good attempt succeeds
// on the same stream.
func TestSASL(t *testing.T) {
	h := start(t, options{})
	good := plain("", "agent1", "finesse")
	for _, tc := range []struct {
		name string
		bad  func(r *raw) string // returns the answer
		want string
	}{
		{"DIGEST-MD5", func(r *raw) string { return r.auth("DIGEST-MD5", "") }, "failure:invalid-mechanism"},
		{"SCRAM-SHA-1", func(r *raw) string { return r.auth("SCRAM-SHA-1", "biwsbj11c2VyLHI9YWJj") }, "failure:invalid-mechanism"},
		{"wrong password", func(r *raw) string { return r.auth("PLAIN", plain("", "agent1", "wrong")) }, "failure:not-authorized"},
		{"unknown user", func(r *raw) string { return r.auth("PLAIN", plain("", "nobody", "finesse")) }, "failure:not-authorized"},
		{"invalid base64", func(r *raw) string { return r.auth("PLAIN", "not*base64!") }, "failure:incorrect-encoding"},
		{"authzid of another user", func(r *raw) string { return r.auth("PLAIN", plain("1002@localhost", "agent1", "finesse")) }, "failure:invalid-authzid"},
		{"abort instead of auth", func(r *raw) string {
			r.send("<abort xmlns='" + nsSASL + "'/>")
			return r.saslAnswer()
		}, "failure:aborted"},
		{"abort after challenge", func(r *raw) string {
			if got := r.auth("PLAIN", ""); got != "challenge" {
				r.t.Fatalf("PLAIN without initial response: %s, want an empty challenge", got)
			}
			r.send("<abort xmlns='" + nsSASL + "'/>")
			return r.saslAnswer()
		}, "failure:aborted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, h.addr)
			r.open()
			if got := tc.bad(r); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
			if got := r.auth("PLAIN", good); got != "success" {
				t.Fatalf("retry on the same stream: %s", got)
			}
			r.open()
			if jid := r.bind(ptr("retry")); jid != "1001@localhost/retry" {
				t.Fatalf("bound %s", jid)
			}
			r.available()
			h.assertServing()
		})
	}
}

// TestSASLEmptyInitialResponse: PLAIN without an initial response gets an
// empty challenge, and the credentials follow in <response/>.
func TestSASLEmptyInitialResponse(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	r.send("<auth xmlns='" + nsSASL + "' mechanism='PLAIN'/>")
	s := r.element()
	var ch struct {
		XMLName xml.Name
		Text    string `xml:",chardata"`
	}
	if err := xml.Unmarshal([]byte(s), &ch); err != nil || ch.XMLName != (xml.Name{Space: nsSASL, Local: "challenge"}) || ch.Text != "" {
		t.Fatalf("want an empty challenge, got %q", s)
	}
	r.send("<response xmlns='" + nsSASL + "'>" + plain("", "agent1", "finesse") + "</response>")
	if got := r.saslAnswer(); got != "success" {
		t.Fatalf("response: %s", got)
	}
	r.open()
	r.bind(ptr("desk"))
	r.available()
	h.assertServing()
}

// TestSASLOwnAuthzid: an authzid naming the user's own JID is accepted.
func TestSASLOwnAuthzid(t *testing.T) {
	h := start(t, options{})
	for _, authzid := range []string{"1001@localhost", "agent1"} {
		r := dialRaw(t, h.addr)
		r.open()
		if got := r.auth("PLAIN", plain(authzid, "agent1", "finesse")); got != "success" {
			t.Fatalf("authzid %s: %s", authzid, got)
		}
		r.open()
		if jid := r.bind(ptr("z")); jid != "1001@localhost/z" {
			t.Fatalf("authzid %s bound %s", authzid, jid)
		}
	}
}

// TestSASLTooManyFailures: the fifth failure ends the stream with the
// stream error RFC 6120 §6.4.5 recommends.
func TestSASLTooManyFailures(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	for i := range 5 {
		if got := r.auth("DIGEST-MD5", ""); got != "failure:invalid-mechanism" {
			t.Fatalf("attempt %d: %s", i+1, got)
		}
	}
	r.streamError("policy-violation")
	// Those failures were not passwords: agent1 is not locked.
	h.assertServing("agent1")
	h.assertServing()
}

// TestSASLLockout: five bad passwords lock the account as REST does, so
// that on the next stream the right password fails too; other users are
// not affected.
func TestSASLLockout(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	for i := range 5 {
		if got := r.auth("PLAIN", plain("", "agent1", "wrong")); got != "failure:not-authorized" {
			t.Fatalf("attempt %d: %s", i+1, got)
		}
	}
	r.streamError("policy-violation")

	r = dialRaw(t, h.addr)
	r.open()
	if got := r.auth("PLAIN", plain("", "agent1", "finesse")); got != "failure:not-authorized" {
		t.Fatalf("the right password on a locked account: %s", got)
	}
	if _, err := h.eng.Authenticate("agent1", "finesse"); err == nil {
		t.Errorf("REST sign-in works on an account XMPP locked")
	}
	h.assertServing()
}

// TestUsernames: the login name and the loginId both authenticate, in any
// case, and the JID bound is <loginId>@<domain>/<resource>.
func TestUsernames(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct{ user, want string }{
		{"agent1", "1001@localhost/r"},
		{"AGENT1", "1001@localhost/r"},
		{"1001", "1001@localhost/r"},
		{"1001@localhost", "1001@localhost/r"},
		{"admin", "admin@localhost/r"},
		{"ADMIN", "admin@localhost/r"},
		{"Administrator", "admin@localhost/r"},
	} {
		r, jid := signIn(t, h.addr, tc.user, "finesse", "r")
		if jid != tc.want {
			t.Errorf("%s bound %s, want %s", tc.user, jid, tc.want)
		}
		r.send("</stream:stream>")
		r.end()
	}
	h.assertServing()
}

// TestBindResource: the resource asked for is kept; none, or an empty
// one, gets a generated resource.
func TestBindResource(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct {
		name     string
		resource *string
	}{{"none", nil}, {"empty", ptr("")}} {
		r := dialRaw(t, h.addr)
		r.open()
		r.login("agent1", "finesse")
		jid := r.bind(tc.resource)
		res, ok := strings.CutPrefix(jid, "1001@localhost/")
		if !ok || res == "" {
			t.Errorf("%s: bound %q, want 1001@localhost/<generated>", tc.name, jid)
		}
		r.available()
	}
	r, jid := signIn(t, h.addr, "agent1", "finesse", "Finesse Desktop (élan)")
	if jid != "1001@localhost/Finesse Desktop (élan)" {
		t.Errorf("bound %q", jid)
	}
	r.available()
	h.assertServing()
}

// TestBindConflict: a second stream binding the same full JID replaces the
// first, which ends with <conflict/> (RFC 6120 §7.7.2.2).
func TestBindConflict(t *testing.T) {
	h := start(t, options{})
	first, _ := signIn(t, h.addr, "agent1", "finesse", "desk")
	first.available()
	second, jid := signIn(t, h.addr, "AGENT1", "finesse", "desk")
	if jid != "1001@localhost/desk" {
		t.Fatalf("second bound %s", jid)
	}
	first.streamError("conflict")
	second.available()
	second.ping("after-conflict")
	// Another resource of the same user is not a conflict.
	other, _ := signIn(t, h.addr, "agent1", "finesse", "phone")
	other.available()
	second.ping("still-there")
	h.assertServing()
}

// TestStreamErrors: each bad stanza after bind ends that stream with the
// error RFC 6120 §4.9.3 names for it, and nobody else's.
func TestStreamErrors(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct {
		name, send, want string
	}{
		{"not well-formed", "<iq type='get' id='x'><ping xmlns='urn:xmpp:ping'></iq>", "not-well-formed"},
		{"stray end tag", "</iq>", "not-well-formed"},
		{"undefined entity", "<message to='localhost'><body>&bogus;</body></message>", "not-well-formed"},
		{"too large", "<message to='localhost'><body>" + strings.Repeat("a", 70<<10) + "</body></message>", "policy-violation"},
		{"too large in attributes", "<message to='localhost' " + strings.Repeat("a", 70<<10) + "='x'/>", "policy-violation"},
		{"unknown element", "<foo/>", "unsupported-stanza-type"},
		{"unknown element with children", "<query xmlns='jabber:client'><x/></query>", "unsupported-stanza-type"},
		{"other namespace", "<message xmlns='urn:example:other' to='localhost'><body>hi</body></message>", "invalid-namespace"},
		{"jabber:server", "<iq xmlns='jabber:server' type='get' id='s'><ping xmlns='urn:xmpp:ping'/></iq>", "invalid-namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := signIn(t, h.addr, "agent1", "finesse", "bad")
			r.available()
			r.ping("before")
			r.send(tc.send)
			r.streamError(tc.want)
			h.assertServing()
		})
	}
}

// TestStanzaBeforeAuthentication: a stanza sent before SASL ends the
// stream with <not-authorized/> (RFC 6120 §4.9.3.17).
func TestStanzaBeforeAuthentication(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	r.send("<iq type='get' id='early'><ping xmlns='urn:xmpp:ping'/></iq>")
	r.streamError("not-authorized")
	h.assertServing()
}

// TestMalformedDuringNegotiation: bad XML while negotiating is
// <not-well-formed/> as it is afterwards.
func TestMalformedDuringNegotiation(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	r.send("<auth xmlns='" + nsSASL + "' mechanism='PLAIN'><oops></auth>")
	r.streamError("not-well-formed")
	h.assertServing()
}

// TestWhitespaceKeepalives: whitespace between stanzas is a keep-alive,
// not an error (RFC 6120 §4.6.1).
func TestWhitespaceKeepalives(t *testing.T) {
	h := start(t, options{})
	r, _ := signIn(t, h.addr, "agent1", "finesse", "ka")
	r.send(" ")
	r.available()
	r.send("\n")
	r.send("\r\n\t ")
	r.ping("p1")
	r.send(" \n<iq type='get' id='p2' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>\n \n<iq type='get' id='p3' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq> ")
	r.result("p2")
	r.result("p3")
	r.ping("p4")
}

// TestClientEndsStream: the client's </stream:stream> is answered with
// </stream:stream> and the connection is closed (RFC 6120 §4.4).
func TestClientEndsStream(t *testing.T) {
	h := start(t, options{})
	r, _ := signIn(t, h.addr, "agent1", "finesse", "bye")
	r.available()
	r.send("</stream:stream>")
	r.end()
	h.assertServing("agent1")
}

// TestIdleTimeout: a bound stream that stays silent longer than the idle
// timeout is closed (RFC 6120 §4.9.3.4 <connection-timeout/>).
func TestIdleTimeout(t *testing.T) {
	h := start(t, options{idle: 300 * time.Millisecond})
	r, _ := signIn(t, h.addr, "agent1", "finesse", "idle")
	r.available()
	r.streamError("connection-timeout")
	h.assertServing()
}

// TestKeepalivesDeferIdleTimeout: whitespace keep-alives alone keep a
// stream open past the idle timeout (RFC 6120 §4.6.1; Smack 3 and
// hand-rolled clients send nothing else while they wait for
// notifications).
func TestKeepalivesDeferIdleTimeout(t *testing.T) {
	const idle = time.Second
	h := start(t, options{idle: idle})
	r, _ := signIn(t, h.addr, "agent1", "finesse", "ka")
	r.available()
	tick := time.NewTicker(idle / 10)
	defer tick.Stop()
	for range 30 { // three idle timeouts
		<-tick.C
		r.send(" ")
	}
	r.ping("alive")
	r.streamError("connection-timeout")
}

// TestNegotiationTimeout: a connection that never completes negotiation is
// closed, wherever it stalls.
func TestNegotiationTimeout(t *testing.T) {
	h := start(t, options{negotiation: 300 * time.Millisecond})
	t.Run("silent", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		// The server opens a stream of its own to say why it closes this one
		// (RFC 6120 §4.9.1.2).
		r.header()
		r.streamError("connection-timeout")
	})
	t.Run("after features", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.open()
		r.streamError("connection-timeout")
	})
	t.Run("during SASL", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.open()
		if got := r.auth("PLAIN", ""); got != "challenge" {
			t.Fatal(got)
		}
		r.streamError("connection-timeout")
	})
	t.Run("before bind", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.open()
		r.login("agent1", "finesse")
		r.streamError("connection-timeout")
	})
	t.Run("half a header", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.send("<?xml version='1.0'?><stream:stream to='localhost' ")
		r.header()
		r.streamError("connection-timeout")
	})
	t.Run("after STARTTLS", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.open()
		r.startTLS()
		// Silent on the TLS stream: the error comes over TLS.
		r.header()
		r.streamError("connection-timeout")
	})
	t.Run("after STARTTLS and features", func(t *testing.T) {
		r := dialRaw(t, h.addr)
		r.open()
		r.startTLS()
		r.open()
		r.streamError("connection-timeout")
	})
	// A bound session is past negotiation: the timeout no longer applies
	// (the idle timeout, default 2 minutes, does).
	r, _ := signIn(t, h.addr, "agent1", "finesse", "bound")
	r.available()
	// Outlive the negotiation timeout by waiting for a timed-out stream.
	late := dialRaw(t, h.addr)
	late.open()
	late.streamError("connection-timeout")
	r.ping("still-bound")
	h.assertServing()
}

// TestHeaderErrors: a bad stream header gets a stream header and then the
// stream error (RFC 6120 §4.9.1.2, §4.9.3).
func TestHeaderErrors(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct{ name, header, want string }{
		{"wrong element", "<?xml version='1.0'?><foo xmlns='jabber:client'>", "invalid-namespace"},
		{"wrong version", "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='2.0'>", "unsupported-version"},
		{"not well-formed", "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'<<", "not-well-formed"},
		{"foreign domain", "<?xml version='1.0'?><stream:stream to='example.net' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'>", "host-unknown"},
		// RFC 6120 §11.1: no DTD, comment or processing instruction.
		{"doctype", "<?xml version='1.0'?><!DOCTYPE stream>" + streamHeader, "restricted-xml"},
		{"comment", "<!-- hello -->" + streamHeader, "restricted-xml"},
		{"processing instruction", "<?xml-stylesheet href='x'?>" + streamHeader, "restricted-xml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, h.addr)
			r.send(tc.header)
			r.header()
			r.streamError(tc.want)
			h.assertServing()
		})
	}
}

// streamHeader opens a stream to localhost, without an XML declaration.
const streamHeader = "<stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'>"

// TestStreamAddressing: a header without to, or with the domain in
// another case, is answered from the service's domain (RFC 6120 §4.7.1).
func TestStreamAddressing(t *testing.T) {
	h := start(t, options{})
	for _, header := range []string{
		"<stream:stream xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'>",
		"<stream:stream to='LOCALHOST' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'>",
	} {
		r := dialRaw(t, h.addr)
		r.send(header)
		r.header() // from='localhost'
		parseFeatures(t, r.element())
		if got := r.auth("PLAIN", plain("", "agent1", "finesse")); got != "success" {
			t.Fatalf("%s: PLAIN: %s", header, got)
		}
	}
	h.assertServing()
}

// TestRestrictedXML: a comment, processing instruction or DTD anywhere in
// the stream ends it with <restricted-xml/> (RFC 6120 §11.1), before
// authentication and after binding alike. It also pins the mellium error
// text negotiate.restrictedXML recognises.
func TestRestrictedXML(t *testing.T) {
	h := start(t, options{})
	for _, tc := range []struct{ name, send string }{
		{"comment", "<!-- hello -->"},
		{"processing instruction", "<?pi data?>"},
		{"doctype", "<!DOCTYPE x>"},
		{"comment inside auth", "<auth xmlns='" + nsSASL + "' mechanism='PLAIN'><!-- x -->" + plain("", "agent1", "finesse") + "</auth>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, h.addr)
			r.open()
			r.send(tc.send)
			r.streamError("restricted-xml")
		})
		t.Run(tc.name+" after bind", func(t *testing.T) {
			r, _ := signIn(t, h.addr, "agent1", "finesse", "restricted")
			r.available()
			r.send(tc.send)
			r.streamError("restricted-xml")
		})
	}
	h.assertServing()
}

// TestBindRefused: a bind request that cannot be honoured is answered with
// an iq error (RFC 6120 §7.7.2) and the client may try again.
func TestBindRefused(t *testing.T) {
	h := start(t, options{})
	r := dialRaw(t, h.addr)
	r.open()
	r.login("agent1", "finesse")
	for _, tc := range []struct{ name, iq string }{
		{"resource too long", "<iq type='set' id='b1'><bind xmlns='" + nsBind + "'><resource>" + strings.Repeat("r", 2000) + "</resource></bind></iq>"},
		{"get", "<iq type='get' id='b1'><bind xmlns='" + nsBind + "'/></iq>"},
		{"no bind", "<iq type='set' id='b1'><ping xmlns='urn:xmpp:ping'/></iq>"},
	} {
		r.send(tc.iq)
		s := r.element()
		if name, a := attrs(t, s); name != "iq" || a["type"] != "error" || a["id"] != "b1" || !strings.Contains(s, "<bad-request xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>") {
			t.Errorf("%s: want a bad-request iq error, got %q", tc.name, s)
		}
	}
	if jid := r.bind(ptr("after")); jid != "1001@localhost/after" {
		t.Errorf("bound %q after the refusals", jid)
	}
	r.available()
	h.assertServing()
}

// TestServeReturnsOnCancel: cancelling the context stops Serve, which
// closes the listener and waits for its connections (bound, negotiating
// and silent ones), leaving no goroutines behind.
func TestServeReturnsOnCancel(t *testing.T) {
	before := runtime.NumGoroutine()
	h := start(t, options{})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := xmpptest.DialTCP(ctx, h.addr, "localhost", "1001", "finesse")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Available(ctx); err != nil {
		t.Fatal(err)
	}
	bound, _ := signIn(t, h.addr, "agent2", "finesse", "raw")
	bound.available()
	negotiating := dialRaw(t, h.addr)
	negotiating.open()
	silent := dialRaw(t, h.addr)

	h.stop()

	// Bound sessions hear that finesse went away, then system-shutdown.
	if _, err := c.Next(ctx); err == nil || ctx.Err() != nil {
		t.Errorf("the desktop's stream did not end: %v", err)
	}
	queued := bound.streamError("system-shutdown")
	if len(queued) != 1 || !strings.HasPrefix(queued[0], "<presence") || !strings.Contains(queued[0], "finesse@localhost") || !strings.Contains(queued[0], "unavailable") {
		t.Errorf("want presence unavailable from finesse before system-shutdown, got %q", queued)
	}
	negotiating.streamError("system-shutdown")
	// The silent connection may or may not have been accepted before the
	// listener closed; if it was, it is told why it is closed.
	if err := silent.read(); len(silent.pending) > 0 {
		silent.header()
		silent.streamError("system-shutdown")
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("the silent connection was not closed")
	}
	c.Close()
	if _, err := net.DialTimeout("tcp", h.addr, wait); err == nil {
		t.Errorf("the listener still accepts connections")
	}

	// Goroutines end asynchronously after their connections close; allow
	// some slack for the runtime's own.
	var now int
	for range 200 {
		runtime.Gosched()
		now = runtime.NumGoroutine()
		if now <= before+2 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before, %d after:\n%s", before, now, buf[:runtime.Stack(buf, true)])
}
