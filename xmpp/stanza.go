package xmpp

import (
	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

// Namespaces the service speaks.
const (
	NSClient       = "jabber:client"
	NSStanzas      = "urn:ietf:params:xml:ns:xmpp-stanzas"
	NSStreams      = "urn:ietf:params:xml:ns:xmpp-streams"
	NSSession      = "urn:ietf:params:xml:ns:xmpp-session"
	NSPing         = "urn:xmpp:ping"
	NSDiscoInfo    = "http://jabber.org/protocol/disco#info"
	NSDiscoItems   = "http://jabber.org/protocol/disco#items"
	NSRoster       = "jabber:iq:roster"
	NSVCard        = "vcard-temp"
	NSPubSub       = "http://jabber.org/protocol/pubsub"
	NSPubSubOwner  = "http://jabber.org/protocol/pubsub#owner"
	NSPubSubEvent  = "http://jabber.org/protocol/pubsub#event"
	NSPubSubErrors = "http://jabber.org/protocol/pubsub#errors"
	// NSNotification is the namespace of <notification> in Finesse 12.5
	// captures; clients read its text and do not check it.
	NSNotification = "urn:xmpp:push:0"
)

// StreamError is a stream-level error (RFC 6120 §4.9) that ends a session.
type StreamError struct {
	Condition string // e.g. "conflict", "policy-violation"
	Text      string
}

func (e *StreamError) Error() string { return "stream error: " + e.Condition + ": " + e.Text }

// Element renders the <stream:error> element (with a stream prefix
// declaration, so it stands alone on WebSocket and inside a BOSH body).
func (e *StreamError) Element() *etree.Element {
	el := etree.NewElement("stream:error")
	el.CreateAttr("xmlns:stream", "http://etherx.jabber.org/streams")
	el.CreateElement(e.Condition).CreateAttr("xmlns", NSStreams)
	if e.Text != "" {
		t := el.CreateElement("text")
		t.CreateAttr("xmlns", NSStreams)
		t.SetText(e.Text)
	}
	return el
}

// Bytes renders the stream error.
func (e *StreamError) Bytes() []byte { return model.Marshal(e.Element()) }

// stanzaError describes a stanza-level error (RFC 6120 §8.3).
type stanzaError struct {
	kind      string // cancel, modify, auth, wait
	condition string
	appNS     string // an application condition, e.g. pubsub#errors
	appCond   string
	appAttrs  [][2]string
}

var (
	errBadRequest         = stanzaError{kind: "modify", condition: "bad-request"}
	errServiceUnavailable = stanzaError{kind: "cancel", condition: "service-unavailable"}
	errForbidden          = stanzaError{kind: "auth", condition: "forbidden"}
	errItemNotFound       = stanzaError{kind: "cancel", condition: "item-not-found"}
	errNotAllowed         = stanzaError{kind: "cancel", condition: "not-allowed"}
	errInternal           = stanzaError{kind: "wait", condition: "internal-server-error"}
)

// pubsubError is a pubsub stanza error with its pubsub#errors condition.
func pubsubError(base stanzaError, cond string, attrs ...[2]string) stanzaError {
	base.appNS, base.appCond, base.appAttrs = NSPubSubErrors, cond, attrs
	return base
}

func (e stanzaError) element() *etree.Element {
	el := etree.NewElement("error")
	el.CreateAttr("type", e.kind)
	el.CreateElement(e.condition).CreateAttr("xmlns", NSStanzas)
	if e.appCond != "" {
		app := el.CreateElement(e.appCond)
		app.CreateAttr("xmlns", e.appNS)
		for _, a := range e.appAttrs {
			app.CreateAttr(a[0], a[1])
		}
	}
	return el
}

// firstChild is el's first child element, or nil.
func firstChild(el *etree.Element) *etree.Element {
	for _, c := range el.Child {
		if child, ok := c.(*etree.Element); ok {
			return child
		}
	}
	return nil
}

// namespace is el's namespace URI; a stanza without one is in jabber:client.
func namespace(el *etree.Element) string {
	return el.NamespaceURI()
}
