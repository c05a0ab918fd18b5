package xmpptest

import (
	"context"
	"encoding/xml"
	"fmt"
	"strings"
	"sync/atomic"

	"mellium.im/xmlstream"

	"github.com/finessed/finessed/model"
)

// handle receives one top-level element: notifications and presence are
// kept; anything else (iq replies are routed by mellium) is noted.
func (c *Client) handle(t xmlstream.TokenReadEncoder, start *xml.StartElement) error {
	d := xml.NewTokenDecoder(xmlstream.MultiReader(xmlstream.Token(*start), t))
	switch start.Name.Local {
	case "message":
		var m message
		if err := d.Decode(&m); err != nil {
			return err
		}
		for _, it := range m.Event.Items.Item {
			n := Notification{Node: m.Event.Items.Node, ItemID: it.ID, Text: it.Notification}
			if root, err := model.ParseRoot([]byte(it.Notification), "Update"); err == nil {
				n.Update, _ = model.ParseUpdate(root)
			}
			c.notifications <- n
		}
	case "presence":
		var p struct {
			From string `xml:"from,attr"`
			Type string `xml:"type,attr"`
		}
		if err := d.Decode(&p); err != nil {
			return err
		}
		c.presences <- strings.TrimSpace(p.From + " " + p.Type)
	default:
		c.mu.Lock()
		c.received = append(c.received, start.Name.Local)
		c.mu.Unlock()
	}
	return nil
}

var iqIDs atomic.Int64

type message struct {
	Event struct {
		Items struct {
			Node string `xml:"node,attr"`
			Item []struct {
				ID           string `xml:"id,attr"`
				Notification string `xml:"notification"`
			} `xml:"item"`
		} `xml:"items"`
	} `xml:"http://jabber.org/protocol/pubsub#event event"`
}

// Available sends initial presence and waits for presence from finesse, as
// the Finesse desktop does before it reports itself connected.
func (c *Client) Available(ctx context.Context) error {
	if err := c.Send(ctx, "<presence/>"); err != nil {
		return err
	}
	p, err := c.NextPresence(ctx)
	if err != nil {
		return err
	}
	if p != "finesse@"+c.Domain {
		return fmt.Errorf("first presence from %q, want finesse@%s", p, c.Domain)
	}
	return nil
}

// NextPresence waits for the next presence ("from" or "from type").
func (c *Client) NextPresence(ctx context.Context) (string, error) {
	select {
	case p := <-c.presences:
		return p, nil
	case err := <-c.served:
		c.served <- err
		return "", fmt.Errorf("stream ended: %v", err)
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Next waits for the next notification.
func (c *Client) Next(ctx context.Context) (Notification, error) {
	select {
	case n := <-c.notifications:
		return n, nil
	case err := <-c.served:
		c.served <- err
		return Notification{}, fmt.Errorf("stream ended: %v", err)
	case <-ctx.Done():
		return Notification{}, ctx.Err()
	}
}

// Subscribe subscribes the client's full JID to node and returns the raw
// reply (an iq result, or an iq error naming the condition).
func (c *Client) Subscribe(ctx context.Context, node string) (string, error) {
	return c.IQ(ctx, fmt.Sprintf(
		"<iq type='set' id='sub-%d' to='pubsub.%s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub></iq>",
		iqIDs.Add(1), c.Domain, node, c.JID))
}

// Unsubscribe ends the client's full JID's subscription to node and
// returns the raw reply. Subscriptions outlive the session, as in Finesse.
func (c *Client) Unsubscribe(ctx context.Context, node string) (string, error) {
	return c.IQ(ctx, fmt.Sprintf(
		"<iq type='set' id='unsub-%d' to='pubsub.%s'><pubsub xmlns='http://jabber.org/protocol/pubsub'><unsubscribe node='%s' jid='%s'/></pubsub></iq>",
		iqIDs.Add(1), c.Domain, node, c.JID))
}
