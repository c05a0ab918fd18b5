package negotiate

import (
	"errors"
	"net"
	"sync/atomic"
)

// MaxStanza is the largest stanza a client may send (64 KiB); mellium's
// decoder has no limit of its own.
const MaxStanza = 64 << 10

// ErrStanzaTooLarge is the read error once a stanza passes MaxStanza.
var ErrStanzaTooLarge = errors.New("negotiate: stanza too large")

// LimitConn counts the bytes read since the last complete stanza and fails
// the read that passes MaxStanza. It approximates the stanza size to within
// the decoder's read-ahead, which is enough to stop a client from making
// the server buffer without bound.
type LimitConn struct {
	net.Conn
	n atomic.Int64
}

// Read implements net.Conn.
func (c *LimitConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if c.n.Add(int64(n)) > MaxStanza {
		return n, ErrStanzaTooLarge
	}
	return n, err
}

// resetLimit starts counting again after a complete stanza. conn is the
// session's connection, which may be a TLS connection over a LimitConn.
func resetLimit(conn net.Conn) {
	type netConner interface{ NetConn() net.Conn }
	for conn != nil {
		if lc, ok := conn.(*LimitConn); ok {
			lc.n.Store(0)
			return
		}
		nc, ok := conn.(netConner)
		if !ok {
			return
		}
		conn = nc.NetConn()
	}
}
