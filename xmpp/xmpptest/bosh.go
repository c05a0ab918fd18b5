package xmpptest

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

const nsHTTPBind = "http://jabber.org/protocol/httpbind"

// BOSHClient is a desktop on BOSH (XEP-0124/0206), written from the XEPs:
// one long poll always held (hold=1), stanzas sent in requests of their
// own, every response's children dispatched as they arrive.
type BOSHClient struct {
	URL    string
	JID    string
	Domain string

	http *http.Client
	sid  string
	rid  atomic.Int64

	notifications chan Notification
	presences     chan string
	done          chan struct{}
	closing       atomic.Bool
	polling       sync.WaitGroup

	mu  sync.Mutex
	iqs map[string]chan *etree.Element
}

// DialBOSH signs user in over BOSH at url (http://host:port/http-bind).
func DialBOSH(ctx context.Context, url, domain, user, password string) (*BOSHClient, error) {
	return Dialer{}.BOSH(ctx, url, domain, user, password)
}

func dialBOSH(ctx context.Context, client *http.Client, url, domain, user, password string) (*BOSHClient, error) {
	c := &BOSHClient{
		URL: url, Domain: domain, http: client,
		notifications: make(chan Notification, 4096), presences: make(chan string, 64),
		done: make(chan struct{}), iqs: map[string]chan *etree.Element{},
	}
	c.rid.Store(4_000_000)
	if err := c.negotiate(ctx, user, password); err != nil {
		return nil, fmt.Errorf("sign in %s over BOSH: %w", user, err)
	}
	c.polling.Add(1)
	go c.poll()
	return c, nil
}

func (c *BOSHClient) negotiate(ctx context.Context, user, password string) error {
	body, err := c.post(ctx, fmt.Sprintf("<body rid='%d' to='%s' wait='30' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh' xmlns='%s'/>", c.rid.Load(), c.Domain, nsHTTPBind))
	if err != nil {
		return err
	}
	c.sid = body.SelectAttrValue("sid", "")
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	if body, err = c.request(ctx, "", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"+plain+"</auth>"); err != nil {
		return err
	}
	if body.SelectElement("success") == nil {
		return fmt.Errorf("SASL refused: %s", refusal(body))
	}
	if _, err := c.request(ctx, " xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'", ""); err != nil {
		return err
	}
	if body, err = c.request(ctx, "", "<iq xmlns='jabber:client' type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bosh</resource></bind></iq>"); err != nil {
		return err
	}
	jid := body.FindElement("iq/bind/jid")
	if jid == nil {
		return fmt.Errorf("bind refused: %s", refusal(body))
	}
	c.JID = jid.Text()
	return nil
}

// request sends payload in a request of its own and returns the response.
func (c *BOSHClient) request(ctx context.Context, attrs, payload string) (*etree.Element, error) {
	return c.post(ctx, fmt.Sprintf("<body rid='%d' sid='%s'%s xmlns='%s'>%s</body>", c.rid.Add(1), c.sid, attrs, nsHTTPBind, payload))
}

func (c *BOSHClient) post(ctx context.Context, data string) (*etree.Element, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, strings.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %s: %s", resp.Status, raw)
	}
	return model.ParseRoot(raw, "body")
}

// poll keeps one request held and dispatches what comes back.
func (c *BOSHClient) poll() {
	defer c.polling.Done()
	defer close(c.done)
	for !c.closing.Load() {
		body, err := c.request(context.Background(), "", "")
		if err != nil || c.dispatch(body) {
			return
		}
	}
}

// dispatch hands out a response's stanzas; it reports a terminate.
func (c *BOSHClient) dispatch(body *etree.Element) bool {
	for _, st := range body.ChildElements() {
		switch st.Tag {
		case "message":
			c.notification(st)
		case "presence":
			c.presences <- strings.TrimSpace(st.SelectAttrValue("from", "") + " " + st.SelectAttrValue("type", ""))
		case "iq":
			c.mu.Lock()
			ch := c.iqs[st.SelectAttrValue("id", "")]
			c.mu.Unlock()
			if ch != nil {
				ch <- st
			}
		}
	}
	return body.SelectAttrValue("type", "") == "terminate"
}

