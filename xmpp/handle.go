package xmpp

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Handle processes one stanza from the client. It returns a stream error
// when the stanza must end the stream (the caller writes it and closes);
// replies are queued on the session.
func (s *Session) Handle(ctx context.Context, st *etree.Element) *StreamError {
	s.svc.metrics.stanzasIn.WithLabelValues(s.transport).Inc()
	if ns := namespace(st); ns != "" && ns != NSClient {
		return &StreamError{Condition: "invalid-namespace", Text: "stanzas must be in " + NSClient}
	}
	switch st.Tag {
	case "iq":
		s.handleIQ(ctx, st)
	case "presence":
		s.handlePresence(ctx, st)
	case "message":
		if st.SelectAttrValue("type", "") != "error" {
			s.replyError(st, errServiceUnavailable)
		}
	default:
		return &StreamError{Condition: "unsupported-stanza-type", Text: "<" + st.Tag + "> is not a stanza"}
	}
	return nil
}

// handlePresence makes the session available on its initial presence with
// a non-negative priority, and unavailable again on presence unavailable
// or a negative priority. Directed presence and subscription requests are
// not for the notification service and are ignored.
func (s *Session) handlePresence(ctx context.Context, p *etree.Element) {
	if to := p.SelectAttrValue("to", ""); to != "" && to != s.svc.domain {
		return
	}
	switch p.SelectAttrValue("type", "") {
	case "":
		if priority(p) < 0 {
			s.svc.hub.leave(s)
			return
		}
		s.becomeAvailable(ctx)
	case "unavailable":
		s.svc.hub.leave(s)
	}
}

func priority(p *etree.Element) int {
	el := p.SelectElement("priority")
	if el == nil {
		return 0
	}
	n, err := strconv.Atoi(el.Text())
	if err != nil {
		return 0
	}
	return n
}

// becomeAvailable indexes the session and answers with presence from
// finesse; notifications (the missed ones first) follow that presence.
func (s *Session) becomeAvailable(ctx context.Context) {
	s.mu.Lock()
	joined, closed := s.joined, s.closed
	s.mu.Unlock()
	if joined || closed {
		// A closed session's presence (a transport may still hand over
		// what it read before the service closed it) is no desktop.
		return
	}
	desktop := acd.DesktopSession{User: s.user.ID, JID: s.jid, Session: s.nonce, Alone: s.svc.desktopArrives(s.user.ID)}
	replayFrom, replay, err := s.svc.engine.DesktopConnected(ctx, desktop)
	if err != nil {
		slog.Error("desktop connected", "user", s.user.ID, "jid", s.jid, "err", err)
		replay = false
	}
	cursor, joined := s.svc.hub.join(ctx, s, replayFrom, replay)
	if joined {
		return
	}
	// Closed meanwhile, so leave did not see it available: report it gone
	// here, owed what it was owed, or the agent would never be forced out.
	// Even when the arrival seemed to fail, for it may have committed (a
	// shared store's answer lost): the record names this session alone,
	// so reporting its departure cannot undo another's arrival.
	s.departed(ctx, cursor)
}

// departed tells acd that the session, available until now, went away
// having been given every event up to cursor.
func (s *Session) departed(ctx context.Context, cursor acd.EventID) {
	desktop := acd.DesktopSession{User: s.user.ID, JID: s.jid, Session: s.nonce, Alone: s.svc.desktopLeaves(s.user.ID)}
	if err := s.svc.engine.DesktopDisconnected(context.WithoutCancel(ctx), desktop, cursor); err != nil {
		slog.Error("desktop disconnected", "user", s.user.ID, "jid", s.jid, "err", err)
	}
}

// handleIQ answers one iq: exactly one reply per get or set, never silence.
func (s *Session) handleIQ(ctx context.Context, iq *etree.Element) {
	typ := iq.SelectAttrValue("type", "")
	if typ == "result" || typ == "error" {
		return
	}
	payload := firstChild(iq)
	if (typ != "get" && typ != "set") || iq.SelectAttrValue("id", "") == "" || payload == nil {
		s.replyError(iq, errBadRequest)
		return
	}
	to := iq.SelectAttrValue("to", "")
	switch {
	case to == s.svc.pubsub:
		s.handlePubSubIQ(ctx, iq, typ, payload)
	case to == "" || to == s.svc.domain || to == s.bare || to == s.jid:
		s.handleServerIQ(iq, typ, payload)
	default:
		s.replyError(iq, errServiceUnavailable)
	}
}

// handleServerIQ answers what desktops and IM stacks ask the server.
func (s *Session) handleServerIQ(iq *etree.Element, typ string, payload *etree.Element) {
	switch key(payload) {
	case key2(NSSession, "session"), key2(NSPing, "ping"):
		s.reply(iq, nil)
	case key2(NSRoster, "query"):
		if typ == "set" {
			s.replyError(iq, errNotAllowed)
			return
		}
		q := etree.NewElement("query")
		q.CreateAttr("xmlns", NSRoster)
		s.reply(iq, q)
	case key2(NSVCard, "vCard"):
		if typ == "set" {
			s.replyError(iq, errNotAllowed)
			return
		}
		v := etree.NewElement("vCard")
		v.CreateAttr("xmlns", NSVCard)
		s.reply(iq, v)
	case key2(NSDiscoInfo, "query"):
		s.reply(iq, s.serverInfo(payload))
	case key2(NSDiscoItems, "query"):
		s.reply(iq, s.serverItems(payload))
	default:
		s.replyError(iq, errServiceUnavailable)
	}
}

func key(el *etree.Element) string { return key2(namespace(el), el.Tag) }

func key2(ns, local string) string { return ns + " " + local }

// reply answers iq with a result carrying payload (nil for none).
func (s *Session) reply(iq, payload *etree.Element) {
	r := s.answer(iq, "result")
	if payload != nil {
		r.AddChild(payload)
	}
	s.send(model.Marshal(r))
}

// replyError answers st (iq, message or presence) with a stanza error.
func (s *Session) replyError(st *etree.Element, e stanzaError) {
	r := s.answer(st, "error")
	r.AddChild(e.element())
	s.send(model.Marshal(r))
}

// answer starts a reply to st, from whom st was sent to.
func (s *Session) answer(st *etree.Element, typ string) *etree.Element {
	r := etree.NewElement(st.Tag)
	r.CreateAttr("xmlns", NSClient)
	r.CreateAttr("type", typ)
	if id := st.SelectAttrValue("id", ""); id != "" {
		r.CreateAttr("id", id)
	}
	from := st.SelectAttrValue("to", "")
	if from == "" {
		from = s.svc.domain
	}
	r.CreateAttr("from", from)
	r.CreateAttr("to", s.jid)
	return r
}
