package c2s_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// Namespaces the tests check conditions against.
const (
	nsStreams = "urn:ietf:params:xml:ns:xmpp-streams"
	nsSASL    = "urn:ietf:params:xml:ns:xmpp-sasl"
	nsTLS     = "urn:ietf:params:xml:ns:xmpp-tls"
	nsBind    = "urn:ietf:params:xml:ns:xmpp-bind"
	nsStream  = "http://etherx.jabber.org/streams"
)

// wait bounds every read and every wait for the server in these tests; it
// is a guard against hanging, never a timing assertion.
const wait = 10 * time.Second

// options vary the test server.
type options struct {
	config      func(*directory.Config)
	noTLS       bool
	negotiation time.Duration
	idle        time.Duration
	// server changes the server before it serves; listener wraps its
	// listener.
	server   func(*c2s.Server)
	listener func(net.Listener) net.Listener
}

// harness is one running service and c2s server on loopback.
type harness struct {
	t    testing.TB
	eng  *acd.Engine
	addr string
	run  *fixture.Background
}

func start(t testing.TB, o options) *harness {
	t.Helper()
	cfg := fixture.Demo(t)
	if o.config != nil {
		o.config(&cfg)
	}
	eng := fixture.Engine(t, cfg, nil)
	svc := xmpp.NewService(eng, xmpp.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &c2s.Server{Service: svc, NegotiationTimeout: o.negotiation, IdleTimeout: o.idle}
	if !o.noTLS {
		srv.TLS = fixture.TLSConfig(t)
	}
	if o.server != nil {
		o.server(srv)
	}
	addr := ln.Addr().String()
	if o.listener != nil {
		ln = o.listener(ln)
	}
	run := fixture.Go(t, svc.Run)
	run.Go(func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	return &harness{t: t, eng: eng, addr: addr, run: run}
}

// stop cancels the server's context and waits for Serve and Run.
func (h *harness) stop() {
	h.t.Helper()
	if err := h.run.Stop(); err != nil {
		h.t.Errorf("stopping the server: %v", err)
	}
}

func (h *harness) user(id string) *acd.User {
	h.t.Helper()
	u, ok := h.eng.Directory().User(id)
	if !ok {
		h.t.Fatalf("no user %s", id)
	}
	return u
}

// assertServing signs a well-behaved desktop in (agent 1002 unless the
// test names another) and waits for its presence from finesse: whatever a
// bad client did, the server still serves everyone else.
func (h *harness) assertServing(user ...string) {
	h.t.Helper()
	who := "1002"
	if len(user) > 0 {
		who = user[0]
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := xmpptest.DialTCP(ctx, h.addr, "localhost", who, "finesse")
	if err != nil {
		h.t.Fatalf("a good client cannot sign in any more: %v", err)
	}
	defer c.Close()
	if err := c.Available(ctx); err != nil {
		h.t.Fatalf("a good client gets no presence from finesse: %v", err)
	}
}

// raw is a hand-written XMPP client: it writes whatever a test gives it
// and reads the server's output one top-level element at a time.
type raw struct {
	t       testing.TB
	conn    net.Conn
	pending []byte // read but not yet returned
}

func dialRaw(t testing.TB, addr string) *raw {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &raw{t: t, conn: conn}
}

func (r *raw) send(s string) {
	r.t.Helper()
	r.conn.SetWriteDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(r.conn, s); err != nil {
		r.t.Fatalf("send %.80q: %v", s, err)
	}
}

// read appends what the server sends next to r.pending.
func (r *raw) read() error {
	buf := make([]byte, 8192)
	r.conn.SetReadDeadline(time.Now().Add(wait))
	n, err := r.conn.Read(buf)
	r.pending = append(r.pending, buf[:n]...)
	return err
}

// next returns the next top-level piece of the server's output: the XML
// declaration, the stream header, one complete element, or the stream's
// end tag.
func (r *raw) next() string {
	r.t.Helper()
	for {
		if s, ok := r.split(); ok {
			return s
		}
		if err := r.read(); err != nil {
			if s, ok := r.split(); ok {
				return s
			}
			r.t.Fatalf("reading from the server: %v (unparsed: %q)", err, r.pending)
		}
	}
}

// split takes one top-level piece off r.pending if it is all there.
func (r *raw) split() (string, bool) {
	trimmed := bytes.TrimLeft(r.pending, " \t\r\n")
	skip := len(r.pending) - len(trimmed)
	take := func(n int) (string, bool) {
		s := string(r.pending[skip : skip+n])
		r.pending = r.pending[skip+n:]
		return s, true
	}
	switch {
	case len(trimmed) == 0:
		return "", false
	case bytes.HasPrefix(trimmed, []byte("<?")):
		if i := bytes.Index(trimmed, []byte("?>")); i >= 0 {
			return take(i + 2)
		}
		return "", false
	case bytes.HasPrefix(trimmed, []byte("<stream:stream")):
		if i := bytes.IndexByte(trimmed, '>'); i >= 0 {
			return take(i + 1)
		}
		return "", false
	case bytes.HasPrefix(trimmed, []byte("</")):
		if i := bytes.IndexByte(trimmed, '>'); i >= 0 {
			return take(i + 1)
		}
		return "", false
	}
	d := xml.NewDecoder(bytes.NewReader(trimmed))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", false
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				return take(int(d.InputOffset()))
			}
		}
	}
}

