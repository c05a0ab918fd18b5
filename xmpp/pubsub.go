package xmpp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

// handlePubSubIQ serves the XEP-0060 subset Finesse clients use: subscribe,
// unsubscribe and the subscriptions list. Clients cannot publish or manage
// nodes; the server alone publishes.
func (s *Session) handlePubSubIQ(ctx context.Context, iq *etree.Element, typ string, payload *etree.Element) {
	switch key(payload) {
	case key2(NSDiscoInfo, "query"):
		s.pubsubInfo(iq, payload)
		return
	case key2(NSDiscoItems, "query"):
		s.pubsubItems(iq, payload)
		return
	case key2(NSPing, "ping"):
		s.reply(iq, nil)
		return
	case key2(NSPubSubOwner, "pubsub"):
		s.replyError(iq, errForbidden)
		return
	case key2(NSPubSub, "pubsub"):
	default:
		s.replyError(iq, errServiceUnavailable)
		return
	}
	op := firstChild(payload)
	if op == nil {
		s.replyError(iq, errBadRequest)
		return
	}
	switch {
	case typ == "set" && op.Tag == "subscribe":
		s.subscribe(ctx, iq, op)
	case typ == "set" && op.Tag == "unsubscribe":
		s.unsubscribe(ctx, iq, op)
	case typ == "get" && op.Tag == "subscriptions":
		s.subscriptions(ctx, iq, op)
	case op.Tag == "items":
		s.replyError(iq, pubsubError(stanzaError{kind: "cancel", condition: "feature-not-implemented"}, "unsupported", [2]string{"feature", "retrieve-items"}))
	default:
		s.replyError(iq, errForbidden)
	}
}

// subscriptionJID checks the jid attribute of a subscribe or unsubscribe:
// the session's own bare or full JID (local part in any case).
func (s *Session) subscriptionJID(op *etree.Element) (string, bool) {
	j := op.SelectAttrValue("jid", "")
	local, rest, ok := strings.Cut(j, "@")
	if !ok || !strings.EqualFold(local, s.user.ID) {
		return "", false
	}
	canonical := s.user.ID + "@" + rest
	if canonical == s.bare || canonical == s.jid {
		return canonical, true
	}
	return "", false
}

// subscriptionTarget reads the node and jid of a subscribe or unsubscribe,
// answering the request itself when either is unusable.
func (s *Session) subscriptionTarget(iq, op *etree.Element) (node, jid string, ok bool) {
	node = op.SelectAttrValue("node", "")
	if node == "" {
		s.replyError(iq, pubsubError(errBadRequest, "nodeid-required"))
		return "", "", false
	}
	if jid, ok = s.subscriptionJID(op); !ok {
		s.replyError(iq, pubsubError(errBadRequest, "invalid-jid"))
	}
	return node, jid, ok
}

func (s *Session) subscribe(ctx context.Context, iq, op *etree.Element) {
	node, jid, ok := s.subscriptionTarget(iq, op)
	if !ok {
		return
	}
	if err := s.svc.engine.Subscribe(ctx, s.user, node, jid); err != nil {
		s.replyError(iq, subscribeError(err))
		return
	}
	s.reply(iq, s.pubsubElement(subscriptionElement(node, jid)))
}

func (s *Session) unsubscribe(ctx context.Context, iq, op *etree.Element) {
	node, jid, ok := s.subscriptionTarget(iq, op)
	if !ok {
		return
	}
	err := s.svc.engine.Unsubscribe(ctx, s.user, node, jid)
	if errors.Is(err, acd.ErrNotSubscribed) && s.autoNode(node) {
		// Auto-subscribed nodes cannot be left; clients that tidy up
		// before disconnecting still deserve a success.
		err = nil
	}
	if err != nil {
		s.replyError(iq, subscribeError(err))
		return
	}
	s.reply(iq, nil)
}

// subscriptions lists the session's user's subscriptions: the automatic
// ones (to the bare JID) and the explicit ones, optionally for one node.
func (s *Session) subscriptions(ctx context.Context, iq, op *etree.Element) {
	only := op.SelectAttrValue("node", "")
	list := etree.NewElement("subscriptions")
	if only != "" {
		list.CreateAttr("node", only)
	}
	add := func(node, jid string) {
		if only == "" || only == node {
			list.AddChild(subscriptionElement(node, jid))
		}
	}
	for _, n := range directory.AutoNodes(s.user) {
		add(n, s.bare)
	}
	explicit, err := s.svc.engine.Subscriptions(ctx, s.user.ID)
	if err != nil {
		slog.Error("list subscriptions", "user", s.user.ID, "err", err)
		s.replyError(iq, errInternal)
		return
	}
	for _, sub := range explicit {
		add(sub.Node, sub.JID)
	}
	s.reply(iq, s.pubsubElement(list))
}

func (s *Session) autoNode(node string) bool {
	for _, n := range directory.AutoNodes(s.user) {
		if n == node {
			return true
		}
	}
	return false
}

func (s *Session) pubsubElement(child *etree.Element) *etree.Element {
	p := etree.NewElement("pubsub")
	p.CreateAttr("xmlns", NSPubSub)
	p.AddChild(child)
	return p
}

func subscriptionElement(node, jid string) *etree.Element {
	sub := etree.NewElement("subscription")
	sub.CreateAttr("node", node)
	sub.CreateAttr("jid", jid)
	sub.CreateAttr("subid", subID(node, jid))
	sub.CreateAttr("subscription", "subscribed")
	return sub
}

// subID is stable for a node and JID, so a client sees the same id for the
// same subscription on either node of a pair.
func subID(node, jid string) string {
	sum := sha256.Sum256([]byte(node + "\x00" + jid))
	return hex.EncodeToString(sum[:12])
}

// subscribeError maps acd's refusals to XEP-0060 errors.
func subscribeError(err error) stanzaError {
	switch {
	case errors.Is(err, acd.ErrNotFound):
		return errItemNotFound
	case errors.Is(err, acd.ErrNotAuthorized):
		return errForbidden
	case errors.Is(err, acd.ErrTooManySubscriptions):
		return pubsubError(stanzaError{kind: "wait", condition: "policy-violation"}, "too-many-subscriptions")
	case errors.Is(err, acd.ErrNotSubscribed):
		return pubsubError(stanzaError{kind: "cancel", condition: "unexpected-request"}, "not-subscribed")
	}
	slog.Error("subscription change", "err", err)
	return errInternal
}
