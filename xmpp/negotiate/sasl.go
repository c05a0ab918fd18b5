package negotiate

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"

	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
)

// saslFailure is a SASL failure condition (RFC 6120 §6.5); "" is success.
type saslFailure string

// ErrTooManyAttempts ends a stream that failed SASL too often.
var ErrTooManyAttempts = errors.New("negotiate: too many failed authentication attempts")

// saslPlain offers PLAIN, on cleartext streams too (Finesse's 5222 and 7071
// are cleartext), and keeps the stream open after a failure so that a
// client trying DIGEST-MD5 first, or mistyping a password, can try again.
func (st *State) saslPlain() mxmpp.StreamFeature {
	return mxmpp.StreamFeature{
		Name:       xml.Name{Space: nsSASL, Local: "mechanisms"},
		Prohibited: mxmpp.Authn,
		List: func(ctx context.Context, e xmlstream.TokenWriter, start xml.StartElement) (bool, error) {
			start.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: nsSASL}}
			start.Name = xml.Name{Local: "mechanisms"}
			mech := xml.StartElement{Name: xml.Name{Local: "mechanism"}}
			for _, t := range []xml.Token{start, mech, xml.CharData("PLAIN"), mech.End(), start.End()} {
				if err := e.EncodeToken(t); err != nil {
					return true, err
				}
			}
			return true, nil
		},
		Negotiate: func(ctx context.Context, s *mxmpp.Session, _ interface{}) (mxmpp.SessionState, io.ReadWriter, error) {
			ctx = st.logContext(ctx)
			for range maxAuthAttempts {
				ok, err := st.authAttempt(ctx, s)
				if err != nil {
					return 0, nil, err
				}
				if ok {
					return mxmpp.Authn, s.Conn(), writeRaw(s, "<success xmlns='"+nsSASL+"'/>")
				}
			}
			return 0, nil, ErrTooManyAttempts
		},
	}
}

// saslElement is an <auth>, <response> or <abort> from the client.
type saslElement struct {
	XMLName   xml.Name
	Mechanism string `xml:"mechanism,attr"`
	Payload   string `xml:",chardata"`
}

// authAttempt reads one <auth> (and, for an empty initial response, one
// <response>) and answers failures itself.
func (st *State) authAttempt(ctx context.Context, s *mxmpp.Session) (bool, error) {
	var auth saslElement
	if err := readElement(s, &auth); err != nil {
		return false, err
	}
	switch {
	case auth.XMLName.Local == "abort":
		return false, fail(s, "aborted")
	case auth.XMLName.Local != "auth":
		return false, fail(s, "malformed-request")
	case auth.Mechanism != "PLAIN":
		return false, fail(s, "invalid-mechanism")
	}
	payload := auth.Payload
	if payload == "" {
		// No initial response: ask for it with an empty challenge.
		if err := writeRaw(s, "<challenge xmlns='"+nsSASL+"'/>"); err != nil {
			return false, err
		}
		var resp saslElement
		if err := readElement(s, &resp); err != nil {
			return false, err
		}
		if resp.XMLName.Local != "response" {
			return false, fail(s, "aborted")
		}
		payload = resp.Payload
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || payload == "=" {
		return false, fail(s, "incorrect-encoding")
	}
	user, failure := st.svc.AuthenticatePlain(ctx, data)
	if failure != "" {
		return false, fail(s, saslFailure(failure))
	}
	st.user = user
	return true, nil
}

func fail(s *mxmpp.Session, condition saslFailure) error {
	return writeRaw(s, "<failure xmlns='"+nsSASL+"'><"+string(condition)+"/></failure>")
}

// readElement decodes the next element of the stream into v.
func readElement(s *mxmpp.Session, v interface{}) error {
	r := s.TokenReader()
	defer r.Close()
	d := xml.NewTokenDecoder(r)
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if start, ok := tok.(xml.StartElement); ok {
			return d.DecodeElement(v, &start)
		}
	}
}

// skipElement reads and discards the next element (the feature's request).
func skipElement(s *mxmpp.Session) error {
	var discard struct{}
	return readElement(s, &discard)
}

// writeRaw writes pre-rendered XML under mellium's output lock.
func writeRaw(s *mxmpp.Session, raw string) error {
	w := s.TokenWriter()
	defer w.Close()
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(s.Conn(), raw)
	return err
}
