package bosh

import (
	"context"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

// stage is how far a session's XMPP stream has come (XEP-0206 §5-6).
type stage int

const (
	stageAuth    stage = iota // SASL expected
	stageRestart              // authenticated, the xbosh restart expected
	stageBind                 // restarted, resource binding expected
	stageBound                // an xmpp.Session is open
)

var bindFeatures = []byte("<stream:features xmlns:stream='" + nsStream + "'>" +
	"<bind xmlns='" + nsBind + "'/>" +
	"<session xmlns='" + xmpp.NSSession + "'><optional/></session></stream:features>")

// notAuthorized ends a session that sent stanzas before binding.
var notAuthorized = &ending{condition: "remote-stream-error", streamErr: &xmpp.StreamError{
	Condition: "not-authorized", Text: "authenticate and bind a resource first",
}}

// processSafely is process, ending the session on a panic instead of
// leaving the rid token taken (which would wedge the session forever).
func (s *session) processSafely(ctx context.Context, b *body) (end *ending) {
	defer func() {
		if v := recover(); v != nil {
			slog.Error("bosh: panic processing a request", "sid", s.sid, "panic", v, "stack", string(debug.Stack()))
			end = &ending{condition: "internal-server-error"}
		}
	}()
	return s.process(ctx, b)
}

// process handles a request's content. Only the request holding the
// token (its rid is next) calls it, without s.mu, so requests are
// processed one at a time and in rid order; what it sends is appended to
// s.pending under the lock. It returns why the session must end, if so.
func (s *session) process(ctx context.Context, b *body) *ending {
	if b.restart {
		s.restart()
		return nil
	}
	for _, el := range b.el.ChildElements() {
		end, stop := s.element(ctx, el)
		if end != nil {
			return end
		}
		if stop {
			return nil
		}
	}
	if b.typ == "terminate" {
		return &ending{}
	}
	return nil
}

// element handles one child of a request body. stop reports that the rest
// of the body must be ignored (the stream already failed).
func (s *session) element(ctx context.Context, el *etree.Element) (end *ending, stop bool) {
	if s.stage == stageAuth {
		if el.NamespaceURI() != nsSASL {
			return notAuthorized, true
		}
		return s.auth(ctx, el), false
	}
	clientNamespace(el)
	if s.stage == stageBound {
		if serr := s.xs.Handle(ctx, el); serr != nil {
			// The core writes what it queued, then the pump ends the
			// BOSH session with the stream error.
			s.xs.Fail(serr)
			return nil, true
		}
		return nil, false
	}
	// stageRestart is accepted too: a client that binds without the
	// restart is lenient to serve and harms no one.
	bind := el.SelectElement("bind")
	if el.Tag != "iq" || bind == nil || bind.NamespaceURI() != nsBind {
		return notAuthorized, true
	}
	return s.bind(el, bind), false
}

// auth handles a SASL element, counting failures.
func (s *session) auth(ctx context.Context, el *etree.Element) *ending {
	user, failure := s.authenticate(ctx, el)
	switch {
	case user != nil:
		s.user, s.stage = user, stageRestart
		s.emit(saslSuccess)
		return nil
	case failure == "":
		s.emit(saslChallenge)
		return nil
	}
	s.emit(saslFailure(failure))
	s.authFailures++
	if s.authFailures >= maxAuthAttempts {
		return &ending{condition: "remote-stream-error", streamErr: &xmpp.StreamError{
			Condition: "not-authorized", Text: "too many failed authentication attempts",
		}}
	}
	return nil
}

// restart answers the xbosh restart with the features of the stage the
// stream is in; after binding it is ignored.
func (s *session) restart() {
	switch s.stage {
	case stageAuth:
		s.emit(mechanismsFeatures)
	case stageRestart, stageBind:
		s.stage = stageBind
		s.emit(bindFeatures)
	}
}

// bind opens the xmpp.Session with the resource the client asked for (a
// random one when it gave none) and starts the session's pump.
func (s *session) bind(iq, bind *etree.Element) *ending {
	if iq.SelectAttrValue("type", "") != "set" {
		s.emit(iqError(iq, "modify", "bad-request"))
		return nil
	}
	resource := ""
	if r := bind.SelectElement("resource"); r != nil {
		resource = strings.TrimSpace(r.Text())
	}
	xs, err := s.h.Service.Open(s.user, resource, "bosh", s.addr)
	if err != nil {
		// A malformed resource, or the service is stopping.
		s.emit(iqError(iq, "modify", "bad-request"))
		return nil
	}
	res := etree.NewElement("iq")
	res.CreateAttr("xmlns", xmpp.NSClient)
	res.CreateAttr("type", "result")
	if id := iq.SelectAttrValue("id", ""); id != "" {
		res.CreateAttr("id", id)
	}
	b := res.CreateElement("bind")
	b.CreateAttr("xmlns", nsBind)
	b.CreateElement("jid").SetText(xs.JID())

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.end != nil || !s.h.addPump() {
		// The session ended (or the Handler closed) while binding.
		xs.Close()
		if s.end == nil {
			s.endLocked(&ending{condition: "system-shutdown"})
		}
		return nil
	}
	s.xs, s.stage = xs, stageBound
	s.h.settle(s)
	s.pending = append(s.pending, item{raw: model.Marshal(res)})
	go s.pump(xs)
	return nil
}

// emit queues one of BOSH's own elements for the client.
func (s *session) emit(raw []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, item{raw: raw})
	s.mu.Unlock()
}

// iqError answers an iq with a stanza error.
func iqError(iq *etree.Element, kind, condition string) []byte {
	r := etree.NewElement("iq")
	r.CreateAttr("xmlns", xmpp.NSClient)
	r.CreateAttr("type", "error")
	if id := iq.SelectAttrValue("id", ""); id != "" {
		r.CreateAttr("id", id)
	}
	e := r.CreateElement("error")
	e.CreateAttr("type", kind)
	e.CreateElement(condition).CreateAttr("xmlns", xmpp.NSStanzas)
	return model.Marshal(r)
}

// clientNamespace puts a stanza in jabber:client when it has no namespace
// of its own and so would inherit the wrapper's (XEP-0206 §8).
func clientNamespace(el *etree.Element) {
	if el.Space != "" {
		return
	}
	if ns := el.NamespaceURI(); ns == NSHTTPBind || ns == "" {
		el.CreateAttr("xmlns", xmpp.NSClient)
	}
}
