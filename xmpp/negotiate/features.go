package negotiate

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/xmpp"
)

const (
	nsTLS  = "urn:ietf:params:xml:ns:xmpp-tls"
	nsSASL = "urn:ietf:params:xml:ns:xmpp-sasl"
)

// maxAuthAttempts bounds SASL attempts on one stream (RFC 6120 §6.4.5
// asks for between 2 and 5 retries).
const maxAuthAttempts = 5

// State is what negotiation learns about one connection: who authenticated
// and the session bound for them. One State per connection.
type State struct {
	svc       *xmpp.Service
	transport string
	user      *acd.User
	// Session is the bound session once negotiation completes.
	Session *xmpp.Session
}

// NewState starts the negotiation state of one connection.
func NewState(svc *xmpp.Service, transport string) *State {
	return &State{svc: svc, transport: transport}
}

// Features lists the stream features for one connection: STARTTLS when
// tlsConfig is not nil (offered, never required), then SASL PLAIN and
// resource binding.
func (st *State) Features(tlsConfig *tls.Config) []mxmpp.StreamFeature {
	var features []mxmpp.StreamFeature
	if tlsConfig != nil {
		features = append(features, startTLS(tlsConfig))
	}
	return append(features, st.saslPlain(), mxmpp.BindCustom(st.bind))
}

// startTLS offers TLS without requiring it, so that old clients that never
// upgrade (Smack 3, SleekXMPP, hand-rolled ones) still sign in.
func startTLS(cfg *tls.Config) mxmpp.StreamFeature {
	return mxmpp.StreamFeature{
		Name:       xml.Name{Space: nsTLS, Local: "starttls"},
		Prohibited: mxmpp.Secure | mxmpp.Authn,
		List: func(ctx context.Context, e xmlstream.TokenWriter, start xml.StartElement) (bool, error) {
			start.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: nsTLS}}
			start.Name = xml.Name{Local: "starttls"}
			if err := e.EncodeToken(start); err != nil {
				return false, err
			}
			return false, e.EncodeToken(start.End())
		},
		Negotiate: func(ctx context.Context, s *mxmpp.Session, _ interface{}) (mxmpp.SessionState, io.ReadWriter, error) {
			if err := skipElement(s); err != nil {
				return 0, nil, err
			}
			if err := writeRaw(s, "<proceed xmlns='"+nsTLS+"'/>"); err != nil {
				return 0, nil, err
			}
			conn := tls.Server(s.Conn(), cfg)
			if err := conn.HandshakeContext(ctx); err != nil {
				return 0, nil, fmt.Errorf("%w: %w", ErrTLS, err)
			}
			return mxmpp.Secure, conn, nil
		},
	}
}

// bind opens the xmpp.Session for the authenticated user, keeping the
// resource the client asked for.
func (st *State) bind(_ jid.JID, resource string) (jid.JID, error) {
	if st.user == nil {
		return jid.JID{}, errors.New("negotiate: bind before authentication")
	}
	sess, err := st.svc.Open(st.user, resource, st.transport)
	if err != nil {
		return jid.JID{}, err
	}
	st.Session = sess
	full, err := jid.Parse(sess.JID())
	if err != nil {
		sess.Close()
		return jid.JID{}, err
	}
	return full, nil
}
