package negotiate

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"

	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"
	mstream "mellium.im/xmpp/stream"

	"github.com/finessed/finessed/acd/directory"
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
	remote    string // the client's address, for the log
	user      *directory.User
	// Session is the bound session once negotiation completes.
	Session *xmpp.Session
}

// NewState starts the negotiation state of one connection, from a client
// at remote, over transport.
func NewState(svc *xmpp.Service, transport, remote string) *State {
	return &State{svc: svc, transport: transport, remote: remote}
}

// logContext is ctx carrying what the log says about this connection.
func (st *State) logContext(ctx context.Context) context.Context {
	return directory.WithLogAttrs(ctx, slog.String("transport", st.transport), slog.String("remote", st.remote))
}

// Features lists the stream features for one connection: STARTTLS when
// tlsConfig is not nil (offered, never required), then SASL PLAIN and
// resource binding.
func (st *State) Features(tlsConfig *tls.Config) []mxmpp.StreamFeature {
	var features []mxmpp.StreamFeature
	if tlsConfig != nil {
		features = append(features, startTLS(tlsConfig))
	}
	return append(features, st.saslPlain(), st.bindResource())
}

// startTLS offers TLS without requiring it, so that old clients that never
// upgrade (Smack 3, SleekXMPP, hand-rolled ones) still sign in.
func startTLS(cfg *tls.Config) mxmpp.StreamFeature {
	return mxmpp.StreamFeature{
		Name:       xml.Name{Space: nsTLS, Local: "starttls"},
		Prohibited: mxmpp.Secure | mxmpp.Authn,
		List:       listEmpty(xml.Name{Space: nsTLS, Local: "starttls"}, false),
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

// listEmpty lists a feature as an empty element declaring its namespace;
// required is whether the client must negotiate it.
func listEmpty(name xml.Name, required bool) func(context.Context, xmlstream.TokenWriter, xml.StartElement) (bool, error) {
	return func(ctx context.Context, e xmlstream.TokenWriter, start xml.StartElement) (bool, error) {
		start.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: name.Space}}
		start.Name = xml.Name{Local: name.Local}
		if err := e.EncodeToken(start); err != nil {
			return required, err
		}
		return required, e.EncodeToken(start.End())
	}
}

// Receive negotiates a client stream on conn as the service's domain.
// Naming the domain up front makes mellium answer from it even when the
// client's header has no to, and refuse a header addressed elsewhere,
// which hostChecked reports as host-unknown (RFC 6120 §4.9.3.6).
func (st *State) Receive(ctx context.Context, conn io.ReadWriter, negotiator mxmpp.Negotiator) (*mxmpp.Session, error) {
	domain, err := jid.Parse(st.svc.Domain())
	if err != nil {
		return nil, fmt.Errorf("negotiate: the service domain %q: %w", st.svc.Domain(), err)
	}
	return mxmpp.NewSession(ctx, domain, jid.JID{}, conn, mxmpp.Received, hostChecked(domain, negotiator))
}

// hostChecked turns mellium's refusal of a stream addressed to another
// domain, a plain error, into the stream error that names it.
func hostChecked(domain jid.JID, next mxmpp.Negotiator) mxmpp.Negotiator {
	return func(ctx context.Context, in, out *mstream.Info, s *mxmpp.Session, data interface{}) (mxmpp.SessionState, io.ReadWriter, interface{}, error) {
		mask, rw, cache, err := next(ctx, in, out, s, data)
		if err != nil && !in.To.Equal(domain) && !in.To.Equal(jid.JID{}) {
			err = fmt.Errorf("stream to %s: %w", in.To, mstream.HostUnknown)
		}
		return mask, rw, cache, err
	}
}