// element returns the next complete element, skipping nothing.
func (r *raw) element() string {
	r.t.Helper()
	s := r.next()
	if !strings.HasPrefix(s, "<") || strings.HasPrefix(s, "</") || strings.HasPrefix(s, "<?") || strings.HasPrefix(s, "<stream:stream") {
		r.t.Fatalf("want an element, got %q", s)
	}
	return s
}

// open starts (or restarts) the stream and returns the features.
func (r *raw) open() features {
	r.t.Helper()
	r.send("<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='" + nsStream + "' version='1.0'>")
	r.header()
	return parseFeatures(r.t, r.element())
}

// header expects the server's stream header (after an XML declaration).
func (r *raw) header() {
	r.t.Helper()
	for {
		s := r.next()
		if strings.HasPrefix(s, "<?") {
			continue
		}
		if !strings.HasPrefix(s, "<stream:stream") {
			r.t.Fatalf("want a stream header, got %q", s)
		}
		if !strings.Contains(s, "version='1.0'") || !strings.Contains(s, "xmlns='jabber:client'") ||
			!strings.Contains(s, "xmlns:stream='"+nsStream+"'") || !strings.Contains(s, " id='") || !strings.Contains(s, " from='localhost'") {
			r.t.Errorf("stream header %q lacks version, namespaces, id or from", s)
		}
		return
	}
}

// startTLS upgrades the connection with STARTTLS (RFC 6120 §5.4).
func (r *raw) startTLS() {
	r.t.Helper()
	r.send("<starttls xmlns='" + nsTLS + "'/>")
	if name, _ := describe(r.t, r.element()); name.Space != nsTLS || name.Local != "proceed" {
		r.t.Fatalf("want <proceed/>, got %v", name)
	}
	if len(r.pending) > 0 {
		r.t.Fatalf("cleartext after <proceed/>: %q", r.pending)
	}
	tc := tls.Client(r.conn, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"})
	tc.SetDeadline(time.Now().Add(wait))
	if err := tc.Handshake(); err != nil {
		r.t.Fatalf("TLS handshake: %v", err)
	}
	r.conn = tc
}

// features is what a <stream:features/> element offers.
type features struct {
	StartTLS *struct {
		Required *struct{} `xml:"required"`
	} `xml:"urn:ietf:params:xml:ns:xmpp-tls starttls"`
	Mechanisms *struct {
		Mechanism []string `xml:"mechanism"`
	} `xml:"urn:ietf:params:xml:ns:xmpp-sasl mechanisms"`
	Bind *struct{} `xml:"urn:ietf:params:xml:ns:xmpp-bind bind"`
	raw  string
}

func (f features) mechanisms() []string {
	if f.Mechanisms == nil {
		return nil
	}
	return f.Mechanisms.Mechanism
}

func parseFeatures(t testing.TB, s string) features {
	t.Helper()
	var f features
	if !strings.HasPrefix(s, "<stream:features") {
		t.Fatalf("want stream features, got %q", s)
	}
	if err := xml.Unmarshal([]byte(s), &f); err != nil {
		t.Fatalf("features %q: %v", s, err)
	}
	f.raw = s
	return f
}

// name and child describe an element: its name and its first child's.
func describe(t testing.TB, s string) (name, child xml.Name) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return name, child
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			depth++
			switch depth {
			case 1:
				name = tt.Name
			case 2:
				if child.Local == "" {
					child = tt.Name
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// plain is a SASL PLAIN message, base64-encoded.
func plain(authzid, user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(authzid + "\x00" + user + "\x00" + password))
}

// auth sends one <auth/> and returns the server's answer: "success",
// "challenge", or the failure's condition.
func (r *raw) auth(mechanism, payload string) string {
	r.t.Helper()
	r.send("<auth xmlns='" + nsSASL + "' mechanism='" + mechanism + "'>" + payload + "</auth>")
	return r.saslAnswer()
}

func (r *raw) saslAnswer() string {
	r.t.Helper()
	s := r.element()
	name, child := describe(r.t, s)
	if name.Space != nsSASL {
		r.t.Fatalf("SASL answer %q is not in %s", s, nsSASL)
	}
	switch name.Local {
	case "success", "challenge":
		return name.Local
	case "failure":
		if child.Space != nsSASL {
			r.t.Fatalf("failure condition of %q is not in %s", s, nsSASL)
		}
		return "failure:" + child.Local
	}
	r.t.Fatalf("unexpected SASL answer %q", s)
	return ""
}

// login authenticates with PLAIN and restarts the stream, returning the
// features after authentication.
func (r *raw) login(user, password string) features {
	r.t.Helper()
	if got := r.auth("PLAIN", plain("", user, password)); got != "success" {
		r.t.Fatalf("PLAIN %s: %s", user, got)
	}
	return r.open()
}

// bind binds resource (none when omitted) and returns the bound JID.
func (r *raw) bind(resource *string) string {
	r.t.Helper()
	payload := "<bind xmlns='" + nsBind + "'/>"
	if resource != nil {
		payload = "<bind xmlns='" + nsBind + "'><resource>" + *resource + "</resource></bind>"
	}
	r.send("<iq type='set' id='bind-1'>" + payload + "</iq>")
	s := r.element()
	var iq struct {
		Type string `xml:"type,attr"`
		ID   string `xml:"id,attr"`
		JID  string `xml:"urn:ietf:params:xml:ns:xmpp-bind bind>jid"`
	}
	if err := xml.Unmarshal([]byte(s), &iq); err != nil {
		r.t.Fatalf("bind reply %q: %v", s, err)
	}
	if iq.Type != "result" || iq.ID != "bind-1" || iq.JID == "" {
		r.t.Fatalf("bind reply %q", s)
	}
	return iq.JID
}

func ptr(s string) *string { return &s }

// signIn negotiates a whole stream on a new connection: features, PLAIN,
// bind of resource. It returns the bound JID.
func signIn(t testing.TB, addr, user, password, resource string) (*raw, string) {
	t.Helper()
	r := dialRaw(t, addr)
	r.open()
	r.login(user, password)
	return r, r.bind(ptr(resource))
}

// attrs parses an element's name and its type, id, from and to.
func attrs(t testing.TB, s string) (name string, a map[string]string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			a = map[string]string{}
			for _, at := range start.Attr {
				if at.Name.Space == "" {
					a[at.Name.Local] = at.Value
				}
			}
			return start.Name.Local, a
		}
	}
}

