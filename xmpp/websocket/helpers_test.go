package websocket_test

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	xwebsocket "golang.org/x/net/websocket"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/websocket"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

const (
	nsFraming = "urn:ietf:params:xml:ns:xmpp-framing"
	nsStreams = "urn:ietf:params:xml:ns:xmpp-streams"
	nsStream  = "http://etherx.jabber.org/streams"
	nsSASL    = "urn:ietf:params:xml:ns:xmpp-sasl"
	nsBind    = "urn:ietf:params:xml:ns:xmpp-bind"
)

// wait bounds every read and wait in these tests: a guard against hanging,
// never a timing assertion.
const wait = 10 * time.Second

type options struct {
	config      func(*directory.Config)
	negotiation time.Duration
	idle        time.Duration
}

// harness is a running service with the WebSocket handler at /ws and /ws/.
type harness struct {
	t   testing.TB
	eng *acd.Engine
	url string // ws://host/ws
	run *fixture.Background
}

func start(t testing.TB, o options) *harness {
	t.Helper()
	cfg := fixture.Demo(t)
	if o.config != nil {
		o.config(&cfg)
	}
	eng := fixture.Engine(t, cfg, nil)
	svc := xmpp.NewService(eng, xmpp.Options{})
	run := fixture.Go(t, svc.Run)
	h := &websocket.Handler{Service: svc, Context: run.Context(), NegotiationTimeout: o.negotiation, IdleTimeout: o.idle}
	mux := http.NewServeMux()
	mux.Handle("/ws", h)
	mux.Handle("/ws/", h)
	srv := httptest.NewServer(mux)
	hs := &harness{t: t, eng: eng, url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws", run: run}
	// The service stops first: a session's handler returns only when the
	// session ends, and Close waits for every handler.
	t.Cleanup(func() {
		hs.stop()
		srv.Close()
	})
	return hs
}

// stop cancels the handler's and the service's context and waits for Run.
func (h *harness) stop() {
	h.t.Helper()
	if err := h.run.Stop(); err != nil {
		h.t.Errorf("stopping the service: %v", err)
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

// assertServing signs a good desktop in over WebSocket and waits for its
// presence from finesse.
func (h *harness) assertServing() {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := xmpptest.DialWebSocket(ctx, h.url, "localhost", "1002", "finesse")
	if err != nil {
		h.t.Fatalf("a good client cannot sign in any more: %v", err)
	}
	defer c.Close()
	if err := c.Available(ctx); err != nil {
		h.t.Fatalf("a good client gets no presence from finesse: %v", err)
	}
}

// raw is a hand-written RFC 7395 client: each message it receives must be
// one complete XML element.
type raw struct {
	t  testing.TB
	ws *xwebsocket.Conn
}

func dialRaw(t testing.TB, url string) *raw {
	t.Helper()
	ws, err := dialWS(url, "xmpp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return &raw{t: t, ws: ws}
}

func dialWS(url string, protocols ...string) (*xwebsocket.Conn, error) {
	cfg, err := xwebsocket.NewConfig(url, "http://localhost/")
	if err != nil {
		return nil, err
	}
	cfg.Protocol = protocols
	cfg.Dialer = &net.Dialer{Timeout: wait}
	return xwebsocket.DialConfig(cfg)
}

func (r *raw) send(s string) {
	r.t.Helper()
	r.ws.SetWriteDeadline(time.Now().Add(wait))
	if err := xwebsocket.Message.Send(r.ws, s); err != nil {
		r.t.Fatalf("send %.80q: %v", s, err)
	}
}

// recv returns the next message, checking that it is one XML element that
// parses on its own, and its name.
func (r *raw) recv() (string, xml.Name) {
	r.t.Helper()
	r.ws.SetReadDeadline(time.Now().Add(wait))
	var msg string
	if err := xwebsocket.Message.Receive(r.ws, &msg); err != nil {
		r.t.Fatalf("receive: %v", err)
	}
	return msg, wholeElement(r.t, msg)
}

// wholeElement checks that msg is exactly one well-formed element (RFC
// 7395 §3.3.3) and returns its name.
func wholeElement(t testing.TB, msg string) xml.Name {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(msg))
	var root xml.Name
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("message is not well-formed XML on its own (%v): %.200q", err, msg)
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				root = tt.Name
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(tt)) != "" {
				t.Fatalf("text outside the element: %.200q", msg)
			}
		case xml.ProcInst:
			t.Fatalf("XML declaration in a message: %.200q", msg)
		}
	}
	if roots != 1 || depth != 0 {
		t.Fatalf("message has %d elements, want exactly one: %.200q", roots, msg)
	}
	return root
}

// firstChild is the name of the first child of msg's root element.
func firstChild(t testing.TB, msg string) xml.Name {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(msg))
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.Name{}
		}
		switch tt := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				return tt.Name
			}
		case xml.EndElement:
			depth--
		}
	}
}

