package loadgen

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// rawSession is a minimal XMPP client for load generation: it negotiates
// with plain string exchanges and then only scans the incoming bytes for
// the requestIds of notifications, so that thousands of sessions cost the
// load generator little and the figures describe the server.
type rawSession struct {
	conn net.Conn
	r    *bufio.Reader
	jid  string
	// early is what the sign-in read past presence from finesse: the
	// notifications the server sends right after it (those committed
	// since the session bound, or missed while it was away).
	early string
}

// dialRaw signs user in over TCP and makes the session available, on
// finessed (finesse) or another XMPP server, upgrading the connection
// with STARTTLS first when startTLS is not nil.
func dialRaw(ctx context.Context, addr, domain, user, password, resource string, ready readiness, startTLS *tls.Config) (*rawSession, error) {
	s, err := openStream(ctx, addr, domain, startTLS)
	if err != nil {
		return nil, fmt.Errorf("sign in %s/%s: %w", user, resource, err)
	}
	if err := s.negotiate(domain, user, password, resource, ready); err != nil {
		s.conn.Close()
		return nil, fmt.Errorf("sign in %s/%s: %w", user, resource, err)
	}
	s.conn.SetDeadline(time.Time{})
	return s, nil
}

// streamHeader opens a client stream to domain.
func streamHeader(domain string) string {
	return "<?xml version='1.0'?><stream:stream to='" + domain +
		"' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
}

// openStream connects to addr and opens a stream to domain, upgraded with
// STARTTLS first when startTLS is not nil, and reads the features: the
// session is ready to sign in (or register), with a 30 s deadline.
func openStream(ctx context.Context, addr, domain string, startTLS *tls.Config) (*rawSession, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	s := &rawSession{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
	err = s.exchange(streamHeader(domain), "</stream:features>")
	if err == nil && startTLS != nil {
		err = s.startTLS(domain, startTLS)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return s, nil
}

// startTLS upgrades the connection (its features read) to TLS and opens
// the stream again over it.
func (s *rawSession) startTLS(domain string, cfg *tls.Config) error {
	io.WriteString(s.conn, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
	got, err := s.readUntil("xmpp-tls")
	if err == nil && !strings.Contains(got, "<proceed") {
		err = fmt.Errorf("STARTTLS refused: %s", got)
	}
	if err != nil {
		return err
	}
	conn := tls.Client(s.conn, xmpptest.TLSFor(cfg, domain))
	if err := conn.Handshake(); err != nil {
		return fmt.Errorf("STARTTLS: %w", err)
	}
	s.conn, s.r = conn, bufio.NewReaderSize(conn, 4096)
	return s.exchange(streamHeader(domain), "</stream:features>")
}

// exchange sends send and reads until marker.
func (s *rawSession) exchange(send, marker string) error {
	if _, err := io.WriteString(s.conn, send); err != nil {
		return err
	}
	_, err := s.readUntil(marker)
	return err
}

func (s *rawSession) negotiate(domain, user, password, resource string, ready readiness) error {
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	presence, readyUntil := readyStep(domain, ready, "")
	steps := []struct{ send, until string }{
		{"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>", "<success"},
		{streamHeader(domain), "</stream:features>"},
		{"<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>", "</iq>"},
		{strings.Join(presence, ""), readyUntil},
	}
	for _, st := range steps {
		if _, err := io.WriteString(s.conn, st.send); err != nil {
			return err
		}
		got, err := s.readUntil(st.until)
		if err != nil {
			return err
		}
		s.early = got
		if strings.Contains(got, "<failure") || strings.Contains(got, "type=\"error\"") {
			return fmt.Errorf("refused: %s", got)
		}
	}
	s.jid = user + "@" + domain + "/" + resource
	return nil
}

// readUntil reads until marker has been seen and returns what was read.
func (s *rawSession) readUntil(marker string) (string, error) {
	var b strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(b.String(), marker) {
		n, err := s.r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String(), err
		}
	}
	return b.String(), nil
}

// subscribe subscribes the session's user, by bare JID, to node on
// service (pubsub.domain) and waits for the answer. A bare-JID
// subscription reaches every session of the user, so thousands of
// sessions of one supervisor need only one (a user may hold at most 100).
func (s *rawSession) subscribe(service, node string) error {
	bare, _, _ := strings.Cut(s.jid, "/")
	_, err := fmt.Fprintf(s.conn, "<iq type='set' id='sub' to='%s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub></iq>", service, node, bare)
	if err != nil {
		return err
	}
	got, err := s.readUntil("</iq>")
	if err == nil && !strings.Contains(got, "subscribed") {
		err = fmt.Errorf("subscribe %s refused: %s", node, got)
	}
	return err
}

// receive reports the requestId of every notification until the
// connection ends. Notifications without one (unsolicited) are not
// reported.
func (s *rawSession) receive(found func(requestID string)) error {
	buf := scanRequestIDs([]byte(s.early), found)
	chunk := make([]byte, 16<<10)
	for {
		n, err := s.r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		buf = scanRequestIDs(buf, found)
		if err != nil {
			return err
		}
	}
}

// available sends the initial presence.
func (s *rawSession) available(func(string)) error {
	_, err := io.WriteString(s.conn, "<presence/>")
	return err
}

// leave closes the stream and leaves the connection to the server to
// close, so that the reader reads all the server wrote before.
func (s *rawSession) leave(func(string)) { io.WriteString(s.conn, "</stream:stream>") }

func (s *rawSession) close() {
	io.WriteString(s.conn, "</stream:stream>")
	s.conn.Close()
}
