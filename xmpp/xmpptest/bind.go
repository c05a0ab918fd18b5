package xmpptest

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"mellium.im/xmlstream"
	mxmpp "mellium.im/xmpp"
	"mellium.im/xmpp/jid"
)

const nsBind = "urn:ietf:params:xml:ns:xmpp-bind"

// bindResource is client resource binding that asks for resource.
// mellium's own (v0.22.0) sends an empty <resource/> whatever the
// session's address says, so a desktop could not come back under its
// full JID.
func bindResource(resource string) mxmpp.StreamFeature {
	return mxmpp.StreamFeature{
		Name:       xml.Name{Space: nsBind, Local: "bind"},
		Necessary:  mxmpp.Authn,
		Prohibited: mxmpp.Ready,
		Parse: func(ctx context.Context, d *xml.Decoder, start *xml.StartElement) (bool, any, error) {
			return true, nil, d.Skip()
		},
		Negotiate: func(ctx context.Context, s *mxmpp.Session, _ any) (mxmpp.SessionState, io.ReadWriter, error) {
			if err := sendBind(s, resource); err != nil {
				return 0, nil, err
			}
			bound, err := readBound(s)
			if err != nil {
				return 0, nil, err
			}
			s.UpdateAddr(bound)
			return mxmpp.Ready, nil, nil
		},
	}
}

func sendBind(s *mxmpp.Session, resource string) error {
	var text strings.Builder
	if err := xml.EscapeText(&text, []byte(resource)); err != nil {
		return err
	}
	req := fmt.Sprintf("<iq xmlns='jabber:client' type='set' id='bind-1'><bind xmlns='%s'><resource>%s</resource></bind></iq>", nsBind, text.String())
	w := s.TokenWriter()
	defer w.Close()
	if _, err := xmlstream.Copy(w, xml.NewDecoder(strings.NewReader(req))); err != nil {
		return fmt.Errorf("bind %q: %w", resource, err)
	}
	return w.Flush()
}

// readBound reads the answer to the bind request: the bound JID.
func readBound(s *mxmpp.Session) (jid.JID, error) {
	r := s.TokenReader()
	defer r.Close()
	d := xml.NewTokenDecoder(r)
	var resp struct {
		Type  string `xml:"type,attr"`
		JID   string `xml:"bind>jid"`
		Error *struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"error"`
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return jid.JID{}, fmt.Errorf("bind: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if err := d.DecodeElement(&resp, &start); err != nil {
				return jid.JID{}, fmt.Errorf("bind: %w", err)
			}
			break
		}
	}
	if resp.Type != "result" {
		return jid.JID{}, fmt.Errorf("bind refused: type %q", resp.Type)
	}
	return jid.Parse(resp.JID)
}
