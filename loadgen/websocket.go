package loadgen

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	xwebsocket "golang.org/x/net/websocket"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// wsSession is the load generator's XMPP-over-WebSocket client (RFC
// 7395): one stanza per message, scanned as text like rawSession's.
type wsSession struct {
	ws  *xwebsocket.Conn
	jid string
}

// dialWebSocket signs user in at url (ws://host:7071/ws, or wss:// over
// TLS configured by tlsConfig) and makes the session available.
func dialWebSocket(ctx context.Context, url, domain, user, password, resource string, ready readiness, tlsConfig *tls.Config) (*wsSession, error) {
	ws, err := xmpptest.WebSocketConn(ctx, url, "xmpp", tlsConfig)
	if err != nil {
		return nil, err
	}
	s := &wsSession{ws: ws}
	ws.SetDeadline(time.Now().Add(30 * time.Second))
	if err := s.negotiate(domain, user, password, resource, ready); err != nil {
		ws.Close()
		return nil, fmt.Errorf("sign in %s/%s over WebSocket: %w", user, resource, err)
	}
	ws.SetDeadline(time.Time{})
	return s, nil
}

func (s *wsSession) negotiate(domain, user, password, resource string, ready readiness) error {
	open := "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='" + domain + "' version='1.0'/>"
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	presence, readyUntil := readyStep(domain, ready, " xmlns='jabber:client'")
	// A message holds whole elements, so "features" is seen only once the
	// features are complete, whether or not they carry the stream: prefix.
	steps := []struct{ send, until string }{
		{open, "features"},
		{"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>", "success"},
		{open, "features"},
		{"<iq type='set' id='bind' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>", "</iq>"},
	}
	// One stanza a message (RFC 7395): the ready step's go one by one, and
	// only the last waits.
	for i, send := range presence {
		until := ""
		if i == len(presence)-1 {
			until = readyUntil
		}
		steps = append(steps, struct{ send, until string }{send, until})
	}
	for _, st := range steps {
		got, err := s.exchange(st.send, st.until)
		if err != nil {
			return err
		}
		if strings.Contains(got, "<failure") || strings.Contains(got, "type=\"error\"") || strings.Contains(got, "type='error'") {
			return fmt.Errorf("refused: %s", got)
		}
	}
	s.jid = user + "@" + domain + "/" + resource
	return nil
}

// exchange sends one message and reads messages until marker was seen.
func (s *wsSession) exchange(send, marker string) (string, error) {
	if err := xwebsocket.Message.Send(s.ws, send); err != nil {
		return "", err
	}
	var seen strings.Builder
	for !strings.Contains(seen.String(), marker) {
		var msg string
		if err := xwebsocket.Message.Receive(s.ws, &msg); err != nil {
			return seen.String(), err
		}
		seen.WriteString(msg)
	}
	return seen.String(), nil
}

// subscribe subscribes the user's bare JID to node on service.
func (s *wsSession) subscribe(service, node string) error {
	bare, _, _ := strings.Cut(s.jid, "/")
	got, err := s.exchange(fmt.Sprintf("<iq type='set' id='sub' to='%s' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub></iq>", service, node, bare), "</iq>")
	if err == nil && !strings.Contains(got, "subscribed") {
		err = fmt.Errorf("subscribe %s refused: %s", node, got)
	}
	return err
}

// receive reports requestIds until the connection ends. It reads the
// messages' payloads as one stream, as rawSession does, rather than a
// string a message: the generator's own allocations were what capped a
// WebSocket run.
func (s *wsSession) receive(found func(requestID string)) error {
	var buf []byte
	chunk := make([]byte, 16<<10)
	for {
		n, err := s.ws.Read(chunk)
		buf = append(buf, chunk[:n]...)
		buf = scanRequestIDs(buf, found)
		if err != nil {
			return err
		}
	}
}

// available sends the initial presence.
func (s *wsSession) available(func(string)) error {
	return xwebsocket.Message.Send(s.ws, "<presence xmlns='jabber:client'/>")
}

// leave closes the stream and leaves the connection to the server to
// close, so that the reader reads all the server wrote before.
func (s *wsSession) leave(func(string)) {
	xwebsocket.Message.Send(s.ws, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")
}

func (s *wsSession) close() {
	xwebsocket.Message.Send(s.ws, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")
	s.ws.Close()
}
