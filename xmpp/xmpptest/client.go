package xmpptest

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"net"
	"strings"
	"sync"

	"mellium.im/sasl"
	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"

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
	return Dialer{}.TCP(ctx, addr, domain, user, "", password)
}

// DialTCPResource signs user in over XMPP on TCP at addr, binding
// resource: the way a desktop that comes back keeps its full JID.
func DialTCPResource(ctx context.Context, addr, domain, user, resource, password string) (*Client, error) {
	return Dialer{}.TCP(ctx, addr, domain, user, resource, password)
}

// DialWebSocket signs user in over XMPP on WebSocket at url (ws://host/ws).
func DialWebSocket(ctx context.Context, url, domain, user, password string) (*Client, error) {
	return Dialer{}.WebSocket(ctx, url, domain, user, password)
}

type negotiatorFunc func(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig) mxmpp.Negotiator

// start signs user (user/resource to bind a resource) in on conn, first
// upgrading it with STARTTLS when startTLS is not nil.
func start(ctx context.Context, conn net.Conn, domain, user, password string, neg negotiatorFunc, startTLS *tls.Config) (*Client, error) {
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
	// test servers are cleartext on loopback; with STARTTLS the stream
	// becomes secure once the upgrade is done.
	state := mxmpp.Secure
	if startTLS != nil {
		features = append([]mxmpp.StreamFeature{mxmpp.StartTLS(startTLS)}, features...)
		state = 0
	}
	sess, err := mxmpp.NewSession(ctx, location, origin, conn, state, neg(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
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
