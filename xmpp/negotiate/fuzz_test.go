package negotiate

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net"
	"testing"
	"time"

	mxmpp "mellium.im/xmpp"

	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/xmpp"
)

// scriptConn is a client that sends a fixed script and then goes away:
// reads come from the script and end in EOF, writes are dropped. Without
// a peer to wait on, every input ends in a bounded number of steps.
//
// A read ends at a '>', as if the client sent an element at a time: a
// stream restart starts a new decoder, and one that had read ahead into
// the new header would lose it, which a real client, waiting for
// <success/> before it restarts, never makes happen.
type scriptConn struct {
	rest []byte
}

func (c *scriptConn) Read(p []byte) (int, error) {
	if len(c.rest) == 0 {
		return 0, io.EOF
	}
	n := bytes.IndexByte(c.rest, '>') + 1
	if n == 0 || n > len(p) {
		n = min(len(c.rest), len(p))
	}
	copy(p, c.rest[:n])
	c.rest = c.rest[n:]
	return n, nil
}

func (c *scriptConn) Write(p []byte) (int, error)      { return len(p), nil }
func (c *scriptConn) Close() error                     { return nil }
func (c *scriptConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptConn) SetWriteDeadline(time.Time) error { return nil }

// discardFraming is a Framing that writes nowhere.
type discardFraming struct{}

func (discardFraming) WriteBatch(*xmpp.Batch) error     { return nil }
func (discardFraming) WriteEnd(*xmpp.StreamError) error { return nil }
func (discardFraming) Close() error                     { return nil }
func (discardFraming) IsClose(name xml.Name) bool       { return false }

func plainPayload(authzid, user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(authzid + "\x00" + user + "\x00" + password))
}

const fuzzHeader = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

// FuzzNegotiate feeds arbitrary bytes to the server as a client's TCP
// stream: negotiation (header, SASL PLAIN, restart, bind) and, when that
// binds a session, the stanza loop. Nothing may panic or hang, a failed
// negotiation must map to a stream error or to none, and a stream that
// negotiated must have a session.
func FuzzNegotiate(f *testing.F) {
	login := fuzzHeader +
		"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plainPayload("", "agent1", "finesse") + "</auth>" +
		fuzzHeader +
		"<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>fuzz</resource></bind></iq>"
	for _, seed := range []string{
		fuzzHeader,
		login,
		login + "<presence/><iq type='get' id='p' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>" +
			"<iq type='set' id='s' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='/finesse/api/User/1001' jid='1001@localhost'/></pubsub></iq>" +
			"<presence type='unavailable'/></stream:stream>",
		fuzzHeader + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/><response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + plainPayload("1001@localhost", "1001", "finesse") + "</response>",
		fuzzHeader + "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/><abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
		fuzzHeader + "<!-- x -->",
		"<stream:stream to='example.net' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
	} {
		f.Add([]byte(seed))
	}
	cfg := fixture.Demo(f)
	// Failed attempts must not lock the one account the seeds sign in
	// with, or later inputs could never get past SASL.
	cfg.Settings.LockoutAttempts = 1 << 30
	svc := xmpp.NewService(fixture.Engine(f, cfg, nil), xmpp.Options{})
	fixture.Go(f, svc.Run)
	f.Fuzz(func(t *testing.T, script []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			negotiateScript(t, svc, script)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second): // a guard against hanging, not a timing check
			t.Fatalf("negotiating %q did not end", script)
		}
	})
}

// negotiateScript runs one connection as c2s does, over a scripted client.
// It runs off the test's goroutine, so it reports with Errorf.
func negotiateScript(t *testing.T, svc *xmpp.Service, script []byte) {
	conn := &LimitConn{Conn: &scriptConn{rest: script}}
	st := NewState(svc, "fuzz", "192.0.2.1:5000")
	ctx := context.Background()
	ms, err := st.Receive(ctx, conn, mxmpp.NewNegotiator(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
		return mxmpp.StreamConfig{Features: st.Features(nil)}
	}))
	if err != nil {
		if st.Session != nil {
			st.Session.Close()
		}
		if se := RefusalError(err, false); se != nil && se.Condition == "" {
			t.Errorf("%v maps to a stream error without a condition", err)
		}
		return
	}
	if st.Session == nil {
		t.Errorf("negotiation of %q succeeded without a session", script)
	}
	Serve(ctx, ms, st.Session, discardFraming{}, time.Minute)
}
