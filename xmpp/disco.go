package xmpp

import (
	"errors"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

// serverFeatures are what the server itself (not the pubsub service)
// supports.
var serverFeatures = []string{NSDiscoInfo, NSDiscoItems, NSPing, NSSession, NSRoster, NSVCard}

// pubsubFeatures are the XEP-0060 features of the pubsub service.
var pubsubFeatures = []string{
	NSDiscoInfo, NSDiscoItems, NSPubSub,
	NSPubSub + "#subscribe", NSPubSub + "#retrieve-subscriptions", NSPubSub + "#subscription-notifications",
}

func discoQuery(ns, node string) *etree.Element {
	q := etree.NewElement("query")
	q.CreateAttr("xmlns", ns)
	if node != "" {
		q.CreateAttr("node", node)
	}
	return q
}

func addIdentity(q *etree.Element, category, typ, name string) {
	id := q.CreateElement("identity")
	id.CreateAttr("category", category)
	id.CreateAttr("type", typ)
	if name != "" {
		id.CreateAttr("name", name)
	}
}

func addFeatures(q *etree.Element, features []string) {
	for _, f := range features {
		q.CreateElement("feature").CreateAttr("var", f)
	}
}

// serverInfo answers disco#info to the server.
func (s *Session) serverInfo(payload *etree.Element) *etree.Element {
	q := discoQuery(NSDiscoInfo, payload.SelectAttrValue("node", ""))
	addIdentity(q, "server", "im", "Finesse")
	addFeatures(q, serverFeatures)
	return q
}

// serverItems answers disco#items to the server: the pubsub service.
func (s *Session) serverItems(payload *etree.Element) *etree.Element {
	q := discoQuery(NSDiscoItems, payload.SelectAttrValue("node", ""))
	item := q.CreateElement("item")
	item.CreateAttr("jid", s.svc.pubsub)
	item.CreateAttr("name", "Finesse notifications")
	return q
}

// pubsubInfo answers disco#info to the pubsub service: the service itself,
// or with a node, a leaf node (Smack's getNode insists on that identity).
func (s *Session) pubsubInfo(iq, payload *etree.Element) {
	node := payload.SelectAttrValue("node", "")
	q := discoQuery(NSDiscoInfo, node)
	if node == "" {
		addIdentity(q, "pubsub", "service", "Finesse notifications")
	} else {
		if err := s.svc.engine.Directory().AuthorizeNode(s.user, node); errors.Is(err, acd.ErrNotFound) {
			s.replyError(iq, errItemNotFound)
			return
		}
		addIdentity(q, "pubsub", "leaf", "")
	}
	addFeatures(q, pubsubFeatures)
	s.reply(iq, q)
}

// pubsubItems answers disco#items to the pubsub service with the nodes the
// session receives.
func (s *Session) pubsubItems(iq, payload *etree.Element) {
	q := discoQuery(NSDiscoItems, payload.SelectAttrValue("node", ""))
	if payload.SelectAttrValue("node", "") == "" {
		for _, n := range directory.AutoNodes(s.user) {
			item := q.CreateElement("item")
			item.CreateAttr("jid", s.svc.pubsub)
			item.CreateAttr("node", n)
		}
	}
	s.reply(iq, q)
}