func (c *BOSHClient) notification(msg *etree.Element) {
	items := msg.FindElement("event/items")
	if items == nil {
		return
	}
	for _, it := range items.SelectElements("item") {
		n := Notification{Node: items.SelectAttrValue("node", ""), ItemID: it.SelectAttrValue("id", "")}
		if el := it.SelectElement("notification"); el != nil {
			n.Text = el.Text()
		}
		if root, err := model.ParseRoot([]byte(n.Text), "Update"); err == nil {
			n.Update, _ = model.ParseUpdate(root)
		}
		c.notifications <- n
	}
}

// Send sends raw stanzas in a request of their own; what the server
// answers arrives through the poll.
func (c *BOSHClient) Send(ctx context.Context, raw string) error {
	body, err := c.request(ctx, "", raw)
	if err == nil && c.dispatch(body) {
		err = fmt.Errorf("terminated")
	}
	return err
}

// IQ sends an iq with the given id and returns the raw reply.
func (c *BOSHClient) IQ(ctx context.Context, id, raw string) (string, error) {
	ch := make(chan *etree.Element, 1)
	c.mu.Lock()
	c.iqs[id] = ch
	c.mu.Unlock()
	defer func() { c.mu.Lock(); delete(c.iqs, id); c.mu.Unlock() }()
	if err := c.Send(ctx, raw); err != nil {
		return "", err
	}
	select {
	case reply := <-ch:
		return string(model.Marshal(reply)), nil
	case <-c.done:
		return "", fmt.Errorf("session ended")
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Available sends initial presence and waits for presence from finesse.
func (c *BOSHClient) Available(ctx context.Context) error {
	if err := c.Send(ctx, "<presence xmlns='jabber:client'/>"); err != nil {
		return err
	}
	select {
	case p := <-c.presences:
		if p != "finesse@"+c.Domain {
			return fmt.Errorf("first presence from %q", p)
		}
		return nil
	case <-c.done:
		return fmt.Errorf("session ended")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Subscribe subscribes the client's full JID to node.
func (c *BOSHClient) Subscribe(ctx context.Context, node string) (string, error) {
	id := fmt.Sprintf("sub-%d", iqIDs.Add(1))
	return c.IQ(ctx, id, fmt.Sprintf(
		"<iq xmlns='jabber:client' type='set' id='%s' to='pubsub.%s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub></iq>",
		id, c.Domain, node, c.JID))
}

// Unsubscribe ends the client's full JID's subscription to node.
func (c *BOSHClient) Unsubscribe(ctx context.Context, node string) (string, error) {
	id := fmt.Sprintf("unsub-%d", iqIDs.Add(1))
	return c.IQ(ctx, id, fmt.Sprintf(
		"<iq xmlns='jabber:client' type='set' id='%s' to='pubsub.%s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><unsubscribe node='%s' jid='%s'/></pubsub></iq>",
		id, c.Domain, node, c.JID))
}

// Next waits for the next notification.
func (c *BOSHClient) Next(ctx context.Context) (Notification, error) {
	select {
	case n := <-c.notifications:
		return n, nil
	case <-c.done:
		return Notification{}, fmt.Errorf("session ended")
	case <-ctx.Done():
		return Notification{}, ctx.Err()
	}
}

// Close terminates the session and waits for the poll to end.
func (c *BOSHClient) Close() error {
	c.closing.Store(true)
	_, err := c.post(context.Background(), fmt.Sprintf("<body rid='%d' sid='%s' type='terminate' xmlns='%s'><presence xmlns='jabber:client' type='unavailable'/></body>", c.rid.Add(1), c.sid, nsHTTPBind))
	c.polling.Wait()
	return err
}
