package xmpptest

import (
	"context"
	"encoding/xml"
	"fmt"
	"net"
	"strings"
	"sync"

	xwebsocket "golang.org/x/net/websocket"
	"mellium.im/sasl"
	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"
	mwebsocket "mellium.im/xmpp/websocket"

	"github.com/finessed/finessed/model"
)

// Notification is one pubsub event the client received.
type Notification struct {
	Node   string
	ItemID string
	Text   string // the escaped payload, unescaped: the <Update> document
	Update model.Update
}

// Client is one signed-in XMPP session.
type Client struct {
	Session *mxmpp.Session
	JID     string
	Domain  string

	notifications chan Notification
	presences     chan string // the from attribute and type, "from type"
	served        chan error

	mu       sync.Mutex
	received []string // raw top-level element names, for debugging
}

// DialTCP signs user in over XMPP on TCP at addr (host:port), with a
// resource the server picks.
func DialTCP(ctx context.Context, addr, domain, user, password string) (*Client, error) {
	return DialTCPResource(ctx, addr, domain, user, "", password)
}

// DialTCPResource signs user in over XMPP on TCP at addr, binding
// resource: the way a desktop that comes back keeps its full JID.
func DialTCPResource(ctx context.Context, addr, domain, user, resource, password string) (*Client, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	if resource != "" {
		user += "/" + resource
	}
	return start(ctx, conn, domain, user, password, mxmpp.NewNegotiator)
}

// DialWebSocket signs user in over XMPP on WebSocket at url (ws://host/ws).
func DialWebSocket(ctx context.Context, url, domain, user, password string) (*Client, error) {
	cfg, err := xwebsocket.NewConfig(url, "http://localhost/")
	if err != nil {
		return nil, err
	}
	cfg.Protocol = []string{mwebsocket.WSProtocol}
	tcp, err := (&net.Dialer{}).DialContext(ctx, "tcp", cfg.Location.Host)
	if err != nil {
		return nil, fmt.Errorf("sign in %s over WebSocket: %w", user, err)
	}
	ws, err := xwebsocket.NewClient(cfg, tcp)
	if err != nil {
		tcp.Close()
		return nil, fmt.Errorf("sign in %s over WebSocket: %w", user, err)
	}
	ws.PayloadType = xwebsocket.TextFrame
	return start(ctx, ws, domain, user, password, mwebsocket.Negotiator)
}

type negotiatorFunc func(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig) mxmpp.Negotiator

// start signs user (user/resource to bind a resource) in on conn.
func start(ctx context.Context, conn net.Conn, domain, user, password string, neg negotiatorFunc) (*Client, error) {
	location := jid.MustParse(domain)
	local, resource, _ := strings.Cut(user, "/")
	origin, err := jid.New(local, domain, resource)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	bind := mxmpp.BindResource()
	if resource != "" {
		bind = bindResource(resource)
	}
	features := []mxmpp.StreamFeature{mxmpp.SASL("", password, sasl.Plain), bind}
	// Secure: mellium's client offers SASL only on secure streams, and the
	// test servers are cleartext on loopback.
	sess, err := mxmpp.NewSession(ctx, location, origin, conn, mxmpp.Secure, neg(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
		return mxmpp.StreamConfig{Features: features}
	}))
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	c := &Client{
		Session: sess, JID: sess.LocalAddr().String(), Domain: domain,
		notifications: make(chan Notification, 4096), presences: make(chan string, 64), served: make(chan error, 1),
	}
	go func() { c.served <- sess.Serve(mxmpp.HandlerFunc(c.handle)) }()
	return c, nil
}

// Close ends the stream and waits for the client's reader.
func (c *Client) Close() error {
	err := c.Session.Close()
	c.Session.Conn().Close()
	<-c.served
	return err
}

// Send writes raw XML (one or more stanzas) to the server.
func (c *Client) Send(ctx context.Context, raw string) error {
	return c.Session.Send(ctx, xml.NewDecoder(strings.NewReader(raw)))
}

// IQ sends an iq (raw XML with an id) and returns the raw reply.
func (c *Client) IQ(ctx context.Context, raw string) (string, error) {
	resp, err := c.Session.SendIQ(ctx, xml.NewDecoder(strings.NewReader(raw)))
	if err != nil {
		return "", err
	}
	defer resp.Close()
	var b strings.Builder
	e := xml.NewEncoder(&b)
	if _, err := xmlstream.Copy(e, resp); err != nil {
		return "", err
	}
	e.Flush()
	return b.String(), nil
}
