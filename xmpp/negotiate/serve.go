package negotiate

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"time"

	mxmpp "mellium.im/xmpp"

	"github.com/finessed/finessed/xmpp"
)

// Framing is how a transport writes to its connection after negotiation.
type Framing interface {
	// WriteBatch writes queued stanzas, in order.
	WriteBatch(b *xmpp.Batch) error
	// WriteEnd writes the stream error, if any, and the end of the stream.
	WriteEnd(err *xmpp.StreamError) error
	// Close closes the connection.
	Close() error
	// IsClose reports whether a top-level element is the transport's own
	// end-of-stream element (WebSocket's <close/>).
	IsClose(name xml.Name) bool
}

// Serve moves stanzas between a negotiated stream and its session until
// either side ends it. It owns one writer goroutine and returns when both
// directions are done. idle bounds the silence between client stanzas
// (desktops ping every 10 to 20 seconds).
func Serve(ctx context.Context, ms *mxmpp.Session, sess *xmpp.Session, f Framing, idle time.Duration) {
	if sess == nil {
		// Negotiation ended without binding a session (mellium finishes on
		// a bind stanza error): there is nothing to serve.
		f.WriteEnd(&xmpp.StreamError{Condition: "not-authorized", Text: "no session was bound"})
		f.Close()
		return
	}
	written := make(chan struct{})
	go func() {
		defer close(written)
		writeLoop(sess, f)
	}()
	err := readLoop(ctx, ms, sess, f, idle)
	sess.AwaitWritten()
	var streamErr *xmpp.StreamError
	switch {
	case errors.As(err, &streamErr):
		sess.Fail(streamErr)
	case errors.Is(err, io.EOF):
		sess.CloseFor("the client closed the connection")
	case err != nil:
		sess.CloseFor("connection lost: " + err.Error())
	default:
		sess.Close()
	}
	<-written
	f.Close()
}

// writeLoop writes the session's stanzas as they are queued, then its end,
// and closes the connection so that the reader stops too. It waits on the
// session alone, not on the server's context: at shutdown the service
// closes every session after queuing its last words, which must be written.
func writeLoop(sess *xmpp.Session, f Framing) {
	for {
		b, err := sess.Next(context.Background())
		if err != nil {
			f.WriteEnd(sess.CloseError())
			f.Close()
			return
		}
		if err := f.WriteBatch(b); err != nil {
			sess.Unwritten(b)
			sess.CloseFor("write failed: " + err.Error())
			f.Close()
			return
		}
		sess.Written(b)
	}
}

// readLoop hands each top-level element to the session. It returns nil
// when the client ends the stream, a *xmpp.StreamError when a stanza must
// end it, or the read error.
func readLoop(ctx context.Context, ms *mxmpp.Session, sess *xmpp.Session, f Framing, idle time.Duration) error {
	r := ms.TokenReader()
	defer r.Close()
	conn := ms.Conn()
	lc := findLimit(conn)
	if lc != nil {
		// Renewed on every read, whitespace included.
		lc.idle.Store(int64(idle))
		conn.SetReadDeadline(time.Now().Add(idle))
	}
	for {
		if lc == nil {
			conn.SetReadDeadline(time.Now().Add(idle))
		}
		tok, err := r.Token()
		if err != nil {
			return readError(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if f.IsClose(t.Name) {
				return nil
			}
			el, err := buildElement(t, r, xmpp.NSClient)
			if err != nil {
				return readError(err)
			}
			resetLimit(conn)
			if serr := sess.Handle(ctx, el); serr != nil {
				return serr
			}
		}
	}
}

// readError turns what went wrong reading into the stream error the client
// should see, where there is one.
func readError(err error) error {
	var syntax *xml.SyntaxError
	var netErr net.Error
	switch {
	case errors.Is(err, ErrStanzaTooLarge):
		return &xmpp.StreamError{Condition: "policy-violation", Text: "stanza larger than the limit"}
	case errors.As(err, &syntax):
		return &xmpp.StreamError{Condition: "not-well-formed", Text: syntax.Msg}
	case restrictedXML(err):
		return restrictedXMLError()
	case errors.As(err, &netErr) && netErr.Timeout():
		// Only the idle deadline times reads out (RFC 6120 §4.9.3.4).
		return &xmpp.StreamError{Condition: "connection-timeout", Text: "no traffic from the client within the idle timeout"}
	}
	return err
}
