package negotiate

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"strings"

	mstream "mellium.im/xmpp/stream"

	"github.com/finessed/finessed/xmpp"
)

// ErrTLS wraps a failed STARTTLS handshake. RFC 6120 §5.4.3.2 has the
// server close the connection without a stream error then: the client
// expects TLS records, not XML.
var ErrTLS = errors.New("negotiate: TLS handshake failed")

// RefusalError is the stream error that ends a stream whose negotiation
// failed with err, or nil when there is no one to tell (the client went
// away) or nothing may be said (the TLS handshake failed). stopping
// reports that the server is shutting down, which is why negotiation was
// cut short.
func RefusalError(err error, stopping bool) *xmpp.StreamError {
	var (
		syntax  *xml.SyntaxError
		netErr  net.Error
		mellium mstream.Error
	)
	switch {
	case errors.Is(err, ErrTLS), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return nil
	case stopping:
		return &xmpp.StreamError{Condition: "system-shutdown", Text: "the server is shutting down"}
	case errors.Is(err, ErrStanzaTooLarge):
		return &xmpp.StreamError{Condition: "policy-violation", Text: "stanza larger than the limit"}
	case errors.Is(err, ErrTooManyAttempts):
		// RFC 6120 §6.4.5.
		return &xmpp.StreamError{Condition: "policy-violation", Text: "too many failed authentication attempts"}
	case errors.Is(err, ErrTooManyBinds):
		return &xmpp.StreamError{Condition: "policy-violation", Text: "too many refused bind requests"}
	case errors.As(err, &syntax):
		return &xmpp.StreamError{Condition: "not-well-formed", Text: syntax.Msg}
	case restrictedXML(err):
		return restrictedXMLError()
	case errors.As(err, &netErr) && netErr.Timeout():
		return &xmpp.StreamError{Condition: "connection-timeout", Text: "stream negotiation took too long"}
	case errors.As(err, &mellium) && mellium.Err != "" && mellium.Err != "policy-violation":
		// The stream header was wrong: invalid-namespace, unsupported-version,
		// bad-format and the like.
		return &xmpp.StreamError{Condition: mellium.Err}
	}
	// Mellium's policy-violation is an element that is not an offered
	// feature, such as a stanza before authentication, which RFC 6120
	// §4.9.3.17 calls not-authorized; so is anything else.
	return &xmpp.StreamError{Condition: "not-authorized", Text: "negotiation failed"}
}

// restrictedXMLError refuses a comment, a processing instruction or a
// DTD, which RFC 6120 §11.1 forbids on a stream.
func restrictedXMLError() *xmpp.StreamError {
	return &xmpp.StreamError{Condition: "restricted-xml", Text: "comments, processing instructions and DTDs are not allowed"}
}

// restrictedXML reports whether err is mellium's refusal of XML that RFC
// 6120 §11.1 restricts. mellium makes those errors with errors.New and
// fmt.Errorf, naming the token, so their text is all there is to go on;
// TestRestrictedXML pins it, so that an upgrade that rewords it fails
// there rather than quietly turning the condition back into a generic one.
func restrictedXML(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	if strings.Contains(msg, "disallowed XML ") {
		return true
	}
	for _, tok := range []string{"xml.Comment", "xml.ProcInst", "xml.Directive"} {
		if strings.Contains(msg, "of type "+tok) {
			return true
		}
	}
	return false
}

// StreamID is a random stream id, for a stream header the server writes
// itself.
func StreamID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
