package negotiate

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"

	mstream "mellium.im/xmpp/stream"

	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

// build parses s and builds its root element as a top-level stanza.
func build(t *testing.T, s string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			el, err := buildElement(start, d, xmpp.NSClient)
			if err != nil {
				t.Fatal(err)
			}
			return string(model.Marshal(el))
		}
	}
}

// TestBuildElement: namespaces that differ from the parent's survive as
// xmlns attributes, the default jabber:client one does not appear, and
// xml:lang, attributes and text are kept.
func TestBuildElement(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{
			`<iq type='get' id='1' xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'/></iq>`,
			`<iq type="get" id="1"><ping xmlns="urn:xmpp:ping"/></iq>`,
		},
		{
			`<message xmlns='jabber:client' xml:lang='fr' to='a@b'><body>s&apos;il &amp; &lt;x&gt;</body></message>`,
			`<message xml:lang="fr" to="a@b"><body>s&apos;il &amp; &lt;x&gt;</body></message>`,
		},
		{
			`<iq xmlns='jabber:client' type='set' id='2'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/n' jid='j'/></pubsub></iq>`,
			`<iq type="set" id="2"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/n" jid="j"/></pubsub></iq>`,
		},
		{
			// A prefixed child: the prefix goes, its namespace stays.
			`<iq xmlns='jabber:client' type='get' id='3'><p:query xmlns:p='jabber:iq:roster'><p:item jid='x'/></p:query></iq>`,
			`<iq type="get" id="3"><query xmlns="jabber:iq:roster"><item jid="x"/></query></iq>`,
		},
		{
			// A child back in jabber:client under a foreign parent.
			`<message xmlns='jabber:client'><x xmlns='urn:a'><body xmlns='jabber:client'>b</body></x></message>`,
			`<message><x xmlns="urn:a"><body xmlns="jabber:client">b</body></x></message>`,
		},
		{
			`<message xmlns='urn:other'/>`,
			`<message xmlns="urn:other"/>`,
		},
	} {
		if got := build(t, tc.in); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// TestBuildElementNamespaceURI: the namespace the session checks is the
// one the client used.
func TestBuildElementNamespaceURI(t *testing.T) {
	d := xml.NewDecoder(strings.NewReader(`<iq xmlns='jabber:client'><q:query xmlns:q='urn:q'><item/></q:query></iq>`))
	tok, _ := d.Token()
	el, err := buildElement(tok.(xml.StartElement), d, xmpp.NSClient)
	if err != nil {
		t.Fatal(err)
	}
	if ns := el.NamespaceURI(); ns != "" {
		t.Errorf("iq namespace %q, want none (jabber:client by default)", ns)
	}
	q := el.SelectElement("query")
	if q == nil || q.NamespaceURI() != "urn:q" {
		t.Fatalf("query namespace lost")
	}
	// An unprefixed child of a prefixed element is in the default
	// namespace, not the prefix's.
	if ns := q.SelectElement("item").NamespaceURI(); ns != xmpp.NSClient {
		t.Errorf("item namespace %q, want %s", ns, xmpp.NSClient)
	}
}

// TestBuildElementErrors: a truncated or mismatched element is an error
// the read loop turns into not-well-formed.
func TestBuildElementErrors(t *testing.T) {
	for _, in := range []string{
		`<iq xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'></iq>`,
		`<iq xmlns='jabber:client'><ping`,
		`<iq xmlns='jabber:client'>&nope;</iq>`,
	} {
		d := xml.NewDecoder(strings.NewReader(in))
		tok, _ := d.Token()
		_, err := buildElement(tok.(xml.StartElement), d, xmpp.NSClient)
		if err == nil {
			t.Errorf("%s: no error", in)
			continue
		}
		var se *xmpp.StreamError
		if !errors.As(readError(err), &se) || se.Condition != "not-well-formed" {
			t.Errorf("%s: %v is not not-well-formed", in, readError(err))
		}
	}
}

// fixedConn reads from a reader and writes nowhere.
type fixedConn struct {
	net.Conn
	r io.Reader
}

func (c *fixedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// TestLimitConn: reads past MaxStanza since the last reset fail with
// ErrStanzaTooLarge; resetLimit finds the LimitConn under a TLS
// connection.
func TestLimitConn(t *testing.T) {
	lc := &LimitConn{Conn: &fixedConn{r: strings.NewReader(strings.Repeat("x", 3*MaxStanza))}}
	buf := make([]byte, MaxStanza/2)
	for i := range 2 {
		if _, err := io.ReadFull(lc, buf); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	if _, err := lc.Read(buf[:1]); !errors.Is(err, ErrStanzaTooLarge) {
		t.Fatalf("read past the limit: %v", err)
	}

	lc = &LimitConn{Conn: &fixedConn{r: strings.NewReader(strings.Repeat("x", 3*MaxStanza))}}
	tc := tls.Client(lc, &tls.Config{InsecureSkipVerify: true})
	for i := range 4 {
		if _, err := io.ReadFull(lc, buf); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		resetLimit(tc) // as after a complete stanza
	}
	resetLimit(nil)
	resetLimit(&fixedConn{})
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// TestReadError maps what ends a read loop to the stream error RFC 6120
// §4.9.3 names for it.
func TestReadError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string // "" for the error itself
	}{
		{fmt.Errorf("read <iq>: %w", ErrStanzaTooLarge), "policy-violation"},
		{&xml.SyntaxError{Msg: "bad"}, "not-well-formed"},
		{fmt.Errorf("read <iq>: %w", &xml.SyntaxError{Msg: "bad"}), "not-well-formed"},
		{&net.OpError{Op: "read", Err: timeoutError{}}, "connection-timeout"},
		{fmt.Errorf("read <iq>: %w", errors.New("disallowed XML directive encountered")), "restricted-xml"},
		{os.ErrDeadlineExceeded, "connection-timeout"},
		{io.EOF, ""},
		{net.ErrClosed, ""},
	} {
		got := readError(tc.err)
		var se *xmpp.StreamError
		switch {
		case tc.want == "" && got != tc.err:
			t.Errorf("%v: got %v, want it unchanged", tc.err, got)
		case tc.want != "" && (!errors.As(got, &se) || se.Condition != tc.want):
			t.Errorf("%v: got %v, want %s", tc.err, got, tc.want)
		}
	}
}

// TestRefusalError maps why negotiation failed to the stream error.
func TestRefusalError(t *testing.T) {
	for _, tc := range []struct {
		err      error
		stopping bool
		want     string // "" for none
	}{
		{io.EOF, false, ""},
		{io.EOF, true, ""},
		{net.ErrClosed, false, ""},
		{fmt.Errorf("%w: %w", ErrTLS, errors.New("bad record")), false, ""},
		{fmt.Errorf("%w: %w", ErrTLS, os.ErrDeadlineExceeded), true, ""},
		{os.ErrDeadlineExceeded, true, "system-shutdown"},
		{os.ErrDeadlineExceeded, false, "connection-timeout"},
		{ErrTooManyAttempts, false, "policy-violation"},
		{ErrStanzaTooLarge, false, "policy-violation"},
		{ErrTooManyBinds, false, "policy-violation"},
		{fmt.Errorf("stream to example.net: %w", mstream.HostUnknown), false, "host-unknown"},
		{errors.New("disallowed XML comment encountered"), false, "restricted-xml"},
		{errors.New("xmpp: received invalid start to feature of type xml.ProcInst"), false, "restricted-xml"},
		{errors.New("xmpp: received invalid start to feature of type xml.CharData"), false, "not-authorized"},
		{&xml.SyntaxError{Msg: "x"}, false, "not-well-formed"},
		{fmt.Errorf("expected stream open: %w", mstream.InvalidNamespace), false, "invalid-namespace"},
		{mstream.UnsupportedVersion, false, "unsupported-version"},
		{mstream.PolicyViolation, false, "not-authorized"},
		{errors.New("bind failed"), false, "not-authorized"},
	} {
		se := RefusalError(tc.err, tc.stopping)
		switch {
		case tc.want == "" && se != nil:
			t.Errorf("%v (stopping %v): %v, want none", tc.err, tc.stopping, se)
		case tc.want != "" && (se == nil || se.Condition != tc.want):
			t.Errorf("%v (stopping %v): %v, want %s", tc.err, tc.stopping, se, tc.want)
		}
	}
}

func newState(t *testing.T) *State {
	t.Helper()
	return NewState(xmpp.NewService(fixture.Engine(t, fixture.Demo(t), nil), xmpp.Options{}), "test", "192.0.2.1:5000")
}

// TestCheckPlain: PLAIN credentials by login name or id in any case, with
// an optional authzid that must name the same user.
func TestCheckPlain(t *testing.T) {
	st := newState(t)
	for _, tc := range []struct {
		msg  string
		user string // the user, or "" for failure
		fail saslFailure
	}{
		{"\x00agent1\x00finesse", "1001", ""},
		{"\x00AGENT1\x00finesse", "1001", ""},
		{"\x001001\x00finesse", "1001", ""},
		{"\x001001@localhost\x00finesse", "1001", ""},
		{"\x00ADMIN\x00finesse", "admin", ""},
		{"1001@localhost\x00agent1\x00finesse", "1001", ""},
		{"1001@LOCALHOST\x00agent1\x00finesse", "1001", ""},
		{"agent1\x00agent1\x00finesse", "1001", ""},
		{"1002@localhost\x00agent1\x00finesse", "", "invalid-authzid"},
		{"agent2\x00agent1\x00finesse", "", "invalid-authzid"},
		{"\x00agent1\x00Finesse", "", "not-authorized"},
		{"\x00nobody\x00finesse", "", "not-authorized"},
		{"\x00\x00finesse", "", "not-authorized"},
		{"agent1finesse", "", "not-authorized"},
		{"", "", "not-authorized"},
	} {
		u, fail := st.svc.AuthenticatePlain(context.Background(), []byte(tc.msg))
		var got string
		if u != nil {
			got = u.ID
		}
		if got != tc.user || saslFailure(fail) != tc.fail {
			t.Errorf("%q: user %q failure %q, want %q %q", tc.msg, got, fail, tc.user, tc.fail)
		}
	}
}

// TestStreamID: random, hex, distinct.
func TestStreamID(t *testing.T) {
	a, b := StreamID(), StreamID()
	if a == b || len(a) != 16 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("stream ids %q %q", a, b)
	}
}

// TestLimitConnWriteBuffers: a vector written through a LimitConn over
// TCP arrives whole and in order.
func TestLimitConnWriteBuffers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	lc := &LimitConn{Conn: c}
	bufs := net.Buffers{[]byte("<message>"), []byte("<body/>"), []byte("</message>")}
	if n, err := lc.WriteBuffers(&bufs); err != nil || n != 26 {
		t.Fatalf("WriteBuffers = %d, %v", n, err)
	}
	lc.Close()
	if s := <-got; s != "<message><body/></message>" {
		t.Errorf("received %q", s)
	}
}

// vectorConn records the vectors handed to its WriteBuffers.
type vectorConn struct {
	net.Conn
	got []string
}

func (c *vectorConn) WriteBuffers(v *net.Buffers) (int64, error) {
	var n int64
	for _, b := range *v {
		c.got = append(c.got, string(b))
		n += int64(len(b))
	}
	return n, nil
}

// TestLimitConnPassesVectorsOn: over a wrapper of a socket that takes
// vectors itself (the listener's connection tracking), the batch stays
// one vector rather than a write per buffer.
func TestLimitConnPassesVectorsOn(t *testing.T) {
	vc := &vectorConn{}
	lc := &LimitConn{Conn: vc}
	bufs := net.Buffers{[]byte("<a/>"), []byte("<b/>")}
	if n, err := lc.WriteBuffers(&bufs); err != nil || n != 8 || len(vc.got) != 2 {
		t.Fatalf("WriteBuffers = %d, %v; the wrapper saw %q", n, err, vc.got)
	}
}
