package loadgen

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
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
// finessed (finesse) or another XMPP server.
func dialRaw(ctx context.Context, addr, domain, user, password, resource string, ready readiness) (*rawSession, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &rawSession{conn: conn, r: bufio.NewReaderSize(conn, 4096)}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if err := s.negotiate(domain, user, password, resource, ready); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sign in %s/%s: %w", user, resource, err)
	}
	conn.SetDeadline(time.Time{})
	return s, nil
}

func (s *rawSession) negotiate(domain, user, password, resource string, ready readiness) error {
	header := "<?xml version='1.0'?><stream:stream to='" + domain +
		"' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	presence, readyUntil := readyStep(domain, ready, "")
	steps := []struct{ send, until string }{
		{header, "</stream:features>"},
		{"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>", "<success"},
		{header, "</stream:features>"},
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
