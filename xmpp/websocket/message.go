package websocket

import (
	"bytes"
	"errors"
	"net"

	xwebsocket "golang.org/x/net/websocket"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/negotiate"
)

// messageConn reads a WebSocket connection a message at a time, so that
// each message can be read as the document it is (RFC 7395): some clients
// (gosrc.io/xmpp, which a Go Finesse library uses) leave jabber:client off
// their stanzas, which on TCP they would inherit from the stream header.
// A message whose root is a stanza without a namespace is given
// jabber:client before mellium or the stanza loop read it; any other
// namespace is left for them to refuse.
type messageConn struct {
	*xwebsocket.Conn
	pending []byte
}

func newMessageConn(ws *xwebsocket.Conn) *messageConn {
	// A message is read whole before it is parsed: bound it as a stanza is.
	ws.MaxPayloadBytes = negotiate.MaxStanza
	return &messageConn{Conn: ws}
}

// Read implements net.Conn.
func (c *messageConn) Read(p []byte) (int, error) {
	// An empty message is read past: returning nothing without an error
	// would make a buffered reader give up after a few of them.
	for len(c.pending) == 0 {
		var msg []byte
		err := xwebsocket.Message.Receive(c.Conn, &msg)
		if errors.Is(err, xwebsocket.ErrFrameTooLarge) {
			return 0, negotiate.ErrStanzaTooLarge
		}
		if err != nil {
			return 0, err
		}
		c.pending = withClientNamespace(msg)
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// NetConn is the WebSocket connection underneath.
func (c *messageConn) NetConn() net.Conn { return c.Conn }

// stanzaNames are the roots that may come without a namespace.
var stanzaNames = [][]byte{[]byte("iq"), []byte("message"), []byte("presence")}

// withClientNamespace returns msg with xmlns='jabber:client' added to its
// root's start tag when the root is a stanza that declares no default
// namespace.
func withClientNamespace(msg []byte) []byte {
	start := bytes.IndexByte(msg, '<')
	if start < 0 || len(bytes.TrimSpace(msg[:start])) > 0 {
		return msg
	}
	nameEnd := start + 1
	for nameEnd < len(msg) && !isTagBreak(msg[nameEnd]) {
		nameEnd++
	}
	name := msg[start+1 : nameEnd]
	isStanza := false
	for _, s := range stanzaNames {
		isStanza = isStanza || bytes.Equal(name, s)
	}
	if !isStanza || declaresNamespace(msg[nameEnd:]) {
		return msg
	}
	out := make([]byte, 0, len(msg)+len(xmpp.NSClient)+10)
	out = append(out, msg[:nameEnd]...)
	out = append(out, " xmlns='"+xmpp.NSClient+"'"...)
	return append(out, msg[nameEnd:]...)
}

func isTagBreak(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>'
}

// declaresNamespace reports whether the attributes of a start tag (from
// just after its name) include xmlns, looking only outside quoted values.
func declaresNamespace(attrs []byte) bool {
	var quote byte
	for i := 0; i < len(attrs); i++ {
		c := attrs[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return false
		case isTagBreak(c) && bytes.HasPrefix(attrs[i+1:], []byte("xmlns")):
			rest := bytes.TrimLeft(attrs[i+6:], " \t\r\n")
			if len(rest) > 0 && rest[0] == '=' {
				return true
			}
		}
	}
	return false
}