// available sends initial presence and expects presence from finesse.
func (r *raw) available() {
	r.t.Helper()
	r.send("<presence/>")
	s := r.element()
	if name, a := attrs(r.t, s); name != "presence" || a["from"] != "finesse@localhost" || a["type"] != "" {
		r.t.Fatalf("want presence from finesse, got %q", s)
	}
}

// ping sends an XEP-0199 ping and expects its result.
func (r *raw) ping(id string) {
	r.t.Helper()
	r.send("<iq type='get' id='" + id + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
	r.result(id)
}

// result expects the result of the iq with id.
func (r *raw) result(id string) {
	r.t.Helper()
	s := r.element()
	if name, a := attrs(r.t, s); name != "iq" || a["type"] != "result" || a["id"] != id {
		r.t.Fatalf("want the result of iq %s, got %q", id, s)
	}
}

// streamError expects a stream error with condition (stanzas queued
// before it are skipped, and returned), then the end of the stream, then
// the connection closed by the server.
func (r *raw) streamError(condition string) (before []string) {
	r.t.Helper()
	for {
		s := r.next()
		if strings.HasPrefix(s, "<stream:error") {
			name, child := describe(r.t, s)
			if name != (xml.Name{Space: nsStream, Local: "error"}) || child != (xml.Name{Space: nsStreams, Local: condition}) {
				r.t.Fatalf("want stream error %s, got %q", condition, s)
			}
			break
		}
		if strings.HasPrefix(s, "</") {
			r.t.Fatalf("the stream ended without an error, want %s", condition)
		}
		before = append(before, s)
	}
	r.end()
	return before
}

// end expects the end of the stream and then the connection closed.
func (r *raw) end() {
	r.t.Helper()
	if s := r.next(); s != "</stream:stream>" {
		r.t.Fatalf("want </stream:stream>, got %q", s)
	}
	r.closed()
}

// closed expects the server to close the connection with nothing more to
// say.
func (r *raw) closed() {
	r.t.Helper()
	for {
		err := r.read()
		if len(bytes.TrimSpace(r.pending)) > 0 {
			r.t.Fatalf("more after the end of the stream: %q", r.pending)
		}
		var ne net.Error
		switch {
		case err == nil:
		case errors.As(err, &ne) && ne.Timeout():
			r.t.Fatalf("the server did not close the connection")
		default:
			return // EOF or reset: closed
		}
	}
}
