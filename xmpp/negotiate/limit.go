package negotiate

import (
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/finessed/finessed/internal/netconn"
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
//
// Once Serve sets an idle timeout, every read renews the read deadline, so
// that any bytes from the client (a whitespace keep-alive, which the XML
// decoder does not return until the next element starts) count as traffic.
type LimitConn struct {
	net.Conn
	n    atomic.Int64
	idle atomic.Int64 // a time.Duration; 0 before Serve
}

// NetConn is the connection c wraps, for a caller that looks through the
// wrappers (as tls.Conn's NetConn lets it).
func (c *LimitConn) NetConn() net.Conn { return c.Conn }

// Read implements net.Conn.
func (c *LimitConn) Read(p []byte) (int, error) {
	if idle := time.Duration(c.idle.Load()); idle > 0 {
		c.Conn.SetReadDeadline(time.Now().Add(idle))
	}
	n, err := c.Conn.Read(p)
	if c.n.Add(int64(n)) > MaxStanza {
		return n, ErrStanzaTooLarge
	}
	return n, err
}

// WriteBuffers writes v to the connection underneath in one writev where
// it supports that (a TCP socket, or a wrapper of one that passes vectors
// on): net.Buffers only takes that path for the net package's own
// connection types, and a LimitConn would otherwise cost a write system
// call per buffer.
func (c *LimitConn) WriteBuffers(v *net.Buffers) (int64, error) {
	if bw, ok := c.Conn.(interface {
		WriteBuffers(*net.Buffers) (int64, error)
	}); ok {
		return bw.WriteBuffers(v)
	}
	return v.WriteTo(c.Conn)
}

// resetLimit starts counting again after a complete stanza. conn is the
// session's connection, which may be a TLS connection over a LimitConn.
func resetLimit(conn net.Conn) {
	if lc := findLimit(conn); lc != nil {
		lc.n.Store(0)
	}
}

// findLimit is the LimitConn under conn, or nil.
func findLimit(conn net.Conn) *LimitConn {
	lc, _ := netconn.Under[*LimitConn](conn)
	return lc
}
