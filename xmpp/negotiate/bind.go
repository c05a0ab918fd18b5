package negotiate

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"

	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

const nsBind = "urn:ietf:params:xml:ns:xmpp-bind"

// maxBindAttempts bounds the bind requests refused on one stream, as
// maxAuthAttempts does for SASL.
const maxBindAttempts = 5

// ErrTooManyBinds ends a stream whose bind requests were refused too often.
var ErrTooManyBinds = errors.New("negotiate: too many refused bind requests")

// bindResource is resource binding done here rather than by mellium's
// BindCustom, which answers a refused resource with an iq of type result
// holding the error inside <bind>, and then ends negotiation with nothing
// bound. A refused request gets a proper iq error (RFC 6120 §7.7.2) and the
// client may try again, as over BOSH.
func (st *State) bindResource() mxmpp.StreamFeature {
	return mxmpp.StreamFeature{
		Name:       xml.Name{Space: nsBind, Local: "bind"},
		Necessary:  mxmpp.Authn,
		Prohibited: mxmpp.Ready,
		List:       listEmpty(xml.Name{Space: nsBind, Local: "bind"}, true),
		Negotiate: func(ctx context.Context, s *mxmpp.Session, _ interface{}) (mxmpp.SessionState, io.ReadWriter, error) {
			for range maxBindAttempts {
				reply, err := st.bindAttempt(s)
				if err != nil {
					return 0, nil, err
				}
				if err := writeRaw(s, string(model.Marshal(reply))); err != nil {
					return 0, nil, err
				}
				if st.Session != nil {
					return mxmpp.Ready, nil, nil
				}
			}
			return 0, nil, ErrTooManyBinds
		},
	}
}

// bindRequest is the iq a client binds with.
type bindRequest struct {
	XMLName xml.Name
	Type    string `xml:"type,attr"`
	ID      string `xml:"id,attr"`
	Bind    *struct {
		Resource string `xml:"resource"`
	} `xml:"urn:ietf:params:xml:ns:xmpp-bind bind"`
}

// bindAttempt reads one bind request and opens the session it asks for,
// keeping the requested resource. It returns the reply: the bound JID, or
// an iq error when the request or its resource is refused.
func (st *State) bindAttempt(s *mxmpp.Session) (*etree.Element, error) {
	var req bindRequest
	if err := readElement(s, &req); err != nil {
		return nil, err
	}
	// Over WebSocket a stanza is a document of its own, and some clients
	// (gosrc.io/xmpp) leave jabber:client off it: no namespace counts as
	// jabber:client, as it does after binding.
	if req.XMLName.Local != "iq" || (req.XMLName.Space != xmpp.NSClient && req.XMLName.Space != "") {
		// Any other stanza before binding: RefusalError calls it
		// not-authorized.
		return nil, fmt.Errorf("negotiate: <%s> before binding a resource", req.XMLName.Local)
	}
	if st.user == nil {
		return nil, errors.New("negotiate: bind before authentication")
	}
	if req.Type != "set" || req.Bind == nil || !validResource(st.user.ID, st.svc.Domain(), req.Bind.Resource) {
		return bindError(req.ID, "modify", "bad-request"), nil
	}
	sess, err := st.svc.Open(st.user, req.Bind.Resource, st.transport, st.remote)
	if err != nil {
		// The service is stopping, which ends this stream anyway.
		return bindError(req.ID, "wait", "internal-server-error"), nil
	}
	st.Session = sess
	reply := iq(req.ID, "result")
	bind := reply.CreateElement("bind")
	bind.CreateAttr("xmlns", nsBind)
	bind.CreateElement("jid").SetText(sess.JID())
	return reply, nil
}

// validResource reports whether resource makes a valid full JID for the
// user: none (the service picks one) or at most 1023 bytes of allowed
// characters (RFC 7622 §3.4).
func validResource(user, domain, resource string) bool {
	if resource == "" {
		return true
	}
	_, err := jid.New(user, domain, resource)
	return err == nil
}

// bindError is the iq error refusing a bind request.
func bindError(id, kind, condition string) *etree.Element {
	reply := iq(id, "error")
	e := reply.CreateElement("error")
	e.CreateAttr("type", kind)
	e.CreateElement(condition).CreateAttr("xmlns", xmpp.NSStanzas)
	return reply
}

// iq starts an answer to a bind request, in jabber:client since a
// WebSocket message has no stream to inherit it from.
func iq(id, typ string) *etree.Element {
	el := etree.NewElement("iq")
	el.CreateAttr("xmlns", xmpp.NSClient)
	el.CreateAttr("type", typ)
	if id != "" {
		el.CreateAttr("id", id)
	}
	return el
}