// open sends <open/> and expects <open/> and the features.
func (r *raw) open() string {
	r.t.Helper()
	r.send("<open xmlns='" + nsFraming + "' to='localhost' version='1.0'/>")
	msg, name := r.recv()
	if name != (xml.Name{Space: nsFraming, Local: "open"}) {
		r.t.Fatalf("want <open/>, got %q", msg)
	}
	var open struct {
		Version string `xml:"version,attr"`
		ID      string `xml:"id,attr"`
		From    string `xml:"from,attr"`
	}
	xml.Unmarshal([]byte(msg), &open)
	if open.Version != "1.0" || open.ID == "" || open.From != "localhost" {
		r.t.Errorf("<open/> lacks version, id or from: %q", msg)
	}
	msg, name = r.recv()
	if name != (xml.Name{Space: nsStream, Local: "features"}) {
		r.t.Fatalf("want stream features, got %q", msg)
	}
	return msg
}

func plain(authzid, user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(authzid + "\x00" + user + "\x00" + password))
}

// auth sends <auth/> and returns "success", "challenge" or the failure
// condition.
func (r *raw) auth(mechanism, payload string) string {
	r.t.Helper()
	r.send("<auth xmlns='" + nsSASL + "' mechanism='" + mechanism + "'>" + payload + "</auth>")
	msg, name := r.recv()
	if name.Space != nsSASL {
		r.t.Fatalf("SASL answer not in %s: %q", nsSASL, msg)
	}
	if name.Local == "failure" {
		return "failure:" + firstChild(r.t, msg).Local
	}
	return name.Local
}

// signIn opens, authenticates, restarts and binds resource.
func (r *raw) signIn(user, resource string) string {
	r.t.Helper()
	r.open()
	if got := r.auth("PLAIN", plain("", user, "finesse")); got != "success" {
		r.t.Fatalf("PLAIN %s: %s", user, got)
	}
	if f := r.open(); !strings.Contains(f, nsBind) {
		r.t.Fatalf("no bind after authentication: %q", f)
	}
	r.send("<iq xmlns='jabber:client' type='set' id='bind-1'><bind xmlns='" + nsBind + "'><resource>" + resource + "</resource></bind></iq>")
	msg, _ := r.recv()
	var iq struct {
		Type string `xml:"type,attr"`
		JID  string `xml:"urn:ietf:params:xml:ns:xmpp-bind bind>jid"`
	}
	if err := xml.Unmarshal([]byte(msg), &iq); err != nil || iq.Type != "result" {
		r.t.Fatalf("bind: %q %v", msg, err)
	}
	return iq.JID
}

// attrs are a message's root attributes without a namespace.
func attrs(t testing.TB, msg string) map[string]string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(msg))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("parse %q: %v", msg, err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			a := map[string]string{}
			for _, at := range start.Attr {
				if at.Name.Space == "" {
					a[at.Name.Local] = at.Value
				}
			}
			return a
		}
	}
}

func (r *raw) available() {
	r.t.Helper()
	r.send("<presence xmlns='jabber:client'/>")
	msg, name := r.recv()
	if a := attrs(r.t, msg); name.Local != "presence" || a["from"] != "finesse@localhost" || a["type"] != "" {
		r.t.Fatalf("want presence from finesse, got %q", msg)
	}
}

func (r *raw) ping(id string) {
	r.t.Helper()
	r.send("<iq xmlns='jabber:client' type='get' id='" + id + "' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>")
	msg, name := r.recv()
	if a := attrs(r.t, msg); name.Local != "iq" || a["type"] != "result" || a["id"] != id {
		r.t.Fatalf("want the result of ping %s, got %q", id, msg)
	}
}

// streamError expects the stream error with condition (messages before it
// are skipped, and returned), then <close/>, then the connection closed.
func (r *raw) streamError(condition string) (before []string) {
	r.t.Helper()
	for {
		msg, name := r.recv()
		if name == (xml.Name{Space: nsStream, Local: "error"}) {
			if c := firstChild(r.t, msg); c != (xml.Name{Space: nsStreams, Local: condition}) {
				r.t.Fatalf("want stream error %s, got %q", condition, msg)
			}
			break
		}
		if name.Space == nsFraming {
			r.t.Fatalf("want stream error %s, got %q", condition, msg)
		}
		before = append(before, msg)
	}
	r.closes()
	return before
}

// closes expects <close/> and then the connection closed.
func (r *raw) closes() {
	r.t.Helper()
	msg, name := r.recv()
	if name != (xml.Name{Space: nsFraming, Local: "close"}) {
		r.t.Fatalf("want <close/>, got %q", msg)
	}
	r.ws.SetReadDeadline(time.Now().Add(wait))
	var more string
	err := xwebsocket.Message.Receive(r.ws, &more)
	var ne net.Error
	switch {
	case err == nil:
		r.t.Fatalf("a message after <close/>: %q", more)
	case errors.As(err, &ne) && ne.Timeout():
		r.t.Fatalf("the server did not close the connection after <close/>")
	}
}
